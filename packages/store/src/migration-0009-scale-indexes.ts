/**
 * Migration `0009_scale_indexes` (issue 4 "Speed and scale"; R1: a million legal persons a year,
 * R4/R25 statistics): indexes that the issuance benchmark and the scale run (two million
 * certificates, `packages/core/bench/`) showed missing.
 *
 * - KMC pool: taken oldest first by `(created_at, id)` (R12). `0001_core` indexed only
 *   `(state, created_at)`, and a refill stores a whole chunk of keys with one `created_at`, so
 *   every take sorted the chunk to find its first id. With `id` in the index a take is one step.
 * - Statistics read only indexes, in the order they group by, so no sort either: certificates
 *   are counted by `(status, role, ca_id)` in one pass (this replaces `(status, ca_id)`, which
 *   it contains), expiring ones on `(status, not_after)` (the plain `not_after` index stays for
 *   retention, which reads every status), applications by `(business_type, channel,
 *   created_at)`, which serves a period too (the dates are filtered inside the index). Before,
 *   the counts by role and of applications read the whole tables, and "expiring" looked up every
 *   valid certificate's row: over a second at two million certificates. (An index led by
 *   `created_at` served a short period better but made the all-time count sort a million rows.)
 */
import type { Kysely, Migration } from 'kysely';

export function migration0009ScaleIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('escrowed_keys_pool').execute();
      await db.schema
        .createIndex('escrowed_keys_pool')
        .on('escrowed_keys')
        .columns(['state', 'created_at', 'id'])
        .execute();
      await db.schema.dropIndex('certificates_status').execute();
      await db.schema
        .createIndex('certificates_status')
        .on('certificates')
        .columns(['status', 'role', 'ca_id'])
        .execute();
      await db.schema
        .createIndex('certificates_expiring')
        .on('certificates')
        .columns(['status', 'not_after'])
        .execute();
      await db.schema
        .createIndex('applications_statistics')
        .on('applications')
        .columns(['business_type', 'channel', 'created_at'])
        .execute();
    },
  };
}
