/**
 * Building X.509 v2 CRLs, full and delta, by streaming (RFC 5280 §5; GM/T 0015 CRL profile,
 * reference §4.5). R5 (CRL download, status within 24 h), R11 (SM2 with SM3), R13 (GM/T 0015),
 * R1 (a million users a year: a CRL of a million entries in ≤ 5 s and ≤ 300 MB).
 *
 * Entries are encoded one by one into large blocks (./rfc5280-crl-entry-encoder.ts), e = SM3(Z ‖
 * TBSCertList) is computed over the blocks without joining them, and `writeCrl` sends them to a
 * file or stream, so a CRL never exists as an object tree and need not exist as one buffer. Our
 * profile: v2, SM2-with-SM3 with absent parameters, nextUpdate always (strict verifiers reject a
 * CRL without it), authorityKeyIdentifier and cRLNumber always, revokedCertificates omitted when
 * empty, UTCTime through 2049 and GeneralizedTime from 2050.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { GmError, SM2_DEFAULT_ID, type Sm2Id, asn1, concatBytes, createSm3, der } from '@yizheng/gm';
import { SM2_WITH_SM3, type Sm2Signer, encodeAlgorithm } from './algorithm.js';
import { type Certificate, certificatePublicKey, encodeTime, keyIdentifier } from './gmt0015-certificate.js';
import { type Name, encodeName } from './name.js';
import { checkCrlNumber } from './rfc5280-crl.js';
import type { RevokedEntry } from './rfc5280-crl-entries.js';
import { RevokedCertificatesEncoder } from './rfc5280-crl-entry-encoder.js';
import {
  type Extension,
  type ExtensionValue,
  ExtensionsType,
  extension,
  readExtension,
} from './rfc5280-extensions.js';

const { BitStringOctets, SmallInteger, explicit } = asn1;

function crlError(message: string): GmError {
  return new GmError('YZ_ERR_CRL', message);
}

/** The issuer of a CRL when its certificate is not at hand: its name and key identifier. */
export interface CrlIssuer {
  readonly name: Name;
  readonly keyIdentifier: Uint8Array;
}

/** What a CA decides for one CRL. */
export interface CrlOptions {
  /** The CA certificate (name, key identifier, and a check that the signer holds its key). */
  readonly issuer: Certificate | CrlIssuer;
  readonly thisUpdate: Date;
  /** Required: R5 wants status within 24 h, so publish at least daily and say so here. */
  readonly nextUpdate: Date;
  readonly crlNumber: bigint;
  /** Makes a delta CRL over the full CRL with this number (critical deltaCRLIndicator). */
  readonly baseCrlNumber?: bigint;
  /** Scope of a partitioned CRL (written critical, RFC 5280 §5.2.5). */
  readonly issuingDistributionPoint?: ExtensionValue<'issuingDistributionPoint'>;
  /** Where the delta CRLs are (full CRLs only, RFC 5280 §5.2.6). */
  readonly freshestCrl?: ExtensionValue<'freshestCRL'>;
  readonly entries: Iterable<RevokedEntry> | AsyncIterable<RevokedEntry>;
  /** Called with the number of entries encoded, every 65,536 entries and once at the end. */
  readonly onProgress?: (count: number) => void;
  /** SM2 signer ID for Z (default 1234567812345678). */
  readonly id?: Sm2Id;
}

/** `CrlOptions` whose entries are a plain iterable (for `buildCrlSync`). */
export type CrlOptionsSync = CrlOptions & { readonly entries: Iterable<RevokedEntry> };

/** What `writeCrl` wrote. */
export interface CrlWritten {
  readonly byteLength: number;
  readonly entryCount: number;
}

const PROGRESS_EVERY = 65_536;

/** A signed CRL as pieces in order (their concatenation is the DER). */
interface SignedCrl {
  readonly pieces: readonly Uint8Array[];
  readonly byteLength: number;
  readonly entryCount: number;
}

function isCertificate(issuer: Certificate | CrlIssuer): issuer is Certificate {
  return 'tbsDer' in issuer;
}

/** Name and key identifier of the issuer; with a certificate, checks the signer holds its key. */
function issuerOf(issuer: Certificate | CrlIssuer, signer: Sm2Signer): CrlIssuer {
  if (!isCertificate(issuer)) return issuer;
  if (!certificatePublicKey(issuer).equals(signer.publicKey))
    throw crlError('the signer key is not the public key of the issuer certificate');
  const usage = readExtension(issuer.tbs.extensions, 'keyUsage');
  if (usage && !usage.includes('cRLSign')) throw crlError('the issuer certificate keyUsage lacks cRLSign');
  return {
    name: issuer.tbs.subject,
    keyIdentifier:
      readExtension(issuer.tbs.extensions, 'subjectKeyIdentifier') ?? keyIdentifier(signer.publicKey),
  };
}

function checkDate(date: Date, what: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw crlError(`${what} is not a valid date`);
}

/** crlExtensions in the order RFC 5280 §5.2 lists them. */
function crlExtensions(options: CrlOptions, issuer: CrlIssuer): Extension[] {
  checkCrlNumber(options.crlNumber, 'crlNumber');
  if (options.baseCrlNumber !== undefined) {
    checkCrlNumber(options.baseCrlNumber, 'baseCrlNumber');
    if (options.baseCrlNumber >= options.crlNumber) throw crlError('baseCrlNumber must be below crlNumber');
    if (options.freshestCrl) throw crlError('a delta CRL must not carry freshestCRL (RFC 5280 §5.2.6)');
  }
  return [
    extension('authorityKeyIdentifier', { keyIdentifier: issuer.keyIdentifier }),
    extension('cRLNumber', options.crlNumber),
    ...(options.baseCrlNumber !== undefined
      ? [extension('deltaCRLIndicator', options.baseCrlNumber, true)]
      : []),
    ...(options.issuingDistributionPoint
      ? [extension('issuingDistributionPoint', options.issuingDistributionPoint, true)]
      : []),
    ...(options.freshestCrl ? [extension('freshestCRL', options.freshestCrl)] : []),
  ];
}

function tlvHeader(tag: number, length: number): Uint8Array {
  return concatBytes(Uint8Array.of(tag), der.encodeLength(length));
}

function sumLengths(pieces: readonly Uint8Array[]): number {
  return pieces.reduce((n, p) => n + p.length, 0);
}

/**
 * One CRL in the making: options are checked up front (so a bad option fails before a million
 * entries are read), entries are added one by one, `complete` signs.
 */
class CrlBuild {
  readonly #options: CrlOptions;
  readonly #signer: Sm2Signer;
  readonly #issuer: CrlIssuer;
  readonly #extensions: Extension[];
  readonly #entries: RevokedCertificatesEncoder;

  constructor(options: CrlOptions, signer: Sm2Signer) {
    checkDate(options.thisUpdate, 'thisUpdate');
    checkDate(options.nextUpdate, 'nextUpdate');
    if (options.nextUpdate.getTime() <= options.thisUpdate.getTime())
      throw crlError('nextUpdate must be after thisUpdate');
    this.#options = options;
    this.#signer = signer;
    this.#issuer = issuerOf(options.issuer, signer);
    this.#extensions = crlExtensions(options, this.#issuer);
    this.#entries = new RevokedCertificatesEncoder(options.baseCrlNumber !== undefined);
  }

  add(entry: RevokedEntry): void {
    this.#entries.add(entry);
    if (this.#entries.count % PROGRESS_EVERY === 0) this.#options.onProgress?.(this.#entries.count);
  }

  get count(): number {
    return this.#entries.count;
  }

  /**
   * Frames the entries as TBSCertList, signs e = SM3(Z ‖ TBSCertList) hashed piece by piece, and
   * frames the result as CertificateList. The TBS framing is written here rather than by
   * `TBSCertList.encode` because the entries are never one value; the tests check both agree.
   */
  complete(): SignedCrl {
    const count = this.#entries.count;
    const entryLength = this.#entries.byteLength;
    const blocks = this.#entries.finish();
    const o = this.#options;
    const algorithm = encodeAlgorithm(SM2_WITH_SM3);
    const head = [
      SmallInteger.encode(1), // v2
      algorithm,
      encodeName(this.#issuer.name),
      encodeTime(o.thisUpdate),
      encodeTime(o.nextUpdate),
      ...(count ? [tlvHeader(der.Tag.SEQUENCE, entryLength)] : []),
    ];
    const tail = explicit(0, ExtensionsType).encode(this.#extensions);
    const tbsContentLength = sumLengths(head) + entryLength + tail.length;
    const tbsPieces = [tlvHeader(der.Tag.SEQUENCE, tbsContentLength), ...head, ...blocks, tail];
    const hash = createSm3().update(this.#signer.publicKey.z(o.id ?? SM2_DEFAULT_ID));
    for (const piece of tbsPieces) hash.update(piece);
    const signature = this.#signer.signDigest(hash.digest());
    const signatureFields = concatBytes(algorithm, BitStringOctets.encode(signature));
    const tbsLength = sumLengths(tbsPieces);
    const outer = tlvHeader(der.Tag.SEQUENCE, tbsLength + signatureFields.length);
    o.onProgress?.(count);
    return {
      pieces: [outer, ...tbsPieces, signatureFields],
      byteLength: outer.length + tbsLength + signatureFields.length,
      entryCount: count,
    };
  }
}

function isAsyncIterable<T>(value: Iterable<T> | AsyncIterable<T>): value is AsyncIterable<T> {
  return typeof (value as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function';
}

async function signCrl(options: CrlOptions, signer: Sm2Signer): Promise<SignedCrl> {
  const build = new CrlBuild(options, signer);
  const entries = options.entries;
  if (isAsyncIterable(entries)) {
    for await (const entry of entries) build.add(entry);
  } else {
    for (const entry of entries) {
      build.add(entry);
      // A server builds CRLs too: let other requests run between slices (R6: answers < 3 s).
      if (build.count % PROGRESS_EVERY === 0) await yieldToEventLoop();
    }
  }
  return build.complete();
}

function join(signed: SignedCrl): Uint8Array {
  const out = new Uint8Array(signed.byteLength);
  let offset = 0;
  for (const piece of signed.pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/**
 * Builds and signs a CRL: DER bytes. Full CRL by default; `baseCrlNumber` makes a delta CRL.
 * Option errors are YZ_ERR_CRL (bad dates or numbers, signer not the issuer's key, issuer
 * without cRLSign, freshestCRL on a delta); entry errors name the entry (YZ_ERR_SERIAL, YZ_ERR_CRL).
 *
 * @example
 * const der = await buildCrl({ issuer: ca.cert, thisUpdate, nextUpdate, crlNumber: 42n,
 *   entries: [{ serialNumber: 0x1234abcdn, revocationDate, reason: 'keyCompromise' }] }, ca.key);
 */
export async function buildCrl(options: CrlOptions, signer: Sm2Signer): Promise<Uint8Array> {
  return join(await signCrl(options, signer));
}

/** `buildCrl` for entries in a plain iterable, without awaiting. */
export function buildCrlSync(options: CrlOptionsSync, signer: Sm2Signer): Uint8Array {
  const build = new CrlBuild(options, signer);
  for (const entry of options.entries) build.add(entry);
  return join(build.complete());
}

async function writePieces(stream: Writable, pieces: readonly Uint8Array[]): Promise<void> {
  for (const piece of pieces) {
    if (!stream.write(piece)) await once(stream, 'drain');
  }
}

/**
 * Builds, signs and writes a CRL (DER) in pieces, never as one buffer. To a path: written to a
 * temporary file beside it, flushed, then renamed over it, so a web server publishing the file
 * never serves half a CRL. To a stream: written with back-pressure; the stream is not ended.
 */
export async function writeCrl(
  target: string | Writable,
  options: CrlOptions,
  signer: Sm2Signer,
): Promise<CrlWritten> {
  const signed = await signCrl(options, signer);
  const written = { byteLength: signed.byteLength, entryCount: signed.entryCount };
  if (typeof target !== 'string') {
    await writePieces(target, signed.pieces);
    return written;
  }
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = createWriteStream(temporary, { flags: 'wx', flush: true });
  try {
    await writePieces(file, signed.pieces);
    file.end();
    await once(file, 'close');
    await rename(temporary, target);
  } catch (error) {
    file.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  return written;
}
