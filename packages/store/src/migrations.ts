/**
 * Schema migrations (issue 4 "Storage"), provided in code — a `Record<string, Migration>` rather
 * than a folder Kysely scans — so they run the same from `src/` (tests) and `dist/` (installed).
 * Names sort in the order they run; a released migration is never edited, only followed.
 *
 * One migration body serves both databases: the few types that differ are looked up in
 * `COLUMN_TYPES` by dialect (see `schema.ts` for what each one reads back as).
 *
 * Sizing (R1: a million legal persons a year, each with a dual pair): every lookup the port
 * offers has an index. Certificates are deleted only by the retention purge (R7: kept at least
 * five years after expiry or revocation); audit entries never are (R3).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';
import { migration0003Service } from './migration-0003-service.js';
import { migration0007StatusPublication } from './migration-0007-status-publication.js';
import { migration0008Accounts } from './migration-0008-accounts.js';
import { migration0009ScaleIndexes } from './migration-0009-scale-indexes.js';
import { migration0011Directory } from './migration-0011-directory.js';
import { migration0012CrlPartitions } from './migration-0012-crl-partitions.js';
import { migration0013Portal } from './migration-0013-portal.js';
import { migration0014Materials } from './migration-0014-materials.js';
import { migration0015BackOffice } from './migration-0015-back-office.js';
import { migration0016RevocationAttribution } from './migration-0016-revocation-attribution.js';
import type { Database } from './schema.js';

export type { StoreDialect };

/** The first entry's prevHash: 64 zero hex digits (R3). */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The migrations for one dialect, by name. */
export function coreMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_core': migration0001Core(dialect),
    '0002_kmc_recovery': migration0002KmcRecovery(dialect),
    '0003_service': migration0003Service(dialect),
    '0004_registry_review': migration0004RegistryReview(),
    '0007_status_publication': migration0007StatusPublication(dialect),
    '0008_accounts': migration0008Accounts(dialect),
    '0009_scale_indexes': migration0009ScaleIndexes(),
    '0011_directory': migration0011Directory(dialect),
    '0012_crl_partitions': migration0012CrlPartitions(),
    '0013_portal': migration0013Portal(dialect),
    '0014_materials': migration0014Materials(dialect),
    '0015_back_office': migration0015BackOffice(),
    '0016_revocation_attribution': migration0016RevocationAttribution(),
  };
}

/** Runs every pending migration; throws the migrator's error (the failed one is rolled back). */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StoreDialect,
  schema?: string,
): Promise<MigrationResultSet> {
  const migrations = coreMigrations(dialect);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // On PostgreSQL the migrator looks its tables up across all schemas unless told which one,
    // and would take another schema's bookkeeping for ours (tests run one schema each).
    ...(dialect === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) throw result.error;
  return result;
}

function migration0001Core(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  const table = (db: Kysely<unknown>, name: string) => createTable(dialect, db, name);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await table(db, 'cas')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('key_ref', 'text', (c) => c.notNull())
        .addColumn('certificate_der', t.bytes)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await table(db, 'ca_chain')
        .addColumn('ca_id', 'text', (c) => c.notNull().references('cas.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('der', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('ca_chain_pkey', ['ca_id', 'position'])
        .execute();

      await table(db, 'profiles')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('definition', t.json, (c) => c.notNull())
        .addColumn('active', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('profiles_pkey', ['id', 'version'])
        .execute();
      // At most one active version per profile, whatever the caller does (R9).
      await db.schema
        .createIndex('profiles_one_active')
        .on('profiles')
        .column('id')
        .unique()
        .where(sql<boolean>`active`)
        .execute();

      await table(db, 'vault_keys')
        .addColumn('ref', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('public_key', t.bytes, (c) => c.notNull())
        .addColumn('sealed', t.bytes, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await table(db, 'legal_persons')
        .addColumn('uscc', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('legal_representative', 'text', (c) => c.notNull())
        .addColumn('registry_status', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await table(db, 'applications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('business_type', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('data', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('applications_uscc').on('applications').column('uscc').execute();

      await table(db, 'certificates')
        .addColumn('ca_id', 'text', (c) => c.notNull())
        // Byte order ("C") so that ORDER BY length(serial), serial is numeric order on any locale.
        .addColumn('serial', 'text', (c) =>
          dialect === 'postgres' ? c.notNull().modifyEnd(sql`collate "C"`) : c.notNull(),
        )
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('pair_id', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('not_before', t.time, (c) => c.notNull())
        .addColumn('not_after', t.time, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('revocation_reason', 'text')
        .addColumn('predecessor_pair_id', 'text')
        // One key is certified once (YZ_ERR_KEY_ALREADY_CERTIFIED), enforced here against races.
        .addColumn('public_key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('application_id', 'text')
        .addColumn('escrow_id', 'text')
        .addColumn('der', t.bytes, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('certificates_pkey', ['ca_id', 'serial'])
        .addCheckConstraint('certificates_status', sql`status in ('valid', 'revoked', 'suspended')`)
        .execute();
      await db.schema.createIndex('certificates_serial').on('certificates').column('serial').execute();
      await db.schema.createIndex('certificates_uscc').on('certificates').column('uscc').execute();
      await db.schema.createIndex('certificates_pair').on('certificates').column('pair_id').execute();
      await db.schema
        .createIndex('certificates_status')
        .on('certificates')
        .columns(['status', 'ca_id'])
        .execute();
      await db.schema.createIndex('certificates_not_after').on('certificates').column('not_after').execute();

      await table(db, 'escrowed_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('public_key', t.bytes, (c) => c.notNull())
        .addColumn('sealed', t.bytes, (c) => c.notNull())
        .addColumn('uscc', 'text')
        .addColumn('ca_id', 'text')
        .addColumn('certificate_serial', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('assigned_at', t.time)
        .addCheckConstraint('escrowed_keys_state', sql`state in ('pool', 'assigned')`)
        .execute();
      // The pool is taken oldest first (R12): this index is that queue.
      await db.schema
        .createIndex('escrowed_keys_pool')
        .on('escrowed_keys')
        .columns(['state', 'created_at'])
        .execute();
      await db.schema.createIndex('escrowed_keys_uscc').on('escrowed_keys').column('uscc').execute();

      await table(db, 'audit_entries')
        .addColumn('seq', t.bigint, (c) => c.primaryKey())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', t.json, (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await table(db, 'audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', t.bigint, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addCheckConstraint('audit_head_single_row', sql`id = 1`)
        .execute();
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${AUDIT_GENESIS_HASH})`.execute(db);
      await table(db, 'audit_checkpoints')
        .addColumn('seq', t.bigint, (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('signature', t.bytes, (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();

      await table(db, 'outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('done_at', t.time)
        .execute();
      // Workers read only the pending jobs; a partial index keeps that cheap as done jobs pile up.
      await db.schema
        .createIndex('outbox_pending')
        .on('outbox')
        .column('created_at')
        .where(sql<boolean>`done_at is null`)
        .execute();
    },
  };
}

/** Key recovery requests of the KMC (R12 dual control). */
function migration0002KmcRecovery(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createTable(dialect, db, 'kmc_recovery')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('escrow_id', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', t.time, (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('pending', 'approved', 'completed', 'rejected')`),
        )
        .addColumn('approvals', t.json, (c) => c.notNull())
        .addColumn('completed_at', t.time)
        .execute();
      await db.schema.createIndex('kmc_recovery_escrow').on('kmc_recovery').column('escrow_id').execute();
    },
  };
}

/**
 * The manual review queue (R26) lists applications by state, oldest first: an index, so the queue
 * stays one index range among millions of completed applications (R1).
 */
function migration0004RegistryReview(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('applications_state')
        .on('applications')
        .columns(['state', 'created_at'])
        .execute();
    },
  };
}
