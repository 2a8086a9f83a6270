/**
 * 柜台新办 a walk-in new certificate at a branch counter (R33; R18 new, R14 the signing key made in
 * the holder's USB-KEY, R17 fees, R26 registry check): the documents of the checklist
 * (counter-checklist.ts) by SM3 hash, the registry check of `submitApplication`, the fee taken at
 * the counter, and the pair written onto a USB-KEY from this branch's stock — all in the one
 * issuing transaction, so either the certificate is issued, charged, the medium issued and its
 * movement logged, or nothing is.
 *
 * The CSR comes from the key (its vendor tool, SKF_GenECCKeyPair + the PKCS#10): the platform never
 * makes a holder's signing key. A registry mismatch sends the application to manual review as
 * online, and the medium stays in stock.
 */
import type { AccountActor, BranchRecord } from './account-model.js';
import { type AgentDetails, maskIdNumber } from './applicant.js';
import {
  type ApplicationContext,
  type SubmittedApplication,
  submitApplication,
} from './application-review.js';
import { type ChecklistMaterial, checkChecklist } from './counter-checklist.js';
import { CoreError } from './errors.js';
import { FEE_CODES, recordCharge } from './fees.js';
import { type MediaContext, personaliseInTransaction, requireStock } from './media.js';
import type { ApplicationRecord, CertificateRecord, LegalPersonRecord } from './model.js';
import type { Store } from './ports/store.js';
import type { AppliedLegalPerson } from './registry-check.js';
import type { ChargeRecord, MediumRecord } from './service-model.js';

/** How the fee was paid at the counter (收费方式). */
export const PAYMENT_METHODS = ['cash', 'bank-card', 'wechat', 'alipay', 'transfer'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The rule that makes a legal person's first certificate free (the government pays for it). */
export const FIRST_CERTIFICATE_FREE = 'R18 first certificate free (首张证书免费，政府购买服务)';

export interface CounterIssueInput {
  readonly legalPerson: AppliedLegalPerson;
  /** PKCS#10 made on the USB-KEY by its vendor tool (DER or PEM). */
  readonly request: Uint8Array | string;
  readonly agent?: AgentDetails;
  readonly materials: readonly ChecklistMaterial[];
  /** A USB-KEY in stock at the actor's branch. */
  readonly mediumSerial: string;
  readonly paymentMethod: PaymentMethod;
  readonly caId?: string;
}

/** Issued onto the medium (with the SO PIN for the personalisation tool, once), or in review. */
export type CounterIssued =
  | (Extract<SubmittedApplication, { state: 'completed' }> & {
      readonly medium: MediumRecord;
      readonly soPin: string;
      readonly charge: ChargeRecord;
    })
  | Extract<SubmittedApplication, { state: 'review' }>;

/** Takes a walk-in new application at the actor's counter; see the module header. */
export async function issueAtCounter(
  context: ApplicationContext & MediaContext,
  input: CounterIssueInput,
  actor: AccountActor,
): Promise<CounterIssued> {
  if (!(PAYMENT_METHODS as readonly string[]).includes(input.paymentMethod))
    throw new CoreError('YZ_ERR_INPUT', `unknown payment method ${String(input.paymentMethod)}`);
  if (actor.branchId === null)
    throw new CoreError(
      'YZ_ERR_OUT_OF_SCOPE',
      `${actor.name} works for no branch: no counter stock to issue from`,
    );
  const materials = checkChecklist('new', {
    ...(input.agent ? { agent: input.agent } : {}),
    representative: input.legalPerson.legalRepresentative,
    materials: input.materials,
  });
  // refused before the registry is asked: the key must be on this counter's shelf
  await requireStock(context.store.read, input.mediumSerial, actor.branchId);
  let issued: { medium: MediumRecord; soPin: string; charge: ChargeRecord } | undefined;
  const result = await submitApplication(context, {
    businessType: 'new',
    request: input.request,
    legalPerson: input.legalPerson,
    channel: 'counter',
    actor: actor.name,
    applicant: { ...(input.agent ? { agent: input.agent } : {}), materials },
    ...(input.caId ? { caId: input.caId } : {}),
    applicationData: {
      counter: {
        branchId: actor.branchId,
        operator: actor.name,
        mediumSerial: input.mediumSerial,
        paymentMethod: input.paymentMethod,
      },
    },
    afterIssue: async (tx, { applicationId, pairId, now }) => {
      const pair = await tx.queryCertificates({ pairId });
      const sign = pair.find((c) => c.role === 'sign')!;
      const earlier = await tx.queryCertificates({ uscc: input.legalPerson.uscc, role: 'sign', limit: 2 });
      const first = earlier.every((c) => c.pairId === pairId);
      const charge = await recordCharge(tx, {
        applicationId,
        uscc: input.legalPerson.uscc,
        decision: first
          ? { code: FEE_CODES.medium, waivedBy: FIRST_CERTIFICATE_FREE }
          : { code: FEE_CODES.medium },
        at: now,
        actor: actor.name,
        paidWith: input.paymentMethod,
      });
      const { medium, soPin } = await personaliseInTransaction(
        tx,
        context,
        {
          mediumSerial: input.mediumSerial,
          certificateSerial: sign.serial,
          actor: actor.name,
          branchId: actor.branchId,
          applicationId,
        },
        now,
      );
      issued = { medium, soPin, charge };
    },
  });
  if (result.state === 'review') return result;
  return { ...result, ...issued! };
}

/** 受理单 what the printable acceptance form / receipt of a counter application shows. */
export interface CounterReceipt {
  readonly application: ApplicationRecord;
  readonly legalPerson: LegalPersonRecord | null;
  /** The agent as on the form, identity number masked. */
  readonly agent: { readonly name: string; readonly idType: string; readonly idNumber: string } | null;
  readonly certificates: readonly CertificateRecord[];
  readonly medium: MediumRecord | null;
  readonly charges: readonly ChargeRecord[];
  readonly branch: BranchRecord | null;
  readonly operator: string;
  readonly paymentMethod: string | null;
}

/** Gathers the receipt of an application (`YZ_ERR_INPUT` when there is no such application). */
export async function counterReceipt(store: Store, applicationId: string): Promise<CounterReceipt> {
  const application = await store.read.getApplication(applicationId);
  if (!application) throw new CoreError('YZ_ERR_INPUT', `no application ${applicationId}`);
  const counter = (application.data.counter ?? {}) as Partial<Record<string, string>>;
  const agent = application.data.agent as AgentDetails | undefined;
  const certificates = (await store.read.queryCertificates({ uscc: application.uscc })).filter(
    (c) => c.applicationId === applicationId,
  );
  const charges = (await store.read.listCharges(application.uscc)).filter(
    (c) => c.applicationId === applicationId,
  );
  return {
    application,
    legalPerson: (await store.read.getLegalPerson(application.uscc)) ?? null,
    agent: agent ? { name: agent.name, idType: agent.idType, idNumber: maskIdNumber(agent.idNumber) } : null,
    certificates,
    medium: counter.mediumSerial
      ? ((await store.read.getMedium(counter.mediumSerial)) ?? null)
      : // renew and change write onto the holder's own key: the one now bound to the new pair
        ((await store.read.listMedia(application.uscc)).find((m) =>
          certificates.some((c) => c.pairId === m.pairId),
        ) ?? null),
    charges,
    branch: counter.branchId ? ((await store.read.getBranch(counter.branchId)) ?? null) : null,
    operator: counter.operator ?? application.actor,
    paymentMethod: counter.paymentMethod ?? null,
  };
}
