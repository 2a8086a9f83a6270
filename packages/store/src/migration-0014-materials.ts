/**
 * Migration `0014_materials` (materials management 物资管理, R33): media gain the branch that holds
 * them (`branch_id`) and their vendor batch (`batch`), and two states — `transit` (调拨在途) and
 * `returned` (退厂); the movement log `medium_movements` (one row per move, numbered per medium,
 * indexed per medium and per branch) and `stock_thresholds` (低库存预警, one row per branch and model) are new.
 *
 * The state check of `0003_service` cannot be altered in place on SQLite, so there the table is
 * rebuilt (copy, drop, rename) with the wider check; PostgreSQL drops and re-adds the constraint.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';

const MEDIUM_STATES = sql`state in ('stock', 'transit', 'issued', 'lost', 'returned', 'retired')`;

export function migration0014Materials(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await sql`alter table media drop constraint media_state_check`.execute(db);
        await sql`alter table media add constraint media_state_check check (${MEDIUM_STATES})`.execute(db);
        await db.schema.alterTable('media').addColumn('branch_id', 'text').execute();
        await db.schema.alterTable('media').addColumn('batch', 'text').execute();
      } else {
        await createTable(dialect, db, 'media_0014')
          .addColumn('serial', 'text', (c) => c.primaryKey())
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('scheme', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull().check(MEDIUM_STATES))
          .addColumn('uscc', 'text')
          .addColumn('pair_id', 'text')
          .addColumn('so_pin_sealed', t.bytes)
          .addColumn('created_at', t.time, (c) => c.notNull())
          .addColumn('updated_at', t.time, (c) => c.notNull())
          .addColumn('branch_id', 'text')
          .addColumn('batch', 'text')
          .execute();
        await sql`insert into media_0014 (serial, model, scheme, state, uscc, pair_id, so_pin_sealed, created_at, updated_at)
          select serial, model, scheme, state, uscc, pair_id, so_pin_sealed, created_at, updated_at from media`.execute(
          db,
        );
        await db.schema.dropTable('media').execute();
        await db.schema.alterTable('media_0014').renameTo('media').execute();
        await db.schema.createIndex('media_uscc').on('media').column('uscc').execute();
      }
      // the stock page and the low-stock count: one index range per branch (and state, model)
      await db.schema
        .createIndex('media_stock')
        .on('media')
        .columns(['branch_id', 'state', 'model'])
        .execute();
      await db.schema.createIndex('media_batch').on('media').column('batch').execute();

      await createTable(dialect, db, 'medium_movements')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('medium_serial', 'text', (c) => c.notNull())
        // the medium's own count of moves: orders moves made within one clock tick
        .addColumn('seq', t.bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_branch', 'text')
        .addColumn('to_branch', 'text')
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail', t.json, (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('medium_movements_medium')
        .on('medium_movements')
        .columns(['medium_serial', 'seq'])
        .execute();
      await db.schema
        .createIndex('medium_movements_from')
        .on('medium_movements')
        .columns(['from_branch', 'at'])
        .execute();
      await db.schema
        .createIndex('medium_movements_to')
        .on('medium_movements')
        .columns(['to_branch', 'at'])
        .execute();

      await createTable(dialect, db, 'stock_thresholds')
        .addColumn('branch_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('minimum', t.bigint, (c) => c.notNull().check(sql`minimum >= 0`))
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_thresholds_pkey', ['branch_id', 'model'])
        .execute();
    },
  };
}
