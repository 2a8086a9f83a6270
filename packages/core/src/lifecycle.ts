/**
 * The lifecycle steps that replace a dual pair (R19–R21; docs/lifecycle.md is the same table):
 *
 * | step    | 中文 | from (old pair)    | new pair's notAfter      | old pair            |
 * |---------|------|--------------------|--------------------------|---------------------|
 * | renew   | 更新 | valid, in window   | old notAfter + 1 year    | kept until expiry   |
 * | change  | 变更 | valid, not expired | unchanged                | revoked, superseded |
 * | reissue | 补办 | valid or suspended | unchanged                | revoked, keyCompromise |
 *
 * Every step takes a new holder CSR (R14: new signing key on the device) and a new KMC key, and
 * runs in one transaction with the old pair's change. The escrowed keys of earlier pairs stay in
 * the KMC, so documents encrypted to them can still be opened after the pair is replaced.
 * Fees (R17, R21) are charges priced from the published fee schedule (fees.ts): reissue charges
 * the medium fee except for mobile certificates; change is checked for eligibility and charged or
 * waived by R24 (eligibility.ts). Media follow the pair: renew and change rebind the medium,
 * reissue marks the old one lost (media.ts).
 */
import { type Eligibility, checkEligibility } from './eligibility.js';
import { CoreError } from './errors.js';
import { FEE_CODES, recordCharge } from './fees.js';
import { followPairOnMedia } from './media.js';
import { loadServicePolicy } from './service-policy.js';
import {
  type IssuanceContext,
  type IssueDualInput,
  type IssueRule,
  type IssuedPair,
  issuePair,
} from './issuance.js';
import type { CertificateRecord } from './model.js';
import type { StoreTx } from './ports/store.js';
import { changePairStatus, findPair } from './revocation.js';

/** A renewal window for one call; by default the stored service policy's (service-policy.ts). */
export interface LifecyclePolicy {
  /** Renewal opens this many days before notAfter (R19: "the renewal window is configurable"). */
  readonly renewalWindowDays: number;
  /** Renewal stays possible this many days after expiry (expired certificates renewed at the counter). */
  readonly renewalGraceDays: number;
}

const DAY = 86_400_000;

/** What every replacing step needs: the old pair's serial and the new request. */
export interface ReplaceInput extends Omit<IssueDualInput, 'legalPerson'> {
  /** Serial of either certificate of the pair being replaced. */
  readonly serial: string;
  /** Identity data; for renew and reissue defaults to the legal person on record. */
  readonly legalPerson?: IssueDualInput['legalPerson'];
  readonly policy?: LifecyclePolicy;
  /** Taken at a branch counter (counter-service.ts): the fee paid there, its medium, its record. */
  readonly atCounter?: CounterStep;
}

/** What a counter adds to a replacing step, inside the step's transaction (R33). */
export interface CounterStep {
  /** How the fee was paid: charges are recorded `paid` instead of `due`. */
  readonly paidWith: string;
  /** Kept with the application (branch, operator, medium, payment). */
  readonly applicationData: Readonly<Record<string, unknown>>;
  /** After the step's own work (reissue: the new pair written onto a medium from stock). */
  readonly afterIssue?: IssueRule['afterIssue'];
}

/** The counter's part of a rule: its application data and its work after issuance. */
function counterRule(input: ReplaceInput): Pick<IssueRule, 'applicationData'> {
  return input.atCounter ? { applicationData: input.atCounter.applicationData } : {};
}

/** Adds one calendar year (R19: "+1 year", so 29 February lands on 1 March). */
export function plusOneYear(date: Date): Date {
  const next = new Date(date.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next;
}

async function loadOld(context: IssuanceContext, input: ReplaceInput) {
  const pair = await context.store.transaction((tx) => findPair(tx, input.serial, input.caId));
  const sign = pair.find((c) => c.role === 'sign') ?? pair[0]!;
  if (!sign.uscc)
    throw new CoreError('YZ_ERR_STATE', `certificate ${sign.serial} has no legal person on record`);
  const person = await context.store.read.getLegalPerson(sign.uscc);
  const legalPerson = input.legalPerson ?? {
    uscc: sign.uscc,
    name: person?.name ?? sign.subject,
    legalRepresentative: person?.legalRepresentative ?? '',
  };
  return { pair, sign, legalPerson };
}

/** Re-reads the pair inside the step's transaction and checks it is still in an allowed state. */
async function recheck(
  tx: StoreTx,
  old: readonly CertificateRecord[],
  allowed: readonly CertificateRecord['status'][],
  step: string,
): Promise<CertificateRecord[]> {
  const current = await tx.queryCertificates({ pairId: old[0]!.pairId });
  for (const cert of current)
    if (!allowed.includes(cert.status))
      throw new CoreError('YZ_ERR_STATE', `cannot ${step} certificate ${cert.serial}: it is ${cert.status}`);
  return current;
}

/** 更新 renew: new pair valid until old notAfter + 1 year; the old pair runs out on its own. */
export async function renewPair(context: IssuanceContext, input: ReplaceInput): Promise<IssuedPair> {
  const policy = input.policy ?? (await loadServicePolicy(context.store.read));
  const { pair, sign, legalPerson } = await loadOld(context, input);
  const now = context.clock.now();
  const opens = sign.notAfter.getTime() - policy.renewalWindowDays * DAY;
  const closes = sign.notAfter.getTime() + policy.renewalGraceDays * DAY;
  if (now.getTime() < opens)
    throw new CoreError(
      'YZ_ERR_STATE',
      `renewal opens on ${new Date(opens).toISOString()} (${policy.renewalWindowDays} days before expiry)`,
    );
  if (now.getTime() > closes)
    throw new CoreError(
      'YZ_ERR_STATE',
      `certificate ${sign.serial} expired more than ${policy.renewalGraceDays} days ago: apply anew`,
    );
  return issuePair(
    context,
    { ...input, legalPerson },
    {
      businessType: 'renew',
      predecessorPairId: sign.pairId,
      notAfter: () => plusOneYear(sign.notAfter),
      inTransaction: async (tx) => {
        await recheck(tx, pair, ['valid'], 'renew');
      },
      ...counterRule(input),
      afterIssue: async (tx, issued) => {
        await followPairOnMedia(tx, {
          uscc: legalPerson.uscc,
          oldPairId: sign.pairId,
          newPairId: issued.pairId,
          step: 'renew',
          at: issued.now,
          actor: input.actor,
        });
        await input.atCounter?.afterIssue?.(tx, issued);
      },
    },
  );
}

/** 变更 change: new identity data, same notAfter; the old pair is revoked (superseded). */
export async function changePair(
  context: IssuanceContext,
  input: ReplaceInput & { note?: string },
): Promise<IssuedPair> {
  if (!input.legalPerson) throw new CoreError('YZ_ERR_INPUT', 'change needs the new identity data');
  const { pair, sign } = await loadOld(context, input);
  if (input.legalPerson.uscc !== sign.uscc)
    throw new CoreError(
      'YZ_ERR_INPUT',
      'change keeps the unified social credit code; a new legal person applies anew',
    );
  if (context.clock.now() >= sign.notAfter)
    throw new CoreError('YZ_ERR_STATE', `certificate ${sign.serial} has expired`);
  let eligibility: Eligibility | undefined;
  const uscc = input.legalPerson.uscc;
  return issuePair(context, input as IssueDualInput, {
    businessType: 'change',
    predecessorPairId: sign.pairId,
    notAfter: () => sign.notAfter,
    inTransaction: async (tx, now) => {
      const current = await recheck(tx, pair, ['valid'], 'change');
      const currentSign = current.find((c) => c.role === 'sign') ?? current[0]!;
      const policy = await loadServicePolicy(tx);
      eligibility = await checkEligibility(tx, {
        certificate: currentSign,
        service: 'change',
        at: now,
        policy,
      });
      await changePairStatus(tx, current, 'revoke', {
        reason: 'superseded',
        actor: input.actor,
        now,
        note: input.note ?? '变更 change',
      });
    },
    ...counterRule(input),
    afterIssue: async (tx, issued) => {
      await recordCharge(tx, {
        applicationId: issued.applicationId,
        uscc,
        decision: eligibility!.charge,
        at: issued.now,
        actor: input.actor,
        ...(input.atCounter ? { paidWith: input.atCounter.paidWith } : {}),
      });
      await followPairOnMedia(tx, {
        uscc,
        oldPairId: sign.pairId,
        newPairId: issued.pairId,
        step: 'change',
        at: issued.now,
        actor: input.actor,
      });
      await input.atCounter?.afterIssue?.(tx, issued);
    },
  });
}

/** 补办 reissue: new keys, same notAfter; the old pair is revoked (keyCompromise); medium fee unless mobile. */
export async function reissuePair(
  context: IssuanceContext,
  input: ReplaceInput & { note?: string },
): Promise<IssuedPair> {
  const { pair, sign, legalPerson } = await loadOld(context, input);
  if (context.clock.now() >= sign.notAfter)
    throw new CoreError('YZ_ERR_STATE', `certificate ${sign.serial} has expired`);
  return issuePair(
    context,
    { ...input, legalPerson },
    {
      businessType: 'reissue',
      predecessorPairId: sign.pairId,
      notAfter: () => sign.notAfter,
      ...counterRule(input),
      inTransaction: async (tx, now) => {
        const current = await recheck(tx, pair, ['valid', 'suspended'], 'reissue');
        await changePairStatus(tx, current, 'revoke', {
          reason: 'keyCompromise',
          actor: input.actor,
          now,
          note: input.note ?? '补办 reissue',
        });
      },
      afterIssue: async (tx, issued) => {
        await recordCharge(tx, {
          applicationId: issued.applicationId,
          uscc: legalPerson.uscc,
          decision:
            input.channel === 'mobile'
              ? { code: FEE_CODES.medium, waivedBy: 'R21 mobile certificate: no medium to replace' }
              : { code: FEE_CODES.medium },
          at: issued.now,
          actor: input.actor,
          ...(input.atCounter ? { paidWith: input.atCounter.paidWith } : {}),
        });
        await followPairOnMedia(tx, {
          uscc: legalPerson.uscc,
          oldPairId: sign.pairId,
          newPairId: issued.pairId,
          step: 'reissue',
          at: issued.now,
          actor: input.actor,
        });
        await input.atCounter?.afterIssue?.(tx, issued);
      },
    },
  );
}
