/**
 * Migration `0015_back_office` (issue 6 "Back office"; R4, R25, R37, R3): what the back office's
 * statistics and audit viewer query, kept fast at a million legal persons a year (R1).
 *
 * - `applications.branch_id` and `profile_id`: the branch (网点) of the operator who took the
 *   application, copied when it is written (an operator who later moves keeps the branch the
 *   business was done at), and the certificate category (证书类别) issued. Statistics group by
 *   them (R25 "by branch, by profile"); applications written before stay null ("not recorded").
 * - `applications_period (state, created_at, business_type, channel, branch_id, profile_id)`:
 *   the grouped counts of completed applications over a date range read one range of this index
 *   and nothing else (it covers every column they read), so a month among millions of rows costs
 *   that month only. It replaces `applications_state (state, created_at)` of 0004, its prefix, which
 *   the review queue keeps using through it; with both, SQLite chose the narrower one and went
 *   back to the table for every row.
 * - `certificates_revoked (role, revoked_at, status)`: revocations (撤销) by day are one index
 *   range; `certificates_predecessor`: a revoked pair replaced by a change or reissue is told
 *   from a plain revocation by one look-up (those count as the change or reissue).
 * - `certificates_expiring_role (status, role, not_after)`: the expiring-soon list and count of
 *   signing certificates (one per pair) in notAfter order without reading other rows.
 * - `audit_entries` by `at`, and by `(actor, seq)` and `(action, seq)`: the audit viewer's filters
 *   (newest first) walk an index instead of the whole chain.
 */
import type { Kysely, Migration } from 'kysely';

export function migration0015BackOffice(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('applications').addColumn('branch_id', 'text').execute();
      await db.schema.alterTable('applications').addColumn('profile_id', 'text').execute();
      // it begins with (state, created_at), so the review queue (R26) reads it just as well
      await db.schema.dropIndex('applications_state').execute();
      await db.schema
        .createIndex('applications_period')
        .on('applications')
        .columns(['state', 'created_at', 'business_type', 'channel', 'branch_id', 'profile_id'])
        .execute();
      await db.schema
        .createIndex('certificates_revoked')
        .on('certificates')
        .columns(['role', 'revoked_at', 'status'])
        .execute();
      await db.schema
        .createIndex('certificates_predecessor')
        .on('certificates')
        .column('predecessor_pair_id')
        .execute();
      await db.schema
        .createIndex('certificates_expiring_role')
        .on('certificates')
        .columns(['status', 'role', 'not_after'])
        .execute();
      await db.schema.createIndex('audit_entries_at').on('audit_entries').column('at').execute();
      await db.schema
        .createIndex('audit_entries_actor')
        .on('audit_entries')
        .columns(['actor', 'seq'])
        .execute();
      await db.schema
        .createIndex('audit_entries_action')
        .on('audit_entries')
        .columns(['action', 'seq'])
        .execute();
    },
  };
}
