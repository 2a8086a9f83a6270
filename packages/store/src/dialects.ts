/**
 * The two Kysely dialects the store runs on (design §6): SQLite through better-sqlite3 for the
 * one-machine default, PostgreSQL through a pg pool once several server nodes share the state.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { StatementCachingSqliteConnection } from './sqlite-statement-cache.js';

/** How long a SQLite writer waits for another process's write lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Kysely's SQLite driver already runs one transaction at a time in this process (a mutex on its
 * single connection). Beginning with IMMEDIATE also takes SQLite's write lock at BEGIN, so a
 * second process on the same file (the CLI beside the server) waits at BEGIN for busy_timeout
 * instead of failing halfway with SQLITE_BUSY when a read transaction tries to become a write.
 * The connection handed out keeps its prepared statements (`sqlite-statement-cache.ts`).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #connection: StatementCachingSqliteConnection;
  constructor(config: SqliteDialectConfig & { database: BetterSqlite3.Database }) {
    super(config);
    this.#connection = new StatementCachingSqliteConnection(config.database);
  }
  override async acquireConnection(): Promise<DatabaseConnection> {
    await super.acquireConnection(); // the driver's mutex: one user of the connection at a time
    return this.#connection;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig & { database: BetterSqlite3.Database };
  constructor(config: SqliteDialectConfig & { database: BetterSqlite3.Database }) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** SQLite at `${dataDir}/yizheng.db` (the directory is created), or in memory for `':memory:'`. */
export function sqliteDialect(dataDir: string): Dialect {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'yizheng.db');
  }
  const database = new BetterSqlite3(file);
  // WAL: readers do not block the writer and a crash leaves committed transactions intact.
  // synchronous stays FULL (the default): an issued certificate must survive a power cut too.
  if (file !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return new ImmediateSqliteDialect({ database });
}

/** How long acquiring a PostgreSQL connection (connecting, or waiting for a free one) may take. */
const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/** A PostgreSQL schema name we can put in a connection option unquoted. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * A pg pool for `databaseUrl`; with `schema`, every connection uses it alone as search_path
 * (tests and several deployments can share one database that way).
 */
export function postgresDialect(databaseUrl: string, schema?: string): Dialect {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(
      `schema must be a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`,
    );
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    // how our sessions show in pg_stat_activity (a URL's ?application_name= takes precedence)
    fallback_application_name: 'yizheng',
    // a database that does not answer fails the request after this long instead of hanging it
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // bigint (audit seq, count(*)) as a number instead of pg's default string: the values stay
    // far below 2^53. Set per pool, not on pg's global registry that other code shares.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the database drops (a restart, pg_terminate_backend, a network cut) is an 'error'
  // event on the pool when the connection was idle, and on the client when it was checked out
  // between two statements. Unheard, Node makes it an uncaught exception and the whole service
  // dies. Nothing else is to be done here: the pool discards the connection, the statement that
  // was running fails with the error (the caller sees it), and the next one connects anew.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new PostgresDialect({ pool });
}
