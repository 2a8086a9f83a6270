/**
 * Migration `0016_revocation_attribution` (issue 6 "Back office"; R25, R23): who revoked (撤销) a
 * certificate, so the statistics can count revocations by branch 网点, channel 渠道 and profile
 * 证书类别 like the other business types instead of all under "not recorded" (未记录).
 *
 * - `certificates.revoked_branch_id`: the branch of the operator who revoked at the counter; null
 *   when a legal person revoked online, an API client or the CLI did, and for rows revoked before.
 * - `certificates.revoked_channel`: the channel of the revoke request (counter, online, api, cli…).
 * - `certificates_revoked_by (role, revoked_at, status, revoked_branch_id, revoked_channel,
 *   application_id, pair_id)`: the grouped revocation count over a date range reads one range of
 *   this index and every column it needs (the profile comes from the issuing application by
 *   `application_id`; `pair_id` tells a change or reissue). It replaces `certificates_revoked`
 *   of 0015, its prefix, so the planner does not pick the narrower one and go back to the table.
 */
import type { Kysely, Migration } from 'kysely';

export function migration0016RevocationAttribution(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('certificates').addColumn('revoked_branch_id', 'text').execute();
      await db.schema.alterTable('certificates').addColumn('revoked_channel', 'text').execute();
      await db.schema.dropIndex('certificates_revoked').execute();
      await db.schema
        .createIndex('certificates_revoked_by')
        .on('certificates')
        .columns([
          'role',
          'revoked_at',
          'status',
          'revoked_branch_id',
          'revoked_channel',
          'application_id',
          'pair_id',
        ])
        .execute();
    },
  };
}
