/**
 * PKCS#10 certification requests (RFC 2986 §4) with SM2 keys and SM2-with-SM3 proof of
 * possession (R11, R14: the holder's signing key is made in the holder's device, so the request
 * is the only thing we see of it).
 *
 * Attributes: extensionRequest (PKCS#9 1.2.840.113549.1.9.14), challengePassword, and the
 * temporary public key attribute 1.2.840.113549.1.9.63 that CFCA-style "double CSR" clients
 * send so the encryption key can be returned enveloped to it (reference §5.3). Those clients
 * write their attributes as bare `SEQUENCE { type, value }` instead of `SET OF` values, so the
 * parser accepts both shapes; we always write the standard one.
 */
import {
  GmError,
  SM2_DEFAULT_ID,
  type Sm2Id,
  Sm2PublicKey,
  asn1,
  decodePublicKeyInfo,
  der,
  encodePem,
  encodePublicKeyInfo,
  copyBytes,
} from '@yizheng/gm';
import { AlgorithmIdentifier } from '@yizheng/gm';
import {
  type AlgorithmId,
  SM2_WITH_SM3,
  type Sm2Signer,
  isSm2WithSm3,
  signTbs,
  verifyTbs,
} from './algorithm.js';
import { toDer } from './gmt0015-certificate.js';
import { type Name, NameType } from './name.js';
import { Oid } from './oids.js';
import { type Extension, ExtensionsType } from './rfc5280-extensions.js';

const { Any, BitStringOctets, ObjectIdentifier, SmallInteger, OctetString, implicit, sequence, setOf } = asn1;

/** Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }. */
const AttributeType = sequence('Attribute', { type: ObjectIdentifier, values: setOf(Any) });

const CertificationRequestInfoType = sequence('CertificationRequestInfo', {
  version: SmallInteger,
  subject: NameType,
  subjectPKInfo: Any,
  attributes: implicit(0, setOf(Any, 'Attributes')),
});

const CertificationRequestType = sequence('CertificationRequest', {
  certificationRequestInfo: Any,
  signatureAlgorithm: AlgorithmIdentifier,
  signature: BitStringOctets,
});

/** One request attribute: its type and the DER of each value. */
export interface RequestAttribute {
  readonly type: string;
  readonly values: readonly Uint8Array[];
}

/** A parsed or built PKCS#10 request with its exact encoding. */
export interface CertificationRequest {
  readonly der: Uint8Array;
  readonly infoDer: Uint8Array;
  readonly subject: Name;
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly attributes: readonly RequestAttribute[];
  /** Requested extensions (the extensionRequest attribute), if any. */
  readonly extensions?: readonly Extension[];
  /** The CFCA temporary public key (1.2.840.113549.1.9.63), if sent. */
  readonly tempPublicKey?: Sm2PublicKey;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signature: Uint8Array;
}

function csrError(message: string): GmError {
  return new GmError('YZ_ERR_CSR', message);
}

/** The DER of one attribute, standard (`SET OF` values) or CFCA's bare-value shape. */
function decodeAttribute(raw: Uint8Array): RequestAttribute {
  const el = der.parseDer(raw);
  const children = der.childrenOf(el);
  if (el.tag !== der.Tag.SEQUENCE || children.length !== 2 || children[0]!.tag !== der.Tag.OBJECT_IDENTIFIER)
    throw csrError('attribute is not SEQUENCE { type, values }');
  const type = ObjectIdentifier.decode(children[0]!);
  const second = children[1]!;
  const values =
    second.tag === der.Tag.SET
      ? der.childrenOf(second).map((c) => copyBytes(der.rawOf(c)))
      : [copyBytes(der.rawOf(second))];
  return { type, values };
}

/** CFCA temporary key: 136 octets, X in [8, 40), Y in [72, 104) (gmsm `cfca_csr.go`). */
function decodeTempPublicKey(value: Uint8Array): Sm2PublicKey {
  let el = der.parseDer(value);
  if (el.tag === der.Tag.SEQUENCE) {
    // SEQUENCE { version INTEGER DEFAULT 1, publicKey OCTET STRING } (reference §5.3)
    const octets = der.childrenOf(el).find((c) => c.tag === der.Tag.OCTET_STRING);
    if (!octets) throw csrError('temporary public key attribute has no OCTET STRING');
    el = octets;
  }
  const bytes = OctetString.decode(el);
  if (bytes.length !== 136) throw csrError(`temporary public key must be 136 octets, got ${bytes.length}`);
  const xy = new Uint8Array(64);
  xy.set(bytes.subarray(8, 40), 0);
  xy.set(bytes.subarray(72, 104), 32);
  return Sm2PublicKey.fromBytes(xy);
}

/** Encodes a CFCA temporary key attribute value (the bare 136-octet OCTET STRING, as gmsm does). */
function encodeTempPublicKey(key: Sm2PublicKey): Uint8Array {
  const bytes = new Uint8Array(136);
  bytes.set([0x00, 0xb4, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00], 0);
  const xy = key.xy;
  bytes.set(xy.subarray(0, 32), 8);
  bytes.set(xy.subarray(32), 72);
  return OctetString.encode(bytes);
}

/**
 * Parses a PKCS#10 request (DER or PEM "CERTIFICATE REQUEST" / "NEW CERTIFICATE REQUEST").
 * The proof of possession is not checked here; see `verifyCertificationRequest`.
 */
export function parseCertificationRequest(input: Uint8Array | string): CertificationRequest {
  const bytes = toDer(input, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
  const outer = asn1.decodeDer(CertificationRequestType, bytes);
  const info = asn1.decodeDer(CertificationRequestInfoType, outer.certificationRequestInfo);
  if (info.version !== 0) throw csrError(`version must be 0 (v1), got ${info.version}`);
  const attributes = info.attributes.map(decodeAttribute);
  let extensions: Extension[] | undefined;
  let tempPublicKey: Sm2PublicKey | undefined;
  for (const attribute of attributes) {
    if (attribute.type === Oid.extensionRequest) {
      if (extensions || attribute.values.length !== 1)
        throw csrError('extensionRequest must appear once with one value');
      extensions = asn1.decodeDer(ExtensionsType, attribute.values[0]!);
    } else if (attribute.type === Oid.tempPublicKey) {
      tempPublicKey = decodeTempPublicKey(attribute.values[0]!);
    }
  }
  return {
    der: copyBytes(bytes),
    infoDer: outer.certificationRequestInfo,
    subject: info.subject,
    subjectPublicKeyInfo: info.subjectPKInfo,
    attributes,
    ...(extensions ? { extensions } : {}),
    ...(tempPublicKey ? { tempPublicKey } : {}),
    signatureAlgorithm: outer.signatureAlgorithm,
    signature: outer.signature,
  };
}

/** The requested SM2 public key (YZ_ERR_KEY_FORMAT when it is not SM2). */
export function requestPublicKey(csr: CertificationRequest): Sm2PublicKey {
  return decodePublicKeyInfo(csr.subjectPublicKeyInfo);
}

/**
 * Checks proof of possession: the request is signed with SM2-with-SM3 by the key it carries,
 * with signer ID `id`. Throws YZ_ERR_ALGORITHM / YZ_ERR_CSR with the reason; returns the key.
 */
export function verifyCertificationRequest(
  csr: CertificationRequest,
  id: Sm2Id = SM2_DEFAULT_ID,
): Sm2PublicKey {
  if (!isSm2WithSm3(csr.signatureAlgorithm))
    throw new GmError(
      'YZ_ERR_ALGORITHM',
      `request signatureAlgorithm ${csr.signatureAlgorithm.algorithm} is not SM2-with-SM3`,
    );
  const key = requestPublicKey(csr);
  if (!verifyTbs(key, csr.infoDer, csr.signature, id))
    throw csrError('proof of possession failed: the signature does not verify with the requested key');
  return key;
}

/** What a request asks for. */
export interface RequestTemplate {
  readonly subject: Name;
  readonly extensions?: readonly Extension[];
  /** CFCA double-CSR temporary public key. */
  readonly tempPublicKey?: Sm2PublicKey;
  /** Extra attributes, as DER values. */
  readonly attributes?: readonly RequestAttribute[];
}

/** Builds and signs a PKCS#10 request with the holder's key (its public key goes in the request). */
export function buildCertificationRequest(
  template: RequestTemplate,
  signer: Sm2Signer,
  options: { id?: Sm2Id } = {},
): CertificationRequest {
  const attributes: RequestAttribute[] = [];
  if (template.extensions?.length)
    attributes.push({
      type: Oid.extensionRequest,
      values: [ExtensionsType.encode([...template.extensions])],
    });
  if (template.tempPublicKey)
    attributes.push({ type: Oid.tempPublicKey, values: [encodeTempPublicKey(template.tempPublicKey)] });
  attributes.push(...(template.attributes ?? []));
  const subjectPKInfo = encodePublicKeyInfo(signer.publicKey);
  const infoDer = CertificationRequestInfoType.encode({
    version: 0,
    subject: template.subject,
    subjectPKInfo,
    attributes: attributes.map((a) => AttributeType.encode({ type: a.type, values: [...a.values] })),
  });
  const signature = signTbs(signer, infoDer, options.id);
  const requestDer = CertificationRequestType.encode({
    certificationRequestInfo: infoDer,
    signatureAlgorithm: SM2_WITH_SM3,
    signature,
  });
  return parseCertificationRequest(requestDer);
}

/** PEM text of a request. */
export function certificationRequestToPem(csr: CertificationRequest): string {
  return encodePem('CERTIFICATE REQUEST', csr.der);
}
