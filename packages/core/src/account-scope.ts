/**
 * Who may manage which operator (issue 5 "Role-based access"; docs/api.md has the matrix). The
 * API's route declarations decide which roles reach an account operation at all; these rules
 * decide which *objects* a role reaches, which only the core can tell:
 *
 * - a CA administrator manages every operator;
 * - a branch manager manages the operators of its own branch, and grants or touches only the
 *   branch-level roles (`BRANCH_MANAGER_GRANTS`) — never CA administrator, KMC officer, auditor
 *   or regulator, and never an operator who holds one;
 * - anyone else manages nobody (but may change their own password, `operators.ts`).
 *
 * Refusals are `YZ_ERR_OUT_OF_SCOPE` and change nothing.
 */
import type { AccountActor } from './account-model.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { BRANCH_MANAGER_GRANTS, type Role } from './roles.js';

/** What account operations need. */
export interface AccountContext {
  readonly store: Store;
  readonly clock: Clock;
}

/** An operator as far as scope goes: where it works and what it holds (or will hold). */
export interface OperatorScope {
  readonly login: string;
  readonly branchId: string | null;
  readonly roles: readonly Role[];
}

/** Refuses unless `actor` may manage `target` (its state before and after the change). */
export function checkOperatorScope(actor: AccountActor, ...target: readonly OperatorScope[]): void {
  if (actor.roles.includes('ca-admin')) return;
  if (!actor.roles.includes('branch-manager'))
    throw new CoreError('YZ_ERR_OUT_OF_SCOPE', `${actor.name} may not manage operators`);
  for (const operator of target) {
    if (actor.branchId === null || operator.branchId !== actor.branchId)
      throw new CoreError(
        'YZ_ERR_OUT_OF_SCOPE',
        `operator ${operator.login} is not of branch ${actor.branchId ?? '(none)'}, which ${actor.name} manages`,
      );
    const beyond = operator.roles.filter((role) => !BRANCH_MANAGER_GRANTS.includes(role));
    if (beyond.length > 0)
      throw new CoreError(
        'YZ_ERR_OUT_OF_SCOPE',
        `a branch manager may not manage role(s) ${beyond.join(', ')} (operator ${operator.login})`,
      );
  }
}
