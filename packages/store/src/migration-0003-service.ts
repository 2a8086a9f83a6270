/**
 * Migration `0003_service`: media (介质) with their sealed SO PIN, answered unlock challenges
 * (R22: the unique (medium, challenge) key is what makes a response single use), published fee
 * schedules and charges (R17), and settings (operator-set policy such as the service period, R24).
 * Retention (R7) needs no table: it scans the index on certificate end times of `0001_core`.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';

export function migration0003Service(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  const table = (db: Kysely<unknown>, name: string) => createTable(dialect, db, name);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await table(db, 'media')
        .addColumn('serial', 'text', (c) => c.primaryKey())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('scheme', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) =>
          c.notNull().check(sql`state in ('stock', 'issued', 'lost', 'retired')`),
        )
        .addColumn('uscc', 'text')
        .addColumn('pair_id', 'text')
        .addColumn('so_pin_sealed', t.bytes)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_uscc').on('media').column('uscc').execute();

      await table(db, 'medium_unlocks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('medium_serial', 'text', (c) => c.notNull())
        .addColumn('challenge', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('pair_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('evidence', t.json, (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('medium_unlocks_challenge', ['medium_serial', 'challenge'])
        .execute();
      await db.schema
        .createIndex('medium_unlocks_recent')
        .on('medium_unlocks')
        .columns(['medium_serial', 'created_at'])
        .execute();

      await table(db, 'fee_schedules')
        .addColumn('version', t.bigint, (c) => c.primaryKey())
        .addColumn('items', t.json, (c) => c.notNull())
        .addColumn('published_at', t.time, (c) => c.notNull())
        .addColumn('published_by', 'text', (c) => c.notNull())
        .execute();

      await table(db, 'charges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('amount_fen', t.bigint, (c) => c.notNull().check(sql`amount_fen >= 0`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('due', 'paid', 'waived')`))
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('schedule_version', t.bigint)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('charges_uscc').on('charges').columns(['uscc', 'created_at']).execute();

      await table(db, 'settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', t.json, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
