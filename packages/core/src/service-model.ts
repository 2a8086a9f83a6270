/**
 * Records of the after-sales services (售后服务) around a certificate: the medium it sits on
 * (介质, with its SO-PIN vault entry), PIN unlocks (解锁, R22), the published fee schedule and
 * the charges made under it (收费标准 / 收费记录, R17), and operator-set policy values.
 * Plain data like `model.ts`; the store maps the same shapes on SQLite and PostgreSQL.
 */

/**
 * 库存 stock (at a branch, not yet issued), 在途 transit (sent to another branch, not yet signed
 * for), 已发放 issued, 挂失 lost, 已退厂 returned (sent back to the vendor), 已回收/报废 retired
 * (materials management, R33: `materials.ts` moves media between these states).
 */
export type MediumState = 'stock' | 'transit' | 'issued' | 'lost' | 'returned' | 'retired';

/** A USB-KEY (介质) known to the platform; its SO PIN is random per medium and stored sealed. */
export interface MediumRecord {
  /** The device serial the key reports (SKF DEVINFO.SerialNumber). */
  readonly serial: string;
  /** Vendor model, e.g. `FT-ePass3000GM` (selects the unlock scheme of its COS). */
  readonly model: string;
  /** The unlock scheme id (see `unlock-schemes.ts`). */
  readonly scheme: string;
  readonly state: MediumState;
  /** The branch (网点) holding it in stock, or sending it on when in transit to `branchId`; null: central store. */
  readonly branchId: string | null;
  /** The vendor's delivery batch (批次号) it was received with, for recalls; null when not given. */
  readonly batch: string | null;
  /** Holder and the certificate pair written onto it (while issued). */
  readonly uscc: string | null;
  readonly pairId: string | null;
  /** The SO PIN sealed under the SO-PIN vault key (AAD = medium serial); null before personalisation. */
  readonly soPinSealed: Uint8Array | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One unlock response given out (R22): the challenge it answers is single use. */
export interface UnlockRecord {
  readonly id: string;
  readonly mediumSerial: string;
  /** The medium's random (hex, upper case), as read in the challenge. */
  readonly challenge: string;
  readonly uscc: string;
  readonly pairId: string;
  /** Operator or account that asked. */
  readonly actor: string;
  /** Identity proof: kind (sms, counter, review) and reference (R22, domain practice a.5). */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly applicationId: string;
  readonly createdAt: Date;
}

/** One item of the published fee schedule, in fen (分). */
export interface FeeItem {
  readonly code: string;
  /** What the user sees: `USB-KEY 介质费`. */
  readonly name: string;
  readonly amountFen: number;
}

/** A published fee schedule version (R17 "公示的费用标准"); the newest one published applies. */
export interface FeeScheduleRecord {
  readonly version: number;
  readonly items: readonly FeeItem[];
  readonly publishedAt: Date;
  readonly publishedBy: string;
}

/** A charge made under a schedule: due, paid, or waived with the rule that waived it. */
export interface ChargeRecord {
  readonly id: string;
  readonly applicationId: string;
  readonly uscc: string;
  readonly code: string;
  readonly name: string;
  readonly amountFen: number;
  readonly status: 'due' | 'paid' | 'waived';
  /** Why: the schedule item, or the rule that waived it (`R24 first certificate in service period`). */
  readonly note: string;
  readonly scheduleVersion: number | null;
  readonly createdAt: Date;
}
