/**
 * The stores the core's tests run on (issue 4: "on SQLite and on PostgreSQL"): a fresh SQLite
 * database in a temporary directory, and a fresh schema in the machine's PostgreSQL (127.0.0.1,
 * trust auth, database `test`; `YIZHENG_TEST_DATABASE_URL` overrides). PostgreSQL being down is a
 * test failure, never a skip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, toHex } from '@yizheng/gm';
import type { Store } from '@yizheng/core';
import { openStore } from '@yizheng/store';

export const TEST_DATABASE_URL =
  process.env.YIZHENG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store under test and how to dispose of it. */
export interface TestStore {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
  /** SQLite: the data directory; PostgreSQL: the schema. */
  readonly where: string;
}

/** The two kinds, for `describe.each`. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** Opens a fresh, empty store of `kind`. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'yz-store-'));
    const store = await openStore({ dataDir: dir });
    return {
      store,
      where: dir,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `yz_test_${toHex(randomBytes(6))}`;
  let store: Store;
  try {
    store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema });
  } catch (error) {
    throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is needed by these tests: ${String(error)}`);
  }
  return {
    store,
    where: schema,
    dispose: async () => {
      await store.close();
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
