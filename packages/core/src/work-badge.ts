/**
 * 电子工作证 electronic work badges (R37 "electronic work badges for staff"): the CA issues a
 * staff member a signing certificate under the `work-badge` profile from a PKCS#10 request made
 * on the staff member's USB-KEY (the key never leaves it, as for legal persons, R14), and binds
 * its key to the operator for certificate login (`certificate-login.ts`). A new badge replaces
 * the old one (revoked, superseded); revoking the badge ends its logins at once — the login
 * checks the certificate's status — and it appears on the CRL and in OCSP like any revocation.
 *
 * The badge is a certificate record of role `badge` without a USCC, so it is never counted or
 * listed among legal persons' certificates.
 */
import { randomUUID } from 'node:crypto';
import { buildCertificate, certificatePublicKey, formatName, randomSerialNumber } from '@yizheng/pki';
import { encodePem, encodePublicKeyInfo } from '@yizheng/gm';
import type { AccountActor } from './account-model.js';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import { holderKey, loadProfile, publicKeyHash, recordOf } from './issuance.js';
import type { CertificateRecord } from './model.js';
import { requireOperator } from './operators.js';
import { fixedExtensions, holderExtensions, staffSubjectFor } from './profiles.js';
import { loadPublishingCa } from './publishing-ca.js';
import { StoreConflictError, type StoreTx } from './ports/store.js';
import { changePairStatus } from './revocation.js';

/** The profile work badges are issued under. */
export const WORK_BADGE_PROFILE = 'work-badge';

const DAY = 86_400_000;

/** The operator's current badge certificate (issued here), or undefined. */
export async function currentWorkBadge(tx: StoreTx, login: string): Promise<CertificateRecord | undefined> {
  const operator = await requireOperator(tx, login);
  if (!operator.badgeKeyHash) return undefined;
  const record = await tx.findCertificateByPublicKeyHash(operator.badgeKeyHash);
  return record?.role === 'badge' ? record : undefined;
}

/** Revokes a badge certificate still valid (inside `tx`); returns whether one was. */
async function revokeBadgeCertificate(
  tx: StoreTx,
  badge: CertificateRecord | undefined,
  change: { reason: 'superseded' | 'cessationOfOperation'; actor: string; note: string; now: Date },
): Promise<boolean> {
  if (!badge || badge.status === 'revoked') return false;
  await changePairStatus(tx, [badge], 'revoke', change);
  return true;
}

/**
 * Issues operator `login` a work badge from `request` (PEM or DER PKCS#10 with proof of
 * possession): one transaction for the certificate, the operator's badge key, the old badge's
 * revocation and the audit entry. `YZ_ERR_PROFILE` without a `work-badge` profile.
 */
export async function issueWorkBadge(
  context: CaContext,
  input: { readonly login: string; readonly request: Uint8Array | string; readonly actor: AccountActor },
): Promise<{ record: CertificateRecord; pem: string }> {
  const holder = holderKey(input.request);
  const profile = await loadProfile(context.store, WORK_BADGE_PROFILE);
  if (profile.definition.role !== 'sign')
    throw new CoreError('YZ_ERR_PROFILE', `profile ${WORK_BADGE_PROFILE} must have role sign`);
  const ca = await loadPublishingCa(context.store);
  const signer = await context.vault.signer(ca.record.keyRef);
  // the canonical SPKI, as certificate login hashes the badge's key (workBadgeKeyHash)
  const keyHash = publicKeyHash(encodePublicKeyInfo(holder.key));
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const operator = await requireOperator(tx, input.login);
    if (operator.status !== 'active')
      throw new CoreError('YZ_ERR_STATE', `operator ${operator.login} is disabled: no badge for it`);
    const holderOfKey = await tx.findOperatorByBadge(keyHash);
    if (holderOfKey && holderOfKey.login !== operator.login)
      throw new CoreError('YZ_ERR_ACCOUNT_EXISTS', `this key is already ${holderOfKey.login}'s work badge`);
    const previous = await currentWorkBadge(tx, operator.login);
    await revokeBadgeCertificate(tx, previous, {
      reason: 'superseded',
      actor: input.actor.name,
      note: '电子工作证换发 badge replaced',
      now,
    });
    const notAfter = new Date(
      Math.min(
        now.getTime() + profile.definition.validityDays * DAY,
        ca.certificate.tbs.validity.notAfter.getTime(),
      ),
    );
    const certificate = buildCertificate(
      {
        serialNumber: randomSerialNumber(),
        issuer: ca.certificate.tbs.subject,
        subject: staffSubjectFor(profile.definition, `${operator.name} (${operator.login})`),
        notBefore: now,
        notAfter,
        publicKey: holder.key,
        extensions: [
          ...fixedExtensions(profile.definition, certificatePublicKey(ca.certificate)),
          ...holderExtensions(profile.definition, holder.key, null),
        ],
      },
      signer,
    );
    const record = recordOf(
      certificate,
      {
        caId: ca.record.id,
        role: 'badge',
        pairId: `badge-${randomUUID()}`,
        uscc: null,
        predecessorPairId: previous?.pairId ?? null,
        applicationId: null,
        escrowId: null,
      },
      now,
    );
    try {
      await tx.insertCertificate(record);
    } catch (error) {
      if (error instanceof StoreConflictError && error.what === 'publicKey')
        throw new CoreError(
          'YZ_ERR_KEY_ALREADY_CERTIFIED',
          'this key has been certified before: make a new one',
        );
      throw error;
    }
    await tx.updateOperator(operator.login, { badgeKeyHash: keyHash, updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: input.actor.name,
      action: 'operator.badge.issue',
      object: `operator:${operator.login}`,
      reason: null,
      detail: {
        certificate: `certificate:${record.caId}:${record.serial}`,
        subject: formatName(certificate.tbs.subject),
        notAfter: notAfter.toISOString(),
        profile: `${profile.id}@${profile.version}`,
        badgeKeyHash: keyHash,
        replaced: previous ? previous.serial : null,
      },
    });
    return { record, pem: encodePem('CERTIFICATE', certificate.der) };
  });
}

/**
 * Revokes operator `login`'s work badge and unbinds its key (收回电子工作证): its certificate
 * logins end at once. `YZ_ERR_STATE` when the operator holds no badge.
 */
export async function revokeWorkBadge(
  context: CaContext,
  input: { readonly login: string; readonly actor: AccountActor; readonly note?: string },
): Promise<CertificateRecord | null> {
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const operator = await requireOperator(tx, input.login);
    if (!operator.badgeKeyHash)
      throw new CoreError('YZ_ERR_STATE', `operator ${operator.login} holds no work badge`);
    const badge = await currentWorkBadge(tx, operator.login);
    await revokeBadgeCertificate(tx, badge, {
      reason: 'cessationOfOperation',
      actor: input.actor.name,
      note: input.note ?? '收回电子工作证 badge withdrawn',
      now,
    });
    await tx.updateOperator(operator.login, { badgeKeyHash: null, updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: input.actor.name,
      action: 'operator.badge.revoke',
      object: `operator:${operator.login}`,
      reason: input.note ?? null,
      detail: {
        certificate: badge ? `certificate:${badge.caId}:${badge.serial}` : null,
        badgeKeyHash: operator.badgeKeyHash,
      },
    });
    return badge
      ? { ...badge, status: 'revoked', revokedAt: now, revocationReason: 'cessationOfOperation' }
      : null;
  });
}
