/**
 * Business statistics by period and dimension (业务统计; R4, R25, R37): issuance 新办, renewal 更新,
 * change 变更, reissue 补办, unlock 解锁 and revocation 撤销 counted per day, week or month of a
 * date range, by business type, branch 网点, channel 渠道 or profile 证书类别; and the signing
 * certificates expiring soon. The store counts by day (one index range, `BackOfficeStoreTx`); days
 * are folded into weeks and months here, so the database work does not depend on the granularity.
 *
 * Days are those of China Standard Time (UTC+8, no daylight saving) unless told otherwise: a
 * regulator's "11 月 26 日" starts at local midnight.
 */
import { CoreError } from './errors.js';
import type { CertificateRecord } from './model.js';
import type { OperationDimension } from './ports/back-office-store.js';
import type { Store } from './ports/store.js';

export type Granularity = 'day' | 'week' | 'month';

/** The business types the statistics report, in the order tables show them (R25). */
export const REPORTED_BUSINESS_TYPES = ['new', 'renew', 'change', 'reissue', 'unlock', 'revoke'] as const;

/** The after-sales (售后) business types among them (R25 "after-sales statistics"). */
export const AFTER_SALES_TYPES = ['reissue', 'unlock', 'change'] as const;

/** China Standard Time, minutes east of UTC. */
export const CHINA_UTC_OFFSET_MINUTES = 480;

const DAY_MS = 86_400_000;
/** At most this many periods in one answer (a day granularity over ~3 years). */
export const MAX_PERIODS = 1100;

export interface OperationStatisticsQuery {
  /** First local day counted, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local day counted (inclusive), `YYYY-MM-DD`. */
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: OperationDimension;
  readonly utcOffsetMinutes?: number;
}

/** One cell: a period, a business type, a dimension value ('' when not recorded), a count. */
export interface OperationStatisticsRow {
  /** The period's first day, `YYYY-MM-DD` (weeks start on Monday; months on the 1st). */
  readonly period: string;
  readonly businessType: string;
  readonly group: string;
  readonly count: number;
}

export interface OperationStatistics {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: OperationDimension;
  /** Every period of the range, in order, with or without business. */
  readonly periods: readonly string[];
  /** Non-zero cells, by period, then business type, then group. */
  readonly rows: readonly OperationStatisticsRow[];
  /** Per business type over the whole range. */
  readonly totals: Readonly<Record<string, number>>;
  /** After-sales (补办, 解锁, 变更) over the whole range. */
  readonly afterSales: number;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` text (`YZ_ERR_INPUT` naming the field if it is none). */
function dayNumber(text: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text)
    throw new CoreError('YZ_ERR_INPUT', `${field} must be a date YYYY-MM-DD`);
  return ms / DAY_MS;
}

function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the period holding `day`. */
export function periodStart(day: number, granularity: Granularity): number {
  if (granularity === 'day') return day;
  if (granularity === 'week') return day - ((new Date(day * DAY_MS).getUTCDay() + 6) % 7); // Monday
  const date = new Date(day * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
}

function nextPeriod(start: number, granularity: Granularity): number {
  if (granularity === 'day') return start + 1;
  if (granularity === 'week') return start + 7;
  const date = new Date(start * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY_MS;
}

function periodsOf(first: number, last: number, granularity: Granularity): string[] {
  const periods: string[] = [];
  for (let start = periodStart(first, granularity); start <= last; start = nextPeriod(start, granularity)) {
    periods.push(dayText(start));
    if (periods.length > MAX_PERIODS)
      throw new CoreError(
        'YZ_ERR_INPUT',
        `the range has more than ${MAX_PERIODS} periods: choose a coarser granularity`,
      );
  }
  return periods;
}

/** Counts of each business type per period and dimension value over [from, to] (local days; R25). */
export async function operationStatistics(
  store: Store,
  query: OperationStatisticsQuery,
): Promise<OperationStatistics> {
  const first = dayNumber(query.from, 'from');
  const last = dayNumber(query.to, 'to');
  if (last < first) throw new CoreError('YZ_ERR_INPUT', 'to must not be before from');
  const periods = periodsOf(first, last, query.granularity);
  const offset = query.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES;
  const counts = await store.read.operationCounts({
    from: new Date(first * DAY_MS - offset * 60_000),
    to: new Date((last + 1) * DAY_MS - offset * 60_000),
    utcOffsetMinutes: offset,
    dimension: query.groupBy,
  });
  const cells = new Map<string, OperationStatisticsRow>();
  const totals: Record<string, number> = Object.fromEntries(REPORTED_BUSINESS_TYPES.map((type) => [type, 0]));
  for (const count of counts) {
    const period = dayText(periodStart(count.day, query.granularity));
    const group = count.group ?? '';
    const key = `${period}\u0000${count.businessType}\u0000${group}`;
    const cell = cells.get(key);
    cells.set(key, {
      period,
      businessType: count.businessType,
      group,
      count: (cell?.count ?? 0) + count.count,
    });
    totals[count.businessType] = (totals[count.businessType] ?? 0) + count.count;
  }
  const typeOrder = (type: string) => {
    const index = (REPORTED_BUSINESS_TYPES as readonly string[]).indexOf(type);
    return index < 0 ? REPORTED_BUSINESS_TYPES.length : index;
  };
  const rows = [...cells.values()].sort(
    (a, b) =>
      a.period.localeCompare(b.period) ||
      typeOrder(a.businessType) - typeOrder(b.businessType) ||
      a.businessType.localeCompare(b.businessType) ||
      a.group.localeCompare(b.group),
  );
  const afterSales = AFTER_SALES_TYPES.reduce((sum, type) => sum + (totals[type] ?? 0), 0);
  return {
    from: query.from,
    to: query.to,
    granularity: query.granularity,
    groupBy: query.groupBy,
    periods,
    rows,
    totals,
    afterSales,
  };
}

/** Signing certificates (one per pair) valid and expiring within `days` of `at`, soonest first (R25). */
export async function expiringCertificates(
  store: Store,
  query: { readonly at: Date; readonly days: number; readonly limit: number },
): Promise<{ readonly total: number; readonly certificates: CertificateRecord[] }> {
  return store.read.expiringCertificates({
    at: query.at,
    until: new Date(query.at.getTime() + query.days * DAY_MS),
    limit: query.limit,
  });
}
