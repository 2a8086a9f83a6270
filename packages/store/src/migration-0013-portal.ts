/**
 * Migration `0013_portal` (R34 online subsystem): SMS login codes (hash only), electronic
 * authorisation letters with their evidence (nonce unique: a letter works once), and payment
 * orders. Indexes serve the rate limits (codes per phone / per address in the last hour) and the
 * portal's per-USCC lists.
 */
import type { Kysely, Migration } from 'kysely';
import { COLUMN_TYPES, createTable, type StoreDialect } from './column-types.js';

export function migration0013Portal(dialect: StoreDialect): Migration {
  const t = COLUMN_TYPES[dialect];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await createTable(dialect, db, 'sms_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('used_at', t.time)
        .execute();
      await db.schema
        .createIndex('sms_codes_phone')
        .on('sms_codes')
        .columns(['phone', 'created_at'])
        .execute();
      await db.schema
        .createIndex('sms_codes_address')
        .on('sms_codes')
        .columns(['from_address', 'created_at'])
        .execute();

      await createTable(dialect, db, 'authorisation_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull().unique())
        .addColumn('content', t.json, (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('signature', t.bytes)
        .addColumn('signer_certificate', t.bytes)
        .addColumn('verification', t.json)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('signed_at', t.time)
        .execute();
      await db.schema
        .createIndex('authorisation_letters_uscc')
        .on('authorisation_letters')
        .columns(['uscc', 'created_at'])
        .execute();

      await createTable(dialect, db, 'payment_orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('amount_fen', 'integer', (c) => c.notNull())
        .addColumn('schedule_version', 'integer', (c) => c.notNull())
        .addColumn('items', t.json, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('provider_ref', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('paid_at', t.time)
        .execute();
      await db.schema
        .createIndex('payment_orders_uscc')
        .on('payment_orders')
        .columns(['uscc', 'created_at'])
        .execute();
    },
  };
}
