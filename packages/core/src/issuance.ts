/**
 * Dual-certificate issuance (design §2; R12, R13, R14, R18): the holder's signing key arrives as
 * a PKCS#10 request (the server never makes signing keys), the KMC supplies the encryption key,
 * the CA signs both certificates under their profiles, and one transaction stores the
 * certificates, the escrow assignment, the legal person, the application, the audit entries and
 * the publication jobs. The reply is a GM/T 0092 CSRResponse.
 */
import { randomUUID } from 'node:crypto';
import { Sm2PublicKey, isGmError, sm3, toHex } from '@yizheng/gm';
import {
  type Certificate,
  type CertificateIssuer,
  type Sm2Signer,
  certificatePublicKey,
  encodeCsrResponse,
  formatName,
  isValidUscc,
  parseCertificationRequest,
  prepareIssuer,
  randomSerialNumber,
  verifyCertificationRequest,
} from '@yizheng/pki';
import { type ApplicantDetails, checkApplicant } from './applicant.js';
import { appendAudit } from './audit.js';
import { type CaContext, type IssuingCa, loadIssuingCa } from './ca.js';
import {
  type CrlPartitioning,
  loadCrlPartitioning,
  partitionOfSerial,
  partitionUrls,
} from './crl-partitions.js';
import { CoreError } from './errors.js';
import type { KeyDelivery, Kmc } from './kmc.js';
import type { BusinessType, CertificateRecord, Channel, EscrowedKeyRecord } from './model.js';
import {
  type ProfileDefinition,
  checkProfileDefinition,
  fixedExtensions,
  holderExtensions,
  subjectFor,
} from './profiles.js';
import { StoreConflictError, type Store, type StoreTx } from './ports/store.js';

const DAY = 86_400_000;

/** Everything issuance needs: the CA context plus the KMC. */
export interface IssuanceContext extends CaContext {
  readonly kmc: Kmc;
}

/** A request for a new dual certificate (新办, R18). */
export interface IssueDualInput {
  /** PKCS#10 request made by the holder's device (DER or PEM). */
  readonly request: Uint8Array | string;
  readonly legalPerson: {
    readonly uscc: string;
    readonly name: string;
    readonly legalRepresentative?: string;
  };
  readonly channel: Channel;
  /** Operator or account id (audited). */
  readonly actor: string;
  readonly caId?: string;
  readonly signProfile?: string;
  readonly encProfile?: string;
  readonly delivery?: KeyDelivery;
  /** The agent (经办人) and the materials handed in, by SM3 hash (kept with the application). */
  readonly applicant?: ApplicantDetails;
}

/** The issued pair and what goes back to the holder. */
export interface IssuedPair {
  readonly applicationId: string;
  readonly pairId: string;
  readonly sign: CertificateRecord;
  readonly enc: CertificateRecord;
  readonly signCertificate: Certificate;
  readonly encCertificate: Certificate;
  /** GM/T 0092 CSRResponse: signing certificate, enveloped encryption key, encryption certificate. */
  readonly csrResponse: Uint8Array;
  /** The enveloped encryption key alone (SM2EnvelopedKey, or an SKF blob when asked). */
  readonly envelope: Uint8Array;
  /** CA certificate first, root last. */
  readonly chain: readonly Certificate[];
}

/** SM3 of a SubjectPublicKeyInfo, hex: the "already certified" key index. */
export function publicKeyHash(spki: Uint8Array): string {
  return toHex(sm3(spki));
}

/** A profile version from the store, checked. */
export async function loadProfile(
  store: Store,
  id: string,
): Promise<{ id: string; version: number; definition: ProfileDefinition }> {
  const record = await store.read.getProfile(id);
  if (!record || !record.active) throw new CoreError('YZ_ERR_PROFILE', `no active profile ${id}`);
  return { id, version: record.version, definition: checkProfileDefinition(record.definition) };
}

/**
 * Prepared issuers by CA, profile, version and CRL partition (the fixed extensions, the
 * partition's cRLDistributionPoints among them, are encoded once).
 */
const issuers = new WeakMap<CaContext, Map<string, CertificateIssuer>>();

function issuerFor(
  context: CaContext,
  ca: IssuingCa,
  signer: Sm2Signer,
  profile: { id: string; version: number; definition: ProfileDefinition },
  partition?: { readonly n: number; readonly urls: readonly string[] },
): CertificateIssuer {
  let byKey = issuers.get(context);
  if (!byKey) issuers.set(context, (byKey = new Map()));
  const key =
    `${ca.record.id}/${profile.id}/${profile.version}` +
    (partition ? `/p${partition.n}/${partition.urls.join(' ')}` : '');
  let issuer = byKey.get(key);
  if (!issuer) {
    issuer = prepareIssuer({
      issuer: ca.certificate,
      signer,
      extensions: fixedExtensions(profile.definition, certificatePublicKey(ca.certificate), partition?.urls),
    });
    byKey.set(key, issuer);
  }
  return issuer;
}

/**
 * Chooses the prepared issuer for a serial: its CRL partition's when the CA has partitions. The
 * signer is fetched before the issuing transaction (the vault reads the store).
 */
type IssuerChoice = (serial: bigint) => { issuer: CertificateIssuer; crlPartition: number | null };

function issuerChoice(
  context: CaContext,
  ca: IssuingCa,
  signer: Sm2Signer,
  profile: { id: string; version: number; definition: ProfileDefinition },
  partitioning: CrlPartitioning | undefined,
): IssuerChoice {
  return (serial) => {
    if (!partitioning || profile.definition.role === 'ocsp')
      return { issuer: issuerFor(context, ca, signer, profile), crlPartition: null };
    const n = partitionOfSerial(serial, partitioning.count);
    const urls = partitionUrls(partitioning, n);
    return { issuer: issuerFor(context, ca, signer, profile, { n, urls }), crlPartition: n };
  };
}

function serialHex(serial: bigint): string {
  return serial.toString(16).toUpperCase();
}

/** The store record of a certificate just issued or imported (status valid, created `at`). */
export function recordOf(
  cert: Certificate,
  fields: Pick<
    CertificateRecord,
    'caId' | 'role' | 'pairId' | 'uscc' | 'predecessorPairId' | 'applicationId' | 'escrowId'
  >,
  at: Date,
): CertificateRecord {
  return {
    ...fields,
    serial: serialHex(cert.tbs.serialNumber),
    subject: formatName(cert.tbs.subject),
    notBefore: cert.tbs.validity.notBefore,
    notAfter: cert.tbs.validity.notAfter,
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    publicKeyHash: publicKeyHash(cert.tbs.subjectPublicKeyInfo),
    der: cert.der,
    createdAt: at,
  };
}

/**
 * Checks the request's proof of possession and returns the holder's signing key, its
 * SubjectPublicKeyInfo and the request's DER (coded errors).
 */
export function holderKey(request: Uint8Array | string): {
  key: Sm2PublicKey;
  spki: Uint8Array;
  der: Uint8Array;
} {
  try {
    const csr = parseCertificationRequest(request);
    return { key: verifyCertificationRequest(csr), spki: csr.subjectPublicKeyInfo, der: csr.der };
  } catch (error) {
    if (isGmError(error))
      throw new CoreError('YZ_ERR_INPUT', `certificate request: ${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * Issues a signing and an encryption certificate to a legal person (新办): validity
 * `validityDays` from now (R18: one year), both under the CA's current profiles.
 */
export function issueDual(context: IssuanceContext, input: IssueDualInput): Promise<IssuedPair> {
  return issuePair(context, input, { businessType: 'new' });
}

/**
 * How a lifecycle step issues its new pair (the rules live in lifecycle.ts): the business type,
 * the validity end (default: now + the profile's validityDays), the pair replaced, and work on
 * the old pair inside the same transaction (state checks, revocation).
 */
export interface IssueRule {
  readonly businessType: BusinessType;
  readonly predecessorPairId?: string;
  readonly notAfter?: (now: Date, definition: ProfileDefinition) => Date;
  readonly inTransaction?: (tx: StoreTx, now: Date) => Promise<void>;
  /** Extra application data (reasons, eligibility). */
  readonly applicationData?: Readonly<Record<string, unknown>>;
  /** Work once the new pair is stored, in the same transaction (charges, media). */
  readonly afterIssue?: (
    tx: StoreTx,
    issued: { applicationId: string; pairId: string; now: Date },
  ) => Promise<void>;
  /**
   * An application already on record (one approved after manual review, R26) that this issuance
   * completes, instead of opening a new one; its data is replaced by `applicationData` plus the
   * profiles used.
   */
  readonly applicationId?: string;
}

/** Issues a new dual pair under `rule` (新办 and the steps that replace a pair). */
export async function issuePair(
  context: IssuanceContext,
  input: IssueDualInput,
  rule: IssueRule,
): Promise<IssuedPair> {
  const { uscc, name } = input.legalPerson;
  if (!isValidUscc(uscc))
    throw new CoreError(
      'YZ_ERR_USCC',
      `${JSON.stringify(uscc)} is not a valid unified social credit code (GB 32100)`,
    );
  if (typeof name !== 'string' || name.trim() === '')
    throw new CoreError('YZ_ERR_INPUT', 'the legal person name is required');
  const holder = holderKey(input.request);
  const applicant = input.applicant ? checkApplicant(input.applicant) : undefined;
  const ca = await loadIssuingCa(context.store, input.caId);
  const signProfile = await loadProfile(context.store, input.signProfile ?? 'legal-person-sign');
  const encProfile = await loadProfile(context.store, input.encProfile ?? 'legal-person-enc');
  // read per issuance, like the CA record: partitions configured on any node apply at once
  const partitioning = await loadCrlPartitioning(context.store.read, ca.record.id);
  const signer = await context.vault.signer(ca.record.keyRef);
  const signIssuer = issuerChoice(context, ca, signer, signProfile, partitioning);
  const encIssuer = issuerChoice(context, ca, signer, encProfile, partitioning);

  for (let attempt = 1; ; attempt++) {
    try {
      return await context.store.transaction((tx) =>
        issueInTransaction(
          tx,
          context,
          applicant ? { ...input, applicant } : input,
          { ca, holder, signProfile, encProfile, signIssuer, encIssuer },
          rule,
        ),
      );
    } catch (error) {
      // a serial collision (2^-120 per pair, or a concurrent issuer) is retried with new serials
      if (error instanceof StoreConflictError && error.what === 'serial' && attempt < 3) continue;
      if (error instanceof StoreConflictError && error.what === 'publicKey')
        throw new CoreError(
          'YZ_ERR_KEY_ALREADY_CERTIFIED',
          'the requested public key is already in a certificate',
        );
      throw error;
    }
  }
}

interface Prepared {
  readonly ca: IssuingCa;
  readonly holder: { key: Sm2PublicKey; spki: Uint8Array };
  readonly signProfile: { id: string; version: number; definition: ProfileDefinition };
  readonly encProfile: { id: string; version: number; definition: ProfileDefinition };
  readonly signIssuer: IssuerChoice;
  readonly encIssuer: IssuerChoice;
}

async function issueInTransaction(
  tx: StoreTx,
  context: IssuanceContext,
  input: IssueDualInput,
  p: Prepared,
  rule: IssueRule,
): Promise<IssuedPair> {
  const now = context.clock.now();
  const { businessType } = rule;
  const { uscc, name } = input.legalPerson;
  await rule.inTransaction?.(tx, now);
  // A key certified before is refused by the store's unique key on publicKeyHash when the
  // certificate is inserted (→ YZ_ERR_KEY_ALREADY_CERTIFIED in issuePair, nothing kept): that
  // check also holds against a concurrent issuer, so no lookup beforehand.
  const existing = await tx.getLegalPerson(uscc);
  await tx.upsertLegalPerson({
    uscc,
    name,
    legalRepresentative: input.legalPerson.legalRepresentative ?? existing?.legalRepresentative ?? '',
    registryStatus: existing?.registryStatus ?? 'unknown',
    updatedAt: now,
  });
  const applicationId = rule.applicationId ?? `app-${randomUUID()}`;
  const pairId = `pair-${randomUUID()}`;
  const data = {
    ...rule.applicationData,
    ...(rule.predecessorPairId ? { predecessorPairId: rule.predecessorPairId } : {}),
    signProfile: `${p.signProfile.id}@${p.signProfile.version}`,
    encProfile: `${p.encProfile.id}@${p.encProfile.version}`,
    ...(input.applicant?.agent ? { agent: { ...input.applicant.agent } } : {}),
    ...(input.applicant?.materials ? { materials: input.applicant.materials.map((m) => ({ ...m })) } : {}),
  };
  if (rule.applicationId)
    await tx.updateApplication(applicationId, {
      state: 'completed',
      actor: input.actor,
      data,
      updatedAt: now,
    });
  else
    await tx.insertApplication({
      id: applicationId,
      uscc,
      businessType,
      channel: input.channel,
      state: 'completed',
      actor: input.actor,
      data,
      createdAt: now,
      updatedAt: now,
    });
  const notAfter =
    rule.notAfter?.(now, p.signProfile.definition) ??
    new Date(now.getTime() + p.signProfile.definition.validityDays * DAY);
  if (notAfter <= now) throw new CoreError('YZ_ERR_STATE', 'the new pair would already be expired');
  const signSerial = randomSerialNumber();
  const signIssuer = p.signIssuer(signSerial);
  const signCertificate = signIssuer.issuer.issue({
    serialNumber: signSerial,
    subject: subjectFor(p.signProfile.definition, name),
    notBefore: now,
    notAfter,
    publicKey: p.holder.key,
    extensions: holderExtensions(p.signProfile.definition, p.holder.key, uscc),
  });
  const encSerial = randomSerialNumber();
  const escrow: EscrowedKeyRecord = await context.kmc.assignKey(tx, {
    uscc,
    caId: p.ca.record.id,
    certificateSerial: serialHex(encSerial),
  });
  const encKey = Sm2PublicKey.fromBytes(escrow.publicKey);
  const encIssuer = p.encIssuer(encSerial);
  const encCertificate = encIssuer.issuer.issue({
    serialNumber: encSerial,
    subject: subjectFor(p.encProfile.definition, name),
    notBefore: now,
    notAfter,
    publicKey: encKey,
    extensions: holderExtensions(p.encProfile.definition, encKey, uscc),
  });
  const common = {
    caId: p.ca.record.id,
    pairId,
    uscc,
    predecessorPairId: rule.predecessorPairId ?? null,
    applicationId,
  };
  const sign = {
    ...recordOf(signCertificate, { ...common, role: 'sign', escrowId: null }, now),
    crlPartition: signIssuer.crlPartition,
  };
  const enc = {
    ...recordOf(encCertificate, { ...common, role: 'enc', escrowId: escrow.id }, now),
    crlPartition: encIssuer.crlPartition,
  };
  await tx.insertCertificate(sign);
  await tx.insertCertificate(enc);
  for (const cert of [sign, enc])
    await tx.insertOutbox({
      id: `job-${randomUUID()}`,
      kind: 'publish.certificate',
      payload: { caId: cert.caId, serial: cert.serial },
      createdAt: now,
      doneAt: null,
    });
  const envelope = context.kmc.envelope(escrow, p.holder.key, input.delivery);
  const csrResponse = encodeCsrResponse({
    signCertificates: [signCertificate.der],
    encryptedPrivateKey:
      input.delivery === 'skf-enveloped-key-blob' ? context.kmc.envelope(escrow, p.holder.key) : envelope,
    encryptCertificates: [encCertificate.der],
  });
  // The audit entries come last: on PostgreSQL the first append locks the chain head until
  // commit and so serialises issuers; everything else (signatures, the envelope) is done by then.
  for (const cert of [sign, enc])
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'certificate.issue',
      object: `certificate:${cert.caId}:${cert.serial}`,
      reason: null,
      detail: {
        role: cert.role,
        uscc,
        pairId,
        applicationId,
        businessType,
        notAfter: cert.notAfter.toISOString(),
      },
    });
  await appendAudit(tx, {
    at: now,
    actor: input.actor,
    action: 'kmc.key.assign',
    object: `escrow:${escrow.id}`,
    reason: null,
    detail: { uscc, certificateSerial: enc.serial },
  });
  await rule.afterIssue?.(tx, { applicationId, pairId, now });
  return {
    applicationId,
    pairId,
    sign,
    enc,
    signCertificate,
    encCertificate,
    csrResponse,
    envelope,
    chain: [p.ca.certificate, ...p.ca.chain],
  };
}
