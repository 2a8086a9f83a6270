/**
 * Stock certificate import (存量证书导入, R16): certificates the earlier system issued under a CA
 * this platform now runs are taken over with their legal-person data, so they can be looked up,
 * renewed (R19: old notAfter + 1 year, as for our own) and revoked like any other.
 *
 * A certificate is accepted only when its issuer name is the subject of a CA in the store AND its
 * SM2 signature verifies with that CA's key — the store is the CA's record of what it issued, so
 * nothing else may enter it. The signing and encryption certificates of one legal person, CA and
 * validity become one dual pair (R12). The earlier system's escrowed encryption keys stay where
 * they are (escrowId null); a renewal gets a new KMC-escrowed key like any pair.
 *
 * Each pair (or lone certificate) is one transaction with its `import` application, audit entries
 * (`certificate.import`) and publication jobs; a bad file is reported with its coded error and the
 * batch goes on (as `revokeFromNotice` does per legal person). Importing the same certificate again
 * reports `duplicate` and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Sm2PublicKey } from '@yizheng/gm';
import {
  type Certificate,
  certificatePublicKey,
  formatName,
  parseCertificate,
  verifyCertificateSignature,
} from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError, type CoreErrorCode, isCoreError } from './errors.js';
import { publicKeyHash, recordOf } from './issuance.js';
import type { CaRecord, CertificateRecord, Channel } from './model.js';
import { StoreConflictError, type StoreTx } from './ports/store.js';
import { normaliseSerial } from './revocation.js';
import {
  type StockItem,
  type StockSource,
  asCoreError,
  stockHolderName,
  stockItems,
  stockRole,
  stockUscc,
} from './stock-certificate.js';
import type { ImportManifest } from './stock-manifest.js';

/** What to import, from whom, and where to report progress. */
export interface StockImportRequest {
  readonly sources: readonly StockSource[];
  /** Legal-person data and earlier revocations (stock-manifest.ts). */
  readonly manifest?: ImportManifest;
  /** Only this CA may be the issuer (default: any CA in the store with a certificate). */
  readonly caId?: string;
  readonly channel: Channel;
  /** Operator id (audited). */
  readonly actor: string;
  /** Called after each certificate has its outcome; `total` counts the certificates found. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The outcome of one certificate (`item` is the file name, `name#n` for a PEM bundle's nth). */
export type StockImportOutcome =
  | { readonly item: string; readonly outcome: 'imported' | 'duplicate'; readonly record: CertificateRecord }
  | {
      readonly item: string;
      readonly outcome: 'failed';
      readonly serial: string | null;
      readonly code: CoreErrorCode;
      readonly message: string;
    };

/** Outcomes in input order, and their counts. */
export interface StockImportSummary {
  readonly results: readonly StockImportOutcome[];
  readonly imported: number;
  readonly duplicate: number;
  readonly failed: number;
}

interface KnownCa {
  readonly record: CaRecord;
  readonly subject: string;
  readonly key: Sm2PublicKey;
}

/** A certificate whose claims are read but whose signature is not yet checked. */
interface Candidate {
  readonly index: number;
  readonly item: string;
  readonly cert: Certificate;
  readonly serial: string;
  readonly role: 'sign' | 'enc';
  readonly uscc: string;
  /** CAs whose subject is the certificate's issuer name. */
  readonly issuers: readonly KnownCa[];
}

/** A candidate whose signature verified with `ca`'s key. */
interface Verified extends Candidate {
  readonly ca: KnownCa;
}

function failure(item: string, serial: string | null, error: CoreError): StockImportOutcome {
  return { item, outcome: 'failed', serial, code: error.code, message: error.message };
}

async function knownCas(context: CaContext, caId: string | undefined): Promise<KnownCa[]> {
  const records = (await context.store.read.listCas()).filter((r) => !caId || r.id === caId);
  if (caId && records.length === 0) throw new CoreError('YZ_ERR_CA_NOT_FOUND', `no CA ${caId}`);
  return records.flatMap((record) => {
    if (!record.certificateDer) return [];
    const cert = parseCertificate(record.certificateDer);
    return [{ record, subject: formatName(cert.tbs.subject), key: certificatePublicKey(cert) }];
  });
}

/** Reads an item's claims; a refusal carries the serial when the certificate parsed. */
function candidate(index: number, item: StockItem, cas: readonly KnownCa[]): Candidate | StockImportOutcome {
  if (item.der instanceof CoreError) return failure(item.name, null, item.der);
  let cert: Certificate;
  try {
    cert = parseCertificate(item.der);
  } catch (error) {
    return failure(item.name, null, asCoreError(error, 'not a certificate'));
  }
  const serial = normaliseSerial(cert.tbs.serialNumber.toString(16));
  try {
    const issuer = formatName(cert.tbs.issuer);
    const issuers = cas.filter((ca) => ca.subject === issuer);
    if (issuers.length === 0)
      throw new CoreError('YZ_ERR_UNKNOWN_ISSUER', `the issuer ${issuer} is not a CA of this platform`);
    return { index, item: item.name, cert, serial, role: stockRole(cert), uscc: stockUscc(cert), issuers };
  } catch (error) {
    return failure(item.name, serial, asCoreError(error, 'certificate'));
  }
}

/** The CA whose key verifies the signature (YZ_ERR_CERT_SIGNATURE when none does). */
function issuingCa(c: Candidate): KnownCa {
  for (const ca of c.issuers) {
    try {
      if (verifyCertificateSignature(c.cert, ca.key)) return ca;
    } catch (error) {
      throw new CoreError('YZ_ERR_CERT_SIGNATURE', asCoreError(error, 'signature').message);
    }
  }
  throw new CoreError(
    'YZ_ERR_CERT_SIGNATURE',
    `the signature does not verify with the key of CA ${c.issuers.map((ca) => ca.record.id).join(', ')}: ` +
      'the certificate was altered, or signed by another key under the same name',
  );
}

/**
 * Units of work in input order: a signing and an encryption certificate with the same issuer
 * name, USCC and validity form a pair; anything else (three of a kind, a lone certificate) goes
 * on its own and may still join a lone partner already in the store.
 */
function units(candidates: readonly Candidate[]): Candidate[][] {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const { notBefore, notAfter } = c.cert.tbs.validity;
    const key = [c.issuers[0]!.subject, c.uscc, notBefore.getTime(), notAfter.getTime()].join('|');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].flatMap((group) => {
    const roles = group.map((c) => c.role).sort();
    return group.length === 2 && roles[0] === 'enc' && roles[1] === 'sign' ? [group] : group.map((c) => [c]);
  });
}

/** The pair of a lone certificate in the store that `c` completes, when there is exactly one. */
async function lonePartnerPairId(tx: StoreTx, c: Verified): Promise<string | undefined> {
  const { notBefore, notAfter } = c.cert.tbs.validity;
  const partners = (
    await tx.queryCertificates({
      caId: c.ca.record.id,
      uscc: c.uscc,
      role: c.role === 'sign' ? 'enc' : 'sign',
    })
  ).filter((p) => +p.notBefore === +notBefore && +p.notAfter === +notAfter);
  const alone: string[] = [];
  for (const p of partners)
    if ((await tx.queryCertificates({ pairId: p.pairId })).length === 1) alone.push(p.pairId);
  return alone.length === 1 ? alone[0] : undefined;
}

/**
 * The legal person of a unit: an existing record is kept (the platform's data is newer than a
 * legacy export) except that a record without a legal representative is completed from the
 * manifest; a new one comes from the manifest, else from the certificate subject.
 */
async function recordLegalPerson(
  tx: StoreTx,
  c: Verified,
  manifest: ImportManifest | undefined,
  now: Date,
): Promise<'manifest' | 'record' | 'certificate'> {
  const existing = await tx.getLegalPerson(c.uscc);
  const listed = manifest?.legalPersons.get(c.uscc);
  if (existing && (!listed || existing.legalRepresentative !== '')) return 'record';
  await tx.upsertLegalPerson({
    uscc: c.uscc,
    name: listed?.name ?? stockHolderName(c.cert),
    legalRepresentative: listed?.legalRepresentative ?? '',
    registryStatus: existing?.registryStatus ?? 'unknown',
    updatedAt: now,
  });
  return listed ? 'manifest' : 'certificate';
}

async function importInTransaction(
  tx: StoreTx,
  context: CaContext,
  members: readonly Verified[],
  request: StockImportRequest,
): Promise<StockImportOutcome[]> {
  const now = context.clock.now();
  const outcomes = new Map<Verified, StockImportOutcome>();
  const fresh: Verified[] = [];
  for (const m of members) {
    const existing = await tx.getCertificate(m.ca.record.id, m.serial);
    if (existing) {
      outcomes.set(
        m,
        Buffer.from(existing.der).equals(Buffer.from(m.cert.der))
          ? { item: m.item, outcome: 'duplicate', record: existing }
          : failure(
              m.item,
              m.serial,
              new CoreError('YZ_ERR_SERIAL_CONFLICT', `CA ${m.ca.record.id} already has another ${m.serial}`),
            ),
      );
      continue;
    }
    const hash = publicKeyHash(m.cert.tbs.subjectPublicKeyInfo);
    const holder = await tx.findCertificateByPublicKeyHash(hash);
    const twin = fresh.find((f) => publicKeyHash(f.cert.tbs.subjectPublicKeyInfo) === hash);
    if (holder || twin) {
      const other = holder?.serial ?? twin!.serial;
      outcomes.set(
        m,
        failure(
          m.item,
          m.serial,
          new CoreError('YZ_ERR_KEY_ALREADY_CERTIFIED', `the public key is already certified by ${other}`),
        ),
      );
      continue;
    }
    fresh.push(m);
  }
  const first = fresh[0];
  if (first) {
    const pairId =
      (fresh.length === 1 ? await lonePartnerPairId(tx, first) : undefined) ?? `pair-${randomUUID()}`;
    const legalPersonFrom = await recordLegalPerson(tx, first, request.manifest, now);
    const applicationId = `app-${randomUUID()}`;
    await tx.insertApplication({
      id: applicationId,
      uscc: first.uscc,
      businessType: 'import',
      channel: request.channel,
      state: 'completed',
      actor: request.actor,
      data: {
        items: fresh.map((m) => m.item),
        serials: fresh.map((m) => m.serial),
        caId: first.ca.record.id,
        issuer: first.ca.subject,
        legalPersonFrom,
      },
      createdAt: now,
      updatedAt: now,
    });
    for (const m of fresh) {
      const listed = request.manifest?.statuses.get(m.serial);
      const record: CertificateRecord = {
        ...recordOf(
          m.cert,
          {
            caId: m.ca.record.id,
            role: m.role,
            pairId,
            uscc: m.uscc,
            predecessorPairId: null,
            applicationId,
            escrowId: null,
          },
          now,
        ),
        ...(listed
          ? { status: listed.status, revokedAt: listed.revokedAt, revocationReason: listed.reason }
          : {}),
      };
      await tx.insertCertificate(record);
      await appendAudit(tx, {
        at: now,
        actor: request.actor,
        action: 'certificate.import',
        object: `certificate:${record.caId}:${record.serial}`,
        reason: null,
        detail: {
          role: record.role,
          uscc: record.uscc,
          pairId,
          applicationId,
          status: record.status,
          notAfter: record.notAfter.toISOString(),
          source: m.item,
        },
      });
      await tx.insertOutbox({
        id: `job-${randomUUID()}`,
        kind: 'publish.certificate',
        payload: { caId: record.caId, serial: record.serial },
        createdAt: now,
        doneAt: null,
      });
      outcomes.set(m, { item: m.item, outcome: 'imported', record });
    }
  }
  return members.map((m) => outcomes.get(m)!);
}

/** One unit in its own transaction; a store conflict from a concurrent import is retried once. */
async function importUnit(
  context: CaContext,
  members: readonly Verified[],
  request: StockImportRequest,
  attempt = 1,
): Promise<StockImportOutcome[]> {
  try {
    return await context.store.transaction((tx) => importInTransaction(tx, context, members, request));
  } catch (error) {
    if (error instanceof StoreConflictError) {
      // the retry sees what the concurrent import committed and reports duplicate or conflict
      if (attempt === 1) return importUnit(context, members, request, 2);
      const code = error.what === 'publicKey' ? 'YZ_ERR_KEY_ALREADY_CERTIFIED' : 'YZ_ERR_SERIAL_CONFLICT';
      return members.map((m) => failure(m.item, m.serial, new CoreError(code, error.message)));
    }
    if (!isCoreError(error)) throw error;
    return members.map((m) => failure(m.item, m.serial, error));
  }
}

/** Imports every certificate of `request.sources` (R16); see the module comment for the rules. */
export async function importStockCertificates(
  context: CaContext,
  request: StockImportRequest,
): Promise<StockImportSummary> {
  const cas = await knownCas(context, request.caId);
  const items = request.sources.flatMap(stockItems);
  const results: StockImportOutcome[] = new Array<StockImportOutcome>(items.length);
  let done = 0;
  const settle = (index: number, outcome: StockImportOutcome) => {
    results[index] = outcome;
    request.onProgress?.(++done, items.length);
  };
  const candidates: Candidate[] = [];
  items.forEach((item, index) => {
    const read = candidate(index, item, cas);
    if ('outcome' in read) settle(index, read);
    else candidates.push(read);
  });
  for (const unit of units(candidates)) {
    const verified: Verified[] = [];
    for (const c of unit) {
      try {
        verified.push({ ...c, ca: issuingCa(c) });
      } catch (error) {
        settle(c.index, failure(c.item, c.serial, asCoreError(error, 'signature')));
      }
    }
    // a pair stays a pair only when both halves verified under the same CA
    const together = verified.length === 2 && verified[0]!.ca === verified[1]!.ca;
    for (const members of together ? [verified] : verified.map((v) => [v])) {
      const outcomes = await importUnit(context, members, request);
      members.forEach((m, i) => settle(m.index, outcomes[i]!));
    }
  }
  const count = (outcome: StockImportOutcome['outcome']) =>
    results.filter((r) => r.outcome === outcome).length;
  return { results, imported: count('imported'), duplicate: count('duplicate'), failed: count('failed') };
}
