/**
 * The back-office operations of the store port (`BackOfficeStoreTx`; R4, R25, R37, R3) on Kysely:
 * operations counted by local day and one dimension, the expiring signing certificates, the
 * audit search, and the fee schedule's versions. Each reads one index of `0015_back_office` over the range asked, and the counting
 * is done by the database (a year of days × business types × branches comes back, not the
 * applications). The main `KyselyStoreTx` extends this class. Same rules as `kysely-store.ts`.
 */
import type {
  AuditEntry,
  AuditQuery,
  BackOfficeStoreTx,
  CertificateRecord,
  FeeScheduleRecord,
  OperationCount,
  OperationCountQuery,
  OperationDimension,
} from '@yizheng/core';
import { type RawBuilder, sql } from 'kysely';
import { KyselyDirectoryStoreTx } from './kysely-directory-store.js';
import { auditEntryFromRow, certificateFromRow } from './mapping.js';
import { feeScheduleFromRow } from './service-mapping.js';

const DAY_MS = 86_400_000;

/** The applications column each dimension groups by. */
const DIMENSION_COLUMNS: Record<OperationDimension, RawBuilder<unknown>> = {
  businessType: sql`business_type`,
  branch: sql`branch_id`,
  channel: sql`channel`,
  profile: sql`profile_id`,
};

/** The column each dimension groups revocations by (`c` certificates, `a` the issuing application). */
const REVOCATION_DIMENSION_COLUMNS: Record<OperationDimension, RawBuilder<unknown>> = {
  businessType: sql`'revoke'`,
  branch: sql`c.revoked_branch_id`,
  channel: sql`c.revoked_channel`,
  profile: sql`a.profile_id`,
};

/** A LIKE pattern matching `text` anywhere, literally (`\` escapes % and _). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class KyselyBackOfficeStoreTx extends KyselyDirectoryStoreTx implements BackOfficeStoreTx {
  /** The local day number of a time column: days since 1970-01-01 at the offset's midnight. */
  private dayOf(column: RawBuilder<unknown>, utcOffsetMinutes: number): RawBuilder<number> {
    const offset = sql.lit(utcOffsetMinutes * 60_000);
    return this.codec.dialect === 'postgres'
      ? sql<number>`floor((extract(epoch from ${column}) * 1000 + ${offset}) / ${sql.lit(DAY_MS)})::integer`
      : sql<number>`((${column} + ${offset}) / ${sql.lit(DAY_MS)})`;
  }

  async operationCounts(query: OperationCountQuery): Promise<OperationCount[]> {
    const from = this.codec.time(query.from);
    const to = this.codec.time(query.to);
    const group = DIMENSION_COLUMNS[query.dimension];
    const applications = await sql<{
      day: number;
      business_type: string;
      grp: string | null;
      n: number | string;
    }>`
      select ${this.dayOf(sql`created_at`, query.utcOffsetMinutes)} as day, business_type, ${group} as grp,
        count(*) as n
      from applications
      where created_at >= ${from} and created_at < ${to} and state = 'completed'
      group by 1, 2, 3`.execute(this.db);
    // A change or reissue revokes the pair it replaces in the same transaction, so its successor
    // was made at the very moment of the revocation: those are counted as the change or reissue.
    // Grouped like applications: by who revoked (0016) or the issuing application's profile.
    const revocationGroup = REVOCATION_DIMENSION_COLUMNS[query.dimension];
    const revocations = await sql<{ day: number; grp: string | null; n: number | string }>`
      select ${this.dayOf(sql`c.revoked_at`, query.utcOffsetMinutes)} as day, ${revocationGroup} as grp,
        count(*) as n
      from certificates c
      ${query.dimension === 'profile' ? sql`left join applications a on a.id = c.application_id` : sql``}
      where c.role = 'sign' and c.revoked_at >= ${from} and c.revoked_at < ${to} and c.status = 'revoked'
        and not exists (
          select 1 from certificates s where s.predecessor_pair_id = c.pair_id and s.created_at = c.revoked_at
        )
      group by 1, 2`.execute(this.db);
    return [
      ...applications.rows.map((row) => ({
        day: Number(row.day),
        businessType: row.business_type,
        group: row.grp,
        count: Number(row.n),
      })),
      ...revocations.rows.map((row) => ({
        day: Number(row.day),
        businessType: 'revoke',
        group: row.grp,
        count: Number(row.n),
      })),
    ];
  }

  async expiringCertificates(query: {
    readonly at: Date;
    readonly until: Date;
    readonly limit: number;
  }): Promise<{ total: number; certificates: CertificateRecord[] }> {
    const expiring = this.db
      .selectFrom('certificates')
      .where('status', '=', 'valid')
      .where('role', '=', 'sign')
      .where('not_after', '>=', this.codec.time(query.at))
      .where('not_after', '<', this.codec.time(query.until));
    const total = await expiring.select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const rows = await expiring
      .selectAll()
      .orderBy('not_after')
      .orderBy('serial')
      .limit(query.limit)
      .execute();
    return { total: Number(total.n), certificates: rows.map((row) => certificateFromRow(this.codec, row)) };
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const detailText = this.codec.dialect === 'postgres' ? sql`detail::text` : sql`detail`;
    const rows = await this.db
      .selectFrom('audit_entries')
      .selectAll()
      .$if(query.from !== undefined, (q) => q.where('at', '>=', this.codec.time(query.from!)))
      .$if(query.to !== undefined, (q) => q.where('at', '<', this.codec.time(query.to!)))
      .$if(query.actor !== undefined, (q) => q.where('actor', '=', query.actor!))
      .$if(query.action !== undefined, (q) => q.where('action', '=', query.action!))
      .$if(query.beforeSeq !== undefined, (q) => q.where('seq', '<', query.beforeSeq!))
      .$if(query.text !== undefined, (q) =>
        q.where(
          sql<boolean>`(lower(object) like ${containsPattern(query.text!)} escape '\\'
            or lower(${detailText}) like ${containsPattern(query.text!)} escape '\\')`,
        ),
      )
      .orderBy('seq', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => auditEntryFromRow(this.codec, row));
  }

  async listFeeSchedules(): Promise<FeeScheduleRecord[]> {
    const rows = await this.db.selectFrom('fee_schedules').selectAll().orderBy('version', 'desc').execute();
    return rows.map((row) => feeScheduleFromRow(this.codec, row));
  }
}
