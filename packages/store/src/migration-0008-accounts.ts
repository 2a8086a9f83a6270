/**
 * Migration `0008_accounts` (issue 5 "Authentication"): branches (网点), operators (操作员) with
 * their password hash, work-badge key hash and lockout counters, API clients of application
 * departments (secret hash only), sessions (token hash only) and single-use login challenges.
 * A work badge belongs to one operator (unique; NULLs are distinct on both databases). Sessions
 * and challenges are found by key and swept by expiry, so both have an expiry index.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';

export function migration0008Accounts(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  const table = (db: Kysely<unknown>, name: string) => createTable(dialect, db, name);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await table(db, 'branches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('region_code', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('active', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await table(db, 'operators')
        .addColumn('login', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('branch_id', 'text')
        .addColumn('roles', t.json, (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('badge_key_hash', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().check(sql`failed_logins >= 0`))
        .addColumn('locked_until', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('operators_branch').on('operators').column('branch_id').execute();

      await table(db, 'api_clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('department', 'text', (c) => c.notNull())
        .addColumn('scopes', t.json, (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'revoked')`))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await table(db, 'sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('operator', 'legal-person')`))
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('roles', t.json, (c) => c.notNull())
        .addColumn('branch_id', 'text')
        .addColumn('uscc', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_subject').on('sessions').columns(['kind', 'subject']).execute();
      await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();

      await table(db, 'login_challenges')
        .addColumn('nonce', 'text', (c) => c.primaryKey())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_challenges_expiry')
        .on('login_challenges')
        .column('expires_at')
        .execute();
    },
  };
}
