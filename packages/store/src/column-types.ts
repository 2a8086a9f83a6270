import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * Column types per dialect (issue 4 "Storage"): parameters as data, so one migration body serves
 * SQLite and PostgreSQL. `schema.ts` says what each one reads back as.
 */

/** The two databases the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

export const COLUMN_TYPES = {
  sqlite: { bigint: 'integer', bytes: 'blob', time: 'integer', bool: 'integer', json: 'text' },
  postgres: { bigint: 'bigint', bytes: 'bytea', time: 'timestamptz', bool: 'boolean', json: 'jsonb' },
} as const;

/** `create table`, STRICT on SQLite so it refuses a value of the wrong type instead of storing it. */
export function createTable(
  dialect: StoreDialect,
  db: Kysely<unknown>,
  name: string,
): CreateTableBuilder<string, never> {
  const builder = db.schema.createTable(name);
  return dialect === 'sqlite' ? builder.modifyEnd(sql`strict`) : builder;
}
