/**
 * Applications checked against the registry, and manual review (R26; design §2 steps 2–3):
 *
 * | registry check                    | path                                                       |
 * |-----------------------------------|------------------------------------------------------------|
 * | match                             | issued at once (`issuePair`); the check kept with the application |
 * | mismatch, not-found, unavailable  | application in state `review` holding the CSR and the differences |
 * | inactive (注销 deregistered, 吊销 revoked) | refused, `YZ_ERR_LEGAL_PERSON_INACTIVE`; nothing stored |
 *
 * A reviewer other than the submitter (four eyes) approves — the certificates are issued through
 * the same `issuePair` as every other step, completing the stored application — or rejects.
 * Every decision is audited in the transaction that makes it.
 */
import { randomUUID } from 'node:crypto';
import { encodePem } from '@yizheng/gm';
import { isValidUscc } from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import {
  type IssuanceContext,
  type IssueDualInput,
  type IssueRule,
  type IssuedPair,
  holderKey,
  issuePair,
  publicKeyHash,
} from './issuance.js';
import type { ApplicationRecord } from './model.js';
import type { LegalPersonRegistry, RegistryStatus } from './ports/legal-person-registry.js';
import type { Store, StoreTx } from './ports/store.js';
import { checkApplicant } from './applicant.js';
import { type AppliedLegalPerson, type RegistryCheck, checkRegistry } from './registry-check.js';

/** Issuance plus the registry. */
export interface ApplicationContext extends IssuanceContext {
  readonly registry: LegalPersonRegistry;
}

/** A new application (新办) with the legal-person data to check. */
export interface SubmitApplicationInput extends Omit<IssueDualInput, 'legalPerson'> {
  readonly businessType: 'new';
  readonly legalPerson: AppliedLegalPerson;
  /** Work in the issuing transaction once the pair is stored (the counter: charge, medium). */
  readonly afterIssue?: IssueRule['afterIssue'];
  /** Extra application data kept when issued at once (the counter: branch, medium, payment). */
  readonly applicationData?: Readonly<Record<string, unknown>>;
}

/** What a remote channel's identity check said (domain-practice.md "applicant identity verification"). */
export interface IdentityCheckResult {
  readonly outcome: 'passed' | 'failed';
  /** face, sms-3-element, bank-card-4-element, e-licence … */
  readonly method: string;
  /** The verifier's transaction id. */
  readonly reference: string;
}

/** What an application waiting for the identity check keeps: everything issuing needs. */
export type IdentityCheckData = Omit<ReviewData, 'registryCheck'> & {
  readonly identityCheck: IdentityCheckResult;
};

/** Issued at once, or waiting in the review queue. */
export type SubmittedApplication =
  | { readonly state: 'completed'; readonly check: RegistryCheck; readonly pair: IssuedPair }
  | { readonly state: 'review'; readonly check: RegistryCheck; readonly application: ApplicationRecord };

/** What a review application keeps in `data` (JSON): everything approval needs to issue. */
export interface ReviewData {
  /** The holder's PKCS#10 request, PEM. */
  readonly request: string;
  readonly legalPerson: AppliedLegalPerson;
  readonly registryCheck: RegistryCheck & { readonly checkedAt: string };
  readonly submittedBy: string;
  readonly issue: Pick<IssueDualInput, 'caId' | 'signProfile' | 'encProfile' | 'applicant'>;
}

const STATUS_WORDS: Record<RegistryStatus, string> = {
  active: '存续 active',
  deregistered: '注销 deregistered',
  revoked: '吊销 revoked',
};

function appliedLegalPerson(person: AppliedLegalPerson): AppliedLegalPerson {
  if (!isValidUscc(person.uscc))
    throw new CoreError(
      'YZ_ERR_USCC',
      `${JSON.stringify(person.uscc)} is not a valid unified social credit code (GB 32100)`,
    );
  for (const field of ['name', 'legalRepresentative'] as const)
    if (typeof person[field] !== 'string' || person[field].trim() === '')
      throw new CoreError('YZ_ERR_INPUT', `the legal person's ${field} is required for the registry check`);
  return {
    uscc: person.uscc,
    name: person.name.trim(),
    legalRepresentative: person.legalRepresentative.trim(),
  };
}

/** Records the registry's status of the legal person (read back by issuance, which keeps it). */
export async function recordRegistryStatus(
  tx: StoreTx,
  person: AppliedLegalPerson,
  check: RegistryCheck,
  now: Date,
): Promise<void> {
  if (check.registryStatus)
    await tx.upsertLegalPerson({ ...person, registryStatus: check.registryStatus, updatedAt: now });
}

/**
 * Submits a new application (新办): checks the CSR, asks the registry, then issues at once on a
 * match or stores the application for review. Refused, changing nothing: a deregistered or
 * revoked legal person (`YZ_ERR_LEGAL_PERSON_INACTIVE`), bad input (`YZ_ERR_USCC`, `YZ_ERR_INPUT`),
 * a key already certified.
 */
export async function submitApplication(
  context: ApplicationContext,
  input: SubmitApplicationInput,
): Promise<SubmittedApplication> {
  if (input.businessType !== 'new')
    throw new CoreError('YZ_ERR_INPUT', 'only new (新办) applications go through the registry check');
  const person = appliedLegalPerson(input.legalPerson);
  // the request is checked before the registry is asked: a bad CSR is the applicant's to fix
  const holder = holderKey(input.request);
  const check = await checkRegistry(context.registry, person);
  if (check.outcome === 'inactive')
    throw new CoreError(
      'YZ_ERR_LEGAL_PERSON_INACTIVE',
      `${person.uscc} is ${STATUS_WORDS[check.registryStatus!]} in the legal-person registry: no new certificate`,
    );
  const registryCheck = { ...check, checkedAt: context.clock.now().toISOString() };
  if (check.outcome === 'match') {
    const pair = await issuePair(
      context,
      { ...input, legalPerson: person },
      {
        businessType: 'new',
        applicationData: { ...input.applicationData, registryCheck },
        inTransaction: (tx, now) => recordRegistryStatus(tx, person, check, now),
        ...(input.afterIssue ? { afterIssue: input.afterIssue } : {}),
      },
    );
    return { state: 'completed', check, pair };
  }
  const data: ReviewData = {
    request: encodePem('CERTIFICATE REQUEST', holder.der),
    legalPerson: person,
    registryCheck,
    submittedBy: input.actor,
    issue: {
      ...(input.caId ? { caId: input.caId } : {}),
      ...(input.signProfile ? { signProfile: input.signProfile } : {}),
      ...(input.encProfile ? { encProfile: input.encProfile } : {}),
      ...(input.applicant ? { applicant: checkApplicant(input.applicant) } : {}),
    },
  };
  const application = await storeWaiting(context, {
    person,
    spki: holder.spki,
    input,
    state: 'review',
    data: { ...data },
    audit: {
      action: 'application.submit',
      reason: check.reason ?? null,
      detail: { outcome: check.outcome, differences: check.differences },
    },
  });
  return { state: 'review', check, application };
}

/**
 * Stores a new application that waits (for a reviewer, or for the identity check at a counter),
 * audited in the same transaction. A key certified already is refused now rather than after the
 * waiting: issuance would refuse it too.
 */
async function storeWaiting(
  context: Pick<ApplicationContext, 'store' | 'clock'>,
  waiting: {
    person: AppliedLegalPerson;
    spki: Uint8Array;
    input: Pick<SubmitApplicationInput, 'channel' | 'actor'>;
    state: 'review' | 'identity-check';
    data: Record<string, unknown>;
    audit: { action: string; reason: string | null; detail: Record<string, unknown> };
  },
): Promise<ApplicationRecord> {
  const { person, input, state } = waiting;
  return context.store.transaction(async (tx) => {
    if (await tx.findCertificateByPublicKeyHash(publicKeyHash(waiting.spki)))
      throw new CoreError(
        'YZ_ERR_KEY_ALREADY_CERTIFIED',
        'the requested public key is already in a certificate',
      );
    const now = context.clock.now();
    const record: ApplicationRecord = {
      id: `app-${randomUUID()}`,
      uscc: person.uscc,
      businessType: 'new',
      channel: input.channel,
      state,
      actor: input.actor,
      data: waiting.data,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertApplication(record);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: waiting.audit.action,
      object: `application:${record.id}`,
      reason: waiting.audit.reason,
      detail: { uscc: person.uscc, state, ...waiting.audit.detail },
    });
    return record;
  });
}

/**
 * Stores a remote (online, mobile) new application whose identity check failed (face, 3-element,
 * bank card …): nothing is asked of the registry and nothing issued; it waits in state
 * `identity-check` for the holder to bring the documents to a counter (identity-check.ts, R33).
 */
export async function holdForIdentityCheck(
  context: Pick<ApplicationContext, 'store' | 'clock'>,
  input: SubmitApplicationInput & { readonly identityCheck: IdentityCheckResult },
): Promise<ApplicationRecord> {
  const person = appliedLegalPerson(input.legalPerson);
  const holder = holderKey(input.request);
  const identityCheck = input.identityCheck;
  if (identityCheck.outcome !== 'failed')
    throw new CoreError(
      'YZ_ERR_INPUT',
      'only an application whose identity check failed waits for the counter',
    );
  for (const field of ['method', 'reference'] as const)
    if (typeof identityCheck[field] !== 'string' || identityCheck[field].trim() === '')
      throw new CoreError('YZ_ERR_INPUT', `the identity check needs its ${field}`);
  if (input.channel === 'counter')
    throw new CoreError(
      'YZ_ERR_INPUT',
      'at the counter the operator checks identity: no remote identity check',
    );
  const data: IdentityCheckData = {
    request: encodePem('CERTIFICATE REQUEST', holder.der),
    legalPerson: person,
    submittedBy: input.actor,
    identityCheck: { outcome: 'failed', method: identityCheck.method, reference: identityCheck.reference },
    issue: {
      ...(input.caId ? { caId: input.caId } : {}),
      ...(input.applicant ? { applicant: checkApplicant(input.applicant) } : {}),
    },
  };
  return storeWaiting(context, {
    person,
    spki: holder.spki,
    input,
    state: 'identity-check',
    data: { ...data },
    audit: {
      action: 'application.identity-check',
      reason: `online identity check failed (${identityCheck.method})`,
      detail: { reference: identityCheck.reference },
    },
  });
}

function found(application: ApplicationRecord | undefined, id: string): ApplicationRecord {
  if (!application) throw new CoreError('YZ_ERR_INPUT', `no application ${id}`);
  return application;
}

/** The review data of an application in state `review` (YZ_ERR_STATE for any other). */
export function reviewData(application: ApplicationRecord): ReviewData {
  const { id, state } = application;
  if (state !== 'review') throw new CoreError('YZ_ERR_STATE', `application ${id} is ${state}, not in review`);
  const data = application.data as Partial<ReviewData>;
  if (typeof data.request !== 'string' || !data.legalPerson || !data.registryCheck || !data.submittedBy)
    throw new CoreError('YZ_ERR_STATE', `application ${id} carries no review data`);
  return data as ReviewData;
}

/**
 * Re-reads the application inside `tx` and checks it is still in review. The UPDATE comes first
 * because on PostgreSQL it takes the row lock: of two reviewers deciding at once, the second waits
 * for the first to commit and then reads its decision (READ COMMITTED re-reads after the wait).
 */
async function lockReview(tx: StoreTx, id: string, now: Date): Promise<ReviewData> {
  await tx.updateApplication(id, { updatedAt: now });
  return reviewData(found(await tx.getApplication(id), id));
}

/** The manual review queue, oldest first. */
export function reviewQueue(store: Store, limit = 100): Promise<ApplicationRecord[]> {
  return store.read.listApplicationsByState('review', limit);
}

/** A reviewer's decision. */
export interface ReviewDecision {
  readonly applicationId: string;
  readonly reviewer: string;
  /** Why (approval: optional note; rejection: required reason). */
  readonly note?: string;
}

/**
 * Approves an application in review and issues its pair (the submitter may not approve:
 * YZ_ERR_STATE). The application is completed in the issuing transaction, with the decision.
 */
export async function approveReview(
  context: IssuanceContext,
  decision: ReviewDecision & { readonly delivery?: IssueDualInput['delivery'] },
): Promise<IssuedPair> {
  const id = decision.applicationId;
  const application = found(await context.store.read.getApplication(id), id);
  const review = reviewData(application);
  if (decision.reviewer === review.submittedBy)
    throw new CoreError(
      'YZ_ERR_STATE',
      'the submitter cannot approve their own application: another reviewer must',
    );
  const { request, legalPerson, registryCheck, submittedBy } = review;
  const at = context.clock.now().toISOString();
  return issuePair(
    context,
    {
      request,
      legalPerson,
      channel: application.channel,
      actor: decision.reviewer,
      ...review.issue,
      ...(decision.delivery ? { delivery: decision.delivery } : {}),
    },
    {
      businessType: 'new',
      applicationId: id,
      applicationData: {
        legalPerson,
        registryCheck,
        submittedBy,
        review: { decision: 'approved', by: decision.reviewer, at, note: decision.note ?? null },
      },
      inTransaction: async (tx, now) => {
        await lockReview(tx, id, now);
        await recordRegistryStatus(tx, legalPerson, registryCheck, now);
        await appendAudit(tx, {
          at: now,
          actor: decision.reviewer,
          action: 'application.review.approve',
          object: `application:${id}`,
          reason: decision.note ?? null,
          detail: { uscc: legalPerson.uscc, submittedBy, outcome: registryCheck.outcome },
        });
      },
    },
  );
}

/** Rejects an application in review (a reason is required); nothing is issued. */
export async function rejectReview(context: CaContext, decision: ReviewDecision): Promise<ApplicationRecord> {
  const reason = decision.note?.trim();
  if (!reason) throw new CoreError('YZ_ERR_INPUT', 'a rejection needs a reason');
  const id = decision.applicationId;
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    // the request stays with a rejected application: the evidence of what was applied for
    const review = await lockReview(tx, id, now);
    const data = {
      ...review,
      review: { decision: 'rejected', by: decision.reviewer, at: now.toISOString(), note: reason },
    };
    await tx.updateApplication(id, { state: 'rejected', actor: decision.reviewer, data, updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: decision.reviewer,
      action: 'application.review.reject',
      object: `application:${id}`,
      reason,
      detail: {
        uscc: review.legalPerson.uscc,
        submittedBy: review.submittedBy,
        outcome: review.registryCheck.outcome,
      },
    });
    return (await tx.getApplication(id))!;
  });
}
