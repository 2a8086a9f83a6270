/**
 * Key recovery with dual control (密钥恢复, R12; issue 4 "KMC"): a request names the escrowed
 * key (or the encryption certificate) and why; two different people, neither of them the
 * requester, approve it; then the escrowed key is enveloped once to the holder's new signing key.
 * Every step — and the privileged read of the escrowed key — is audited. Because the KMC keeps
 * every escrowed key of a legal person, documents encrypted to a pair replaced long ago still
 * open (the complaint users have most often about CAs).
 */
import { randomUUID } from 'node:crypto';
import type { Sm2PublicKey } from '@yizheng/gm';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import type { KeyDelivery, Kmc } from './kmc.js';
import type { RecoveryRequestRecord } from './model.js';
import { normaliseSerial } from './revocation.js';

/** Approvals needed before delivery (two-person rule). */
export const RECOVERY_APPROVALS = 2;

/** The context recovery needs. */
export interface RecoveryContext extends CaContext {
  readonly kmc: Kmc;
}

/** Opens a recovery request for the escrowed key of an encryption certificate (by its serial) or by escrow id. */
export async function requestRecovery(
  context: RecoveryContext,
  input: {
    readonly serial?: string;
    readonly escrowId?: string;
    readonly reason: string;
    readonly actor: string;
  },
): Promise<RecoveryRequestRecord> {
  if (!input.reason || input.reason.trim().length < 4)
    throw new CoreError('YZ_ERR_INPUT', 'a recovery request needs a reason (at least 4 characters)');
  return context.store.transaction(async (tx) => {
    let escrowId = input.escrowId;
    if (!escrowId) {
      if (!input.serial)
        throw new CoreError('YZ_ERR_INPUT', 'give the encryption certificate serial or the escrow id');
      const cert = (await tx.findCertificatesBySerial(normaliseSerial(input.serial))).find((c) => c.escrowId);
      if (!cert)
        throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `no encryption certificate with serial ${input.serial}`);
      escrowId = cert.escrowId!;
    }
    const escrow = await tx.getEscrowedKey(escrowId);
    if (!escrow || escrow.state !== 'assigned')
      throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `no escrowed key ${escrowId} assigned to a certificate`);
    const now = context.clock.now();
    const request: RecoveryRequestRecord = {
      id: `recovery-${randomUUID()}`,
      escrowId,
      uscc: escrow.uscc,
      reason: input.reason,
      requestedBy: input.actor,
      requestedAt: now,
      state: 'pending',
      approvals: [],
      completedAt: null,
    };
    await tx.insertRecoveryRequest(request);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'kmc.recover.request',
      object: `escrow:${escrowId}`,
      reason: input.reason,
      detail: { request: request.id, uscc: escrow.uscc, certificateSerial: escrow.certificateSerial },
    });
    return request;
  });
}

/** Adds one approval; the requester and anyone who approved already are refused (YZ_ERR_STATE). */
export async function approveRecovery(
  context: RecoveryContext,
  input: { readonly id: string; readonly actor: string },
): Promise<RecoveryRequestRecord> {
  return context.store.transaction(async (tx) => {
    const request = await tx.getRecoveryRequest(input.id);
    if (!request) throw new CoreError('YZ_ERR_INPUT', `no recovery request ${input.id}`);
    if (request.state !== 'pending')
      throw new CoreError('YZ_ERR_STATE', `recovery request ${input.id} is ${request.state}, not pending`);
    if (input.actor === request.requestedBy)
      throw new CoreError('YZ_ERR_STATE', 'the requester cannot approve their own recovery request');
    if (request.approvals.some((a) => a.by === input.actor))
      throw new CoreError('YZ_ERR_STATE', `${input.actor} has already approved this recovery request`);
    const now = context.clock.now();
    const approvals = [...request.approvals, { by: input.actor, at: now }];
    const state = approvals.length >= RECOVERY_APPROVALS ? 'approved' : 'pending';
    await tx.updateRecoveryRequest(input.id, { approvals, state });
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'kmc.recover.approve',
      object: `escrow:${request.escrowId}`,
      reason: null,
      detail: { request: request.id, approvals: approvals.length, state },
    });
    return { ...request, approvals, state };
  });
}

/**
 * Delivers an approved recovery once: the escrowed key enveloped to `holderSigningKey`
 * (GM/T 0009 SM2EnvelopedKey, or an SKF blob). The request is then completed and cannot be used again.
 */
export async function completeRecovery(
  context: RecoveryContext,
  input: {
    readonly id: string;
    readonly holderSigningKey: Sm2PublicKey;
    readonly actor: string;
    readonly delivery?: KeyDelivery;
  },
): Promise<{ request: RecoveryRequestRecord; envelope: Uint8Array }> {
  return context.store.transaction(async (tx) => {
    const request = await tx.getRecoveryRequest(input.id);
    if (!request) throw new CoreError('YZ_ERR_INPUT', `no recovery request ${input.id}`);
    if (request.state !== 'approved')
      throw new CoreError(
        'YZ_ERR_STATE',
        `recovery request ${input.id} is ${request.state}: it needs ${RECOVERY_APPROVALS} approvals and is delivered once`,
      );
    const escrow = await tx.getEscrowedKey(request.escrowId);
    if (!escrow) throw new CoreError('YZ_ERR_KMC_UNSEAL', `escrowed key ${request.escrowId} is missing`);
    const now = context.clock.now();
    const envelope = context.kmc.envelope(escrow, input.holderSigningKey, input.delivery);
    await tx.updateRecoveryRequest(input.id, { state: 'completed', completedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'kmc.recover.deliver',
      object: `escrow:${request.escrowId}`,
      reason: request.reason,
      detail: { request: request.id, to: Buffer.from(input.holderSigningKey.toBytes()).toString('hex') },
    });
    return { request: { ...request, state: 'completed', completedAt: now }, envelope };
  });
}
