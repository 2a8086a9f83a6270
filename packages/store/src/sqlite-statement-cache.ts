/**
 * A better-sqlite3 connection for Kysely that keeps its prepared statements (issue 4 "Speed and
 * scale"). Kysely's own SQLite connection prepares every query afresh; the store runs the same
 * few dozen SQL texts over and over (a dual issuance is about twenty statements), and preparing
 * them took more time than running them. Statements are kept by SQL text, least recently used
 * dropped beyond `STATEMENT_CACHE_SIZE`, so a text that varies (an `in (…)` list of any length)
 * cannot grow the cache without bound. SQLite re-prepares a kept statement by itself when a
 * migration changes the schema under it.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { SelectQueryNode, type CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';

/** Distinct SQL texts kept prepared (the port's operations use well under a hundred). */
const STATEMENT_CACHE_SIZE = 256;

export class StatementCachingSqliteConnection implements DatabaseConnection {
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly database: BetterSqlite3.Database) {}

  #prepare(text: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(text);
    if (statement) {
      // re-inserted so the Map's order stays least recently used first
      this.#statements.delete(text);
    } else {
      statement = this.database.prepare(text);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE)
        this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(text, statement);
    return statement;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query))
      throw new Error('the SQLite connection streams select queries only');
    // a statement that is iterating cannot run anything else: stream from one of its own
    const statement = this.database.prepare(compiledQuery.sql);
    for (const row of statement.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}
