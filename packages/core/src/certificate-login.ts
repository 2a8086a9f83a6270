/**
 * Certificate login (issue 5 "Authentication"; R34 the legal person's online portal, R37
 * electronic work badges 电子工作证): the server hands out a nonce; the caller signs the message
 * `yizheng-login:<nonce>` (UTF-8) with SM2 and the signer ID 1234567812345678 — its USB-KEY or
 * mobile module does, the private key never leaves it — and sends the certificate and the
 * signature back. The message prefix keeps a login signature from being anything else, and a
 * nonce works once and for `CHALLENGE_TTL_MINUTES`, so a captured signature cannot be replayed.
 *
 * - An operator presents the certificate of its work badge: its SM2 key must be the one
 *   registered for the operator, and the certificate within its validity period — and, for a
 *   badge this CA issued (`work-badge.ts`), not revoked or suspended.
 * - A legal person presents its signing certificate: it must be one this platform issued (or
 *   imported) — byte for byte the certificate on record — of role `sign`, valid (not revoked or
 *   suspended) and within its validity period. The session has role `applicant` for that USCC.
 *
 * Handing out a nonce is not audited (anyone may ask for one; an audit entry per request would
 * let anonymous callers flood the trail); logins and refusals are, like password logins.
 */
import { SM2_DEFAULT_ID, constantTimeEqual, isGmError, randomBytes, toHex, utf8 } from '@yizheng/gm';
import { type Certificate, certificatePublicKey, parseCertificate } from '@yizheng/pki';
import type { LoginChallengeRecord } from './account-model.js';
import type { AccountContext } from './account-scope.js';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import { workBadgeKeyHash } from './operators.js';
import type { StoreTx } from './ports/store.js';
import {
  LOGIN_REFUSED,
  type SessionGrant,
  openSession,
  operatorLoggedIn,
  operatorRefusal,
  recordLoginFailure,
} from './sessions.js';

export const CHALLENGE_TTL_MINUTES = 5;
const NONCE = /^[0-9a-f]{64}$/;

/** The exact text a certificate login signs. */
export function loginChallengeMessage(nonce: string): string {
  return `yizheng-login:${nonce}`;
}

/** A fresh login challenge: the nonce, the message to sign and when it stops working. */
export async function issueLoginChallenge(
  context: AccountContext,
): Promise<{ nonce: string; message: string; expiresAt: Date }> {
  const now = context.clock.now();
  const challenge: LoginChallengeRecord = {
    nonce: toHex(randomBytes(32)),
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MINUTES * 60_000),
  };
  await context.store.transaction(async (tx) => {
    await tx.deleteExpiredLoginChallenges(now);
    await tx.insertLoginChallenge(challenge);
  });
  return {
    nonce: challenge.nonce,
    message: loginChallengeMessage(challenge.nonce),
    expiresAt: challenge.expiresAt,
  };
}

export interface CertificateLoginInput {
  /** Who logs in: an operator with its work badge, or a legal person with its signing certificate. */
  readonly as: 'operator' | 'legal-person';
  readonly nonce: string;
  /** The certificate, DER or PEM. */
  readonly certificate: Uint8Array | string;
  /** SM2 signature over `loginChallengeMessage(nonce)`, DER or raw r‖s. */
  readonly signature: Uint8Array;
  /** The caller's address, for the audit trail. */
  readonly from?: string;
}

function signatureVerifies(certificate: Certificate, nonce: string, signature: Uint8Array): boolean {
  try {
    return certificatePublicKey(certificate).verify(utf8(loginChallengeMessage(nonce)), signature, {
      id: SM2_DEFAULT_ID,
      format: 'auto',
    });
  } catch (error) {
    // a malformed signature is a failed login like a wrong one, not a different answer
    if (isGmError(error)) return false;
    throw error;
  }
}

function withinValidity(certificate: Certificate, at: Date): boolean {
  const { notBefore, notAfter } = certificate.tbs.validity;
  return notBefore.getTime() <= at.getTime() && at.getTime() <= notAfter.getTime();
}

/** Takes the challenge (once); false when it is unknown or expired. */
async function takeChallenge(tx: StoreTx, nonce: string, at: Date): Promise<boolean> {
  if (!NONCE.test(nonce)) return false;
  const challenge = await tx.takeLoginChallenge(nonce);
  return challenge !== undefined && challenge.expiresAt.getTime() > at.getTime();
}

/** 证书登录 certificate login (see the module doc). */
export async function loginWithCertificate(
  context: AccountContext,
  input: CertificateLoginInput,
): Promise<SessionGrant> {
  if (input.as !== 'operator' && input.as !== 'legal-person')
    throw new CoreError('YZ_ERR_INPUT', 'as must be operator or legal-person');
  if (typeof input.nonce !== 'string' || !(input.signature instanceof Uint8Array))
    throw new CoreError('YZ_ERR_INPUT', 'nonce, certificate and signature are required');
  // a certificate that does not parse or has no SM2 key is bad input: refused before anything changes
  const certificate = parseCertificate(input.certificate);
  certificatePublicKey(certificate);
  const signed = signatureVerifies(certificate, input.nonce, input.signature);
  const grant = await context.store.transaction((tx) =>
    input.as === 'operator'
      ? operatorBadgeLogin(tx, context.clock.now(), certificate, signed, input)
      : legalPersonLogin(tx, context.clock.now(), certificate, signed, input),
  );
  if (!grant) throw new CoreError('YZ_ERR_LOGIN_FAILED', LOGIN_REFUSED);
  return grant;
}

async function operatorBadgeLogin(
  tx: StoreTx,
  now: Date,
  certificate: Certificate,
  signed: boolean,
  input: CertificateLoginInput,
): Promise<SessionGrant | undefined> {
  const badge = workBadgeKeyHash(certificate.der);
  const fresh = await takeChallenge(tx, input.nonce, now);
  const failure = { method: 'work-badge', from: input.from, detail: { badgeKeyHash: badge } };
  const found = await tx.findOperatorByBadge(badge);
  // re-read by login: on PostgreSQL that locks the row for the failure counter
  const operator = found ? await tx.getOperator(found.login) : undefined;
  if (!operator) {
    await recordLoginFailure(tx, now, {
      ...failure,
      object: `badge:${badge}`,
      reason: 'no operator has this badge',
    });
    return undefined;
  }
  const refusal = operatorRefusal(operator, now);
  // a badge this CA issued (work-badge.ts) logs in only while its certificate is valid (R37)
  const issued = await tx.findCertificateByPublicKeyHash(badge);
  const reason =
    refusal ??
    (!fresh
      ? 'unknown, used or expired challenge'
      : !withinValidity(certificate, now)
        ? 'badge certificate outside its validity'
        : issued && issued.status !== 'valid'
          ? `badge certificate ${issued.status}`
          : !signed
            ? 'signature does not verify'
            : null);
  if (reason) {
    // only a wrong signature counts toward the lockout: the other reasons prove nothing about guessing
    await recordLoginFailure(tx, now, { ...failure, operator, reason, counts: !refusal && fresh && !signed });
    return undefined;
  }
  return operatorLoggedIn(tx, now, operator, {
    method: 'work-badge',
    badgeKeyHash: badge,
    ...(input.from ? { from: input.from } : {}),
  });
}

async function legalPersonLogin(
  tx: StoreTx,
  now: Date,
  certificate: Certificate,
  signed: boolean,
  input: CertificateLoginInput,
): Promise<SessionGrant | undefined> {
  const serial = certificate.tbs.serialNumber.toString(16).toUpperCase();
  const fresh = await takeChallenge(tx, input.nonce, now);
  const record = (await tx.findCertificatesBySerial(serial)).find((c) =>
    constantTimeEqual(c.der, certificate.der),
  );
  const reference = { serial, ...(record ? { caId: record.caId } : {}) };
  const reason = !record
    ? 'certificate not issued by this platform'
    : record.role !== 'sign' || !record.uscc
      ? `not a legal person's signing certificate (role ${record.role})`
      : record.status !== 'valid'
        ? `certificate ${record.status}`
        : !withinValidity(certificate, now)
          ? 'certificate outside its validity'
          : !fresh
            ? 'unknown, used or expired challenge'
            : !signed
              ? 'signature does not verify'
              : null;
  if (reason || !record?.uscc) {
    await recordLoginFailure(tx, now, {
      object: `legal-person:${record?.uscc ?? 'unknown'}`,
      method: 'certificate',
      reason: reason ?? 'no USCC',
      from: input.from,
      detail: { certificate: reference },
    });
    return undefined;
  }
  const grant = await openSession(tx, now, {
    kind: 'legal-person',
    subject: record.uscc,
    roles: ['applicant'],
    branchId: null,
    uscc: record.uscc,
  });
  await appendAudit(tx, {
    at: now,
    actor: `legal-person:${record.uscc}`,
    action: 'session.login',
    object: `legal-person:${record.uscc}`,
    reason: null,
    detail: {
      method: 'certificate',
      certificate: reference,
      expiresAt: grant.expiresAt.toISOString(),
      ...(input.from ? { from: input.from } : {}),
    },
  });
  return grant;
}
