/**
 * 身份核验 at the counter for remote applications whose online identity check failed (R33 "collect
 * and verify documents, including for mobile certificates whose online identity check failed";
 * domain-practice.md "applicant identity verification"): the holder brings the documents of the
 * new-certificate checklist to a branch; the operator checks the originals, the scans are kept by
 * SM3 (counter-checklist.ts), and the application goes on as if just submitted — the registry
 * check (R26) issues it at once on a match (completing the same application), sends it to manual
 * review otherwise, and refuses a deregistered or revoked legal person. The holder's key stays
 * where it was made (the mobile module, R14): the CSR held since the remote submission is used.
 */
import type { AccountActor } from './account-model.js';
import type { AgentDetails } from './applicant.js';
import {
  type ApplicationContext,
  type IdentityCheckData,
  type SubmittedApplication,
  recordRegistryStatus,
} from './application-review.js';
import { appendAudit } from './audit.js';
import { type ChecklistMaterial, checkChecklist } from './counter-checklist.js';
import { CoreError } from './errors.js';
import { issuePair } from './issuance.js';
import type { ApplicationRecord } from './model.js';
import type { StoreTx } from './ports/store.js';
import { checkRegistry } from './registry-check.js';

/** The identity-check data of an application in state `identity-check` (YZ_ERR_STATE otherwise). */
async function waiting(
  tx: StoreTx,
  id: string,
): Promise<{ application: ApplicationRecord; data: IdentityCheckData }> {
  const application = await tx.getApplication(id);
  if (!application) throw new CoreError('YZ_ERR_INPUT', `no application ${id}`);
  if (application.state !== 'identity-check')
    throw new CoreError(
      'YZ_ERR_STATE',
      `application ${id} is ${application.state}, not waiting for an identity check`,
    );
  return { application, data: application.data as unknown as IdentityCheckData };
}

/** What the counter checked, kept with the application. */
interface CounterVerification {
  readonly branchId: string;
  readonly operator: string;
  readonly at: string;
  readonly materials: readonly { kind: string; fileName: string; size: number; sm3: string }[];
  readonly agent: AgentDetails | null;
}

/**
 * Verifies the holder's identity at the actor's counter and continues the application: issued
 * (`completed`), to review (`review`), or refused (`YZ_ERR_LEGAL_PERSON_INACTIVE`, the application
 * rejected). A missing document is `YZ_ERR_CHECKLIST`, nothing changed.
 */
export async function verifyIdentityAtCounter(
  context: ApplicationContext,
  input: { applicationId: string; agent?: AgentDetails; materials: readonly ChecklistMaterial[] },
  actor: AccountActor,
): Promise<SubmittedApplication> {
  if (actor.branchId === null)
    throw new CoreError(
      'YZ_ERR_OUT_OF_SCOPE',
      `${actor.name} works for no branch: identity is checked at a counter`,
    );
  const { application, data } = await waiting(context.store.read, input.applicationId);
  const person = data.legalPerson;
  const materials = checkChecklist('new', {
    ...(input.agent ? { agent: input.agent } : {}),
    representative: person.legalRepresentative,
    materials: input.materials,
  });
  const verification: CounterVerification = {
    branchId: actor.branchId,
    operator: actor.name,
    at: context.clock.now().toISOString(),
    materials,
    agent: input.agent ?? null,
  };
  const check = await checkRegistry(context.registry, person);
  const registryCheck = { ...check, checkedAt: verification.at };
  const record = async (tx: StoreTx, now: Date, state: ApplicationRecord['state'], reason: string | null) => {
    await waiting(tx, application.id);
    await tx.updateApplication(application.id, {
      state,
      actor: actor.name,
      data: { ...data, registryCheck, counterVerification: { ...verification } },
      updatedAt: now,
    });
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'application.identity-verified',
      object: `application:${application.id}`,
      reason,
      detail: { uscc: person.uscc, branchId: actor.branchId, outcome: check.outcome, state },
    });
  };
  if (check.outcome === 'match') {
    const pair = await issuePair(
      context,
      {
        request: data.request,
        legalPerson: person,
        channel: application.channel,
        actor: actor.name,
        ...data.issue,
        applicant: { ...(input.agent ? { agent: input.agent } : {}), materials },
      },
      {
        businessType: 'new',
        applicationId: application.id,
        applicationData: {
          legalPerson: person,
          submittedBy: data.submittedBy,
          identityCheck: data.identityCheck,
          counterVerification: { ...verification },
          registryCheck,
        },
        inTransaction: async (tx, now) => {
          await record(tx, now, 'identity-check', null);
          await recordRegistryStatus(tx, person, check, now);
        },
      },
    );
    return { state: 'completed', check, pair };
  }
  if (check.outcome === 'inactive') {
    await context.store.transaction((tx) =>
      record(tx, context.clock.now(), 'rejected', `registry: ${check.registryStatus ?? 'inactive'}`),
    );
    throw new CoreError(
      'YZ_ERR_LEGAL_PERSON_INACTIVE',
      `${person.uscc} is ${check.registryStatus} in the legal-person registry: the application is rejected`,
    );
  }
  await context.store.transaction((tx) => record(tx, context.clock.now(), 'review', check.reason ?? null));
  const reviewed = (await context.store.read.getApplication(application.id))!;
  return { state: 'review', check, application: reviewed };
}
