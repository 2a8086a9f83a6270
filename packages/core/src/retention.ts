/**
 * Retention (R7: "certificates remain stored ≥ 5 years after they expire or are revoked"). The
 * purge deletes a certificate record only when both its end of validity and, if revoked, its
 * revocation lie more than `retentionYears` (never below 5) before now. Everything else a legal
 * person did stays: applications, charges and the audit chain are the business history (R27, R3),
 * and escrowed encryption keys stay with the KMC, whose own policy governs them.
 *
 * Each batch is one transaction with one audit entry naming every certificate it deleted, so a
 * purge interrupted half-way has deleted whole, audited batches and nothing else. A dry run lists
 * what would go.
 */
import { appendAudit } from './audit.js';
import type { CertificateRecord } from './model.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { loadServicePolicy } from './service-policy.js';

export interface PurgeResult {
  /** Ended before this moment. */
  readonly cutoff: Date;
  readonly deleted: number;
  readonly dryRun: boolean;
  /** `caId:serial` of what was (or would be) deleted, at most the first 1000. */
  readonly sample: readonly string[];
}

/** now − years, in calendar years (29 February lands on 1 March). */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** Deletes certificates past retention, `batchSize` per transaction; `onProgress(deleted)` after each. */
export async function purgeExpired(
  context: { readonly store: Store; readonly clock: Clock },
  input: { actor: string; dryRun?: boolean; batchSize?: number; onProgress?: (deleted: number) => void },
): Promise<PurgeResult> {
  const now = context.clock.now();
  const policy = await loadServicePolicy(context.store.read);
  const cutoff = retentionCutoff(now, policy.retentionYears);
  const batchSize = input.batchSize ?? 500;
  const sample: string[] = [];
  const note = (certs: readonly CertificateRecord[]) => {
    for (const c of certs) if (sample.length < 1000) sample.push(`${c.caId}:${c.serial}`);
  };
  if (input.dryRun) {
    const all = await context.store.read.certificatesEndedBefore(cutoff, Number.MAX_SAFE_INTEGER);
    note(all);
    return { cutoff, deleted: all.length, dryRun: true, sample };
  }
  let deleted = 0;
  for (;;) {
    const batch = await context.store.transaction(async (tx) => {
      const certs = await tx.certificatesEndedBefore(cutoff, batchSize);
      if (certs.length === 0) return certs;
      for (const c of certs) await tx.deleteCertificate(c.caId, c.serial);
      await appendAudit(tx, {
        at: now,
        actor: input.actor,
        action: 'certificate.purge',
        object: 'certificates',
        reason: `R7 retention: ended before ${cutoff.toISOString()} (${policy.retentionYears} years)`,
        detail: {
          cutoff: cutoff.toISOString(),
          certificates: certs.map((c) => ({
            caId: c.caId,
            serial: c.serial,
            uscc: c.uscc,
            notAfter: c.notAfter.toISOString(),
            revokedAt: c.revokedAt?.toISOString() ?? null,
          })),
        },
      });
      return certs;
    });
    if (batch.length === 0) break;
    note(batch);
    deleted += batch.length;
    input.onProgress?.(deleted);
  }
  return { cutoff, deleted, dryRun: false, sample };
}
