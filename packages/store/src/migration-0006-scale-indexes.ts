/**
 * Migration `0006_scale_indexes` (issue 4 "Speed and scale"; R1: a million legal persons a year):
 * indexes that the issuance benchmark and the scale run showed missing.
 *
 * - The KMC pool is taken oldest first by `(created_at, id)` (R12). `0001_core` indexed only
 *   `(state, created_at)`, and a refill stores a whole chunk of keys with one `created_at`, so
 *   every take sorted the chunk to find its first id. With `id` in the index the take is one
 *   index step.
 */
import type { Kysely, Migration } from 'kysely';

export function migration0006ScaleIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('escrowed_keys_pool').execute();
      await db.schema
        .createIndex('escrowed_keys_pool')
        .on('escrowed_keys')
        .columns(['state', 'created_at', 'id'])
        .execute();
    },
  };
}
