/**
 * 柜台更新/变更/补办 the replacing steps taken at a branch counter (R33; R19 renew, R20 change, R21
 * reissue): the same shape as the counter's new certificate (counter-issue.ts) — the checklist of
 * the business type by SM3-hashed scans, the fee paid at the counter, and for a reissue a USB-KEY
 * from this branch's stock that the new pair is written onto (the lost one is marked lost) — all
 * inside the step's own transaction (lifecycle.ts `atCounter`). Renew and change write the new pair
 * onto the holder's existing key, so they take no medium from stock.
 */
import type { AccountActor } from './account-model.js';
import type { AgentDetails } from './applicant.js';
import { type ChecklistMaterial, checkChecklist } from './counter-checklist.js';
import { PAYMENT_METHODS, type PaymentMethod } from './counter-issue.js';
import { CoreError } from './errors.js';
import type { IssuanceContext, IssueDualInput, IssuedPair } from './issuance.js';
import { changePair, reissuePair, renewPair } from './lifecycle.js';
import { type MediaContext, personaliseInTransaction, requireStock } from './media.js';
import { findPair } from './revocation.js';

export type CounterStepType = 'renew' | 'change' | 'reissue';

export interface CounterServiceInput {
  readonly businessType: CounterStepType;
  /** Either certificate of the pair being replaced. */
  readonly serial: string;
  readonly request: Uint8Array | string;
  /** Change: the new identity data (the USCC stays the pair's). */
  readonly legalPerson?: Omit<IssueDualInput['legalPerson'], 'uscc'>;
  readonly agent?: AgentDetails;
  readonly materials: readonly ChecklistMaterial[];
  /** Reissue: the USB-KEY from this branch's stock the new pair goes onto. */
  readonly mediumSerial?: string;
  readonly paymentMethod: PaymentMethod;
  readonly note?: string;
}

const STEPS = { renew: renewPair, change: changePair, reissue: reissuePair } as const;

/** Takes a renew, change or reissue at the actor's counter; the issued pair (and SO PIN on reissue). */
export async function serviceAtCounter(
  context: IssuanceContext & MediaContext,
  input: CounterServiceInput,
  actor: AccountActor,
): Promise<{ pair: IssuedPair; soPin: string | null }> {
  const step = STEPS[input.businessType];
  if (!step)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `the counter takes renew, change or reissue here, not ${String(input.businessType)}`,
    );
  if (!(PAYMENT_METHODS as readonly string[]).includes(input.paymentMethod))
    throw new CoreError('YZ_ERR_INPUT', `unknown payment method ${String(input.paymentMethod)}`);
  if (actor.branchId === null)
    throw new CoreError('YZ_ERR_OUT_OF_SCOPE', `${actor.name} works for no branch: no counter to take it at`);
  const [old] = await context.store.transaction((tx) => findPair(tx, input.serial));
  const person = old?.uscc ? await context.store.read.getLegalPerson(old.uscc) : undefined;
  const materials = checkChecklist(input.businessType, {
    ...(input.agent ? { agent: input.agent } : {}),
    representative: input.legalPerson?.legalRepresentative ?? person?.legalRepresentative ?? '',
    materials: input.materials,
  });
  const mediumSerial = input.mediumSerial;
  if (input.businessType === 'reissue') {
    if (!mediumSerial)
      throw new CoreError('YZ_ERR_INPUT', 'a reissue at the counter needs a USB-KEY from stock');
    await requireStock(context.store.read, mediumSerial, actor.branchId);
  } else if (mediumSerial)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `${input.businessType} writes onto the holder's own key: no medium from stock`,
    );
  let soPin: string | null = null;
  const pair = await step(context, {
    serial: input.serial,
    request: input.request,
    channel: 'counter',
    actor: actor.name,
    applicant: { ...(input.agent ? { agent: input.agent } : {}), materials },
    ...(input.legalPerson ? { legalPerson: { ...input.legalPerson, uscc: old?.uscc ?? '' } } : {}),
    ...(input.note ? { note: input.note } : {}),
    atCounter: {
      paidWith: input.paymentMethod,
      applicationData: {
        counter: {
          branchId: actor.branchId,
          operator: actor.name,
          paymentMethod: input.paymentMethod,
          ...(mediumSerial ? { mediumSerial } : {}),
        },
      },
      ...(mediumSerial
        ? {
            afterIssue: async (tx, { applicationId, pairId, now }) => {
              const sign = (await tx.queryCertificates({ pairId })).find((c) => c.role === 'sign')!;
              const personalised = await personaliseInTransaction(
                tx,
                context,
                {
                  mediumSerial,
                  certificateSerial: sign.serial,
                  actor: actor.name,
                  branchId: actor.branchId,
                  applicationId,
                },
                now,
              );
              soPin = personalised.soPin;
            },
          }
        : {}),
    },
  });
  return { pair, soPin };
}
