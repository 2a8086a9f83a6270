/**
 * The audit trail (R3 "complete audit trail"; issue 4 "Audit"): every state change and every
 * privileged read appends an entry inside the same transaction as the change, so if the entry
 * cannot be written the change does not happen either. Entries are chained with SM3 —
 * hash = SM3(prevHash ‖ canonical JSON of the entry) — and the chain head is checkpointed with an
 * SM2 signature of the audit key, so `verifyAudit` detects a changed, removed or reordered entry
 * and a truncated tail.
 */
import { SM2_DEFAULT_ID, type Sm2PublicKey, fromHex, sm3Concat, toHex, utf8 } from '@yizheng/gm';
import type { Sm2Signer } from '@yizheng/pki';
import { CoreError, isCoreError } from './errors.js';
import type { KeyVault } from './ports/key-vault.js';
import type { AuditEntry, AuditInput } from './model.js';
import type { Store, StoreTx } from './ports/store.js';

/** The vault reference of the audit key that signs checkpoints. */
export const AUDIT_KEY_REF = 'vault:audit';

/** The audit key's public key, creating the key on first use. */
export async function ensureAuditKey(vault: KeyVault): Promise<Sm2PublicKey> {
  try {
    return await vault.publicKey(AUDIT_KEY_REF);
  } catch (error) {
    if (!isCoreError(error) || error.code !== 'YZ_ERR_VAULT_KEY') throw error;
    return (await vault.createKey('audit checkpoints', { ref: AUDIT_KEY_REF })).publicKey;
  }
}

/** prevHash of the first entry. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text per value, whoever wrote it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The chain hash of one entry. */
export function auditHash(prevHash: string, seq: number, input: AuditInput): string {
  const body = canonicalJson({
    seq,
    at: input.at.getTime(),
    actor: input.actor,
    action: input.action,
    object: input.object,
    reason: input.reason,
    detail: input.detail,
  });
  return toHex(sm3Concat(fromHex(prevHash), utf8(body)));
}

/** Appends an entry in `tx`; a store failure is YZ_ERR_AUDIT and aborts the transaction. */
export async function appendAudit(tx: StoreTx, input: AuditInput): Promise<AuditEntry> {
  try {
    return await tx.appendAudit(input, (prevHash, seq) => auditHash(prevHash, seq, input));
  } catch (error) {
    throw new CoreError('YZ_ERR_AUDIT', `audit entry ${input.action} could not be written: ${String(error)}`);
  }
}

function checkpointText(seq: number, hash: string): Uint8Array {
  return utf8(`yizheng-audit-checkpoint:${seq}:${hash}`);
}

/** Signs the current chain head with the audit key (run periodically and after batches). */
export async function checkpointAudit(store: Store, signer: Sm2Signer, at: Date): Promise<number> {
  return store.transaction(async (tx) => {
    const last = await lastEntry(tx);
    if (!last) return 0;
    const e = signer.publicKey.digest(checkpointText(last.seq, last.hash), SM2_DEFAULT_ID);
    await tx.insertAuditCheckpoint({ seq: last.seq, hash: last.hash, signature: signer.signDigest(e), at });
    return last.seq;
  });
}

async function lastEntry(tx: StoreTx): Promise<AuditEntry | undefined> {
  // entries are read in pages of 10,000 from the latest checkpoint on (or from 1)
  const checkpoint = await tx.latestAuditCheckpoint();
  let from = checkpoint?.seq ?? 1;
  let last: AuditEntry | undefined;
  for (;;) {
    const page = await tx.auditEntries(from, from + 9_999);
    if (page.length === 0) return last;
    last = page[page.length - 1];
    from = last!.seq + 1;
  }
}

/** What `verifyAudit` found. */
export interface AuditVerification {
  readonly valid: boolean;
  readonly entries: number;
  /** The first broken seq and why, when not valid. */
  readonly problem?: { readonly seq: number; readonly message: string };
  readonly checkpoint?: { readonly seq: number; readonly signatureValid: boolean };
}

/**
 * Walks the whole chain: contiguous seq from 1, each prevHash the previous hash, each hash
 * recomputed; then the latest checkpoint's signature (with `auditKey`) and that the chain still
 * contains the checkpointed entry unchanged (a truncated or rewritten tail shows here).
 */
export async function verifyAudit(store: Store, auditKey?: Sm2PublicKey): Promise<AuditVerification> {
  let prev = AUDIT_GENESIS;
  let expected = 1;
  const hashes = new Map<number, string>();
  const checkpoint = await store.read.latestAuditCheckpoint();
  for (;;) {
    const page = await store.read.auditEntries(expected, expected + 9_999);
    if (page.length === 0) break;
    for (const entry of page) {
      const fail = (message: string): AuditVerification => ({
        valid: false,
        entries: expected - 1,
        problem: { seq: entry.seq, message },
      });
      if (entry.seq !== expected) return fail(`entry ${expected} is missing (found ${entry.seq})`);
      if (entry.prevHash !== prev) return fail('prevHash does not match the previous entry');
      if (auditHash(prev, entry.seq, entry) !== entry.hash)
        return fail('the entry was changed after it was written');
      if (checkpoint && entry.seq === checkpoint.seq) hashes.set(entry.seq, entry.hash);
      prev = entry.hash;
      expected++;
    }
  }
  const entries = expected - 1;
  if (!checkpoint) return { valid: true, entries };
  const signatureValid = auditKey
    ? auditKey.verify(checkpointText(checkpoint.seq, checkpoint.hash), checkpoint.signature)
    : false;
  const present = hashes.get(checkpoint.seq) === checkpoint.hash;
  const valid = present && (auditKey === undefined || signatureValid);
  return {
    valid,
    entries,
    checkpoint: { seq: checkpoint.seq, signatureValid },
    ...(valid
      ? {}
      : {
          problem: {
            seq: checkpoint.seq,
            message: present
              ? 'the checkpoint signature does not verify'
              : 'the chain no longer holds the checkpointed entry (truncated or rewritten)',
          },
        }),
  };
}
