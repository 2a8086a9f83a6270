/**
 * The store through a database outage (R6 7×24; issue 5 "the database briefly unavailable"):
 * PostgreSQL sessions terminated under an open store — idle ones, and one held by a transaction
 * between two statements — must not crash the process (pg reports them as 'error' events), the
 * failing statement fails, and the next one works on a new connection. `isDatabaseUnavailable`
 * tells such failures — a refused connection, 57P01, a busy SQLite file — from a wrong statement.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '@yizheng/core';
import { isDatabaseUnavailable, openStore } from '../src/index.js';
import { TEST_DATABASE_URL } from '../../../tools/test-support/stores.js';

const run = randomBytes(6).toString('hex');
const schema = `yz_outage_${run}`;
const applicationName = `yizheng-store-outage-${run}`;
const opened: Store[] = [];

async function admin(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

const terminateOurs = () =>
  admin('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
    applicationName,
  ]);

/** What `work` throws. */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

afterAll(async () => {
  for (const store of opened) await store.close();
  await admin(`drop schema if exists ${schema} cascade`);
});

describe('R6 PostgreSQL sessions terminated under an open store', () => {
  it('ok/idle sessions terminated: no crash, the next read connects anew', async () => {
    const store = await openStore({
      databaseUrl: `${TEST_DATABASE_URL}?application_name=${applicationName}`,
      schema,
    });
    opened.push(store);
    await Promise.all([store.read.listCas(), store.read.listCas(), store.read.listCas()]);
    expect((await terminateOurs()).rowCount).toBeGreaterThan(0);
    await sleep(300); // the pool hears of it as an 'error' event on its idle connections
    expect(await store.read.listCas()).toEqual([]);
  });

  it('error/a session terminated inside a transaction: that transaction fails as unavailable, the next works', async () => {
    const store = opened[0]!;
    const error = await failure(() =>
      store.transaction(async (tx) => {
        await tx.getLegalPerson('91330106MA2B3C4D5D');
        await terminateOurs();
        await sleep(300); // the connection is dropped while this transaction holds it, between statements
        await tx.getLegalPerson('91330106MA2B3C4D5D');
      }),
    );
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await store.read.getLegalPerson('91330106MA2B3C4D5D')).toBeUndefined();
  });
});

describe('isDatabaseUnavailable', () => {
  it('ok/a refused connection, an administrator shutdown (57P01) and a busy SQLite file are unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await failure(() =>
      openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/test` }),
    );
    expect(isDatabaseUnavailable(refused)).toBe(true);

    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    client.on('error', () => undefined);
    const shutdown = await failure(() => client.query('select pg_terminate_backend(pg_backend_pid())'));
    expect((shutdown as { code?: string }).code).toBe('57P01');
    expect(isDatabaseUnavailable(shutdown)).toBe(true);
    await client.end().catch(() => undefined);

    const dir = mkdtempSync(join(tmpdir(), 'yz-busy-'));
    try {
      const holder = new BetterSqlite3(join(dir, 'busy.db'));
      holder.exec('create table t (x integer); begin immediate; insert into t values (1)');
      const other = new BetterSqlite3(join(dir, 'busy.db'), { timeout: 0 });
      const busy = await failure(async () => other.exec('begin immediate'));
      expect(isDatabaseUnavailable(busy)).toBe(true);
      other.close();
      holder.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('error/a wrong statement, a failing one or a plain error is not unavailable', async () => {
    const syntax = await failure(() => admin('selec 1'));
    expect((syntax as { code?: string }).code).toBe('42601');
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    const division = await failure(() => admin('select 1 / 0'));
    expect((division as { code?: string }).code).toBe('22012');
    expect(isDatabaseUnavailable(division)).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(
      isDatabaseUnavailable(
        new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      ),
    ).toBe(true);
  });
});
