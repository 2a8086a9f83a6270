/**
 * Migration `0014_materials` on a database that already holds media (SQLite rebuilds the table,
 * PostgreSQL swaps the state check): every row keeps its fields, sealed SO PIN included, gains a
 * null branch and batch, and the wider states (`transit`, `returned`) are accepted while an unknown
 * state is still refused by the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '@yizheng/gm';
import { openStore } from '../src/index.js';
import { postgresDialect, sqliteDialect } from '../src/dialects.js';
import { coreMigrations, type StoreDialect } from '../src/migrations.js';
import { TEST_DATABASE_URL } from '../../../tools/test-support/stores.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A database migrated up to (not including) 0014, and how to open it as a store afterwards. */
async function before0014(dialect: StoreDialect) {
  const dir = mkdtempSync(join(tmpdir(), 'yz-0014-'));
  const schema = `yz_test_${toHex(randomBytes(6))}`;
  const db = new Kysely<unknown>({
    dialect: dialect === 'sqlite' ? sqliteDialect(dir) : postgresDialect(TEST_DATABASE_URL, schema),
  });
  if (dialect === 'postgres') await sql`create schema ${sql.id(schema)}`.execute(db);
  const earlier = Object.fromEntries(
    Object.entries(coreMigrations(dialect)).filter(([name]) => name < '0014'),
  );
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => earlier },
    ...(dialect === 'postgres' ? { migrationTableSchema: schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  expect(result.error).toBeUndefined();
  cleanups.push(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const pg = new Kysely<unknown>({ dialect: postgresDialect(TEST_DATABASE_URL) });
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(pg);
      await pg.destroy();
    }
  });
  const open = () =>
    dialect === 'sqlite'
      ? openStore({ dataDir: dir })
      : openStore({ databaseUrl: TEST_DATABASE_URL, schema });
  return { db, open };
}

describe.each(['sqlite', 'postgres'] as const)('migration 0014_materials on %s', (dialect) => {
  it('ok/existing media keep every field and gain branch and batch; new states allowed', async () => {
    const { db, open } = await before0014(dialect);
    const time = dialect === 'sqlite' ? 1_772_323_200_000 : new Date(1_772_323_200_000);
    const sealed = new Uint8Array([1, 2, 3, 250]);
    await sql`insert into media (serial, model, scheme, state, uscc, pair_id, so_pin_sealed, created_at, updated_at)
      values ('OLD-0001', 'FT-ePass3000GM', 'skf-sha1-sm4', 'stock', null, null, null, ${time}, ${time}),
             ('OLD-0002', 'FT-ePass3000GM', 'skf-sha1-sm4', 'issued', '91330106MA2B3C4D5D', 'pair-1', ${sealed}, ${time}, ${time})`.execute(
      db,
    );
    await db.destroy();
    const store = await open();
    try {
      expect(await store.read.getMedium('OLD-0001')).toMatchObject({
        state: 'stock',
        branchId: null,
        batch: null,
      });
      const issued = await store.read.getMedium('OLD-0002');
      expect(issued).toMatchObject({
        state: 'issued',
        uscc: '91330106MA2B3C4D5D',
        pairId: 'pair-1',
        branchId: null,
      });
      expect([...issued!.soPinSealed!]).toEqual([...sealed]);
      expect(issued!.createdAt.getTime()).toBe(1_772_323_200_000);
      await store.read.updateMedium('OLD-0001', { state: 'transit', branchId: 'hz-01' });
      expect(await store.read.getMedium('OLD-0001')).toMatchObject({ state: 'transit', branchId: 'hz-01' });
      await expect(store.read.updateMedium('OLD-0001', { state: 'melted' as never })).rejects.toThrow();
      expect(
        (await store.read.queryMedia({ uscc: '91330106MA2B3C4D5D', limit: 5 })).map((m) => m.serial),
      ).toEqual(['OLD-0002']);
    } finally {
      await store.close();
    }
  });
});
