/**
 * Revocation, suspension and resumption (撤销 / 冻结 / 解冻; R23 and beyond the seed): a step
 * acts on the whole dual pair, is allowed only from the states below, and is stored with its
 * audit entry and publication job in one transaction. CRLs pick revocations up at their next run.
 *
 * | step    | from               | to        | CRL reason                 |
 * |---------|--------------------|-----------|----------------------------|
 * | revoke  | valid, suspended   | revoked   | as given (not certificateHold) |
 * | suspend | valid              | suspended | certificateHold            |
 * | resume  | suspended          | valid     | (removed from the CRL)     |
 */
import { randomUUID } from 'node:crypto';
import { CRL_REASONS } from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import type { CertificateRecord, CertificateStatus, RevocationReason } from './model.js';

/** Revocation reasons an operator may give (certificateHold is what `suspend` writes). */
export const REVOCATION_REASONS: readonly RevocationReason[] = CRL_REASONS.filter(
  (r): r is RevocationReason =>
    r !== undefined && r !== 'certificateHold' && r !== 'removeFromCRL' && r !== 'aACompromise',
);

/** A status change request. */
export interface StatusChange {
  /** Upper-case or lower-case hex serial of either certificate of the pair. */
  readonly serial: string;
  readonly caId?: string;
  readonly actor: string;
  readonly reason?: RevocationReason;
  /** Why, in words (judicial notice number, holder's request …): audited. */
  readonly note?: string;
}

type Step = 'revoke' | 'suspend' | 'resume';

const RULES: Record<Step, { from: readonly CertificateStatus[]; to: CertificateStatus }> = {
  revoke: { from: ['valid', 'suspended'], to: 'revoked' },
  suspend: { from: ['valid'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'valid' },
};

async function change(context: CaContext, step: Step, request: StatusChange): Promise<CertificateRecord[]> {
  const serial = request.serial.replace(/^0+/, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(serial))
    throw new CoreError('YZ_ERR_INPUT', `serial ${JSON.stringify(request.serial)} is not hex`);
  const reason: RevocationReason | null =
    step === 'suspend' ? 'certificateHold' : step === 'resume' ? null : (request.reason ?? 'unspecified');
  if (step === 'revoke' && !REVOCATION_REASONS.includes(reason!))
    throw new CoreError('YZ_ERR_INPUT', `reason must be one of ${REVOCATION_REASONS.join(', ')}`);
  return context.store.transaction(async (tx) => {
    const hits = (await tx.findCertificatesBySerial(serial)).filter(
      (c) => !request.caId || c.caId === request.caId,
    );
    if (hits.length === 0)
      throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `no certificate with serial ${serial}`);
    if (hits.length > 1)
      throw new CoreError('YZ_ERR_INPUT', `serial ${serial} exists under several CAs: give --ca`);
    const pair = await tx.queryCertificates({ pairId: hits[0]!.pairId });
    const rule = RULES[step];
    const now = context.clock.now();
    for (const cert of pair) {
      if (!rule.from.includes(cert.status))
        throw new CoreError(
          'YZ_ERR_STATE',
          `cannot ${step} certificate ${cert.serial}: it is ${cert.status}`,
        );
    }
    const changed: CertificateRecord[] = [];
    for (const cert of pair) {
      const revokedAt = rule.to === 'valid' ? null : now;
      await tx.setCertificateStatus(cert.caId, cert.serial, rule.to, revokedAt, reason);
      await appendAudit(tx, {
        at: now,
        actor: request.actor,
        action: `certificate.${step}`,
        object: `certificate:${cert.caId}:${cert.serial}`,
        reason: request.note ?? null,
        detail: { from: cert.status, to: rule.to, crlReason: reason, pairId: cert.pairId, uscc: cert.uscc },
      });
      await tx.insertOutbox({
        id: `job-${randomUUID()}`,
        kind: 'publish.status',
        payload: { caId: cert.caId, serial: cert.serial, status: rule.to },
        createdAt: now,
        doneAt: null,
      });
      changed.push({ ...cert, status: rule.to, revokedAt, revocationReason: reason });
    }
    return changed;
  });
}

/** Revokes the pair holding `serial` (R23). */
export function revokeCertificate(context: CaContext, request: StatusChange): Promise<CertificateRecord[]> {
  return change(context, 'revoke', request);
}

/** Suspends the pair (certificateHold), e.g. for a reported loss. */
export function suspendCertificate(context: CaContext, request: StatusChange): Promise<CertificateRecord[]> {
  return change(context, 'suspend', request);
}

/** Resumes a suspended pair. */
export function resumeCertificate(context: CaContext, request: StatusChange): Promise<CertificateRecord[]> {
  return change(context, 'resume', request);
}
