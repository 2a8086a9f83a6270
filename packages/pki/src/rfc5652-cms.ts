/**
 * RFC 5652 Cryptographic Message Syntax — SignedData on SM2/SM3 (R11, R13; the sign/verify
 * service of R39 and the evidence behind a verification report, R42), in two profiles:
 *
 * - `'rfc5652'`: content types id-data / id-signedData (1.2.840.113549.1.7.1 / .2) and
 *   signatureAlgorithm SM2-with-SM3 (1.2.156.10197.1.501), what BouncyCastle writes and what
 *   OpenSSL's signature-OID table gives for SM3 + SM2. OpenSSL 3.0 itself cannot write SM2
 *   SignedData at all: `openssl cms -sign` leaves signatureAlgorithm empty and fails with
 *   "illegal zero content", `openssl smime -sign` says "signing not supported for this key type".
 * - `'gmt0010'`: GM/T 0010-2012 (≙ GB/T 35275-2017) content types 1.2.156.10197.6.1.4.2.1 / .2
 *   and digestEncryptionAlgorithm SM2-1 (1.2.156.10197.1.301.1), as reference §8.2 advises for
 *   GB/T 35275 conformance; GmSSL writes 1.2.156.10197.1.501 instead (reference §9 item 11),
 *   so both are accepted on input, in either profile.
 *
 * Signing (RFC 5652 §5.4, reference §8.2): messageDigest is plain SM3 of the content (no Z);
 * the SM2 signature covers the DER of the signed attributes with the SET tag 0x31 (not the
 * [0] they are sent under), with Z of the signer key and the signer ID; without signed
 * attributes it covers the content itself. The ID defaults to 1234567812345678 (GM/T 0009
 * §10), which BouncyCastle uses too. OpenSSL 3.0 uses an *empty* ID wherever no `distid` can be
 * passed (`cms -verify` included): to interoperate with it, sign and verify with `id: ''`.
 *
 * Parsing keeps the signed attributes' exact bytes, so a signature is checked over what was
 * signed, not over a re-encoding. Verification answers "which certificate signed, and is the
 * signature right" per signer; path validation belongs to rfc5280-path-validation.
 *
 * @example
 * const der = signCms({ content: utf8('合同正文'), signer: key, certificate: cert });
 * verifyCms(der).valid; // true
 */
import {
  AlgorithmIdentifier,
  GmError,
  type GmErrorCode,
  SM2_DEFAULT_ID,
  type Sm2Id,
  type Sm2PublicKey,
  asn1,
  constantTimeEqual,
  der,
  isGmError,
  sm3,
  copyBytes,
} from '@yizheng/gm';
import { type AlgorithmId, type Sm2Signer, signTbs, verifyTbs } from './algorithm.js';
import {
  type Certificate,
  TimeType,
  certificatePublicKey,
  encodeTime,
  keyIdentifier,
  parseCertificate,
  toDer,
} from './gmt0015-certificate.js';
import { type Name, decodeName, encodeName } from './name.js';
import { Oid } from './oids.js';
import { readExtension } from './rfc5280-extensions.js';

const {
  Any,
  Integer,
  ObjectIdentifier,
  OctetString,
  SmallInteger,
  choice,
  decodeDer,
  explicit,
  implicit,
  optional,
  rawWithTag,
  sequence,
  setOf,
} = asn1;

// ---------------------------------------------------------------------------------------------
// ASN.1 (RFC 5652 §3, §5, §10.2.4; GM/T 0010 per reference §8.1 has the same shapes)

const NameType: asn1.Asn1Type<Name> = {
  name: 'Name',
  tags: [der.Tag.SEQUENCE],
  decode: (el) => decodeName(der.rawOf(el)),
  encode: (name) => encodeName(name),
};

/** ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL } (OPTIONAL: GM/T 0010). */
export const ContentInfo = sequence('ContentInfo', {
  contentType: ObjectIdentifier,
  content: optional(explicit(0, Any)),
});

/** Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }. */
export const CmsAttributeType = sequence('Attribute', { attrType: ObjectIdentifier, attrValues: setOf(Any) });

/** SignedAttributes ::= SET SIZE (1..MAX) OF Attribute — the SET-tagged form is what is signed. */
const SignedAttributes = setOf(CmsAttributeType, 'SignedAttributes');

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }. */
export const IssuerAndSerialNumber = sequence('IssuerAndSerialNumber', {
  issuer: NameType,
  serialNumber: Integer,
});

/** SignerIdentifier ::= CHOICE { issuerAndSerialNumber, subjectKeyIdentifier [0] SubjectKeyIdentifier }. */
const SignerIdentifier = choice('SignerIdentifier', {
  issuerAndSerialNumber: IssuerAndSerialNumber,
  subjectKeyIdentifier: implicit(0, OctetString),
});

/**
 * ```
 * SignerInfo ::= SEQUENCE {
 *     version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *     signatureAlgorithm SignatureAlgorithmIdentifier, signature SignatureValue,
 *     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 * ```
 * signedAttrs stays raw: the signature covers those exact bytes (re-tagged as SET).
 */
export const SignerInfo = sequence('SignerInfo', {
  version: SmallInteger,
  sid: SignerIdentifier,
  digestAlgorithm: AlgorithmIdentifier,
  signedAttrs: optional(rawWithTag(der.contextTag(0, true), '[0] IMPLICIT SignedAttributes')),
  signatureAlgorithm: AlgorithmIdentifier,
  signature: OctetString,
  unsignedAttrs: optional(implicit(1, setOf(CmsAttributeType, 'UnsignedAttributes'))),
});

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }. */
const EncapsulatedContentInfo = sequence('EncapsulatedContentInfo', {
  eContentType: ObjectIdentifier,
  eContent: optional(explicit(0, OctetString)),
});

/** CertificateSet / RevocationInfoChoices, kept as raw TLVs (parsed or carried by the caller). */
export const CertificateSet = implicit(0, setOf(Any, 'CertificateSet'));
export const RevocationInfoChoices = implicit(1, setOf(Any, 'RevocationInfoChoices'));
/** DigestAlgorithmIdentifiers ::= SET OF DigestAlgorithmIdentifier. */
export const DigestAlgorithmIdentifiers = setOf(AlgorithmIdentifier, 'DigestAlgorithmIdentifiers');
/** SignerInfos ::= SET OF SignerInfo. */
export const SignerInfos = setOf(SignerInfo, 'SignerInfos');

/** SignedData (RFC 5652 §5.1; GM/T 0010 calls the encapsulated part contentInfo). */
export const SignedData = sequence('SignedData', {
  version: SmallInteger,
  digestAlgorithms: DigestAlgorithmIdentifiers,
  encapContentInfo: EncapsulatedContentInfo,
  certificates: optional(CertificateSet),
  crls: optional(RevocationInfoChoices),
  signerInfos: SignerInfos,
});

// ---------------------------------------------------------------------------------------------
// Profiles and algorithms

/** Which content-type arc and signature OID a message uses. */
export type CmsProfile = 'rfc5652' | 'gmt0010';

/** The content types of each profile. */
export const CMS_CONTENT_TYPES = {
  rfc5652: { data: Oid.data, signedData: Oid.signedData },
  gmt0010: { data: Oid.gmData, signedData: Oid.gmSignedData },
} as const satisfies Record<CmsProfile, { data: string; signedData: string }>;

/** SignerInfo signatureAlgorithm choices: SM2-with-SM3 (…1.501) or SM2-1 (…1.301.1). */
export type CmsSignatureAlgorithm = 'sm2WithSm3' | 'sm2Sign';

const DEFAULT_SIGNATURE_ALGORITHM: Record<CmsProfile, CmsSignatureAlgorithm> = {
  rfc5652: 'sm2WithSm3',
  gmt0010: 'sm2Sign',
};

/** SM3, parameters absent (as GmSSL writes; gmsm's NULL is accepted on input). */
const SM3_ALGORITHM: AlgorithmId = Object.freeze({ algorithm: Oid.sm3, parameters: undefined });
const NULL_TLV = asn1.Null.encode(null);

/** True when `algorithm` is one of `oids` with absent or NULL parameters (both occur for SM2/SM3/SM4). */
export function isOneOfWithoutParameters(algorithm: AlgorithmId, oids: readonly string[]): boolean {
  const p = algorithm.parameters;
  return oids.includes(algorithm.algorithm) && (p === undefined || constantTimeEqual(p, NULL_TLV));
}

// ---------------------------------------------------------------------------------------------
// Decoded forms

/** One attribute: its type and the raw DER of each value. */
export interface CmsAttribute {
  readonly type: string;
  readonly values: readonly Uint8Array[];
}

/** How a SignerInfo names its certificate. */
export type CmsSignerIdentifier =
  | { readonly type: 'issuerAndSerialNumber'; readonly issuer: Name; readonly serialNumber: bigint }
  | { readonly type: 'subjectKeyIdentifier'; readonly keyIdentifier: Uint8Array };

/** A parsed SignerInfo. */
export interface CmsSignerInfo {
  readonly version: number;
  readonly sid: CmsSignerIdentifier;
  readonly digestAlgorithm: AlgorithmId;
  readonly signedAttributes?: readonly CmsAttribute[];
  /** DER of the signed attributes under the SET tag: the bytes the signature covers. */
  readonly signedAttributesDer?: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  /** DER SM2Signature. */
  readonly signature: Uint8Array;
  readonly unsignedAttributes?: readonly CmsAttribute[];
}

/** A parsed SignedData with its ContentInfo's exact encoding. */
export interface SignedCms {
  readonly der: Uint8Array;
  readonly profile: CmsProfile;
  readonly version: number;
  readonly digestAlgorithms: readonly AlgorithmId[];
  /** eContentType (GM/T 0010: contentInfo.contentType). */
  readonly contentType: string;
  /** The content octets; undefined for a detached signature. */
  readonly content?: Uint8Array;
  /** The X.509 certificates carried (other CertificateChoices are skipped). */
  readonly certificates: readonly Certificate[];
  /** The RevocationInfoChoices carried, as raw TLVs. */
  readonly crls: readonly Uint8Array[];
  readonly signerInfos: readonly CmsSignerInfo[];
}

function cmsError(message: string): GmError {
  return new GmError('YZ_ERR_CMS', message);
}

function toAttributes(values: asn1.Decoded<typeof CmsAttributeType>[]): CmsAttribute[] {
  return values.map((a) => ({ type: a.attrType, values: a.attrValues }));
}

/** A SignerInfo from its ASN.1 value; RFC 5652 §5.3 ties the version to the sid form. */
export function toCmsSignerInfo(value: asn1.Decoded<typeof SignerInfo>): CmsSignerInfo {
  const sid: CmsSignerIdentifier =
    value.sid.type === 'issuerAndSerialNumber'
      ? { type: 'issuerAndSerialNumber', ...value.sid.value }
      : { type: 'subjectKeyIdentifier', keyIdentifier: value.sid.value };
  const expectedVersion = sid.type === 'issuerAndSerialNumber' ? 1 : 3;
  if (value.version !== expectedVersion)
    throw cmsError(`SignerInfo: version ${value.version} with ${sid.type}, expected ${expectedVersion}`);
  let signed: Pick<CmsSignerInfo, 'signedAttributes' | 'signedAttributesDer'> = {};
  if (value.signedAttrs) {
    const setDer = Uint8Array.from(value.signedAttrs);
    setDer[0] = der.Tag.SET; // same length octets: only the identifier differs
    const attributes = toAttributes(decodeDer(SignedAttributes, setDer));
    if (attributes.length === 0) throw cmsError('SignerInfo: signedAttrs must not be empty');
    signed = { signedAttributes: attributes, signedAttributesDer: setDer };
  }
  return {
    version: value.version,
    sid,
    digestAlgorithm: value.digestAlgorithm,
    ...signed,
    signatureAlgorithm: value.signatureAlgorithm,
    signature: value.signature,
    ...(value.unsignedAttrs ? { unsignedAttributes: toAttributes(value.unsignedAttrs) } : {}),
  };
}

/** The X.509 certificates of a CertificateSet (attribute and other certificates are skipped). */
export function certificatesOf(set: readonly Uint8Array[] | undefined): Certificate[] {
  // Critical extensions we do not know are kept: here a certificate only supplies a key; path
  // validation, which must refuse them, runs on the chain separately.
  return (set ?? [])
    .filter((raw) => raw[0] === der.Tag.SEQUENCE)
    .map((raw) => parseCertificate(raw, { allowUnknownCritical: true }));
}

/**
 * Parses a SignedData ContentInfo (DER, or PEM labelled CMS or PKCS7), either profile.
 * Malformed DER is YZ_ERR_DER_*; another content type or an inconsistent version YZ_ERR_CMS.
 * Algorithms and signatures are checked by `verifyCms`, so unusual messages can still be shown.
 */
export function parseCms(input: Uint8Array | string): SignedCms {
  const bytes = toDer(input, ['CMS', 'PKCS7']);
  const info = decodeDer(ContentInfo, bytes);
  const profile = (Object.keys(CMS_CONTENT_TYPES) as CmsProfile[]).find(
    (p) => CMS_CONTENT_TYPES[p].signedData === info.contentType,
  );
  if (!profile) throw cmsError(`ContentInfo: content type ${info.contentType} is not signedData`);
  if (!info.content) throw cmsError('ContentInfo: signedData has no content');
  const sd = decodeDer(SignedData, info.content);
  if (![1, 3, 4, 5].includes(sd.version))
    throw cmsError(`SignedData: version ${sd.version} is not 1, 3, 4 or 5`);
  return {
    der: copyBytes(bytes),
    profile,
    version: sd.version,
    digestAlgorithms: sd.digestAlgorithms,
    contentType: sd.encapContentInfo.eContentType,
    ...(sd.encapContentInfo.eContent ? { content: sd.encapContentInfo.eContent } : {}),
    certificates: certificatesOf(sd.certificates),
    crls: sd.crls ?? [],
    signerInfos: sd.signerInfos.map(toCmsSignerInfo),
  };
}

// ---------------------------------------------------------------------------------------------
// Signing

/** Options of `signCms`. */
export interface SignCmsOptions {
  /** The content octets (eContent). */
  readonly content: Uint8Array;
  /** Leave the content out (a detached signature); default false. */
  readonly detached?: boolean;
  /** The signing key or a port to it (HSM, vault). */
  readonly signer: Sm2Signer;
  /** The signer's certificate; its key must be `signer.publicKey`. */
  readonly certificate: Certificate;
  /** More certificates to carry (the issuing CAs). */
  readonly chain?: readonly Certificate[];
  /** Sign attributes (contentType, messageDigest, signingTime); default true. */
  readonly signedAttributes?: boolean;
  /** signingTime attribute; default now. */
  readonly signingTime?: Date;
  /** Content types and signature OID; default 'rfc5652'. */
  readonly profile?: CmsProfile;
  /** issuerAndSerialNumber (v1) or subjectKeyIdentifier (v3, RFC 5652 only); default issuerAndSerial. */
  readonly sid?: 'issuerAndSerial' | 'keyId';
  /** Default per profile: rfc5652 → sm2WithSm3, gmt0010 → sm2Sign. */
  readonly signatureAlgorithm?: CmsSignatureAlgorithm;
  /** SM2 signer ID; default 1234567812345678 (OpenSSL 3.0 uses '' in CMS). */
  readonly id?: Sm2Id;
}

/** What one SignerInfo signs and how it names its signer. */
export interface SignerInfoOptions {
  readonly content: Uint8Array;
  readonly contentType: string;
  readonly signer: Sm2Signer;
  readonly certificate: Certificate;
  readonly signedAttributes: boolean;
  readonly signingTime?: Date;
  readonly sid: 'issuerAndSerial' | 'keyId';
  readonly signatureAlgorithm: CmsSignatureAlgorithm;
  readonly id: Sm2Id;
}

/** The subjectKeyIdentifier of `cert`: its extension, else RFC 5280 method 1 over its key. */
function subjectKeyIdOf(cert: Certificate): Uint8Array {
  return (
    readExtension(cert.tbs.extensions, 'subjectKeyIdentifier') ?? keyIdentifier(certificatePublicKey(cert))
  );
}

/** IssuerAndSerialNumber value naming `cert`. */
export function issuerAndSerialOf(cert: Certificate): asn1.Decoded<typeof IssuerAndSerialNumber> {
  return { issuer: cert.tbs.issuer, serialNumber: cert.tbs.serialNumber };
}

function attribute(type: string, value: Uint8Array): asn1.Decoded<typeof CmsAttributeType> {
  return { attrType: type, attrValues: [value] };
}

/** Builds and signs one SignerInfo (RFC 5652 §5.3–§5.4) as its ASN.1 value. */
export function buildSignerInfo(options: SignerInfoOptions): asn1.Decoded<typeof SignerInfo> {
  const { certificate, signer } = options;
  if (!certificatePublicKey(certificate).equals(signer.publicKey))
    throw cmsError('the signer key does not belong to the signer certificate');
  let signedAttrs: Uint8Array | undefined;
  let tbs = options.content;
  if (options.signedAttributes) {
    const setDer = SignedAttributes.encode([
      attribute(Oid.contentType, ObjectIdentifier.encode(options.contentType)),
      attribute(Oid.messageDigest, OctetString.encode(sm3(options.content))),
      attribute(Oid.signingTime, encodeTime(options.signingTime ?? new Date())),
    ]);
    tbs = setDer;
    signedAttrs = Uint8Array.from(setDer);
    signedAttrs[0] = der.contextTag(0, true);
  }
  const keyId = options.sid === 'keyId';
  return {
    version: keyId ? 3 : 1,
    sid: keyId
      ? { type: 'subjectKeyIdentifier', value: subjectKeyIdOf(certificate) }
      : { type: 'issuerAndSerialNumber', value: issuerAndSerialOf(certificate) },
    digestAlgorithm: SM3_ALGORITHM,
    signedAttrs,
    signatureAlgorithm: { algorithm: Oid[options.signatureAlgorithm], parameters: undefined },
    signature: signTbs(signer, tbs, options.id),
  };
}

/** The certificate set: the signer's and the chain, each once (DER then sorts the SET). */
export function certificateSetOf(certificate: Certificate, chain: readonly Certificate[] = []): Uint8Array[] {
  const seen = new Set<string>();
  return [certificate, ...chain]
    .map((c) => c.der)
    .filter((d) => {
      const key = Buffer.from(d).toString('base64');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * Signs `content`: a DER ContentInfo holding SignedData with one signer (R39 signing service).
 * A signer key that is not the certificate's is YZ_ERR_CMS; `sid: 'keyId'` with the GM/T 0010
 * profile is a RangeError (GM/T 0010 SignerInfo has issuerAndSerialNumber only).
 *
 * @example signCms({ content, signer: key, certificate: cert, profile: 'gmt0010', detached: true })
 */
export function signCms(options: SignCmsOptions): Uint8Array {
  const profile = options.profile ?? 'rfc5652';
  const sid = options.sid ?? 'issuerAndSerial';
  if (profile === 'gmt0010' && sid === 'keyId')
    throw new RangeError('GM/T 0010 SignerInfo names its signer by issuerAndSerialNumber only');
  const types = CMS_CONTENT_TYPES[profile];
  const signerInfo = buildSignerInfo({
    content: options.content,
    contentType: types.data,
    signer: options.signer,
    certificate: options.certificate,
    signedAttributes: options.signedAttributes ?? true,
    signingTime: options.signingTime,
    sid,
    signatureAlgorithm: options.signatureAlgorithm ?? DEFAULT_SIGNATURE_ALGORITHM[profile],
    id: options.id ?? SM2_DEFAULT_ID,
  });
  const signedData = SignedData.encode({
    // RFC 5652 §5.1: 3 once a SignerInfo is v3; GM/T 0010 fixes INTEGER (1).
    version: signerInfo.version === 3 ? 3 : 1,
    digestAlgorithms: [SM3_ALGORITHM],
    encapContentInfo: { eContentType: types.data, eContent: options.detached ? undefined : options.content },
    certificates: certificateSetOf(options.certificate, options.chain),
    signerInfos: [signerInfo],
  });
  return ContentInfo.encode({ contentType: types.signedData, content: signedData });
}

// ---------------------------------------------------------------------------------------------
// Verification

/** Why a signer did not verify. */
export type CmsFailureReason =
  | 'unsupported-algorithm'
  | 'signer-certificate-not-found'
  | 'attributes-invalid'
  | 'content-type-mismatch'
  | 'message-digest-mismatch'
  | 'signature-invalid';

/** The YZ_ERR code each reason carries. */
const REASON_CODES: Record<CmsFailureReason, GmErrorCode> = {
  'unsupported-algorithm': 'YZ_ERR_ALGORITHM',
  'signer-certificate-not-found': 'YZ_ERR_CMS',
  'attributes-invalid': 'YZ_ERR_CMS',
  'content-type-mismatch': 'YZ_ERR_CMS',
  'message-digest-mismatch': 'YZ_ERR_CMS',
  'signature-invalid': 'YZ_ERR_SIGNATURE_INVALID',
};

/** The outcome for one SignerInfo. */
export interface CmsSignerResult {
  readonly signerInfo: CmsSignerInfo;
  /** The certificate the sid names (when found). */
  readonly certificate?: Certificate;
  /** signingTime, when signed. */
  readonly signingTime?: Date;
  readonly valid: boolean;
  readonly reason?: CmsFailureReason;
  readonly code?: GmErrorCode;
  readonly message?: string;
}

/** The outcome for a whole message: valid when there is a signer and every one verifies. */
export interface CmsVerification {
  readonly valid: boolean;
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly signers: readonly CmsSignerResult[];
}

/** Options of `verifyCms`. */
export interface VerifyCmsOptions {
  /** The content of a detached signature. */
  readonly content?: Uint8Array;
  /** Certificates to look signers up in besides the carried ones (e.g. from a directory). */
  readonly trusted?: readonly Certificate[];
  /** SM2 signer ID; default 1234567812345678 ('' for OpenSSL 3.0 CMS). */
  readonly id?: Sm2Id;
}

/** True when `cert` is the one `sid` names. */
export function certificateMatches(cert: Certificate, sid: CmsSignerIdentifier): boolean {
  if (sid.type === 'subjectKeyIdentifier') {
    try {
      return constantTimeEqual(subjectKeyIdOf(cert), sid.keyIdentifier);
    } catch (error) {
      if (isGmError(error)) return false; // a malformed SKI or a non-SM2 key names nothing here
      throw error;
    }
  }
  return (
    cert.tbs.serialNumber === sid.serialNumber &&
    constantTimeEqual(encodeName(cert.tbs.issuer), encodeName(sid.issuer))
  );
}

/** The single value of attribute `type`, undefined when absent; repeated or multi-valued is an error. */
function singleValue(attributes: readonly CmsAttribute[], type: string): Uint8Array | undefined {
  const found = attributes.filter((a) => a.type === type);
  if (found.length > 1) throw cmsError(`signed attribute ${type} appears ${found.length} times`);
  if (found.length === 0) return undefined;
  if (found[0]!.values.length !== 1) throw cmsError(`signed attribute ${type} must have exactly one value`);
  return found[0]!.values[0]!;
}

class SignerFailure extends Error {
  constructor(
    readonly reason: CmsFailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** The checked signed attributes: what the signature covers, and the signing time. */
function checkSignedAttributes(
  info: CmsSignerInfo,
  content: Uint8Array,
  contentType: string,
): { tbs: Uint8Array; signingTime?: Date } {
  const attributes = info.signedAttributes!;
  let contentTypeValue: Uint8Array | undefined;
  let digestValue: Uint8Array | undefined;
  let timeValue: Uint8Array | undefined;
  try {
    contentTypeValue = singleValue(attributes, Oid.contentType);
    digestValue = singleValue(attributes, Oid.messageDigest);
    timeValue = singleValue(attributes, Oid.signingTime);
    if (!contentTypeValue || !digestValue)
      throw cmsError('contentType and messageDigest must be signed (RFC 5652 §5.3)');
    if (decodeDer(ObjectIdentifier, contentTypeValue) !== contentType)
      throw new SignerFailure('content-type-mismatch', 'the contentType attribute differs from eContentType');
    if (!constantTimeEqual(decodeDer(OctetString, digestValue), sm3(content)))
      throw new SignerFailure('message-digest-mismatch', 'messageDigest is not SM3 of the content');
    const signingTime = timeValue ? decodeDer(TimeType, timeValue).value : undefined;
    return { tbs: info.signedAttributesDer!, ...(signingTime ? { signingTime } : {}) };
  } catch (error) {
    if (error instanceof SignerFailure || !isGmError(error)) throw error;
    throw new SignerFailure('attributes-invalid', `signed attributes: ${error.message}`);
  }
}

/**
 * Verifies one SignerInfo over `content` (the eContent, or the decrypted content of a GM/T 0010
 * SignedAndEnvelopedData) against the first of `candidates` its sid names.
 */
export function verifySignerInfo(
  info: CmsSignerInfo,
  content: Uint8Array,
  contentType: string,
  candidates: readonly Certificate[],
  id: Sm2Id = SM2_DEFAULT_ID,
): CmsSignerResult {
  let certificate: Certificate | undefined;
  let signingTime: Date | undefined;
  try {
    if (!isOneOfWithoutParameters(info.digestAlgorithm, [Oid.sm3]))
      throw new SignerFailure(
        'unsupported-algorithm',
        `digestAlgorithm ${info.digestAlgorithm.algorithm} is not SM3`,
      );
    if (!isOneOfWithoutParameters(info.signatureAlgorithm, [Oid.sm2WithSm3, Oid.sm2Sign]))
      throw new SignerFailure(
        'unsupported-algorithm',
        `signatureAlgorithm ${info.signatureAlgorithm.algorithm} is not SM2 (…1.501 or …1.301.1)`,
      );
    certificate = candidates.find((c) => certificateMatches(c, info.sid));
    if (!certificate)
      throw new SignerFailure('signer-certificate-not-found', 'no certificate matches the sid');
    let publicKey: Sm2PublicKey;
    try {
      publicKey = certificatePublicKey(certificate);
    } catch (error) {
      if (!isGmError(error)) throw error;
      throw new SignerFailure('unsupported-algorithm', `signer certificate: ${error.message}`);
    }
    let tbs = content;
    if (info.signedAttributes) {
      ({ tbs, signingTime } = checkSignedAttributes(info, content, contentType));
    } else if (contentType !== Oid.data && contentType !== Oid.gmData) {
      throw new SignerFailure(
        'attributes-invalid',
        'content other than data needs signed attributes (RFC 5652 §5.3)',
      );
    }
    if (!verifyTbs(publicKey, tbs, info.signature, id))
      throw new SignerFailure('signature-invalid', 'the SM2 signature does not verify with the signer key');
    return { signerInfo: info, certificate, ...(signingTime ? { signingTime } : {}), valid: true };
  } catch (error) {
    if (!(error instanceof SignerFailure)) throw error;
    return {
      signerInfo: info,
      ...(certificate ? { certificate } : {}),
      ...(signingTime ? { signingTime } : {}),
      valid: false,
      reason: error.reason,
      code: REASON_CODES[error.reason],
      message: error.message,
    };
  }
}

/**
 * Verifies every signer of a SignedData (parsed, DER or PEM). A detached message needs
 * `options.content` (YZ_ERR_CMS without it, or when an attached message gets a different one).
 * Per-signer failures are results, not throws: see `CmsFailureReason`.
 *
 * @example
 * const { valid, signers } = verifyCms(der, { content: original });
 */
export function verifyCms(
  cms: SignedCms | Uint8Array | string,
  options: VerifyCmsOptions = {},
): CmsVerification {
  const parsed = typeof cms === 'string' || cms instanceof Uint8Array ? parseCms(cms) : cms;
  const content = parsed.content ?? options.content;
  if (!content) throw cmsError('the signature is detached: pass the signed content');
  if (parsed.content && options.content && !constantTimeEqual(parsed.content, options.content))
    throw cmsError('the message carries content that differs from the content given');
  const candidates = [...parsed.certificates, ...(options.trusted ?? [])];
  const signers = parsed.signerInfos.map((info) =>
    verifySignerInfo(info, content, parsed.contentType, candidates, options.id),
  );
  return {
    valid: signers.length > 0 && signers.every((s) => s.valid),
    contentType: parsed.contentType,
    content,
    signers,
  };
}
