/**
 * OCSP on SM2 (RFC 6960; the lightweight profile of RFC 5019; nonce per RFC 8954): requests and
 * responses, their HTTP encodings, and the relying party's check of who signed a response.
 * Certificate status for government applications (R5), answered well inside R6's 3 s; responses
 * are signed SM2-with-SM3 (R11) by the CA or by a delegated responder certificate (R13 profile).
 *
 * Hot path: a responder answers with one SM2 signature per response, so everything that does
 * not depend on the request — the ResponderID, the certs block, the issuer's CertID hashes in
 * every supported hash — is computed once by `prepareOcspResponder`. The ResponderID keeps the
 * responder's Name as the DER in its certificate: re-encoding a Chinese Name costs ~15 µs (a
 * quarter of an SM2 signature), and the raw bytes are also what clients compare.
 *
 * Signed requests (RFC 6960 §4.1.2 optionalSignature) are parsed and kept, never verified: our
 * responder serves public status to anyone and does not answer sigRequired.
 */
import { createHash } from 'node:crypto';
import {
  AlgorithmIdentifier,
  GmError,
  type GmErrorCode,
  type Sm2Id,
  SubjectPublicKeyInfo,
  asn1,
  der,
  isGmError,
  sm3,
  toHex,
  copyBytes,
} from '@yizheng/gm';
import {
  type AlgorithmId,
  SM2_WITH_SM3,
  type Sm2Signer,
  isSm2WithSm3,
  signTbs,
  verifyTbs,
} from './algorithm.js';
import {
  type Certificate,
  certificatePublicKey,
  parseCertificate,
  verifyCertificateSignature,
} from './gmt0015-certificate.js';
import { Oid } from './oids.js';
import { type GeneralName, GeneralNameType } from './rfc5280-general-name.js';
import {
  type CrlReason,
  EXTENSION_TYPES,
  type Extension,
  ExtensionsType,
  checkCriticalExtensions,
  extension,
  readExtension,
} from './rfc5280-extensions.js';

const {
  Any,
  BitStringOctets,
  Enumerated,
  GeneralizedTime,
  Integer,
  Null,
  ObjectIdentifier,
  OctetString,
  SmallInteger,
  choice,
  decodeDer,
  defaulted,
  explicit,
  implicit,
  optional,
  rawWithTag,
  sequence,
  sequenceOf,
} = asn1;

// ---------------------------------------------------------------------------------------------
// ASN.1 (RFC 6960 Appendix B.1, EXPLICIT TAGS module, except where IMPLICIT is written)

/**
 * `type` with its recent encodings remembered by `key`. A responder writes the same algorithm
 * identifiers in every response and, within one second, the same times; each costs a few µs to
 * encode (OID text to arcs, a date to digits), about 20 µs a response in all. The memory is
 * bounded: it starts over after `limit` distinct keys, so peer-chosen values (an unusual CertID
 * hash algorithm) cannot grow it.
 */
function rememberEncodings<T>(
  type: asn1.Asn1Type<T>,
  key: (value: T) => string | number,
  limit = 32,
): asn1.Asn1Type<T> {
  const recent = new Map<string | number, Uint8Array>();
  return {
    name: type.name,
    tags: type.tags,
    decode: (el) => type.decode(el),
    encode(value) {
      const k = key(value);
      let encoded = recent.get(k);
      if (!encoded) {
        encoded = type.encode(value);
        if (recent.size >= limit) recent.clear();
        recent.set(k, encoded);
      }
      return encoded;
    },
  };
}

/**
 * `type` whose decoded values remember the DER they were read from, so that echoing one — a
 * CertID from the request into the response, which clients compare byte for byte — copies
 * those bytes instead of encoding again. Values are readonly by type; one changed after decoding
 * would still encode as read.
 */
function keepReadEncoding<T extends object>(type: asn1.Asn1Type<T>): asn1.Asn1Type<T> {
  const read = new WeakMap<T, Uint8Array>();
  return {
    name: type.name,
    tags: type.tags,
    decode(el) {
      const value = type.decode(el);
      read.set(value, copyBytes(der.rawOf(el)));
      return value;
    },
    encode: (value) => read.get(value) ?? type.encode(value),
  };
}

const RecentAlgorithmIdentifier = rememberEncodings(AlgorithmIdentifier, (a) =>
  a.parameters ? `${a.algorithm} ${toHex(a.parameters)}` : a.algorithm,
);
const RecentGeneralizedTime = rememberEncodings(GeneralizedTime, (d) => Math.floor(d.getTime() / 1000));
const RecentObjectIdentifier = rememberEncodings(ObjectIdentifier, (oid) => oid);

/** A Name carried as its exact DER (compared and hashed byte for byte, never re-encoded). */
const NameDer = rawWithTag(der.Tag.SEQUENCE, 'Name');

/**
 * ```
 * CertID ::= SEQUENCE {
 *     hashAlgorithm   AlgorithmIdentifier,
 *     issuerNameHash  OCTET STRING, -- Hash of issuer's DN
 *     issuerKeyHash   OCTET STRING, -- Hash of issuer's public key
 *     serialNumber    CertificateSerialNumber }
 * ```
 */
const CertIdType = keepReadEncoding(
  sequence('CertID', {
    hashAlgorithm: RecentAlgorithmIdentifier,
    issuerNameHash: OctetString,
    issuerKeyHash: OctetString,
    serialNumber: Integer,
  }),
);

/** Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL } */
const RequestType = sequence('Request', {
  reqCert: CertIdType,
  singleRequestExtensions: optional(explicit(0, ExtensionsType)),
});

/**
 * ```
 * TBSRequest ::= SEQUENCE {
 *     version            [0] EXPLICIT Version DEFAULT v1,
 *     requestorName      [1] EXPLICIT GeneralName OPTIONAL,
 *     requestList            SEQUENCE OF Request,
 *     requestExtensions  [2] EXPLICIT Extensions OPTIONAL }
 * ```
 */
const TbsRequestType = sequence('TBSRequest', {
  version: defaulted(explicit(0, SmallInteger), 0),
  requestorName: optional(explicit(1, GeneralNameType)),
  requestList: sequenceOf(RequestType),
  requestExtensions: optional(explicit(2, ExtensionsType)),
});

/** Signature ::= SEQUENCE { signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL } */
const SignatureType = sequence('Signature', {
  signatureAlgorithm: RecentAlgorithmIdentifier,
  signature: BitStringOctets,
  certs: optional(explicit(0, sequenceOf(Any))),
});

/** OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL } */
const OcspRequestType = sequence('OCSPRequest', {
  tbsRequest: Any,
  optionalSignature: optional(explicit(0, SignatureType)),
});

/** ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING } */
const ResponseBytesType = sequence('ResponseBytes', {
  responseType: RecentObjectIdentifier,
  response: OctetString,
});

/** OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } */
const OcspResponseType = sequence('OCSPResponse', {
  responseStatus: Enumerated,
  responseBytes: optional(explicit(0, ResponseBytesType)),
});

/** ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash } (KeyHash ::= OCTET STRING, SHA-1) */
const ResponderIdType = choice('ResponderID', {
  byName: explicit(1, NameDer),
  byKey: explicit(2, OctetString),
});

/** RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL } */
const RevokedInfoType = sequence('RevokedInfo', {
  revocationTime: RecentGeneralizedTime,
  revocationReason: optional(explicit(0, EXTENSION_TYPES.cRLReason)),
});

/** CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo } */
const CertStatusType = choice('CertStatus', {
  good: implicit(0, Null),
  revoked: implicit(1, RevokedInfoType),
  unknown: implicit(2, Null),
});

/**
 * ```
 * SingleResponse ::= SEQUENCE {
 *     certID              CertID,
 *     certStatus          CertStatus,
 *     thisUpdate          GeneralizedTime,
 *     nextUpdate      [0] EXPLICIT GeneralizedTime OPTIONAL,
 *     singleExtensions [1] EXPLICIT Extensions OPTIONAL }
 * ```
 */
const SingleResponseType = sequence('SingleResponse', {
  certID: CertIdType,
  certStatus: CertStatusType,
  thisUpdate: RecentGeneralizedTime,
  nextUpdate: optional(explicit(0, RecentGeneralizedTime)),
  singleExtensions: optional(explicit(1, ExtensionsType)),
});

/**
 * ```
 * ResponseData ::= SEQUENCE {
 *     version             [0] EXPLICIT Version DEFAULT v1,
 *     responderID             ResponderID,
 *     producedAt              GeneralizedTime,
 *     responses               SEQUENCE OF SingleResponse,
 *     responseExtensions  [1] EXPLICIT Extensions OPTIONAL }
 * ```
 */
const ResponseDataType = sequence('ResponseData', {
  version: defaulted(explicit(0, SmallInteger), 0),
  responderID: ResponderIdType,
  producedAt: RecentGeneralizedTime,
  responses: sequenceOf(SingleResponseType),
  responseExtensions: optional(explicit(1, ExtensionsType)),
});

/**
 * ```
 * BasicOCSPResponse ::= SEQUENCE {
 *     tbsResponseData      ResponseData,
 *     signatureAlgorithm   AlgorithmIdentifier,
 *     signature            BIT STRING,
 *     certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 * ```
 */
const BasicOcspResponseType = sequence('BasicOCSPResponse', {
  tbsResponseData: Any,
  signatureAlgorithm: RecentAlgorithmIdentifier,
  signature: BitStringOctets,
  certs: optional(explicit(0, sequenceOf(Any))),
});

/**
 * Just enough of a TBSCertificate to take the subject Name and issuer Name exactly as signed:
 * CertID and ResponderID hash and compare those bytes, and a Name decoded then re-encoded is
 * only guaranteed identical for the string types we write.
 */
const TbsNamesView = sequence('TBSCertificate', {
  version: optional(rawWithTag(der.contextTag(0, true), 'version')),
  serialNumber: Any,
  signature: Any,
  issuer: NameDer,
  validity: Any,
  subject: NameDer,
  subjectPublicKeyInfo: SubjectPublicKeyInfo,
  issuerUniqueID: optional(rawWithTag(der.contextTag(1, false), 'issuerUniqueID')),
  subjectUniqueID: optional(rawWithTag(der.contextTag(2, false), 'subjectUniqueID')),
  extensions: optional(rawWithTag(der.contextTag(3, true), 'extensions')),
});

// ---------------------------------------------------------------------------------------------
// Values

/** HTTP media types (RFC 6960 Appendix A). */
export const OCSP_REQUEST_MEDIA_TYPE = 'application/ocsp-request';
export const OCSP_RESPONSE_MEDIA_TYPE = 'application/ocsp-response';

/** OCSPResponseStatus ::= ENUMERATED (4 is not used). */
const RESPONSE_STATUSES = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  undefined,
  'sigRequired',
  'unauthorized',
] as const;
/** The outcome of an OCSP exchange; only `successful` carries a BasicOCSPResponse. */
export type OcspResponseStatus = Exclude<(typeof RESPONSE_STATUSES)[number], undefined>;

/** Hash functions a CertID may use: SM3 (we write it, R11), SHA-1 (RFC 5019 clients) and SHA-256. */
export type CertIdHash = 'sm3' | 'sha1' | 'sha256';
const HASH_OIDS: Record<CertIdHash, string> = {
  sm3: Oid.sm3,
  sha1: Oid.sha1,
  sha256: Oid.sha256,
};
const NULL_TLV = Uint8Array.of(der.Tag.NULL, 0);

function digest(hash: CertIdHash, data: Uint8Array): Uint8Array {
  return hash === 'sm3' ? sm3(data) : new Uint8Array(createHash(hash).update(data).digest());
}

/** Identifies one certificate by its issuer's name and key hashes and its serial number. */
export interface CertId {
  readonly hashAlgorithm: AlgorithmId;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  readonly serialNumber: bigint;
}

/** One entry of a request's requestList. */
export interface OcspSingleRequest {
  readonly certId: CertId;
  readonly extensions?: readonly Extension[];
}

/** A parsed or freshly built OCSPRequest. */
export interface OcspRequest {
  readonly der: Uint8Array;
  readonly tbsRequestDer: Uint8Array;
  readonly requestorName?: GeneralName;
  readonly requests: readonly OcspSingleRequest[];
  readonly extensions?: readonly Extension[];
  /** The RFC 8954 nonce (1..32 octets) the response must echo. */
  readonly nonce?: Uint8Array;
  /** optionalSignature as sent: kept for audit, not verified (see the module comment). */
  readonly signature?: {
    readonly algorithm: AlgorithmId;
    readonly value: Uint8Array;
    readonly certificates: readonly Uint8Array[];
  };
}

/** The status of one certificate. */
export type OcspCertStatus =
  | { readonly type: 'good' }
  | { readonly type: 'revoked'; readonly time: Date; readonly reason?: CrlReason }
  | { readonly type: 'unknown' };

/** One SingleResponse. */
export interface OcspSingleResponse {
  /** Echoed exactly from the request (a CertID is matched byte for byte by clients). */
  readonly certId: CertId;
  readonly status: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly extensions?: readonly Extension[];
}

/** ResponderID: the responder's subject Name (DER) or the SHA-1 of its public key BIT STRING value. */
export type ResponderId =
  | { readonly type: 'byName'; readonly value: Uint8Array }
  | { readonly type: 'byKey'; readonly value: Uint8Array };

/** A BasicOCSPResponse with the exact bytes that were signed. */
export interface BasicOcspResponse {
  readonly der: Uint8Array;
  readonly tbsResponseDataDer: Uint8Array;
  readonly responderId: ResponderId;
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  readonly extensions?: readonly Extension[];
  readonly nonce?: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  /** DER SM2Signature (the BIT STRING's octets). */
  readonly signature: Uint8Array;
  /** certs: the delegated responder certificate, possibly with its chain. */
  readonly certificates: readonly Certificate[];
}

/** A parsed or freshly built OCSPResponse. */
export interface OcspResponse {
  readonly der: Uint8Array;
  readonly status: OcspResponseStatus;
  /** Present exactly when `status` is `successful`. */
  readonly basic?: BasicOcspResponse;
}

function ocspError(message: string): GmError {
  return new GmError('YZ_ERR_OCSP', message);
}

/** A plain Uint8Array view: decoded fields are copies by `slice`, and a Buffer's slice is a Buffer. */
function plain(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** GeneralizedTime holds whole seconds (RFC 5280 §4.1.2.5.2): what we return is what was encoded. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

// ---------------------------------------------------------------------------------------------
// CertID

interface CertificateNames {
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** The subjectPublicKey BIT STRING value (04‖X‖Y for SM2). */
  readonly keyBits: Uint8Array;
  readonly hashes: Map<CertIdHash, { readonly name: Uint8Array; readonly key: Uint8Array }>;
}

/** Per-certificate cache: a responder or a client hashes the same issuer for every request. */
const namesCache = new WeakMap<Certificate, CertificateNames>();

function namesOf(cert: Certificate): CertificateNames {
  let names = namesCache.get(cert);
  if (!names) {
    const view = decodeDer(TbsNamesView, cert.tbsDer);
    names = {
      subjectDer: view.subject,
      issuerDer: view.issuer,
      keyBits: view.subjectPublicKeyInfo.subjectPublicKey,
      hashes: new Map(),
    };
    namesCache.set(cert, names);
  }
  return names;
}

function issuerHashes(issuer: Certificate, hash: CertIdHash): { name: Uint8Array; key: Uint8Array } {
  const names = namesOf(issuer);
  let pair = names.hashes.get(hash);
  if (!pair) {
    pair = { name: digest(hash, names.subjectDer), key: digest(hash, names.keyBits) };
    names.hashes.set(hash, pair);
  }
  return pair;
}

/** Which hash a CertID uses (absent or NULL parameters, as OpenSSL and BouncyCastle write), else undefined. */
export function certIdHash(certId: CertId): CertIdHash | undefined {
  const p = certId.hashAlgorithm.parameters;
  if (p !== undefined && !sameBytes(p, NULL_TLV)) return undefined;
  return (Object.keys(HASH_OIDS) as CertIdHash[]).find(
    (h) => HASH_OIDS[h] === certId.hashAlgorithm.algorithm,
  );
}

/**
 * The CertID of certificate `serialNumber` issued by `issuer`: the hash of the issuer's Name DER
 * and of its public key BIT STRING value (RFC 6960 §4.1.1). Parameters are NULL, as OpenSSL and
 * BouncyCastle write them, so responders that compare CertIDs byte for byte find ours.
 */
export function certIdFor(issuer: Certificate, serialNumber: bigint, hash: CertIdHash = 'sm3'): CertId {
  const { name, key } = issuerHashes(issuer, hash);
  return {
    hashAlgorithm: { algorithm: HASH_OIDS[hash], parameters: NULL_TLV },
    issuerNameHash: name,
    issuerKeyHash: key,
    serialNumber,
  };
}

/** True when `certId` names a certificate issued by `issuer`, whatever supported hash it uses. */
export function matchCertIdIssuer(certId: CertId, issuer: Certificate): boolean {
  const hash = certIdHash(certId);
  if (!hash) return false;
  const { name, key } = issuerHashes(issuer, hash);
  return sameBytes(certId.issuerNameHash, name) && sameBytes(certId.issuerKeyHash, key);
}

/** True when `certId` names certificate `serialNumber` of `issuer` (SM3, SHA-1 or SHA-256 CertID). */
export function matchCertId(certId: CertId, issuer: Certificate, serialNumber: bigint): boolean {
  return certId.serialNumber === serialNumber && matchCertIdIssuer(certId, issuer);
}

// ---------------------------------------------------------------------------------------------
// Requests

/** RFC 8954 §2.1: a nonce is 1 to 32 octets. */
function checkNonce(nonce: Uint8Array, where: string): void {
  if (nonce.length < 1 || nonce.length > 32)
    throw ocspError(`${where}: nonce must be 1 to 32 octets (RFC 8954), got ${nonce.length}`);
}

/** What to ask: certificates by issuer and serial, the CertID hash, and an optional nonce. */
export interface OcspRequestInput {
  readonly certs: readonly { readonly issuer: Certificate; readonly serialNumber: bigint }[];
  /** CertID hash; default SM3. Use SHA-1 for RFC 5019 responders that know nothing else. */
  readonly hash?: CertIdHash;
  readonly nonce?: Uint8Array;
  readonly requestorName?: GeneralName;
}

/** Builds an unsigned OCSPRequest (RFC 6960 §4.1.1). */
export function buildOcspRequest(input: OcspRequestInput): OcspRequest {
  if (input.certs.length === 0) throw ocspError('request: at least one certificate is needed');
  if (input.nonce) checkNonce(input.nonce, 'request');
  const requests = input.certs.map((c) => ({ certId: certIdFor(c.issuer, c.serialNumber, input.hash) }));
  const extensions = input.nonce ? [extension('ocspNonce', input.nonce)] : undefined;
  const tbsRequestDer = TbsRequestType.encode({
    version: 0,
    requestorName: input.requestorName,
    requestList: requests.map((r) => ({ reqCert: r.certId })),
    requestExtensions: extensions,
  });
  return {
    der: OcspRequestType.encode({ tbsRequest: tbsRequestDer }),
    tbsRequestDer,
    ...(input.requestorName ? { requestorName: input.requestorName } : {}),
    requests,
    ...(extensions ? { extensions, nonce: input.nonce } : {}),
  };
}

/**
 * Parses a DER OCSPRequest. Structure errors are the DER layer's codes; a version other than v1,
 * an empty requestList or a nonce outside 1..32 octets is YZ_ERR_OCSP (a responder answers
 * malformedRequest); duplicate or unknown critical extensions are YZ_ERR_EXTENSION.
 */
export function parseOcspRequest(input: Uint8Array): OcspRequest {
  const bytes = plain(input);
  const outer = decodeDer(OcspRequestType, bytes);
  const tbs = decodeDer(TbsRequestType, outer.tbsRequest);
  if (tbs.version !== 0) throw ocspError(`request: version ${(tbs.version ?? 0) + 1} is not v1`);
  if (tbs.requestList.length === 0) throw ocspError('request: requestList is empty');
  checkCriticalExtensions(tbs.requestExtensions, 'OCSP request');
  const requests = tbs.requestList.map((r) => {
    checkCriticalExtensions(r.singleRequestExtensions, 'OCSP single request');
    return {
      certId: r.reqCert,
      ...(r.singleRequestExtensions ? { extensions: r.singleRequestExtensions } : {}),
    };
  });
  const nonce = readExtension(tbs.requestExtensions, 'ocspNonce');
  if (nonce) checkNonce(nonce, 'request');
  const sig = outer.optionalSignature;
  return {
    der: copyBytes(bytes),
    tbsRequestDer: outer.tbsRequest,
    ...(tbs.requestorName ? { requestorName: tbs.requestorName } : {}),
    requests,
    ...(tbs.requestExtensions ? { extensions: tbs.requestExtensions } : {}),
    ...(nonce ? { nonce } : {}),
    ...(sig
      ? {
          signature: {
            algorithm: sig.signatureAlgorithm,
            value: sig.signature,
            certificates: sig.certs ?? [],
          },
        }
      : {}),
  };
}

/** The GET form of a request (RFC 6960 Appendix A.1): URL-encoded base64 of the DER, to append to the responder URL. */
export function encodeOcspRequestForGet(requestDer: Uint8Array): string {
  return encodeURIComponent(Buffer.from(requestDer).toString('base64'));
}

/**
 * The DER request carried in a GET path: `path` is what follows the responder's `base` path.
 * Clients that leave '/' or '+' unescaped are accepted (both are literal in a path). A path that
 * is not URL-encoded base64 is YZ_ERR_OCSP; parse the result with `parseOcspRequest`.
 */
export function decodeOcspRequestFromGetPath(path: string, base = '/'): Uint8Array {
  if (!path.startsWith(base)) throw ocspError(`GET path does not start with ${base}`);
  let text: string;
  try {
    text = decodeURIComponent(path.slice(base.length));
  } catch {
    throw ocspError('GET path is not valid URL encoding');
  }
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text))
    throw ocspError('GET path is not base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

// ---------------------------------------------------------------------------------------------
// Responder

/** Who signs responses: the CA itself, or a delegated responder certificate the CA issued. */
export interface OcspResponderOptions {
  /** The signing certificate: the CA, or a delegated cert with extKeyUsage ocspSigning (and ocspNoCheck). */
  readonly certificate: Certificate;
  readonly signer: Sm2Signer;
  /** ResponderID form; `key` is smaller and survives a renamed responder. */
  readonly idBy: 'key' | 'name';
  /** The CA whose certificates are answered for; default `certificate` (the CA signs itself). */
  readonly issuer?: Certificate;
  /** Put `certificate` in certs; default: only for a delegated responder (clients need it to verify). */
  readonly includeCertificates?: boolean;
}

/** A responder with everything that does not depend on the request computed once. */
export class OcspResponder {
  private constructor(
    readonly certificate: Certificate,
    readonly issuer: Certificate,
    readonly signer: Sm2Signer,
    readonly delegated: boolean,
    readonly responderId: ResponderId,
    readonly certificates: readonly Certificate[],
  ) {}

  /** Checks the options and precomputes (see `prepareOcspResponder`). */
  static prepare(options: OcspResponderOptions): OcspResponder {
    const { certificate } = options;
    const issuer = options.issuer ?? certificate;
    if (!certificatePublicKey(certificate).equals(options.signer.publicKey))
      throw ocspError('responder: the signer key does not match the responder certificate');
    const delegated = !sameBytes(issuer.der, certificate.der);
    if (delegated) {
      const problem = delegationProblem(certificate, issuer);
      if (problem) throw ocspError(`responder: ${problem.message}`);
    }
    const names = namesOf(certificate);
    const responderId: ResponderId =
      options.idBy === 'key'
        ? { type: 'byKey', value: digest('sha1', names.keyBits) }
        : { type: 'byName', value: names.subjectDer };
    for (const hash of Object.keys(HASH_OIDS) as CertIdHash[]) issuerHashes(issuer, hash);
    const certificates = (options.includeCertificates ?? delegated) ? [certificate] : [];
    return new OcspResponder(certificate, issuer, options.signer, delegated, responderId, certificates);
  }

  /** True when `certId` is for a certificate of this responder's CA (otherwise answer `unknown`). */
  answersFor(certId: CertId): boolean {
    return matchCertIdIssuer(certId, this.issuer);
  }
}

/**
 * Prepares a responder: checks that the signer key is the certificate's and, for a delegated
 * responder, that the CA issued it with extKeyUsage ocspSigning (RFC 6960 §4.2.2.2) —
 * YZ_ERR_OCSP otherwise — then computes the ResponderID, the certs block and the CA's CertID
 * hashes once.
 */
export function prepareOcspResponder(options: OcspResponderOptions): OcspResponder {
  return OcspResponder.prepare(options);
}

/** What to answer. */
export interface OcspResponseInput {
  readonly responder: OcspResponder | OcspResponderOptions;
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  /** The request's nonce, echoed in responseExtensions. */
  readonly nonce?: Uint8Array;
}

function encodeStatus(status: OcspCertStatus) {
  if (status.type !== 'revoked') return { type: status.type, value: null };
  return {
    type: 'revoked' as const,
    value: { revocationTime: status.time, revocationReason: status.reason },
  };
}

function normaliseStatus(status: OcspCertStatus): OcspCertStatus {
  if (status.type !== 'revoked') return status;
  return {
    type: 'revoked',
    time: wholeSeconds(status.time),
    ...(status.reason ? { reason: status.reason } : {}),
  };
}

function normaliseResponse(r: OcspSingleResponse): OcspSingleResponse {
  if (r.nextUpdate && r.nextUpdate.getTime() < r.thisUpdate.getTime())
    throw ocspError('response: nextUpdate is before thisUpdate');
  return {
    certId: r.certId,
    status: normaliseStatus(r.status),
    thisUpdate: wholeSeconds(r.thisUpdate),
    ...(r.nextUpdate ? { nextUpdate: wholeSeconds(r.nextUpdate) } : {}),
    ...(r.extensions?.length ? { extensions: r.extensions } : {}),
  };
}

/**
 * Builds and signs a successful OCSPResponse (RFC 6960 §4.2.1) with SM2-with-SM3, parameters
 * absent. Pass a prepared `OcspResponder` on the hot path; options are prepared on each call.
 */
export function buildOcspResponse(input: OcspResponseInput): OcspResponse {
  const responder =
    input.responder instanceof OcspResponder ? input.responder : prepareOcspResponder(input.responder);
  if (input.responses.length === 0) throw ocspError('response: at least one SingleResponse is needed');
  if (input.nonce) checkNonce(input.nonce, 'response');
  const responses = input.responses.map(normaliseResponse);
  const extensions = input.nonce ? [extension('ocspNonce', input.nonce)] : undefined;
  const tbsResponseDataDer = ResponseDataType.encode({
    version: 0,
    responderID: responder.responderId,
    producedAt: input.producedAt,
    responses: responses.map((r) => ({
      certID: r.certId,
      certStatus: encodeStatus(r.status),
      thisUpdate: r.thisUpdate,
      nextUpdate: r.nextUpdate,
      singleExtensions: r.extensions ? [...r.extensions] : undefined,
    })),
    responseExtensions: extensions,
  });
  const signature = signTbs(responder.signer, tbsResponseDataDer);
  const basicDer = BasicOcspResponseType.encode({
    tbsResponseData: tbsResponseDataDer,
    signatureAlgorithm: SM2_WITH_SM3,
    signature,
    certs: responder.certificates.length ? responder.certificates.map((c) => c.der) : undefined,
  });
  const basic: BasicOcspResponse = {
    der: basicDer,
    tbsResponseDataDer,
    responderId: responder.responderId,
    producedAt: wholeSeconds(input.producedAt),
    responses,
    ...(extensions ? { extensions, nonce: input.nonce } : {}),
    signatureAlgorithm: SM2_WITH_SM3,
    signature,
    certificates: responder.certificates,
  };
  const responseDer = OcspResponseType.encode({
    responseStatus: 0,
    responseBytes: { responseType: Oid.ocspBasic, response: basicDer },
  });
  return { der: responseDer, status: 'successful', basic };
}

/** An unsuccessful OCSPResponse: a status and no responseBytes (RFC 6960 §4.2.1). */
export function buildOcspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): OcspResponse {
  const code = RESPONSE_STATUSES.indexOf(status);
  if (code <= 0) throw new RangeError(`${status} is not an OCSP error status`);
  return { der: OcspResponseType.encode({ responseStatus: code }), status };
}

// ---------------------------------------------------------------------------------------------
// Parsing

function decodeSingleResponse(r: asn1.Decoded<typeof SingleResponseType>): OcspSingleResponse {
  checkCriticalExtensions(r.singleExtensions, 'OCSP single response');
  const s = r.certStatus;
  const status: OcspCertStatus =
    s.type === 'revoked'
      ? {
          type: 'revoked',
          time: s.value.revocationTime,
          ...(s.value.revocationReason ? { reason: s.value.revocationReason } : {}),
        }
      : { type: s.type };
  if (r.nextUpdate && r.nextUpdate.getTime() < r.thisUpdate.getTime())
    throw ocspError('response: nextUpdate is before thisUpdate');
  return {
    certId: r.certID,
    status,
    thisUpdate: r.thisUpdate,
    ...(r.nextUpdate ? { nextUpdate: r.nextUpdate } : {}),
    ...(r.singleExtensions ? { extensions: r.singleExtensions } : {}),
  };
}

function parseBasic(basicDer: Uint8Array): BasicOcspResponse {
  const outer = decodeDer(BasicOcspResponseType, basicDer);
  const data = decodeDer(ResponseDataType, outer.tbsResponseData);
  if (data.version !== 0) throw ocspError(`response: version ${(data.version ?? 0) + 1} is not v1`);
  checkCriticalExtensions(data.responseExtensions, 'OCSP response');
  const nonce = readExtension(data.responseExtensions, 'ocspNonce');
  return {
    der: basicDer,
    tbsResponseDataDer: outer.tbsResponseData,
    responderId: data.responderID,
    producedAt: data.producedAt,
    responses: data.responses.map(decodeSingleResponse),
    ...(data.responseExtensions ? { extensions: data.responseExtensions } : {}),
    ...(nonce ? { nonce } : {}),
    signatureAlgorithm: outer.signatureAlgorithm,
    signature: outer.signature,
    // Unknown critical extensions are judged when a certificate is used as the signer, not here.
    certificates: (outer.certs ?? []).map((c) => parseCertificate(c, { allowUnknownCritical: true })),
  };
}

/**
 * Parses a DER OCSPResponse strictly: DER errors keep their codes; an undefined responseStatus,
 * responseBytes on an error status or missing on success, a responseType other than
 * id-pkix-ocsp-basic, or a version other than v1 is YZ_ERR_OCSP. The signature is not checked
 * here (see `verifyOcspResponse`); the signed bytes are kept in `basic.tbsResponseDataDer`.
 */
export function parseOcspResponse(input: Uint8Array): OcspResponse {
  const bytes = plain(input);
  const outer = decodeDer(OcspResponseType, bytes);
  const status = RESPONSE_STATUSES[outer.responseStatus];
  if (status === undefined) throw ocspError(`responseStatus ${outer.responseStatus} is not defined`);
  if (status !== 'successful') {
    if (outer.responseBytes) throw ocspError(`a ${status} response must not carry responseBytes`);
    return { der: copyBytes(bytes), status };
  }
  if (!outer.responseBytes) throw ocspError('a successful response must carry responseBytes');
  if (outer.responseBytes.responseType !== Oid.ocspBasic)
    throw ocspError(`responseType ${outer.responseBytes.responseType} is not id-pkix-ocsp-basic`);
  return { der: copyBytes(bytes), status, basic: parseBasic(outer.responseBytes.response) };
}

// ---------------------------------------------------------------------------------------------
// Verification

/** The outcome of `verifyOcspResponse`: who signed and whether it verifies, or a coded reason. */
export type OcspVerification =
  | { readonly valid: true; readonly signedBy: 'issuer' | 'delegated'; readonly signer: Certificate }
  | {
      readonly valid: false;
      readonly code: GmErrorCode;
      readonly message: string;
      readonly signedBy?: 'issuer' | 'delegated';
      readonly signer?: Certificate;
    };

/** Options of `verifyOcspResponse`. */
export interface OcspVerifyOptions {
  /** The CA that issued the certificates asked about. */
  readonly issuer: Certificate;
  /** When a delegated responder certificate must be valid; default now. */
  readonly now?: Date;
  /** The nonce sent; when given, the response must echo it. */
  readonly nonce?: Uint8Array;
  /** SM2 signer ID; default 1234567812345678 (OpenSSL's `ocsp` without -rsigopt distid uses ''). */
  readonly id?: Sm2Id;
}

function matchesResponderId(cert: Certificate, id: ResponderId): boolean {
  const names = namesOf(cert);
  return id.type === 'byName'
    ? sameBytes(id.value, names.subjectDer)
    : sameBytes(id.value, digest('sha1', names.keyBits));
}

/** Why `cert` may not answer for `issuer` (RFC 6960 §4.2.2.2), or undefined when it may. */
function delegationProblem(cert: Certificate, issuer: Certificate, now?: Date): GmError | undefined {
  try {
    if (!sameBytes(namesOf(cert).issuerDer, namesOf(issuer).subjectDer))
      return ocspError('the responder certificate was not issued by the CA');
    if (!verifyCertificateSignature(cert, certificatePublicKey(issuer)))
      return new GmError('YZ_ERR_SIGNATURE_INVALID', 'the responder certificate is not signed by the CA');
    if (!readExtension(cert.tbs.extensions, 'extKeyUsage')?.includes(Oid.ocspSigning))
      return ocspError('the responder certificate lacks extKeyUsage ocspSigning');
    checkCriticalExtensions(cert.tbs.extensions, 'responder certificate');
    const { notBefore, notAfter } = cert.tbs.validity;
    if (now && (now < notBefore || now > notAfter))
      return ocspError('the responder certificate is not valid at the verification time');
    return undefined;
  } catch (error) {
    if (isGmError(error)) return error;
    throw error;
  }
}

function failure(error: GmError, signedBy?: 'issuer' | 'delegated', signer?: Certificate): OcspVerification {
  return { valid: false, code: error.code, message: error.message, signedBy, signer };
}

/**
 * Checks who signed a response and the signature: the CA itself (ResponderID names it) or a
 * certificate in `certs` that the CA issued with extKeyUsage ocspSigning, valid at `now`
 * (RFC 6960 §4.2.2.2). Never throws on bad input: the result carries YZ_ERR_OCSP (not successful,
 * no authorised signer, nonce mismatch), YZ_ERR_ALGORITHM (not SM2-with-SM3) or
 * YZ_ERR_SIGNATURE_INVALID. Statuses, thisUpdate and nextUpdate are the caller's to judge.
 */
export function verifyOcspResponse(response: OcspResponse, options: OcspVerifyOptions): OcspVerification {
  const basic = response.basic;
  if (!basic) return failure(ocspError(`response status is ${response.status}`));
  if (!isSm2WithSm3(basic.signatureAlgorithm))
    return failure(new GmError('YZ_ERR_ALGORITHM', `response signature algorithm is not SM2-with-SM3`));
  if (options.nonce && !(basic.nonce && sameBytes(basic.nonce, options.nonce)))
    return failure(ocspError('response does not echo the request nonce'));
  let signedBy: 'issuer' | 'delegated';
  let signer: Certificate;
  if (matchesResponderId(options.issuer, basic.responderId)) {
    [signedBy, signer] = ['issuer', options.issuer];
  } else {
    const candidate = basic.certificates.find((c) => matchesResponderId(c, basic.responderId));
    if (!candidate)
      return failure(ocspError('the responder is neither the CA nor a certificate in the response'));
    const problem = delegationProblem(candidate, options.issuer, options.now ?? new Date());
    if (problem) return failure(problem, 'delegated', candidate);
    [signedBy, signer] = ['delegated', candidate];
  }
  try {
    if (!verifyTbs(certificatePublicKey(signer), basic.tbsResponseDataDer, basic.signature, options.id))
      return failure(
        new GmError('YZ_ERR_SIGNATURE_INVALID', 'the response signature does not verify'),
        signedBy,
        signer,
      );
  } catch (error) {
    if (isGmError(error)) return failure(error, signedBy, signer); // a signer key that is not SM2
    throw error;
  }
  return { valid: true, signedBy, signer };
}
