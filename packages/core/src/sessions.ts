/**
 * Sessions and password login (issue 5 "Authentication"). A login hands out an opaque bearer
 * token (`yzs_` + 256 random bits); the store keeps only its SM3 hash, so a copy of the database
 * holds no usable token. A session carries the roles the operator had at login; every change of
 * roles, branch, status or password ends the operator's sessions (`operators.ts`).
 *
 * Lockout: `LOGIN_LOCKOUT.maxFailures` wrong passwords in a row lock the operator for
 * `LOGIN_LOCKOUT.lockMinutes`; the lockout is audited. Every login, successful or not, is
 * audited with the reason the caller is *not* told: a refusal says the same thing whether the
 * login is unknown, the password wrong, or the account locked or disabled, so answers cannot be
 * used to find out which logins exist.
 */
import { randomBytes, sm3, toHex, utf8 } from '@yizheng/gm';
import {
  type OperatorRecord,
  type Principal,
  type SessionKind,
  type SessionRecord,
  auditName,
} from './account-model.js';
import type { AccountContext } from './account-scope.js';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import { decoyPasswordHash, verifyPassword } from './password.js';
import type { StoreTx } from './ports/store.js';
import type { Role } from './roles.js';

export const LOGIN_LOCKOUT = { maxFailures: 5, lockMinutes: 15 } as const;

/** How long a session lasts: a working day for staff, two hours for a legal person's portal visit. */
export const SESSION_TTL_MINUTES: Readonly<Record<SessionKind, number>> = {
  operator: 8 * 60,
  'legal-person': 2 * 60,
};

const TOKEN = /^yzs_[A-Za-z0-9_-]{43}$/;
const MINUTE = 60_000;

/** What a successful login returns: the token (shown once) and the caller it stands for. */
export interface SessionGrant {
  readonly token: string;
  readonly expiresAt: Date;
  readonly principal: Principal;
}

/** SM3 of a bearer token, hex: the key the store keeps it under. */
export function tokenHash(token: string): string {
  return toHex(sm3(utf8(token)));
}

function principalOf(session: SessionRecord): Principal {
  return {
    kind: session.kind,
    id: session.subject,
    roles: session.roles,
    branchId: session.branchId,
    uscc: session.uscc,
    scopes: [],
    expiresAt: session.expiresAt,
  };
}

/** Opens a session in `tx` (the caller audits the login in the same transaction). */
export async function openSession(
  tx: StoreTx,
  at: Date,
  holder: {
    kind: SessionKind;
    subject: string;
    roles: readonly Role[];
    branchId: string | null;
    uscc: string | null;
  },
): Promise<SessionGrant> {
  const token = `yzs_${Buffer.from(randomBytes(32)).toString('base64url')}`;
  const session: SessionRecord = {
    tokenHash: tokenHash(token),
    ...holder,
    createdAt: at,
    expiresAt: new Date(at.getTime() + SESSION_TTL_MINUTES[holder.kind] * MINUTE),
  };
  // housekeeping on the way: a login is rare enough to carry it, and the index makes it cheap
  await tx.deleteExpiredSessions(at);
  await tx.insertSession(session);
  return { token, expiresAt: session.expiresAt, principal: principalOf(session) };
}

/** The caller a session token stands for, or undefined when it is unknown or expired. */
export async function authenticateSession(
  context: AccountContext,
  token: string,
): Promise<Principal | undefined> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  const session = await context.store.read.getSession(tokenHash(token));
  if (!session || session.expiresAt.getTime() <= context.clock.now().getTime()) return undefined;
  return principalOf(session);
}

/** 退出 logout: ends the session of `token`. */
export async function logout(context: AccountContext, token: string, principal: Principal): Promise<void> {
  await context.store.transaction(async (tx) => {
    await tx.deleteSession(tokenHash(token));
    await appendAudit(tx, {
      at: context.clock.now(),
      actor: auditName(principal),
      action: 'session.logout',
      object: auditName(principal),
      reason: null,
      detail: {},
    });
  });
}

/**
 * Records a refused login in `tx`: the audit entry, and for a known operator whose failure counts
 * (`counts`, default true) one more failure — the last allowed one locks the operator.
 */
export async function recordLoginFailure(
  tx: StoreTx,
  at: Date,
  failure: {
    operator?: OperatorRecord;
    /** The object when no operator is known: `operator:<login>`, `legal-person:<uscc>`, … */
    object?: string;
    method: string;
    reason: string;
    counts?: boolean;
    from?: string | undefined;
    detail?: Readonly<Record<string, unknown>>;
  },
): Promise<void> {
  const { operator } = failure;
  const object = operator ? `operator:${operator.login}` : (failure.object ?? 'unknown');
  const from = failure.from ? { from: failure.from } : {};
  await appendAudit(tx, {
    at,
    actor: object,
    action: 'session.login-failed',
    object,
    reason: failure.reason,
    detail: { method: failure.method, ...from, ...failure.detail },
  });
  if (!operator || failure.counts === false) return;
  const failures = operator.failedLogins + 1;
  if (failures < LOGIN_LOCKOUT.maxFailures) {
    await tx.updateOperator(operator.login, { failedLogins: failures, updatedAt: at });
    return;
  }
  const lockedUntil = new Date(at.getTime() + LOGIN_LOCKOUT.lockMinutes * MINUTE);
  await tx.updateOperator(operator.login, { failedLogins: 0, lockedUntil, updatedAt: at });
  await appendAudit(tx, {
    at,
    actor: 'system',
    action: 'operator.lockout',
    object,
    reason: `${failures} failed logins in a row`,
    detail: { lockedUntil: lockedUntil.toISOString(), ...from },
  });
}

/** Why an operator may not log in now (before any credential is looked at), or null. */
export function operatorRefusal(operator: OperatorRecord, at: Date): string | null {
  if (operator.status !== 'active') return 'operator disabled';
  if (operator.lockedUntil && operator.lockedUntil.getTime() > at.getTime())
    return `locked until ${operator.lockedUntil.toISOString()}`;
  return null;
}

/** Opens an operator's session after a successful login and audits it (in `tx`). */
export async function operatorLoggedIn(
  tx: StoreTx,
  at: Date,
  operator: OperatorRecord,
  detail: Readonly<Record<string, unknown>>,
): Promise<SessionGrant> {
  if (operator.failedLogins !== 0 || operator.lockedUntil !== null)
    await tx.updateOperator(operator.login, { failedLogins: 0, lockedUntil: null, updatedAt: at });
  const grant = await openSession(tx, at, {
    kind: 'operator',
    subject: operator.login,
    roles: operator.roles,
    branchId: operator.branchId,
    uscc: null,
  });
  await appendAudit(tx, {
    at,
    actor: `operator:${operator.login}`,
    action: 'session.login',
    object: `operator:${operator.login}`,
    reason: null,
    detail: { ...detail, roles: operator.roles, expiresAt: grant.expiresAt.toISOString() },
  });
  return grant;
}

/** The one message every refused login gets (see the module doc). */
export const LOGIN_REFUSED = 'login failed: wrong credentials, or the account is locked or disabled';

/** 口令登录 password login of an operator. */
export async function loginWithPassword(
  context: AccountContext,
  input: { login: string; password: string; from?: string },
): Promise<SessionGrant> {
  if (typeof input.login !== 'string' || typeof input.password !== 'string')
    throw new CoreError('YZ_ERR_INPUT', 'login and password are required');
  const seen = await context.store.read.getOperator(input.login);
  // unknown logins are checked against a decoy hash so that they take as long as known ones
  const matches = await verifyPassword(input.password, seen?.passwordHash ?? (await decoyPasswordHash()));
  const grant = await context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const operator = seen ? await tx.getOperator(seen.login) : undefined;
    const failure = { method: 'password', from: input.from };
    if (!operator) {
      await recordLoginFailure(tx, now, {
        ...failure,
        object: `operator:${input.login}`,
        reason: 'unknown login',
      });
      return undefined;
    }
    const refusal = operatorRefusal(operator, now);
    if (refusal) {
      await recordLoginFailure(tx, now, { ...failure, operator, reason: refusal, counts: false });
      return undefined;
    }
    // a password set while this login was checked makes the check stale: refuse, do not count
    if (operator.passwordHash !== seen!.passwordHash) {
      await recordLoginFailure(tx, now, {
        ...failure,
        operator,
        reason: 'password changed meanwhile',
        counts: false,
      });
      return undefined;
    }
    if (!matches) {
      await recordLoginFailure(tx, now, { ...failure, operator, reason: 'wrong password' });
      return undefined;
    }
    return operatorLoggedIn(tx, now, operator, {
      method: 'password',
      ...(input.from ? { from: input.from } : {}),
    });
  });
  if (!grant) throw new CoreError('YZ_ERR_LOGIN_FAILED', LOGIN_REFUSED);
  return grant;
}
