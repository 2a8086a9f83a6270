/**
 * The store operations of the back office (后台管理; R4, R25, R37, R3): business counted by day
 * and one dimension over a date range, the certificates expiring soon, and the audit trail
 * searched newest first. Declared apart from the main `StoreTx` like `directory-store.ts`;
 * `StoreTx` extends it. Every query is one index range (migration `0015_back_office`), so it stays
 * fast among a million legal persons (R1). And the fee schedule's versions (R17).
 */
import type { AuditEntry, CertificateRecord } from '../model.js';
import type { FeeScheduleRecord } from '../service-model.js';

/** What operations are counted by besides their business type (R25). */
export type OperationDimension = 'businessType' | 'branch' | 'channel' | 'profile';

/** Operations whose time is in [from, to), in days of the UTC offset given. */
export interface OperationCountQuery {
  readonly from: Date;
  readonly to: Date;
  /** Days start at midnight of this offset (China Standard Time: 480). */
  readonly utcOffsetMinutes: number;
  readonly dimension: OperationDimension;
}

/** One grouped count: a local day (days since 1970-01-01), a business type and a dimension value. */
export interface OperationCount {
  readonly day: number;
  readonly businessType: string;
  /** The dimension's value; null when not recorded (no branch online, before 0015, …). */
  readonly group: string | null;
  readonly count: number;
}

/** Audit search (审计日志查询); every given filter must match. */
export interface AuditQuery {
  readonly from?: Date;
  readonly to?: Date;
  readonly actor?: string;
  readonly action?: string;
  /** Contained in the object or the detail (a USCC, a serial, an application id…), any case. */
  readonly text?: string;
  /** Only entries older than this seq (the next page). */
  readonly beforeSeq?: number;
  readonly limit: number;
}

export interface BackOfficeStoreTx {
  /**
   * Completed applications (新办, 更新, 变更, 补办, 解锁 …) by day, business type and the
   * dimension; and revocations (`businessType` `revoke`: signing certificates revoked in the range
   * whose pair no change or reissue replaced, dimension value null).
   */
  operationCounts(query: OperationCountQuery): Promise<OperationCount[]>;
  /** Valid signing certificates with notAfter in [at, until), soonest first, at most `limit`, and how many in all. */
  expiringCertificates(query: {
    readonly at: Date;
    readonly until: Date;
    readonly limit: number;
  }): Promise<{ readonly total: number; readonly certificates: CertificateRecord[] }>;
  /** Audit entries matching `query`, newest first. */
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every published fee schedule version, newest first (R17: the history stays published). */
  listFeeSchedules(): Promise<FeeScheduleRecord[]>;
}
