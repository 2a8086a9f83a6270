/**
 * X.509 v3 certificates on SM2 per GM/T 0015 (reference §4.1–§4.3; RFC 5280 §4.1 shape).
 *
 * Building: SM2 SubjectPublicKeyInfo, SM2-with-SM3 over DER(tbsCertificate) with Z of the
 * issuer key, positive serials of at least 4 octets (strict verifiers reject shorter ones),
 * UTCTime through 2049 and GeneralizedTime from 2050 (§4.1.2.5), v3 whenever there are
 * extensions. Parsing is strict DER and keeps the exact bytes (`der`, `tbsDer`) so signatures are
 * checked over what was signed; `encodeTbsCertificate(parsed.tbs)` reproduces `tbsDer` byte
 * for byte, which the tests assert for our certificates and for OpenSSL's.
 */
import { sha1 } from '#sha1-impl';
import {
  GmError,
  SM2_DEFAULT_ID,
  type Sm2Id,
  Sm2PublicKey,
  asn1,
  decodePem,
  decodePemBlocks,
  decodePublicKeyInfo,
  encodePem,
  encodePublicKeyInfo,
  looksLikePem,
  copyBytes,
  randomBytes,
  toHex,
} from '@yizheng/gm';
import { AlgorithmIdentifier } from '@yizheng/gm';
import {
  type AlgorithmId,
  SM2_WITH_SM3,
  type Sm2Signer,
  requireSm2WithSm3,
  sameAlgorithm,
  signTbs,
  verifyTbs,
} from './algorithm.js';
import { type Name, NameType } from './name.js';
import { type Extension, ExtensionsType, checkCriticalExtensions } from './rfc5280-extensions.js';

const {
  Any,
  BitString,
  BitStringOctets,
  GeneralizedTime,
  Integer,
  SmallInteger,
  UtcTime,
  choice,
  defaulted,
  explicit,
  implicit,
  optional,
  sequence,
} = asn1;

/** Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime } (RFC 5280 §4.1.2.5). */
export const TimeType = choice('Time', { utcTime: UtcTime, generalTime: GeneralizedTime });
/** Which form a Time was (or will be) written in. */
export type TimeForm = 'utcTime' | 'generalTime';

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function timeFormFor(date: Date): TimeForm {
  return date.getUTCFullYear() < 2050 ? 'utcTime' : 'generalTime';
}

/**
 * The last few encoded seconds: issuance, CRL and OCSP write "now" (and now + validity) over
 * and over within the same second, so this small cache removes most time encoding.
 */
const recentTimes = new Map<number, Uint8Array>();

/** Encodes a Time in the form RFC 5280 prescribes for its year (milliseconds are dropped). */
export function encodeTime(date: Date): Uint8Array {
  const second = Math.floor(date.getTime() / 1000);
  let encoded = recentTimes.get(second);
  if (!encoded) {
    encoded = TimeType.encode({ type: timeFormFor(date), value: date });
    if (recentTimes.size >= 64) recentTimes.clear();
    recentTimes.set(second, encoded);
  }
  return encoded;
}

const TBSCertificateType = sequence('TBSCertificate', {
  version: defaulted(explicit(0, SmallInteger), 0),
  serialNumber: Integer,
  signature: AlgorithmIdentifier,
  issuer: NameType,
  validity: sequence('Validity', { notBefore: TimeType, notAfter: TimeType }),
  subject: NameType,
  subjectPublicKeyInfo: Any,
  issuerUniqueID: optional(implicit(1, BitString)),
  subjectUniqueID: optional(implicit(2, BitString)),
  extensions: optional(explicit(3, ExtensionsType)),
});

const CertificateType = sequence('Certificate', {
  tbsCertificate: Any,
  signatureAlgorithm: AlgorithmIdentifier,
  signatureValue: BitStringOctets,
});

/** Validity period; `forms` records how each time was written (absent: the RFC 5280 rule). */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly forms?: readonly [TimeForm, TimeForm];
}

/** The to-be-signed part of a certificate. `version` is the X.509 number (1, 2 or 3). */
export interface TbsCertificate {
  readonly version: 1 | 2 | 3;
  readonly serialNumber: bigint;
  readonly signature: AlgorithmId;
  readonly issuer: Name;
  readonly validity: Validity;
  readonly subject: Name;
  /** The DER SubjectPublicKeyInfo, as it was written. */
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly issuerUniqueId?: asn1.BitStringValue;
  readonly subjectUniqueId?: asn1.BitStringValue;
  readonly extensions?: readonly Extension[];
}

/** A parsed or freshly built certificate with its exact encoding. */
export interface Certificate {
  readonly der: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly tbs: TbsCertificate;
  readonly signatureAlgorithm: AlgorithmId;
  /** DER SM2Signature (the BIT STRING's octets). */
  readonly signature: Uint8Array;
}

/** DER of a TBSCertificate. */
export function encodeTbsCertificate(tbs: TbsCertificate): Uint8Array {
  const forms = tbs.validity.forms ?? [
    timeFormFor(tbs.validity.notBefore),
    timeFormFor(tbs.validity.notAfter),
  ];
  return TBSCertificateType.encode({
    version: tbs.version - 1,
    serialNumber: tbs.serialNumber,
    signature: tbs.signature,
    issuer: tbs.issuer,
    validity: {
      notBefore: { type: forms[0], value: tbs.validity.notBefore },
      notAfter: { type: forms[1], value: tbs.validity.notAfter },
    },
    subject: tbs.subject,
    subjectPublicKeyInfo: tbs.subjectPublicKeyInfo,
    issuerUniqueID: tbs.issuerUniqueId,
    subjectUniqueID: tbs.subjectUniqueId,
    extensions: tbs.extensions?.length ? [...tbs.extensions] : undefined,
  });
}

function certificateError(message: string): GmError {
  return new GmError('YZ_ERR_CERTIFICATE', message);
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets. */
export function checkSerialNumber(serial: bigint, where: string): void {
  if (serial <= 0n)
    throw new GmError('YZ_ERR_SERIAL', `${where}: serialNumber must be positive, got ${serial}`);
  if (serial >= 1n << 159n)
    throw new GmError('YZ_ERR_SERIAL', `${where}: serialNumber is longer than 20 octets`);
}

function decodeTbs(tbsDer: Uint8Array): TbsCertificate {
  const t = asn1.decodeDer(TBSCertificateType, tbsDer);
  const version = t.version ?? 0;
  if (version < 0 || version > 2) throw certificateError(`version ${version + 1} is not 1, 2 or 3`);
  if (t.extensions !== undefined && version !== 2) throw certificateError('extensions require version 3');
  if (t.extensions !== undefined && t.extensions.length === 0)
    throw new GmError('YZ_ERR_EXTENSION', 'extensions: the SEQUENCE must not be empty');
  checkSerialNumber(t.serialNumber, 'certificate');
  return {
    version: (version + 1) as 1 | 2 | 3,
    serialNumber: t.serialNumber,
    signature: t.signature,
    issuer: t.issuer,
    validity: {
      notBefore: t.validity.notBefore.value,
      notAfter: t.validity.notAfter.value,
      forms: [t.validity.notBefore.type, t.validity.notAfter.type],
    },
    subject: t.subject,
    subjectPublicKeyInfo: t.subjectPublicKeyInfo,
    ...(t.issuerUniqueID ? { issuerUniqueId: t.issuerUniqueID } : {}),
    ...(t.subjectUniqueID ? { subjectUniqueId: t.subjectUniqueID } : {}),
    ...(t.extensions ? { extensions: t.extensions } : {}),
  };
}

/** Options of `parseCertificate`. */
export interface ParseCertificateOptions {
  /** Keep certificates with critical extensions we do not know (for display only). */
  allowUnknownCritical?: boolean;
}

/**
 * Parses a certificate from DER or PEM. Structure errors are the DER layer's codes;
 * inconsistent fields are YZ_ERR_CERTIFICATE, bad serials YZ_ERR_SERIAL, duplicate or unknown
 * critical extensions YZ_ERR_EXTENSION. The signature is not checked here (see
 * `verifyCertificateSignature`): parsing must work without the issuer.
 */
export function parseCertificate(
  input: Uint8Array | string,
  options: ParseCertificateOptions = {},
): Certificate {
  const bytes = toDer(input, ['CERTIFICATE', 'X509 CERTIFICATE']);
  const outer = asn1.decodeDer(CertificateType, bytes);
  const tbs = decodeTbs(outer.tbsCertificate);
  if (!sameAlgorithm(outer.signatureAlgorithm, tbs.signature))
    throw certificateError('signatureAlgorithm differs from tbsCertificate.signature');
  if (!options.allowUnknownCritical) checkCriticalExtensions(tbs.extensions, 'certificate');
  return {
    der: copyBytes(bytes),
    tbsDer: outer.tbsCertificate,
    tbs,
    signatureAlgorithm: outer.signatureAlgorithm,
    signature: outer.signatureValue,
  };
}

/** DER bytes from DER, or from PEM text whose label is one of `labels`. */
export function toDer(input: Uint8Array | string, labels: readonly string[]): Uint8Array {
  if (typeof input === 'string') return decodePem(input, labels).der;
  if (looksLikePem(input)) return decodePem(new TextDecoder().decode(input), labels).der;
  return input;
}

/** PEM text of a certificate. */
export function certificateToPem(cert: Certificate): string {
  return encodePem('CERTIFICATE', cert.der);
}

/** The subject's SM2 public key (YZ_ERR_KEY_FORMAT when the key is not SM2). */
export function certificatePublicKey(cert: Certificate): Sm2PublicKey {
  return decodePublicKeyInfo(cert.tbs.subjectPublicKeyInfo);
}

/** True when `issuerKey` signed `cert` (SM2-with-SM3 with `id`; other algorithms are YZ_ERR_ALGORITHM). */
export function verifyCertificateSignature(
  cert: Certificate,
  issuerKey: Sm2PublicKey,
  id: Sm2Id = SM2_DEFAULT_ID,
): boolean {
  requireSm2WithSm3(cert.signatureAlgorithm, 'certificate signatureAlgorithm');
  return verifyTbs(issuerKey, cert.tbsDer, cert.signature, id);
}

/** What a CA decides for one certificate; the rest (algorithm, version, encoding) is fixed here. */
export interface CertificateTemplate {
  readonly serialNumber: bigint;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: Sm2PublicKey;
  readonly extensions?: readonly Extension[];
}

/** Minimum serial length strict verifiers accept (brief: "serials under 4 bytes are rejected"). */
const MIN_SERIAL_OCTETS = 4;

/**
 * Builds and signs a certificate. Refuses (RangeError-free, coded): serials that are not
 * positive or shorter than 4 / longer than 20 octets (YZ_ERR_SERIAL), notAfter before
 * notBefore (YZ_ERR_CERTIFICATE), duplicate extensions (YZ_ERR_EXTENSION).
 */
export function buildCertificate(
  template: CertificateTemplate,
  signer: Sm2Signer,
  options: { id?: Sm2Id } = {},
): Certificate {
  checkSerialNumber(template.serialNumber, 'certificate template');
  if (Integer.encodeContent(template.serialNumber).length < MIN_SERIAL_OCTETS)
    throw new GmError('YZ_ERR_SERIAL', 'certificate template: serialNumber must be at least 4 octets');
  if (template.notAfter.getTime() < template.notBefore.getTime())
    throw certificateError('certificate template: notAfter is before notBefore');
  const oids = new Set<string>();
  for (const e of template.extensions ?? []) {
    if (oids.has(e.oid))
      throw new GmError('YZ_ERR_EXTENSION', `certificate template: extension ${e.oid} given twice`);
    oids.add(e.oid);
  }
  const tbs: TbsCertificate = {
    version: template.extensions?.length ? 3 : 1,
    serialNumber: template.serialNumber,
    signature: SM2_WITH_SM3,
    issuer: template.issuer,
    validity: { notBefore: template.notBefore, notAfter: template.notAfter },
    subject: template.subject,
    subjectPublicKeyInfo: encodePublicKeyInfo(template.publicKey),
    ...(template.extensions?.length ? { extensions: template.extensions } : {}),
  };
  const tbsDer = encodeTbsCertificate(tbs);
  const signature = signTbs(signer, tbsDer, options.id);
  const certDer = CertificateType.encode({
    tbsCertificate: tbsDer,
    signatureAlgorithm: SM2_WITH_SM3,
    signatureValue: signature,
  });
  return { der: certDer, tbsDer, tbs, signatureAlgorithm: SM2_WITH_SM3, signature };
}

/**
 * A fresh serial number: 16 random octets made positive with a non-zero first octet, so it
 * always encodes as 16 octets and carries at least 120 random bits (brief: ≥ 64).
 */
export function randomSerialNumber(): bigint {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return BigInt('0x' + toHex(bytes));
}

/**
 * Key identifier per RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING
 * value. It is what OpenSSL's `subjectKeyIdentifier=hash` writes, so keys match across tools;
 * it identifies, it does not protect, so SHA-1 is not a weakness here.
 */
export function keyIdentifier(publicKey: Sm2PublicKey): Uint8Array {
  return sha1(publicKey.toBytes());
}

/** Every certificate of a PEM bundle (a chain file) or a single DER certificate. */
export function parseCertificates(
  input: Uint8Array | string,
  options: ParseCertificateOptions = {},
): Certificate[] {
  if (typeof input !== 'string' && !looksLikePem(input)) return [parseCertificate(input, options)];
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  return decodePemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE')
    .map((b) => parseCertificate(b.der, options));
}
