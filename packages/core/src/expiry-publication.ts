/**
 * Expired certificates leave the external directory (R7: an expired certificate leaves the CRL
 * and the directories but stays on record). The embedded directory and the CRLs drop an expired
 * certificate by themselves (they read the store as of now); an external LDAP directory only
 * changes through outbox jobs, and expiry is no change anybody commits — so a scheduled sweep
 * writes a `publish.status` job (reason `expired`) for every legal person's certificate that is
 * still `valid` and whose notAfter has passed since the previous sweep. The publisher reads the
 * store when the job runs, finds the certificate no longer current and deletes exactly its
 * `userCertificate;binary` and `serialNumber` values.
 *
 * The sweep keeps its position — (notAfter, caId, serial) of the last certificate enqueued — in
 * the settings table and advances it in the transaction that writes the jobs, under the lock
 * `ldap-expiry-sweep`, so nodes sweep one at a time and a certificate is enqueued once (running it
 * again enqueues nothing new; a job that runs twice is harmless anyway). The first sweep enqueues
 * every certificate that expired before it, in batches.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from './ports/clock.js';
import type { ExpiryCursor } from './ports/status-store.js';
import type { Store } from './ports/store.js';

const SETTING_KEY = 'ldap-publish:expiry-cursor';
const LOCK = 'ldap-expiry-sweep';

/** What one sweep did. */
export type ExpirySweep =
  | { readonly status: 'swept'; readonly enqueued: number }
  /** Another node is sweeping right now. */
  | { readonly status: 'busy' };

interface StoredCursor {
  readonly notAfter: string;
  readonly caId: string;
  readonly serial: string;
}

/**
 * Enqueues a `publish.status` job for every legal person's certificate that expired since the
 * previous sweep, `batchSize` (default 1000) per transaction, until none is left.
 */
export async function sweepExpiredCertificates(
  context: { readonly store: Store; readonly clock: Clock },
  options: { readonly batchSize?: number } = {},
): Promise<ExpirySweep> {
  const batchSize = options.batchSize ?? 1000;
  let enqueued = 0;
  for (;;) {
    const batch = await context.store.transaction(async (tx) => {
      if (!(await tx.tryLockSingleton(LOCK))) return undefined;
      const stored = (await tx.getSetting(SETTING_KEY)) as StoredCursor | undefined;
      const cursor: ExpiryCursor | undefined = stored && { ...stored, notAfter: new Date(stored.notAfter) };
      const now = context.clock.now();
      const expired = await tx.validCertificatesExpired(cursor, now, batchSize);
      for (const cert of expired)
        await tx.insertOutbox({
          id: `job-${randomUUID()}`,
          kind: 'publish.status',
          payload: { caId: cert.caId, serial: cert.serial, reason: 'expired' },
          createdAt: now,
          doneAt: null,
        });
      const last = expired.at(-1);
      if (last) {
        const next: StoredCursor = {
          notAfter: last.notAfter.toISOString(),
          caId: last.caId,
          serial: last.serial,
        };
        await tx.putSetting(SETTING_KEY, next, now);
      }
      return expired.length;
    });
    if (batch === undefined) return enqueued > 0 ? { status: 'swept', enqueued } : { status: 'busy' };
    enqueued += batch;
    if (batch < batchSize) return { status: 'swept', enqueued };
  }
}
