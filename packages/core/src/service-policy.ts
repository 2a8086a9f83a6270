/**
 * Operator-set service policy, kept in the store's settings so every node and the CLI read the
 * same values (R24 service period, R22 unlock rate limit, R7 retention):
 *
 * - `servicePeriod` (服务期): the contract period in which the first certificate of a legal
 *   person gets change and unlock free (R24). Absent: no period configured, so the first
 *   certificate is treated like any other (served within its validity).
 * - `maxUnlocksPerDay`: unlock responses per medium in any 24 hours (abuse brake on R22).
 * - `retentionYears`: how long an ended certificate is kept before the purge may delete it;
 *   never below 5 (R7).
 * - `renewalWindowDays` / `renewalGraceDays`: renewal opens this many days before expiry and
 *   stays possible this many days after (R19 "the renewal window is configurable").
 */
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Store, StoreTx } from './ports/store.js';

export interface ServicePolicy {
  readonly servicePeriod: { readonly from: Date; readonly to: Date } | null;
  readonly maxUnlocksPerDay: number;
  readonly retentionYears: number;
  readonly renewalWindowDays: number;
  readonly renewalGraceDays: number;
}

/** R7: certificates stay stored at least five years after they end. */
export const MIN_RETENTION_YEARS = 5;

export const DEFAULT_SERVICE_POLICY: ServicePolicy = {
  servicePeriod: null,
  maxUnlocksPerDay: 3,
  retentionYears: MIN_RETENTION_YEARS,
  renewalWindowDays: 90,
  renewalGraceDays: 30,
};

const SETTING_KEY = 'service-policy';

/** The policy in force (defaults for what was never set). */
export async function loadServicePolicy(tx: StoreTx): Promise<ServicePolicy> {
  const stored = (await tx.getSetting(SETTING_KEY)) as
    | (Partial<Omit<ServicePolicy, 'servicePeriod'>> & {
        servicePeriod?: { from: string; to: string } | null;
      })
    | undefined;
  if (stored === undefined) return DEFAULT_SERVICE_POLICY;
  return {
    servicePeriod: stored.servicePeriod
      ? { from: new Date(stored.servicePeriod.from), to: new Date(stored.servicePeriod.to) }
      : null,
    maxUnlocksPerDay: stored.maxUnlocksPerDay ?? DEFAULT_SERVICE_POLICY.maxUnlocksPerDay,
    retentionYears: stored.retentionYears ?? DEFAULT_SERVICE_POLICY.retentionYears,
    renewalWindowDays: stored.renewalWindowDays ?? DEFAULT_SERVICE_POLICY.renewalWindowDays,
    renewalGraceDays: stored.renewalGraceDays ?? DEFAULT_SERVICE_POLICY.renewalGraceDays,
  };
}

/** Checks a policy; refusals are `YZ_ERR_INPUT` with what is wrong. */
export function checkServicePolicy(policy: ServicePolicy): ServicePolicy {
  const period = policy.servicePeriod;
  if (period && !(period.from.getTime() < period.to.getTime()))
    throw new CoreError('YZ_ERR_INPUT', 'the service period must end after it starts');
  if (!Number.isInteger(policy.maxUnlocksPerDay) || policy.maxUnlocksPerDay < 1)
    throw new CoreError('YZ_ERR_INPUT', 'maxUnlocksPerDay must be a whole number ≥ 1');
  if (!Number.isInteger(policy.retentionYears) || policy.retentionYears < MIN_RETENTION_YEARS)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `retentionYears must be a whole number ≥ ${MIN_RETENTION_YEARS} (R7: kept five years after expiry or revocation)`,
    );
  for (const field of ['renewalWindowDays', 'renewalGraceDays'] as const)
    if (!Number.isInteger(policy[field]) || policy[field] < 0 || policy[field] > 3660)
      throw new CoreError('YZ_ERR_INPUT', `${field} must be a whole number of days from 0 to 3660`);
  return policy;
}

/** Stores a checked policy (the caller audits it in the same transaction). */
export async function saveServicePolicy(tx: StoreTx, policy: ServicePolicy, at: Date): Promise<void> {
  checkServicePolicy(policy);
  await tx.putSetting(SETTING_KEY, policyJson(policy), at);
}

/** Changes the policy (only the given fields) and audits old and new values. */
export async function updateServicePolicy(
  context: { readonly store: Store; readonly clock: Clock },
  change: Partial<ServicePolicy>,
  actor: string,
): Promise<ServicePolicy> {
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const before = await loadServicePolicy(tx);
    const after = checkServicePolicy({ ...before, ...change });
    await saveServicePolicy(tx, after, now);
    await appendAudit(tx, {
      at: now,
      actor,
      action: 'policy.update',
      object: `setting:${SETTING_KEY}`,
      reason: null,
      detail: { before: policyJson(before), after: policyJson(after) },
    });
    return after;
  });
}

function policyJson(policy: ServicePolicy): Record<string, unknown> {
  return {
    servicePeriod: policy.servicePeriod
      ? { from: policy.servicePeriod.from.toISOString(), to: policy.servicePeriod.to.toISOString() }
      : null,
    maxUnlocksPerDay: policy.maxUnlocksPerDay,
    retentionYears: policy.retentionYears,
    renewalWindowDays: policy.renewalWindowDays,
    renewalGraceDays: policy.renewalGraceDays,
  };
}
