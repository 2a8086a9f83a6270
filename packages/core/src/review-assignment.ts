/**
 * Assigning applications in review to a reviewer (审核分派, R26 manual review, R37 online business
 * management): a reviewer claims an application (assigns it to itself) or hands it to another
 * reviewer, so a queue shared by several reviewers is worked without two of them on one case.
 * The assignment is kept in the application's data (`assignment`) and audited; it directs the
 * work and filters the queue ("mine", "unassigned") — it is not a lock: any reviewer other than
 * the submitter may still decide (four eyes is the rule that binds, `application-review.ts`).
 */
import type { AccountActor } from './account-model.js';
import { reviewData } from './application-review.js';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import type { ApplicationRecord } from './model.js';

/** Who an application in review is assigned to, by whom, when. */
export interface ReviewAssignment {
  readonly reviewer: string;
  readonly by: string;
  readonly at: string;
}

/** The assignment of an application, or null. */
export function assignmentOf(application: ApplicationRecord): ReviewAssignment | null {
  const assignment = (application.data as { assignment?: ReviewAssignment }).assignment;
  return assignment && typeof assignment.reviewer === 'string' ? assignment : null;
}

/**
 * Assigns application `applicationId` (in review) to operator `reviewer` — a login holding the
 * reviewer role, active — or, without one, to the actor itself (claim). `YZ_ERR_STATE` when the
 * application is not in review or the reviewer cannot review.
 */
export async function assignReview(
  context: CaContext,
  input: { readonly applicationId: string; readonly reviewer?: string; readonly actor: AccountActor },
): Promise<ApplicationRecord> {
  const actorLogin = input.actor.name.startsWith('operator:')
    ? input.actor.name.slice('operator:'.length)
    : null;
  const login = input.reviewer ?? actorLogin;
  if (!login) throw new CoreError('YZ_ERR_INPUT', 'name the reviewer to assign to');
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    // the update first: on PostgreSQL it locks the row, so two claims at once serialise
    await tx.updateApplication(input.applicationId, { updatedAt: now });
    const application = await tx.getApplication(input.applicationId);
    if (!application) throw new CoreError('YZ_ERR_INPUT', `no application ${input.applicationId}`);
    const review = reviewData(application);
    const reviewer = await tx.getOperator(login);
    if (!reviewer || reviewer.status !== 'active' || !reviewer.roles.includes('reviewer'))
      throw new CoreError('YZ_ERR_STATE', `${login} is no active reviewer`);
    if (`operator:${login}` === review.submittedBy)
      throw new CoreError('YZ_ERR_STATE', `${login} submitted this application and cannot review it`);
    const previous = assignmentOf(application);
    const assignment: ReviewAssignment = { reviewer: login, by: input.actor.name, at: now.toISOString() };
    await tx.updateApplication(application.id, { data: { ...application.data, assignment }, updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: input.actor.name,
      action: 'application.review.assign',
      object: `application:${application.id}`,
      reason: null,
      detail: { reviewer: login, previous: previous?.reviewer ?? null, uscc: application.uscc },
    });
    return (await tx.getApplication(application.id))!;
  });
}
