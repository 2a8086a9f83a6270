/**
 * The published fee schedule (收费标准) and the charges made under it (R17: "replacement media
 * cost follows a published fee schedule; fee schedule and charges recorded"; R21 reissue medium
 * fee except for mobile certificates; R24 free services).
 *
 * A schedule is published as a whole new version and never edited, so every charge names the
 * version it was priced from and an old charge can always be explained. A charge of 0 is still
 * recorded, as `waived`, with the rule that waived it: the after-sales statistics count free
 * services too.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Store, StoreTx } from './ports/store.js';
import type { ChargeRecord, FeeItem, FeeScheduleRecord } from './service-model.js';

/** Fee item codes the lifecycle charges. */
export const FEE_CODES = {
  /** USB-KEY 介质费: reissue (补办) and key recovery onto a new medium (R17, R21). */
  medium: 'medium.usbkey',
  /** 变更服务费 for a second or further certificate (R24). */
  change: 'service.change',
  /** 解锁服务费 for a second or further certificate (R24). */
  unlock: 'service.unlock',
} as const;

/** The demo schedule `ca init --demo` publishes (fictional amounts, in fen). */
export const DEMO_FEE_ITEMS: readonly FeeItem[] = [
  { code: FEE_CODES.medium, name: 'USB-KEY 介质费 medium fee', amountFen: 8000 },
  { code: FEE_CODES.change, name: '变更服务费 change service fee', amountFen: 0 },
  { code: FEE_CODES.unlock, name: '解锁服务费 unlock service fee', amountFen: 0 },
];

function checkItems(items: readonly FeeItem[]): void {
  const seen = new Set<string>();
  if (items.length === 0) throw new CoreError('YZ_ERR_INPUT', 'a fee schedule needs at least one item');
  for (const item of items) {
    if (!/^[a-z][a-z0-9.-]{1,63}$/.test(item.code))
      throw new CoreError(
        'YZ_ERR_INPUT',
        `fee code ${JSON.stringify(item.code)} is not a lower-case dotted name`,
      );
    if (seen.has(item.code)) throw new CoreError('YZ_ERR_INPUT', `fee code ${item.code} appears twice`);
    seen.add(item.code);
    if (typeof item.name !== 'string' || item.name.trim() === '')
      throw new CoreError('YZ_ERR_INPUT', `fee ${item.code} needs a name`);
    if (!Number.isSafeInteger(item.amountFen) || item.amountFen < 0)
      throw new CoreError('YZ_ERR_INPUT', `fee ${item.code} must be a whole number of fen ≥ 0`);
  }
}

/** Publishes a new schedule version (effective at once) and audits it. */
export async function publishFeeSchedule(
  context: { readonly store: Store; readonly clock: Clock },
  items: readonly FeeItem[],
  actor: string,
): Promise<FeeScheduleRecord> {
  checkItems(items);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const latest = await tx.latestFeeSchedule();
    const schedule: FeeScheduleRecord = {
      version: (latest?.version ?? 0) + 1,
      items: items.map((i) => ({ code: i.code, name: i.name, amountFen: i.amountFen })),
      publishedAt: now,
      publishedBy: actor,
    };
    await tx.insertFeeSchedule(schedule);
    await appendAudit(tx, {
      at: now,
      actor,
      action: 'fees.publish',
      object: `fee-schedule:${schedule.version}`,
      reason: null,
      detail: { items: schedule.items.map((i) => ({ ...i })) },
    });
    return schedule;
  });
}

/** What a service costs: the amount from the schedule, or waived with the rule that waives it. */
export interface ChargeDecision {
  readonly code: string;
  /** Set when a rule makes it free (e.g. `R24 first certificate within the service period`). */
  readonly waivedBy?: string;
}

/**
 * Records the charge of `decision` for an application, priced from the schedule in force at `at`.
 * A charged item missing from the schedule is refused (`YZ_ERR_FEE`): nobody is charged an amount
 * that was never published.
 */
export async function recordCharge(
  tx: StoreTx,
  input: {
    applicationId: string;
    uscc: string;
    decision: ChargeDecision;
    at: Date;
    actor: string;
    /** Taken at once (the counter, R33): how it was paid; the charge is recorded `paid`. */
    paidWith?: string;
  },
): Promise<ChargeRecord> {
  const schedule = await tx.feeScheduleAt(input.at);
  const item = schedule?.items.find((i) => i.code === input.decision.code);
  if (!item && input.decision.waivedBy === undefined)
    throw new CoreError(
      'YZ_ERR_FEE',
      `the published fee schedule${schedule ? ` (version ${schedule.version})` : ''} has no item ${input.decision.code}`,
    );
  const waived = input.decision.waivedBy !== undefined || item?.amountFen === 0;
  const charge: ChargeRecord = {
    id: `charge-${randomUUID()}`,
    applicationId: input.applicationId,
    uscc: input.uscc,
    code: input.decision.code,
    name: item?.name ?? input.decision.code,
    amountFen: input.decision.waivedBy !== undefined ? 0 : (item?.amountFen ?? 0),
    status: waived ? 'waived' : input.paidWith !== undefined ? 'paid' : 'due',
    note:
      input.decision.waivedBy ??
      `fee schedule version ${schedule?.version ?? '-'}${!waived && input.paidWith !== undefined ? `; paid at the counter (${input.paidWith})` : ''}`,
    scheduleVersion: schedule?.version ?? null,
    createdAt: input.at,
  };
  await tx.insertCharge(charge);
  await appendAudit(tx, {
    at: input.at,
    actor: input.actor,
    action: 'fees.charge',
    object: `application:${input.applicationId}`,
    reason: charge.status === 'waived' ? charge.note : null,
    detail: { uscc: charge.uscc, code: charge.code, amountFen: charge.amountFen, status: charge.status },
  });
  return charge;
}
