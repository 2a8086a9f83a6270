/**
 * Issuing the partition CRLs of a CA (分区 CRL, R5; RFC 5280 §5.2.5), inside the transaction that
 * issues the CA's full or delta CRL (crl-issuance.ts), under the same lock and with the same CRL
 * number — so numbers stay monotonic per partition across nodes by the same mechanism.
 *
 * Each partition CRL is a complete CRL for its scope: the revoked and suspended certificates whose
 * stored partition is `n` (expired ones leaving as from the full CRL), with a critical
 * issuingDistributionPoint naming the URLs that the partition's certificates carry in their
 * cRLDistributionPoints. With a full CRL every partition is re-issued; with a delta CRL only the
 * partitions whose entries changed (and any that has none yet), since a partition has no delta of
 * its own; "changed" compares an SM3 fingerprint of the entries with the previous partition CRL's,
 * kept in memory per CRL number, so an unchanged partition costs no parse. A partition CRL issued with a delta keeps the latest full CRL's nextUpdate, so it stays
 * valid until the next full round re-issues it.
 */
import { sm3, toHex } from '@yizheng/gm';
import {
  type Certificate,
  type RevokedEntry,
  type Sm2Signer,
  buildCrl,
  parseCrl,
  uriName,
} from '@yizheng/pki';
import { type CrlPartitioning, partitionCrlKey, partitionUrls } from './crl-partitions.js';
import type { CertificateRecord } from './model.js';
import type { StoreTx } from './ports/store.js';
import type { CrlKind } from './status-model.js';

/** What the CA's CRL issue decided, which its partitions follow. */
export interface PartitionIssue {
  readonly caId: string;
  readonly issuer: Certificate;
  readonly signer: Sm2Signer;
  readonly kind: CrlKind;
  readonly number: bigint;
  readonly thisUpdate: Date;
  /** The full CRL's nextUpdate (with a delta: the latest full CRL's, if later than the delta's). */
  readonly nextUpdate: Date;
  /** The revoked and suspended certificates the full CRL carries now. */
  readonly records: readonly CertificateRecord[];
  readonly entryOf: (record: CertificateRecord) => RevokedEntry;
}

/** One partition CRL issued (for the audit entry). */
export interface PartitionIssued {
  readonly partition: number;
  readonly entries: number;
  readonly sm3: string;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** SM3 over the entries in serial order (serial, reason, date to the second): equal sets, equal prints. */
function fingerprint(
  entries: readonly Pick<RevokedEntry, 'serialNumber' | 'reason' | 'revocationDate'>[],
): string {
  const lines = entries
    .map((e) => `${e.serialNumber.toString(16)} ${e.reason ?? '-'} ${seconds(e.revocationDate)}`)
    .sort();
  return toHex(sm3(new TextEncoder().encode(lines.join('\n'))));
}

/**
 * Fingerprints of the latest partition CRLs by `key/number`, so a delta round compares without
 * parsing the CRLs again; one issued by another node is parsed once.
 */
const fingerprints = new Map<string, string>();
const MAX_FINGERPRINTS = 4096;

function remember(id: string, print: string): string {
  if (fingerprints.size >= MAX_FINGERPRINTS) fingerprints.clear();
  fingerprints.set(id, print);
  return print;
}

async function previousFingerprint(tx: StoreTx, key: string, number: bigint): Promise<string | undefined> {
  const id = `${key}/${number}`;
  const known = fingerprints.get(id);
  if (known !== undefined) return known;
  const stored = await tx.getCrlIssue(key, number);
  if (!stored) return undefined;
  return remember(id, fingerprint(parseCrl(stored.der).tbs.entries));
}

/** Issues the partition CRLs that `issue` calls for and stores them; returns what it issued. */
export async function issuePartitionCrls(
  tx: StoreTx,
  partitioning: CrlPartitioning,
  issue: PartitionIssue,
): Promise<PartitionIssued[]> {
  const byPartition = new Map<number, RevokedEntry[]>();
  for (const record of issue.records) {
    if (record.crlPartition === null || record.crlPartition === undefined) continue;
    const list = byPartition.get(record.crlPartition) ?? [];
    list.push(issue.entryOf(record));
    byPartition.set(record.crlPartition, list);
  }
  const issued: PartitionIssued[] = [];
  for (let n = 0; n < partitioning.count; n++) {
    const key = partitionCrlKey(issue.caId, n);
    const entries = byPartition.get(n) ?? [];
    const previous = await tx.latestCrlIssue(key, 'full');
    const nextUpdate = issue.nextUpdate;
    const print = fingerprint(entries);
    if (
      issue.kind === 'delta' &&
      previous &&
      previous.entries === entries.length &&
      (await previousFingerprint(tx, key, previous.number)) === print
    )
      continue;
    const der = await buildCrl(
      {
        issuer: issue.issuer,
        thisUpdate: issue.thisUpdate,
        nextUpdate,
        crlNumber: issue.number,
        issuingDistributionPoint: {
          distributionPoint: { type: 'fullName', value: partitionUrls(partitioning, n).map(uriName) },
        },
        entries,
      },
      issue.signer,
    );
    await tx.insertCrlIssue({
      caId: key,
      number: issue.number,
      kind: 'full',
      baseNumber: null,
      thisUpdate: issue.thisUpdate,
      nextUpdate,
      entries: entries.length,
      der,
    });
    await tx.deleteCrlIssuesBefore(key, issue.number);
    // remembered before commit: a rolled-back issue leaves an unused print behind, nothing worse
    remember(`${key}/${issue.number}`, print);
    issued.push({ partition: n, entries: entries.length, sm3: toHex(sm3(der)) });
  }
  return issued;
}
