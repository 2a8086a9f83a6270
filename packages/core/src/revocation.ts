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
import type { RevocationAttribution, StoreTx } from './ports/store.js';
import { CoreError } from './errors.js';
import type { CertificateRecord, CertificateStatus, Channel, RevocationReason } from './model.js';

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
  /** The branch 网点 of the operator who acts at the counter (statistics by branch, R25). */
  readonly branchId?: string | null;
  /** The channel 渠道 of the request (statistics by channel, R25). */
  readonly channel?: Channel;
}

export type Step = 'revoke' | 'suspend' | 'resume';

const RULES: Record<Step, { from: readonly CertificateStatus[]; to: CertificateStatus }> = {
  revoke: { from: ['valid', 'suspended'], to: 'revoked' },
  suspend: { from: ['valid'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'valid' },
};

/** Normalises a hex serial as stored (upper case, no leading zeros). */
export function normaliseSerial(serial: string): string {
  const normal = serial.replace(/^0+/, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(normal))
    throw new CoreError('YZ_ERR_INPUT', `serial ${JSON.stringify(serial)} is not hex`);
  return normal;
}

/** The dual pair holding `serial` (both certificates), inside `tx`. */
export async function findPair(tx: StoreTx, serial: string, caId?: string): Promise<CertificateRecord[]> {
  const normal = normaliseSerial(serial);
  const hits = (await tx.findCertificatesBySerial(normal)).filter((c) => !caId || c.caId === caId);
  if (hits.length === 0) throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `no certificate with serial ${normal}`);
  if (hits.length > 1)
    throw new CoreError('YZ_ERR_INPUT', `serial ${normal} exists under several CAs: give --ca`);
  return tx.queryCertificates({ pairId: hits[0]!.pairId });
}

/**
 * Moves every certificate of `pair` by `step` inside `tx` (state check, status, audit entry,
 * publication job). Lifecycle steps that replace a pair call it to revoke the old one.
 */
export async function changePairStatus(
  tx: StoreTx,
  pair: readonly CertificateRecord[],
  step: Step,
  change: {
    readonly reason: RevocationReason | null;
    readonly actor: string;
    readonly note?: string;
    readonly now: Date;
    /** Who revoked, recorded with a revocation for the statistics (R25); not recorded if absent. */
    readonly attribution?: RevocationAttribution;
  },
): Promise<CertificateRecord[]> {
  const rule = RULES[step];
  for (const cert of pair) {
    if (!rule.from.includes(cert.status))
      throw new CoreError('YZ_ERR_STATE', `cannot ${step} certificate ${cert.serial}: it is ${cert.status}`);
  }
  const changed: CertificateRecord[] = [];
  for (const cert of pair) {
    const revokedAt = rule.to === 'valid' ? null : change.now;
    // only a revocation is attributed; suspending or resuming clears what a revocation would record
    const attribution =
      rule.to === 'revoked' && change.attribution ? change.attribution : { branchId: null, channel: null };
    await tx.setCertificateStatus(cert.caId, cert.serial, rule.to, revokedAt, change.reason, attribution);
    await appendAudit(tx, {
      at: change.now,
      actor: change.actor,
      action: `certificate.${step}`,
      object: `certificate:${cert.caId}:${cert.serial}`,
      reason: change.note ?? null,
      detail: {
        from: cert.status,
        to: rule.to,
        crlReason: change.reason,
        pairId: cert.pairId,
        uscc: cert.uscc,
      },
    });
    await tx.insertOutbox({
      id: `job-${randomUUID()}`,
      kind: 'publish.status',
      payload: { caId: cert.caId, serial: cert.serial, status: rule.to },
      createdAt: change.now,
      doneAt: null,
    });
    changed.push({ ...cert, status: rule.to, revokedAt, revocationReason: change.reason });
  }
  return changed;
}

async function change(context: CaContext, step: Step, request: StatusChange): Promise<CertificateRecord[]> {
  const reason: RevocationReason | null =
    step === 'suspend' ? 'certificateHold' : step === 'resume' ? null : (request.reason ?? 'unspecified');
  if (step === 'revoke' && !REVOCATION_REASONS.includes(reason!))
    throw new CoreError('YZ_ERR_INPUT', `reason must be one of ${REVOCATION_REASONS.join(', ')}`);
  return context.store.transaction(async (tx) =>
    changePairStatus(tx, await findPair(tx, request.serial, request.caId), step, {
      reason,
      actor: request.actor,
      now: context.clock.now(),
      ...(request.note ? { note: request.note } : {}),
      attribution: { branchId: request.branchId ?? null, channel: request.channel ?? null },
    }),
  );
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
