/**
 * CRL issuance (R5: CRL download, status published within 24 h; RFC 5280 §5): full CRLs and
 * delta CRLs per CA, signed by the CA key from the vault, stored (`crl_issues`) so every node
 * serves the same bytes, and audited.
 *
 * - **Numbers** (RFC 5280 §5.2.3): one increasing sequence per CA over full and delta CRLs,
 *   `max(previous + 1, issuing time in ms)`, allocated inside the issuing transaction under the
 *   lock `crl:<ca>` (`tryLockSingleton`: a PostgreSQL advisory lock), so nodes sharing a database
 *   never issue two CRLs of one CA at once and numbers never go back, whatever their clocks say.
 * - **Full CRL**: every revoked or suspended (certificateHold) certificate of the CA, except one
 *   that expired before the previous full CRL: RFC 5280 §5 keeps an entry on one regularly
 *   scheduled CRL issued after the certificate's expiry, then it leaves. The certificate stays in
 *   the store and answers OCSP and history queries (R7).
 * - **Delta CRL** (RFC 5280 §5.2.4): what changed since the latest full CRL (its base, named by
 *   the critical deltaCRLIndicator) — new or changed entries (a hold that became a revocation),
 *   and removeFromCRL for entries the base has that a full CRL issued now would not (resumed,
 *   expired). It is the difference between the base's entries and the current ones, so it is
 *   right by construction whoever changed what in between.
 * - Superseded CRLs are deleted when a full CRL is issued (the previous full CRL and its deltas
 *   stay, so a delta's base can still be read); each issue stays in the audit trail with the SM3
 *   of its DER, and writes a `publish.crl` outbox job for an external LDAP directory.
 * - **Partition CRLs** (分区, crl-partition-issuance.ts): a CA configured with partitions issues
 *   them in the same transaction, with the same number.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sm3, toHex } from '@yizheng/gm';
import { type CrlEntry, type RevokedEntry, buildCrl, formatName, parseCrl, uriName } from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { issuePartitionCrls } from './crl-partition-issuance.js';
import { loadCrlPartitioning } from './crl-partitions.js';
import { CoreError } from './errors.js';
import type { CertificateRecord } from './model.js';
import { loadPublishingCa } from './publishing-ca.js';
import type { Store, StoreTx } from './ports/store.js';
import type { CrlIssueRecord, CrlIssueSummary, CrlKind } from './status-model.js';

const MINUTE = 60_000;
const DEFAULT_NEXT_UPDATE_MINUTES = 24 * 60;
const MAX_NEXT_UPDATE_MINUTES = 7 * 24 * 60;

/** What to issue. */
export interface CrlIssueOptions {
  /** The CA (default: the first active CA with a certificate). Retired CAs still publish (R7). */
  readonly caId?: string;
  /** Default full. A delta asked before the CA has any full CRL issues its first full CRL. */
  readonly kind?: CrlKind;
  /** nextUpdate, minutes after thisUpdate (1 minute to 7 days; default 24 h). */
  readonly nextUpdateMinutes?: number;
  /** Delta CRL URLs, written into full CRLs as freshestCRL (RFC 5280 §5.2.6). */
  readonly deltaCrlUrls?: readonly string[];
  readonly actor: string;
  readonly onProgress?: (count: number) => void;
}

/** The outcome of one attempt (`issueCrlIfDue`). */
export type CrlIssueAttempt =
  | { readonly status: 'issued'; readonly crl: CrlIssueRecord }
  /** Another node issued one after `notIssuedSince`: nothing to do. */
  | { readonly status: 'current'; readonly crl: CrlIssueSummary }
  /** Another node holds the CA's CRL lock right now. */
  | { readonly status: 'busy' };

function checkNextUpdate(minutes: number): number {
  if (!(minutes >= 1 && minutes <= MAX_NEXT_UPDATE_MINUTES))
    throw new CoreError('YZ_ERR_INPUT', 'nextUpdate must be 1 minute to 7 days ahead');
  return minutes;
}

/** The CRL entry of a revoked or suspended certificate as the store holds it. */
function entryOf(cert: CertificateRecord, now: Date): RevokedEntry {
  const reason = cert.revocationReason;
  return {
    serialNumber: BigInt('0x' + cert.serial),
    revocationDate: cert.revokedAt ?? now,
    ...(reason && reason !== 'unspecified' ? { reason } : {}),
  };
}

/**
 * The certificates a full CRL issued now carries: revoked and suspended ones, except those that
 * expired before `previousFull` was issued (they were on it, beyond their validity).
 */
async function currentRecords(
  tx: StoreTx,
  caId: string,
  previousFull: CrlIssueSummary | undefined,
): Promise<CertificateRecord[]> {
  const revoked = await tx.revokedCertificates(caId);
  const cutoff = previousFull?.thisUpdate.getTime() ?? -Infinity;
  return revoked.filter((c) => c.notAfter.getTime() >= cutoff);
}

/** Parsed entries of recent base CRLs by `caId/number` (a base is read once per full CRL). */
const baseEntries = new Map<string, ReadonlyMap<bigint, CrlEntry>>();

async function entriesOfBase(tx: StoreTx, base: CrlIssueSummary): Promise<ReadonlyMap<bigint, CrlEntry>> {
  const key = `${base.caId}/${base.number}`;
  let entries = baseEntries.get(key);
  if (!entries) {
    const issue = await tx.getCrlIssue(base.caId, base.number);
    if (!issue) throw new CoreError('YZ_ERR_STATE', `the base CRL ${key} is no longer stored`);
    entries = new Map(parseCrl(issue.der).tbs.entries.map((e) => [e.serialNumber, e]));
    if (baseEntries.size >= 8) baseEntries.clear();
    baseEntries.set(key, entries);
  }
  return entries;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The delta between a base CRL's entries and the current ones (RFC 5280 §5.2.4), by serial. */
export function deltaEntries(
  base: ReadonlyMap<bigint, RevokedEntry>,
  current: readonly RevokedEntry[],
): RevokedEntry[] {
  const delta: RevokedEntry[] = [];
  const still = new Set<bigint>();
  for (const entry of current) {
    still.add(entry.serialNumber);
    const before = base.get(entry.serialNumber);
    if (
      !before ||
      before.reason !== entry.reason ||
      seconds(before.revocationDate) !== seconds(entry.revocationDate)
    )
      delta.push(entry);
  }
  for (const [serialNumber, before] of base)
    if (!still.has(serialNumber))
      delta.push({ serialNumber, revocationDate: before.revocationDate, reason: 'removeFromCRL' });
  return delta.sort((a, b) =>
    a.serialNumber < b.serialNumber ? -1 : a.serialNumber > b.serialNumber ? 1 : 0,
  );
}

/** One attempt inside one transaction; `notIssuedSince` makes it a no-op when a fresh one exists. */
async function attempt(
  context: CaContext,
  options: CrlIssueOptions,
  notIssuedSince?: Date,
): Promise<CrlIssueAttempt> {
  const minutes = checkNextUpdate(options.nextUpdateMinutes ?? DEFAULT_NEXT_UPDATE_MINUTES);
  const ca = await loadPublishingCa(context.store, options.caId);
  const caId = ca.record.id;
  const signer = await context.vault.signer(ca.record.keyRef);
  return context.store.transaction(async (tx): Promise<CrlIssueAttempt> => {
    if (!(await tx.tryLockSingleton(`crl:${caId}`))) return { status: 'busy' };
    const latest = await tx.latestCrlIssue(caId);
    const latestFull = await tx.latestCrlIssue(caId, 'full');
    const kind: CrlKind = options.kind === 'delta' && latestFull ? 'delta' : 'full';
    if (notIssuedSince) {
      // a full CRL also brings deltas up to date; only a full one makes a full one current
      const same = kind === 'full' ? latestFull : latest;
      if (same && same.thisUpdate > notIssuedSince) return { status: 'current', crl: same };
    }
    const now = context.clock.now();
    const number =
      latest && latest.number >= BigInt(now.getTime()) ? latest.number + 1n : BigInt(now.getTime());
    const records = await currentRecords(tx, caId, latestFull);
    const current = records.map((c) => entryOf(c, now));
    const entries =
      kind === 'delta' && latestFull ? deltaEntries(await entriesOfBase(tx, latestFull), current) : current;
    const nextUpdate = new Date(now.getTime() + minutes * MINUTE);
    const der = await buildCrl(
      {
        issuer: ca.certificate,
        thisUpdate: now,
        nextUpdate,
        crlNumber: number,
        ...(kind === 'delta' ? { baseCrlNumber: latestFull!.number } : {}),
        ...(kind === 'full' && options.deltaCrlUrls?.length
          ? {
              freshestCrl: [
                {
                  distributionPoint: { type: 'fullName' as const, value: options.deltaCrlUrls.map(uriName) },
                },
              ],
            }
          : {}),
        entries,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      signer,
    );
    const crl: CrlIssueRecord = {
      caId,
      number,
      kind,
      baseNumber: kind === 'delta' ? latestFull!.number : null,
      thisUpdate: now,
      nextUpdate,
      entries: entries.length,
      der,
    };
    await tx.insertCrlIssue(crl);
    const partitioning = await loadCrlPartitioning(tx, caId);
    const partitions = partitioning
      ? await issuePartitionCrls(tx, partitioning, {
          caId,
          issuer: ca.certificate,
          signer,
          kind,
          number,
          thisUpdate: now,
          nextUpdate:
            kind === 'delta' && latestFull!.nextUpdate > nextUpdate ? latestFull!.nextUpdate : nextUpdate,
          records,
          entryOf: (c) => entryOf(c, now),
        })
      : [];
    // the previous full CRL and its deltas stay: a client may hold a delta over it
    if (kind === 'full' && latestFull) await tx.deleteCrlIssuesBefore(caId, latestFull.number);
    await appendAudit(tx, {
      at: now,
      actor: options.actor,
      action: kind === 'full' ? 'crl.issue' : 'crl.issue.delta',
      object: `ca:${caId}`,
      reason: null,
      detail: {
        crlNumber: number.toString(),
        ...(crl.baseNumber !== null ? { baseCrlNumber: crl.baseNumber.toString() } : {}),
        entries: entries.length,
        nextUpdate: nextUpdate.toISOString(),
        sm3: toHex(sm3(der)),
        issuer: formatName(ca.certificate.tbs.subject),
        ...(partitions.length ? { partitions: partitions.map((p) => ({ ...p })) } : {}),
      },
    });
    // an external LDAP directory gets the new CRL through the outbox, like certificates (R5)
    await tx.insertOutbox({
      id: `job-${randomUUID()}`,
      kind: 'publish.crl',
      payload: { caId, number: number.toString(), kind },
      createdAt: now,
      doneAt: null,
    });
    return { status: 'issued', crl };
  });
}

/**
 * Issues a full or delta CRL now (`yizheng crl generate`). When another node holds the CA's CRL
 * lock it waits up to `waitMs` (default 30 s) and then refuses with YZ_ERR_BUSY.
 */
export async function issueCrl(
  context: CaContext,
  options: CrlIssueOptions & { readonly waitMs?: number },
): Promise<CrlIssueRecord> {
  const deadline = options.waitMs ?? 30_000;
  for (let waited = 0; ; waited += 250) {
    const result = await attempt(context, options);
    if (result.status === 'issued') return result.crl;
    if (waited >= deadline)
      throw new CoreError('YZ_ERR_BUSY', `another node is issuing a CRL of this CA; try again shortly`);
    await sleep(250);
  }
}

/**
 * One attempt for a scheduler: issues unless another node holds the lock (`busy`) or already
 * issued a CRL of this kind — for a delta, of either kind — after `notIssuedSince`
 * (`current`). Without `notIssuedSince` it always issues when it gets the lock.
 */
export function issueCrlIfDue(
  context: CaContext,
  options: CrlIssueOptions & { readonly notIssuedSince?: Date },
): Promise<CrlIssueAttempt> {
  return attempt(context, options, options.notIssuedSince);
}

/** The newest CRL of `kind` of a CA, with its DER (what `/crl/{ca}.crl` serves). */
export async function latestCrl(
  store: Store,
  caId: string,
  kind: CrlKind,
): Promise<CrlIssueRecord | undefined> {
  const summary = await store.read.latestCrlIssue(caId, kind);
  return summary && store.read.getCrlIssue(caId, summary.number);
}
