/**
 * The SQLite connection that keeps prepared statements (issue 4 "Speed and scale"): a kept
 * statement gives the same results as a fresh one, more distinct SQL texts than the cache holds
 * still run (the oldest is dropped and prepared again when it returns), a statement kept across a
 * schema change sees the new schema, and streaming works beside cached statements.
 */
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SelectQueryNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StatementCachingSqliteConnection } from '../src/sqlite-statement-cache.js';

describe('StatementCachingSqliteConnection', () => {
  let database: BetterSqlite3.Database;
  let connection: StatementCachingSqliteConnection;
  const run = async (text: string, parameters: unknown[] = []) =>
    connection.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, parameters));

  beforeEach(async () => {
    database = new BetterSqlite3(':memory:');
    connection = new StatementCachingSqliteConnection(database);
    await run('create table legal_persons (uscc text primary key, name text not null)');
  });
  afterEach(() => database.close());

  it('ok/a kept statement runs again with new parameters; writes report their row counts', async () => {
    const insert = 'insert into legal_persons (uscc, name) values (?, ?)';
    expect((await run(insert, ['91330106MA2B3C4D5D', '杭州某某科技有限公司'])).numAffectedRows).toBe(1n);
    expect((await run(insert, ['91330201MA2C3D4E55', '宁波某某贸易有限公司'])).numAffectedRows).toBe(1n);
    const select = 'select name from legal_persons where uscc = ?';
    expect((await run(select, ['91330201MA2C3D4E55'])).rows).toEqual([{ name: '宁波某某贸易有限公司' }]);
    expect((await run(select, ['91330106MA2B3C4D5D'])).rows).toEqual([{ name: '杭州某某科技有限公司' }]);
    expect((await run('update legal_persons set name = name')).numAffectedRows).toBe(2n);
  });

  it('ok/more distinct texts than the cache holds: every one still answers, the evicted ones too', async () => {
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 300; i++)
        expect((await run(`select ? + ${i} as n`, [1])).rows).toEqual([{ n: i + 1 }]);
  });

  it('ok/a kept statement sees a schema change (SQLite prepares it again)', async () => {
    await run("insert into legal_persons values ('91330106MA2B3C4D5D', '杭州某某科技有限公司')");
    const all = 'select * from legal_persons';
    expect((await run(all)).rows).toEqual([{ uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司' }]);
    await run("alter table legal_persons add column registry_status text not null default 'unknown'");
    expect((await run(all)).rows).toEqual([
      { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', registry_status: 'unknown' },
    ]);
  });

  it('ok/streams a select while other statements run; refuses to stream a write', async () => {
    for (const [uscc, name] of [
      ['91330106MA2B3C4D5D', '杭州某某科技有限公司'],
      ['91330201MA2C3D4E55', '宁波某某贸易有限公司'],
    ])
      await run('insert into legal_persons values (?, ?)', [uscc, name]);
    const select = 'select uscc from legal_persons order by uscc';
    const query = { ...CompiledQuery.raw(select), query: SelectQueryNode.create() };
    const streamed: unknown[] = [];
    for await (const chunk of connection.streamQuery<{ uscc: string }>(query)) {
      streamed.push(...chunk.rows);
      expect((await run(select)).rows).toHaveLength(2); // the cached statement is free to run meanwhile
    }
    expect(streamed).toEqual([{ uscc: '91330106MA2B3C4D5D' }, { uscc: '91330201MA2C3D4E55' }]);
    const write = CompiledQuery.raw("delete from legal_persons where uscc = ''");
    await expect(connection.streamQuery(write).next()).rejects.toThrow(/select queries only/);
  });
});
