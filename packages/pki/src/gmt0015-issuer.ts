/**
 * High-volume issuance of GM/T 0015 certificates (R1: a million legal persons a year, in bursts
 * at counters and online): a `CertificateIssuer` encodes what is the same in every certificate of
 * a CA and profile once — version, signature algorithm, issuer name, the profile's fixed
 * extensions (AKI, CRL DP, AIA, policies, key usage) — and per certificate only the serial,
 * validity, subject, key and the holder's own extensions, assembled with one copy per level.
 *
 * The output is exactly what `buildCertificate` would write for the same fields (the tests
 * compare the TBS bytes); `buildCertificate` stays the plain reference path.
 */
import { GmError, type Sm2Id, Sm2PublicKey, asn1, der, encodePublicKeyInfo } from '@yizheng/gm';
import { SM2_WITH_SM3, type Sm2Signer, encodeAlgorithm, signTbs } from './algorithm.js';
import {
  type Certificate,
  type TbsCertificate,
  checkSerialNumber,
  encodeTime,
  certificatePublicKey,
} from './gmt0015-certificate.js';
import { type Name, encodeName } from './name.js';
import { type Extension, encodeExtension } from './rfc5280-extensions.js';

const MIN_SERIAL_OCTETS = 4;

/** The per-certificate part of an issuance. */
export interface IssueRequest {
  readonly serialNumber: bigint;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: Sm2PublicKey;
  /** The holder's own extensions (SKI, identity codes, SAN), written after the profile's. */
  readonly extensions?: readonly Extension[];
}

/** What stays fixed for every certificate a CA issues under one profile. */
export interface IssuerOptions {
  /** The CA's name: its certificate's subject. */
  readonly issuer: Name | Certificate;
  readonly signer: Sm2Signer;
  /** Extensions of every certificate (written first, in this order). */
  readonly extensions?: readonly Extension[];
  readonly id?: Sm2Id;
}

/** SubjectPublicKeyInfo of every SM2 key starts with the same 27 octets (id-ecPublicKey, sm2p256v1). */
const SPKI_PREFIX = (() => {
  const sample = encodePublicKeyInfo(Sm2PublicKey.fromTrustedXY(new Uint8Array(64).fill(1)));
  return sample.subarray(0, sample.length - 65);
})();
const VERSION_3 = der.encodeTlv(der.contextTag(0, true), asn1.SmallInteger.encode(2));
const SIGNATURE_ALGORITHM = encodeAlgorithm(SM2_WITH_SM3);

/** A prepared issuer; `issue` builds and signs one certificate. */
export class CertificateIssuer {
  readonly #issuerName: Name;
  readonly #issuerDer: Uint8Array;
  readonly #fixed: readonly Extension[];
  readonly #fixedDer: Uint8Array[];
  readonly #fixedOids: ReadonlySet<string>;
  readonly #signer: Sm2Signer;
  readonly #id: Sm2Id | undefined;

  constructor(options: IssuerOptions) {
    const issuer = options.issuer;
    if (!isName(issuer)) {
      const cert = issuer;
      if (!certificatePublicKey(cert).equals(options.signer.publicKey))
        throw new GmError('YZ_ERR_CERTIFICATE', 'issuer: the signer key is not the CA certificate key');
      this.#issuerName = cert.tbs.subject;
    } else {
      this.#issuerName = issuer;
    }
    this.#issuerDer = encodeName(this.#issuerName);
    this.#fixed = [...(options.extensions ?? [])];
    this.#fixedDer = this.#fixed.map((e) => encodeExtension(e));
    this.#fixedOids = checkUnique(this.#fixed, new Set(), 'issuer profile');
    this.#signer = options.signer;
    this.#id = options.id;
  }

  /** Builds and signs one certificate (same refusals as `buildCertificate`). */
  issue(request: IssueRequest): Certificate {
    checkSerialNumber(request.serialNumber, 'certificate template');
    const serialContent = asn1.Integer.encodeContent(request.serialNumber);
    if (serialContent.length < MIN_SERIAL_OCTETS)
      throw new GmError('YZ_ERR_SERIAL', 'certificate template: serialNumber must be at least 4 octets');
    if (request.notAfter.getTime() < request.notBefore.getTime())
      throw new GmError('YZ_ERR_CERTIFICATE', 'certificate template: notAfter is before notBefore');
    const own = request.extensions ?? [];
    checkUnique(own, this.#fixedOids, 'certificate template');
    const extensions = [...this.#fixed, ...own];
    const spki = new Uint8Array(SPKI_PREFIX.length + 65);
    spki.set(SPKI_PREFIX);
    spki.set(request.publicKey.toBytes(), SPKI_PREFIX.length);
    const parts = [
      ...(extensions.length ? [VERSION_3] : []),
      der.encodeTlv(der.Tag.INTEGER, serialContent),
      SIGNATURE_ALGORITHM,
      this.#issuerDer,
      der.encodeTlv(der.Tag.SEQUENCE, [encodeTime(request.notBefore), encodeTime(request.notAfter)]),
      encodeName(request.subject),
      spki,
    ];
    if (extensions.length)
      parts.push(
        der.encodeTlv(der.contextTag(3, true), [
          der.encodeTlv(der.Tag.SEQUENCE, [...this.#fixedDer, ...own.map(encodeExtension)]),
        ]),
      );
    const tbsDer = der.encodeTlv(der.Tag.SEQUENCE, parts);
    const signature = signTbs(this.#signer, tbsDer, this.#id);
    const certDer = der.encodeTlv(der.Tag.SEQUENCE, [
      tbsDer,
      SIGNATURE_ALGORITHM,
      asn1.BitStringOctets.encode(signature),
    ]);
    const tbs: TbsCertificate = {
      version: extensions.length ? 3 : 1,
      serialNumber: request.serialNumber,
      signature: SM2_WITH_SM3,
      issuer: this.#issuerName,
      validity: { notBefore: request.notBefore, notAfter: request.notAfter },
      subject: request.subject,
      subjectPublicKeyInfo: spki,
      ...(extensions.length ? { extensions } : {}),
    };
    return { der: certDer, tbsDer, tbs, signatureAlgorithm: SM2_WITH_SM3, signature };
  }
}

function isName(value: Name | Certificate): value is Name {
  return Array.isArray(value);
}

function checkUnique(list: readonly Extension[], taken: ReadonlySet<string>, where: string): Set<string> {
  const seen = new Set(taken);
  for (const e of list) {
    if (seen.has(e.oid)) throw new GmError('YZ_ERR_EXTENSION', `${where}: extension ${e.oid} given twice`);
    seen.add(e.oid);
  }
  return seen;
}

/** Prepares an issuer for a CA and profile (see `CertificateIssuer`). */
export function prepareIssuer(options: IssuerOptions): CertificateIssuer {
  return new CertificateIssuer(options);
}
