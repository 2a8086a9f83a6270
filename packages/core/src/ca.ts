/**
 * Certification authorities (R10: a subordinate CA under the national root; several may coexist).
 * `initDemoCa` makes a self-signed demo root and a subordinate CA for the embedded default;
 * `initCaRequest` makes the CA key and a PKCS#10 request for the national root, and
 * `importCaCertificate` installs what the root issued. The CA key stays in the KeyVault.
 */
import { randomUUID } from 'node:crypto';
import {
  type Certificate,
  type Name,
  buildCertificate,
  buildCertificationRequest,
  certificatePublicKey,
  extension,
  formatName,
  keyIdentifier,
  parseCertificate,
  parseName,
  randomSerialNumber,
  validatePath,
} from '@yizheng/pki';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { CaRecord } from './model.js';
import type { Clock } from './ports/clock.js';
import type { KeyVault } from './ports/key-vault.js';
import type { Store } from './ports/store.js';

const DAY = 86_400_000;

/** What the CA operations need. */
export interface CaContext {
  readonly store: Store;
  readonly vault: KeyVault;
  readonly clock: Clock;
}

/** A CA ready to issue: its record, certificate, chain (issuer first, root last) and signer. */
export interface IssuingCa {
  readonly record: CaRecord;
  readonly certificate: Certificate;
  readonly chain: readonly Certificate[];
}

/** Stores a new CA record with its audit entry, in one transaction. */
async function insertAuditedCa(
  context: CaContext,
  record: CaRecord,
  action: string,
  actor: string | undefined,
  detail: Record<string, unknown>,
): Promise<void> {
  await context.store.transaction(async (tx) => {
    await tx.insertCa(record);
    await appendAudit(tx, {
      at: record.createdAt,
      actor: actor ?? 'system',
      action,
      object: `ca:${record.id}`,
      reason: null,
      detail,
    });
  });
}

/** Creates a demo root (20 years) and a subordinate issuing CA (10 years); returns the sub CA. */
export async function initDemoCa(
  context: CaContext,
  options: { name?: string; actor?: string } = {},
): Promise<IssuingCa> {
  const now = context.clock.now();
  const rootName = parseName('C=CN,O=某某省数字证书认证中心（演示）,CN=演示根CA');
  const caName = parseName(
    `C=CN,O=某某省数字证书认证中心（演示）,CN=${options.name ?? '某某省法人数字证书CA（演示）'}`,
  );
  const root = await context.vault.createKey('demo root CA');
  const sub = await context.vault.createKey('demo issuing CA');
  const rootSigner = await context.vault.signer(root.ref);
  const rootCert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: rootName,
      subject: rootName,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 20 * 365 * DAY),
      publicKey: root.publicKey,
      extensions: [
        extension('basicConstraints', { cA: true }, true),
        extension('keyUsage', ['keyCertSign', 'cRLSign'], true),
        extension('subjectKeyIdentifier', keyIdentifier(root.publicKey)),
      ],
    },
    rootSigner,
  );
  const caCert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: rootName,
      subject: caName,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 10 * 365 * DAY),
      publicKey: sub.publicKey,
      extensions: [
        extension('basicConstraints', { cA: true, pathLenConstraint: 0n }, true),
        extension('keyUsage', ['keyCertSign', 'cRLSign'], true),
        extension('subjectKeyIdentifier', keyIdentifier(sub.publicKey)),
        extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(root.publicKey) }),
      ],
    },
    rootSigner,
  );
  const record: CaRecord = {
    id: `ca-${randomUUID().slice(0, 8)}`,
    name: formatName(caName),
    status: 'active',
    keyRef: sub.ref,
    certificateDer: caCert.der,
    chainDer: [rootCert.der],
    createdAt: now,
  };
  await insertAuditedCa(context, record, 'ca.init.demo', options.actor, {
    subject: record.name,
    root: formatName(rootName),
    rootKey: root.ref,
  });
  return { record, certificate: caCert, chain: [rootCert] };
}

/** Creates a CA key and a PKCS#10 request to send to the national root (CA pending until import). */
export async function initCaRequest(
  context: CaContext,
  subject: string,
  options: { actor?: string } = {},
): Promise<{ record: CaRecord; requestDer: Uint8Array }> {
  const name: Name = parseName(subject);
  const key = await context.vault.createKey(`CA ${subject}`);
  const signer = await context.vault.signer(key.ref);
  const request = buildCertificationRequest({ subject: name }, signer);
  const now = context.clock.now();
  const record: CaRecord = {
    id: `ca-${randomUUID().slice(0, 8)}`,
    name: formatName(name),
    status: 'active',
    keyRef: key.ref,
    chainDer: [],
    createdAt: now,
  };
  await insertAuditedCa(context, record, 'ca.init.request', options.actor, { subject: record.name });
  return { record, requestDer: request.der };
}

/**
 * Installs the CA certificate issued by the national root with its chain: the certificate must
 * hold the CA's vault key and validate up to a self-signed certificate of the chain.
 */
export async function importCaCertificate(
  context: CaContext,
  caId: string,
  certificate: Uint8Array,
  chain: readonly Uint8Array[],
  options: { actor?: string } = {},
): Promise<IssuingCa> {
  const record = await context.store.read.getCa(caId);
  if (!record) throw new CoreError('YZ_ERR_CA_NOT_FOUND', `no CA ${caId}`);
  const cert = parseCertificate(certificate);
  const chainCerts = chain.map((c) => parseCertificate(c));
  if (!certificatePublicKey(cert).equals(await context.vault.publicKey(record.keyRef)))
    throw new CoreError('YZ_ERR_CA_STATE', `the certificate is not for the key of CA ${caId}`);
  const anchors = chainCerts.filter((c) => formatName(c.tbs.subject) === formatName(c.tbs.issuer));
  const path = validatePath(cert, {
    trustAnchors: anchors,
    intermediates: chainCerts,
    at: context.clock.now(),
  });
  if (!path.valid)
    throw new CoreError(
      'YZ_ERR_CA_STATE',
      `the CA certificate does not validate: ${path.reason}: ${path.message}`,
    );
  await context.store.transaction(async (tx) => {
    await tx.updateCa(caId, { certificateDer: cert.der, chainDer: chainCerts.map((c) => c.der) });
    await appendAudit(tx, {
      at: context.clock.now(),
      actor: options.actor ?? 'system',
      action: 'ca.import',
      object: `ca:${caId}`,
      reason: null,
      detail: { subject: formatName(cert.tbs.subject), issuer: formatName(cert.tbs.issuer) },
    });
  });
  return {
    record: { ...record, certificateDer: cert.der, chainDer: chainCerts.map((c) => c.der) },
    certificate: cert,
    chain: chainCerts,
  };
}

/** Loads an active CA with its certificate (YZ_ERR_CA_NOT_FOUND / YZ_ERR_CA_STATE otherwise). */
export async function loadIssuingCa(store: Store, caId?: string): Promise<IssuingCa> {
  const cas = await store.read.listCas();
  const record = caId
    ? cas.find((c) => c.id === caId)
    : cas.find((c) => c.status === 'active' && c.certificateDer);
  if (!record)
    throw new CoreError('YZ_ERR_CA_NOT_FOUND', caId ? `no CA ${caId}` : 'no active CA: run yizheng ca init');
  if (record.status !== 'active') throw new CoreError('YZ_ERR_CA_STATE', `CA ${record.id} is retired`);
  if (!record.certificateDer)
    throw new CoreError('YZ_ERR_CA_STATE', `CA ${record.id} has no certificate yet: run yizheng ca import`);
  return {
    record,
    certificate: parseCaCertificate(record.certificateDer),
    chain: record.chainDer.map(parseCaCertificate),
  };
}

/** How many parsed CA certificates `parseCaCertificate` keeps (a platform has a handful of CAs). */
const PARSED_CA_CERTIFICATES = 64;
const parsedCaCertificates = new Map<string, Certificate>();

/**
 * The CA record is read for every issuance — a retired CA or a new chain takes effect at once,
 * whichever process changed it — but its certificates are parsed once per distinct DER.
 */
function parseCaCertificate(der: Uint8Array): Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  let certificate = parsedCaCertificates.get(key);
  if (!certificate) {
    certificate = parseCertificate(der);
    if (parsedCaCertificates.size >= PARSED_CA_CERTIFICATES) parsedCaCertificates.clear();
    parsedCaCertificates.set(key, certificate);
  }
  return certificate;
}
