/**
 * 操作员 operators (R33 branch staff, R37 back office, electronic work badges 电子工作证): staff
 * accounts with roles (`roles.ts`), a password (`password.ts`) and optionally a work-badge
 * certificate for certificate login. Who may manage whom is `account-scope.ts`.
 *
 * Rules, each enforced here in the transaction that writes the change and its audit entry:
 * - roles are operator roles, never two incompatible ones (三员分立), and the counter roles come
 *   with an active branch;
 * - a work badge is one SM2 key, held by one operator;
 * - at least one active CA administrator remains (no change locks the platform out);
 * - changing roles, branch or status, or setting a password, ends the operator's sessions, so no
 *   session carries powers the operator no longer has.
 */
import { encodePublicKeyInfo } from '@yizheng/gm';
import { certificatePublicKey, parseCertificate } from '@yizheng/pki';
import type { AccountActor, OperatorRecord, OperatorStatus } from './account-model.js';
import { type AccountContext, checkOperatorScope } from './account-scope.js';
import { appendAudit } from './audit.js';
import { requireBranch } from './branches.js';
import { CoreError } from './errors.js';
import { publicKeyHash } from './issuance.js';
import { checkPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './password.js';
import { StoreConflictError, type StoreTx } from './ports/store.js';
import { BRANCH_ROLES, INCOMPATIBLE_ROLES, OPERATOR_ROLES, type Role } from './roles.js';
import { recordLoginFailure } from './sessions.js';

const LOGIN = /^[a-z][a-z0-9._-]{1,31}$/;

export interface OperatorInput {
  readonly login: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly branchId?: string | null;
  /** Absent: a random password is generated and returned once. */
  readonly password?: string;
}

export interface OperatorChange {
  readonly name?: string;
  readonly branchId?: string | null;
  readonly roles?: readonly string[];
  readonly status?: OperatorStatus;
  /** The work-badge certificate (DER or PEM), or null to remove the badge. */
  readonly workBadge?: Uint8Array | string | null;
}

/** Loads an operator or refuses with `YZ_ERR_ACCOUNT_NOT_FOUND`. */
export async function requireOperator(tx: StoreTx, login: string): Promise<OperatorRecord> {
  const operator = await tx.getOperator(login);
  if (!operator) throw new CoreError('YZ_ERR_ACCOUNT_NOT_FOUND', `no operator ${login}`);
  return operator;
}

function checkLogin(login: unknown): string {
  if (typeof login !== 'string' || !LOGIN.test(login))
    throw new CoreError(
      'YZ_ERR_INPUT',
      `login ${JSON.stringify(login)} must be 2–32 of a-z, 0-9, '.', '_', '-', starting with a letter`,
    );
  return login;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
    throw new CoreError('YZ_ERR_INPUT', 'the operator name must be 1–100 characters');
  return name.trim();
}

/** Checks a role list against the role rules (see the module doc). */
export function checkOperatorRoles(roles: readonly unknown[], branchId: string | null): Role[] {
  if (!Array.isArray(roles) || roles.length === 0)
    throw new CoreError('YZ_ERR_INPUT', 'an operator needs at least one role');
  const unknown = roles.filter((r) => !OPERATOR_ROLES.includes(r as Role));
  if (unknown.length > 0)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `not operator role(s): ${unknown.map((r) => JSON.stringify(r)).join(', ')}; one of ${OPERATOR_ROLES.join(', ')}`,
    );
  const checked = [...new Set(roles as Role[])];
  for (const [a, b] of INCOMPATIBLE_ROLES)
    if (checked.includes(a) && checked.includes(b))
      throw new CoreError(
        'YZ_ERR_INPUT',
        `roles ${a} and ${b} may not be held together (separation of duties)`,
      );
  const needsBranch = checked.filter((r) => BRANCH_ROLES.includes(r));
  if (needsBranch.length > 0 && branchId === null)
    throw new CoreError('YZ_ERR_INPUT', `role(s) ${needsBranch.join(', ')} need a branch`);
  return checked;
}

/** The work-badge key hash of a certificate: SM3 of its SM2 key in canonical SPKI form. */
export function workBadgeKeyHash(certificate: Uint8Array | string): string {
  return publicKeyHash(encodePublicKeyInfo(certificatePublicKey(parseCertificate(certificate))));
}

async function requireActiveBranch(tx: StoreTx, branchId: string | null): Promise<void> {
  if (branchId === null) return;
  const branch = await requireBranch(tx, branchId);
  if (!branch.active) throw new CoreError('YZ_ERR_STATE', `branch ${branchId} is closed`);
}

const isActiveAdmin = (o: Pick<OperatorRecord, 'roles' | 'status'>) =>
  o.status === 'active' && o.roles.includes('ca-admin');

/** Creates an operator; returns the generated password when none was given (shown once). */
export async function createOperator(
  context: AccountContext,
  input: OperatorInput,
  actor: AccountActor,
): Promise<{ operator: OperatorRecord; generatedPassword?: string }> {
  const login = checkLogin(input.login);
  const name = checkName(input.name);
  const branchId = input.branchId ?? null;
  const roles = checkOperatorRoles(input.roles, branchId);
  checkOperatorScope(actor, { login, branchId, roles });
  const password = input.password ?? generatePassword();
  checkPasswordPolicy(password, login);
  // hashed before the transaction: scrypt takes tens of milliseconds, and a SQLite write
  // transaction holds every other writer meanwhile
  const passwordHash = await hashPassword(password);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    await requireActiveBranch(tx, branchId);
    const operator: OperatorRecord = {
      login,
      name,
      branchId,
      roles,
      passwordHash,
      badgeKeyHash: null,
      status: 'active',
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await tx.insertOperator(operator);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new CoreError('YZ_ERR_ACCOUNT_EXISTS', `operator ${login} already exists`);
      throw error;
    }
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'operator.create',
      object: `operator:${login}`,
      reason: null,
      detail: { name, branchId, roles, passwordGenerated: input.password === undefined },
    });
    return { operator, ...(input.password === undefined ? { generatedPassword: password } : {}) };
  });
}

/** Changes an operator's name, branch, roles, status or work badge. */
export async function updateOperator(
  context: AccountContext,
  login: string,
  change: OperatorChange,
  actor: AccountActor,
): Promise<OperatorRecord> {
  if (change.status !== undefined && change.status !== 'active' && change.status !== 'disabled')
    throw new CoreError('YZ_ERR_INPUT', `status must be active or disabled`);
  const name = change.name === undefined ? undefined : checkName(change.name);
  const badgeKeyHash =
    change.workBadge === undefined || change.workBadge === null
      ? change.workBadge
      : workBadgeKeyHash(change.workBadge);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const current = await requireOperator(tx, login);
    const branchId = change.branchId === undefined ? current.branchId : change.branchId;
    const roles =
      change.roles === undefined && change.branchId === undefined
        ? current.roles
        : checkOperatorRoles(change.roles ?? current.roles, branchId);
    const status = change.status ?? current.status;
    checkOperatorScope(actor, current, { login, branchId, roles });
    if (change.branchId !== undefined && branchId !== current.branchId)
      await requireActiveBranch(tx, branchId);
    if (isActiveAdmin(current) && !isActiveAdmin({ roles, status })) {
      const admins = (await tx.listOperators()).filter((o) => o.login !== login && isActiveAdmin(o));
      if (admins.length === 0)
        throw new CoreError(
          'YZ_ERR_STATE',
          `${login} is the last active CA administrator; add another first`,
        );
    }
    if (badgeKeyHash) {
      const holder = await tx.findOperatorByBadge(badgeKeyHash);
      if (holder && holder.login !== login)
        throw new CoreError('YZ_ERR_ACCOUNT_EXISTS', `this work badge key is already ${holder.login}'s`);
    }
    const updated: OperatorRecord = {
      ...current,
      ...(name !== undefined ? { name } : {}),
      ...(badgeKeyHash !== undefined ? { badgeKeyHash } : {}),
      branchId,
      roles,
      status,
      updatedAt: now,
    };
    const changed = Object.fromEntries(
      (['name', 'branchId', 'roles', 'status', 'badgeKeyHash'] as const)
        .filter((field) => JSON.stringify(updated[field]) !== JSON.stringify(current[field]))
        .map((field) => [field, { from: current[field], to: updated[field] }]),
    );
    if (Object.keys(changed).length === 0) throw new CoreError('YZ_ERR_INPUT', 'nothing to change');
    await tx.updateOperator(login, {
      name: updated.name,
      branchId,
      roles,
      status,
      badgeKeyHash: updated.badgeKeyHash,
      updatedAt: now,
    });
    const endsSessions = 'roles' in changed || 'branchId' in changed || 'status' in changed;
    const sessionsEnded = endsSessions ? await tx.deleteSessionsOf('operator', login) : 0;
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'operator.update',
      object: `operator:${login}`,
      reason: null,
      detail: { changed, sessionsEnded },
    });
    return updated;
  });
}

/**
 * 重置密码: a CA administrator (or the operator's branch manager) sets a new password — the one
 * given, or a generated one returned once. Clears the lockout and ends the operator's sessions.
 */
export async function resetOperatorPassword(
  context: AccountContext,
  input: { login: string; newPassword?: string },
  actor: AccountActor,
): Promise<{ generatedPassword?: string }> {
  // a caller who manages nobody learns nothing, not even whether the login exists
  checkOperatorScope(actor);
  const target = await requireOperator(context.store.read, input.login);
  checkOperatorScope(actor, target);
  const password = input.newPassword ?? generatePassword();
  checkPasswordPolicy(password, input.login);
  const passwordHash = await hashPassword(password);
  await context.store.transaction(async (tx) => {
    const now = context.clock.now();
    checkOperatorScope(actor, await requireOperator(tx, input.login));
    await tx.updateOperator(input.login, {
      passwordHash,
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: now,
    });
    const sessionsEnded = await tx.deleteSessionsOf('operator', input.login);
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'operator.password.reset',
      object: `operator:${input.login}`,
      reason: null,
      detail: { passwordGenerated: input.newPassword === undefined, sessionsEnded },
    });
  });
  return input.newPassword === undefined ? { generatedPassword: password } : {};
}

/**
 * 修改密码: an operator changes its own password, proving the old one (a stolen session alone
 * cannot take the account over). A wrong old password counts as a failed login (lockout).
 * Ends every session of the operator, this one included: log in again with the new password.
 */
export async function changeOwnPassword(
  context: AccountContext,
  input: { login: string; oldPassword: string; newPassword: string; from?: string },
): Promise<void> {
  const current = await requireOperator(context.store.read, input.login);
  const oldMatches = await verifyPassword(input.oldPassword, current.passwordHash);
  if (oldMatches) {
    checkPasswordPolicy(input.newPassword, input.login);
    if (input.newPassword === input.oldPassword)
      throw new CoreError('YZ_ERR_PASSWORD_POLICY', 'the new password is the old one');
  }
  const passwordHash = oldMatches ? await hashPassword(input.newPassword) : '';
  const changed = await context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const operator = await requireOperator(tx, input.login);
    if (!oldMatches || operator.passwordHash !== current.passwordHash) {
      await recordLoginFailure(tx, now, {
        operator,
        method: 'password-change',
        reason: 'wrong old password',
        from: input.from,
      });
      return false;
    }
    await tx.updateOperator(input.login, { passwordHash, failedLogins: 0, updatedAt: now });
    const sessionsEnded = await tx.deleteSessionsOf('operator', input.login);
    await appendAudit(tx, {
      at: now,
      actor: `operator:${input.login}`,
      action: 'operator.password.change',
      object: `operator:${input.login}`,
      reason: null,
      detail: { sessionsEnded, ...(input.from ? { from: input.from } : {}) },
    });
    return true;
  });
  if (!changed) throw new CoreError('YZ_ERR_LOGIN_FAILED', 'the old password is wrong');
}

/** The login of the first administrator that `ensureInitialAdmin` creates. */
export const INITIAL_ADMIN_LOGIN = 'admin';

/**
 * First run of an empty platform: creates the operator `admin` (CA administrator) with a random
 * password, returned once, when no operator exists yet; otherwise does nothing.
 */
export async function ensureInitialAdmin(
  context: AccountContext,
  actorName: string,
): Promise<{ login: string; password: string } | undefined> {
  if ((await context.store.read.listOperators()).length > 0) return undefined;
  const { generatedPassword } = await createOperator(
    context,
    { login: INITIAL_ADMIN_LOGIN, name: '初始管理员 initial administrator', roles: ['ca-admin'] },
    { name: actorName, roles: ['ca-admin'], branchId: null },
  );
  return { login: INITIAL_ADMIN_LOGIN, password: generatedPassword! };
}
