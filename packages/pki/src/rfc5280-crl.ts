/**
 * X.509 v2 CRLs, full and delta, on SM2: the declared types, parsing, signature check and lookup
 * (RFC 5280 §5; GM/T 0015 CRL profile, reference §4.5). R5 (CRL download for government
 * applications), R11 (SM2 with SM3), R13 (GM/T 0015), R1 (CRLs of a million entries; building
 * them is ./rfc5280-crl-builder.ts).
 *
 * Parsing is strict (see `parseCrl`), reads the entry list in place, and keeps the exact bytes:
 * `encodeTbsCertList(crl.tbs)` reproduces `crl.tbsDer` byte for byte (tested on our CRLs and
 * OpenSSL's).
 */
import {
  AlgorithmIdentifier,
  GmError,
  SM2_DEFAULT_ID,
  type Sm2Id,
  type Sm2PublicKey,
  asn1,
  der,
  encodePem,
} from '@yizheng/gm';
import { type AlgorithmId, requireSm2WithSm3, sameAlgorithm, verifyTbs } from './algorithm.js';
import { type TimeForm, TimeType, timeFormFor, toDer } from './gmt0015-certificate.js';
import { type Name, decodeName, encodeName } from './name.js';
import { Oid } from './oids.js';
import {
  type CrlEntry,
  RevokedCertificate,
  decodeRevokedCertificates,
  revokedCertificateValue,
} from './rfc5280-crl-entries.js';
import {
  type Extension,
  ExtensionsType,
  checkCriticalExtensions,
  readExtension,
} from './rfc5280-extensions.js';

export { RevokedCertificate, type CrlEntry, type RevokedEntry } from './rfc5280-crl-entries.js';

const { BitStringOctets, Integer, SmallInteger, explicit, optional, sequence, sequenceOf } = asn1;

/** Name as a field type (gmt0015-certificate.ts declares the same; name.ts could export one). */
const NameType: asn1.Asn1Type<Name> = {
  name: 'Name',
  tags: [der.Tag.SEQUENCE],
  decode: (el) => decodeName(der.rawOf(el)),
  encode: (name) => encodeName(name),
};

/** The fields of TBSCertList, declared once for the public type and the parsing frame. */
function tbsCertListFields<R>(revokedCertificates: asn1.Asn1Type<R>) {
  return {
    version: optional(SmallInteger),
    signature: AlgorithmIdentifier,
    issuer: NameType,
    thisUpdate: TimeType,
    nextUpdate: optional(TimeType),
    revokedCertificates: optional(revokedCertificates),
    crlExtensions: optional(explicit(0, ExtensionsType)),
  };
}

/**
 * TBSCertList ::= SEQUENCE {
 *     version Version OPTIONAL (v2 = 1), signature AlgorithmIdentifier, issuer Name,
 *     thisUpdate Time, nextUpdate Time OPTIONAL,
 *     revokedCertificates SEQUENCE OF RevokedCertificate OPTIONAL,
 *     crlExtensions [0] EXPLICIT Extensions OPTIONAL }            -- RFC 5280 §5.1
 */
export const TBSCertList = sequence(
  'TBSCertList',
  tbsCertListFields(sequenceOf(RevokedCertificate, 'revokedCertificates')),
);

/**
 * An element kept as a view into the input rather than copied: the TBS and the entry list of a
 * large CRL are tens of MB. Encoding writes the element's TLV back.
 */
function elementView(tag: number, name: string): asn1.Asn1Type<der.DerElement> {
  return {
    name,
    tags: [tag],
    decode(el) {
      der.expectTag(el, tag, name);
      return el;
    },
    encode: (el) => der.rawOf(el),
  };
}

/** TBSCertList for parsing: the entries are decoded in place by decodeRevokedCertificates. */
const TBSCertListFrame = sequence(
  'TBSCertList',
  tbsCertListFields(elementView(der.Tag.SEQUENCE, 'revokedCertificates')),
);

/**
 * CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
 * signatureValue BIT STRING }; tbsCertList is kept as an element (a view) so it is hashed as sent.
 */
export const CertificateList = sequence('CertificateList', {
  tbsCertList: elementView(der.Tag.SEQUENCE, 'tbsCertList'),
  signatureAlgorithm: AlgorithmIdentifier,
  signatureValue: BitStringOctets,
});

/** PEM label of a CRL (RFC 7468 §5). */
const PEM_LABEL = 'X509 CRL';

/** The to-be-signed part of a CRL. */
export interface TbsCertList {
  /** Always 2: we refuse v1 CRLs (see parseCrl). */
  readonly version: 2;
  readonly signature: AlgorithmId;
  readonly issuer: Name;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** How thisUpdate and nextUpdate were written (absent: the RFC 5280 rule). */
  readonly forms?: readonly [TimeForm, TimeForm];
  readonly entries: readonly CrlEntry[];
  readonly extensions?: readonly Extension[];
}

/** A parsed CRL with its exact encoding and the numbers a relying party needs. */
export interface Crl {
  readonly der: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly tbs: TbsCertList;
  readonly signatureAlgorithm: AlgorithmId;
  /** DER SM2Signature (the BIT STRING's octets). */
  readonly signature: Uint8Array;
  readonly crlNumber: bigint;
  /** The deltaCRLIndicator: the number of the full CRL this delta CRL updates. */
  readonly baseCrlNumber?: bigint;
}

/** CRL extensions we process (RFC 5280 §5.2); any other critical one is refused. */
const CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.authorityKeyIdentifier,
  Oid.cRLNumber,
  Oid.deltaCRLIndicator,
  Oid.issuingDistributionPoint,
  Oid.freshestCRL,
  Oid.authorityInfoAccess,
]);

function crlError(message: string): GmError {
  return new GmError('YZ_ERR_CRL', message);
}

/** DER of a TBSCertList (entries without `extensions` get them from `reason` and `invalidityDate`). */
export function encodeTbsCertList(tbs: TbsCertList): Uint8Array {
  const forms = tbs.forms ?? [timeFormFor(tbs.thisUpdate), timeFormFor(tbs.nextUpdate)];
  return TBSCertList.encode({
    version: tbs.version - 1,
    signature: tbs.signature,
    issuer: tbs.issuer,
    thisUpdate: { type: forms[0], value: tbs.thisUpdate },
    nextUpdate: { type: forms[1], value: tbs.nextUpdate },
    revokedCertificates: tbs.entries.length ? tbs.entries.map(revokedCertificateValue) : undefined,
    crlExtensions: tbs.extensions?.length ? [...tbs.extensions] : undefined,
  });
}

/** Checks a CRL or delta CRL number: non-negative, at most 20 octets (RFC 5280 §5.2.3); YZ_ERR_CRL. */
export function checkCrlNumber(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n) throw crlError(`${what} must be a non-negative bigint`);
  if (Integer.encodeContent(value).length > 20) throw crlError(`${what} is longer than 20 octets`);
}

function criticalOf(extensions: readonly Extension[] | undefined, oid: string): boolean | undefined {
  return extensions?.find((e) => e.oid === oid)?.critical;
}

/** cRLNumber and deltaCRLIndicator of `extensions`, with the RFC 5280 §5.2 rules checked. */
function crlNumbers(extensions: readonly Extension[] | undefined): {
  crlNumber: bigint;
  baseCrlNumber?: bigint;
} {
  if (extensions?.length === 0) throw new GmError('YZ_ERR_EXTENSION', 'crlExtensions is empty');
  checkCriticalExtensions(extensions, 'CRL', CRL_EXTENSIONS);
  const crlNumber = readExtension(extensions, 'cRLNumber');
  if (crlNumber === undefined) throw crlError('cRLNumber is missing (RFC 5280 §5.2.3 requires it)');
  checkCrlNumber(crlNumber, 'cRLNumber');
  if (criticalOf(extensions, Oid.issuingDistributionPoint) === false)
    throw crlError('issuingDistributionPoint must be critical (RFC 5280 §5.2.5)');
  readExtension(extensions, 'issuingDistributionPoint'); // malformed → YZ_ERR_EXTENSION
  const baseCrlNumber = readExtension(extensions, 'deltaCRLIndicator');
  if (baseCrlNumber === undefined) return { crlNumber };
  if (!criticalOf(extensions, Oid.deltaCRLIndicator))
    throw crlError('deltaCRLIndicator must be critical (RFC 5280 §5.2.4)');
  checkCrlNumber(baseCrlNumber, 'deltaCRLIndicator');
  if (baseCrlNumber >= crlNumber)
    throw crlError('deltaCRLIndicator must be below the delta CRL’s own cRLNumber');
  return { crlNumber, baseCrlNumber };
}

/**
 * Parses a CRL from DER or PEM ("X509 CRL"). Refused: version other than v2, no nextUpdate, no
 * cRLNumber, an empty revokedCertificates, a non-critical deltaCRLIndicator or
 * issuingDistributionPoint, a delta whose base is not below its number, removeFromCRL outside a
 * delta CRL (YZ_ERR_CRL); empty, duplicate, malformed or unknown critical extensions at CRL or
 * entry level (YZ_ERR_EXTENSION); serials ≤ 0 or over 20 octets (YZ_ERR_SERIAL); bad DER (the DER
 * codes). The signature is checked by `verifyCrlSignature`, which needs the issuer.
 */
export function parseCrl(input: Uint8Array | string): Crl {
  // One copy (new Uint8Array copies; a Buffer's slice would not); tbsDer and the entries are views of it.
  const bytes = new Uint8Array(toDer(input, [PEM_LABEL]));
  const outer = asn1.decodeDer(CertificateList, bytes);
  const t = TBSCertListFrame.decode(outer.tbsCertList);
  // RFC 5280 §5.1.2.1 makes v2 mandatory once there are extensions, and §5.2.3 makes cRLNumber
  // mandatory, so a v1 CRL (with or without extensions) is refused here.
  if (t.version !== 1) throw crlError(`version ${t.version === undefined ? 1 : t.version + 1} is not v2`);
  if (!t.nextUpdate) throw crlError('nextUpdate is missing (RFC 5280 §5.1.2.5 requires it)');
  if (t.nextUpdate.value.getTime() < t.thisUpdate.value.getTime())
    throw crlError('nextUpdate is before thisUpdate');
  if (!sameAlgorithm(outer.signatureAlgorithm, t.signature))
    throw crlError('signatureAlgorithm differs from tbsCertList.signature');
  const numbers = crlNumbers(t.crlExtensions);
  const list = t.revokedCertificates;
  if (list && list.contentStart === list.end)
    throw crlError(
      'revokedCertificates must be absent, not empty, when nothing is revoked (RFC 5280 §5.1.2.6)',
    );
  const entries = list ? decodeRevokedCertificates(list) : [];
  if (numbers.baseCrlNumber === undefined && entries.some((e) => e.reason === 'removeFromCRL'))
    throw crlError('removeFromCRL appears in a full CRL (RFC 5280 §5.3.1: delta CRLs only)');
  return {
    der: bytes,
    tbsDer: der.rawOf(outer.tbsCertList),
    tbs: {
      version: 2,
      signature: t.signature,
      issuer: t.issuer,
      thisUpdate: t.thisUpdate.value,
      nextUpdate: t.nextUpdate.value,
      forms: [t.thisUpdate.type, t.nextUpdate.type],
      entries,
      ...(t.crlExtensions ? { extensions: t.crlExtensions } : {}),
    },
    signatureAlgorithm: outer.signatureAlgorithm,
    signature: outer.signatureValue,
    ...numbers,
  };
}

/** True when `issuerKey` signed `crl` (SM2-with-SM3 with `id`; another algorithm is YZ_ERR_ALGORITHM). */
export function verifyCrlSignature(crl: Crl, issuerKey: Sm2PublicKey, id: Sm2Id = SM2_DEFAULT_ID): boolean {
  requireSm2WithSm3(crl.signatureAlgorithm, 'CRL signatureAlgorithm');
  return verifyTbs(issuerKey, crl.tbsDer, crl.signature, id);
}

/** PEM text of a CRL ("X509 CRL", as OpenSSL writes it). */
export function crlToPem(der: Uint8Array): string {
  return encodePem(PEM_LABEL, der);
}

const entryIndexes = new WeakMap<Crl, Map<bigint, CrlEntry>>();

/** The entry for `serial`, if `crl` lists it; the index is built on the first lookup and kept. */
export function findRevokedEntry(crl: Crl, serial: bigint): CrlEntry | undefined {
  let index = entryIndexes.get(crl);
  if (!index) {
    index = new Map(crl.tbs.entries.map((e) => [e.serialNumber, e]));
    entryIndexes.set(crl, index);
  }
  return index.get(serial);
}

/** Whether `crl` lists `serial` (in a delta CRL, removeFromCRL entries count as listed). */
export function crlContains(crl: Crl, serial: bigint): boolean {
  return findRevokedEntry(crl, serial) !== undefined;
}
