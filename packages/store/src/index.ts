/**
 * @yizheng/store — the core's `Store` port on Kysely (issue 4 "Storage"): SQLite through
 * better-sqlite3 as the embedded default, PostgreSQL through pg beyond one machine (design §6).
 * One contract test suite (`test/store-contract.test.ts`) holds both databases to the port.
 */
export { openStore, type OpenStoreOptions } from './open-store.js';
export { AUDIT_GENESIS_HASH, coreMigrations, migrateToLatest, type StoreDialect } from './migrations.js';
export type { Database } from './schema.js';
export { isDatabaseUnavailable } from './unavailable.js';
