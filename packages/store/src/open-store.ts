/**
 * `openStore`: the store the composition root wires into the core (issue 4 "Storage", design §6).
 * A PostgreSQL URL selects PostgreSQL; otherwise the embedded SQLite file in the data directory.
 * Migrations run on open, so a store that opens is a store at the latest schema.
 */
import type { Store } from '@yizheng/core';
import { Kysely, sql } from 'kysely';
import { isPostgresUrl, postgresDialect, sqliteDialect } from './dialects.js';
import { KyselyStore } from './kysely-store.js';
import { POSTGRES_CODEC, SQLITE_CODEC, type Codec } from './mapping.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

/** Where the store lives. */
export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…`; without it the store is SQLite in `dataDir`. */
  readonly databaseUrl?: string;
  /** SQLite: the directory of `yizheng.db` (created if missing), or `':memory:'`. */
  readonly dataDir?: string;
  /** PostgreSQL only: a schema to create and use alone (search_path), e.g. one per test run. */
  readonly schema?: string;
}

/**
 * Opens (and migrates) the store.
 * @example const store = await openStore({ dataDir: './data' });
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, dataDir, schema } = options;
  if (databaseUrl !== undefined) {
    if (!isPostgresUrl(databaseUrl)) {
      throw new RangeError(
        `databaseUrl must be a postgres:// or postgresql:// URL (for SQLite give dataDir)`,
      );
    }
    const db = new Kysely<Database>({ dialect: postgresDialect(databaseUrl, schema) });
    return migrated(db, POSTGRES_CODEC, async () => {
      if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      await migrateToLatest(db, 'postgres', schema);
    });
  }
  if (dataDir === undefined)
    throw new TypeError('openStore needs databaseUrl (PostgreSQL) or dataDir (SQLite)');
  const db = new Kysely<Database>({ dialect: sqliteDialect(dataDir) });
  return migrated(db, SQLITE_CODEC, () => migrateToLatest(db, 'sqlite'));
}

/** Runs `migrate`, then hands out the store; on failure closes the connection(s) and rethrows. */
async function migrated(db: Kysely<Database>, codec: Codec, migrate: () => Promise<unknown>): Promise<Store> {
  try {
    await migrate();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, codec);
}
