/**
 * Migration `0007_status_publication`: the CRLs issued per CA (R5), full and delta in one number
 * sequence (RFC 5280 §5.2.3). The key is the number; a second index finds the latest CRL of a
 * kind, which the CRL endpoints and the scheduler ask for all the time. OCSP needs no table: it
 * answers from `certificates` and follows changes on the audit trail.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';

export function migration0007StatusPublication(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createTable(dialect, db, 'crl_issues')
        .addColumn('ca_id', 'text', (c) => c.notNull())
        .addColumn('number', t.bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('full', 'delta')`))
        .addColumn('base_number', t.bigint)
        .addColumn('this_update', t.time, (c) => c.notNull())
        .addColumn('next_update', t.time, (c) => c.notNull())
        .addColumn('entries', 'integer', (c) => c.notNull())
        .addColumn('der', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('crl_issues_pkey', ['ca_id', 'number'])
        .addCheckConstraint(
          'crl_issues_base',
          sql`(kind = 'full' and base_number is null) or (kind = 'delta' and base_number < number)`,
        )
        .execute();
      await db.schema
        .createIndex('crl_issues_latest')
        .on('crl_issues')
        .columns(['ca_id', 'kind', 'number'])
        .execute();
    },
  };
}
