/**
 * RFC 5280 §5.1.2.6 revokedCertificates at the scale of a CA with a million users a year (R1;
 * R5 CRL download): the declared `RevokedCertificate` type, its canonical form, and a decoder.
 *
 * ```
 * revokedCertificates SEQUENCE OF RevokedCertificate
 * RevokedCertificate ::= SEQUENCE {
 *     userCertificate     CertificateSerialNumber,
 *     revocationDate      Time,
 *     crlEntryExtensions  Extensions OPTIONAL }
 * ```
 *
 * Why more than the declared type: it builds a small object tree and several arrays per entry,
 * which for a million entries took 27 s and 1.3 GB to parse (measured). So this module also
 * fixes the canonical form of an entry (the one our streaming encoder,
 * ./rfc5280-crl-entry-encoder.ts, writes, and OpenSSL too), and decodes entry lists in place,
 * reading canonical entries directly and handing anything else to the declared type. The
 * canonical bytes are the declared type's: the extension prefixes come from its encoder, and the
 * tests compare both paths.
 */
import { GmError, asn1, der } from '@yizheng/gm';
import { TimeType, type TimeForm, checkSerialNumber, timeFormFor } from './gmt0015-certificate.js';
import { Oid } from './oids.js';
import {
  CRL_REASONS,
  type CrlReason,
  type Extension,
  ExtensionsType,
  checkCriticalExtensions,
  extension,
  readExtension,
} from './rfc5280-extensions.js';

/** One revoked certificate, as a CA's database gives it. */
export interface RevokedEntry {
  readonly serialNumber: bigint;
  /** Written to the second (DER times carry no fractions). */
  readonly revocationDate: Date;
  /** Omitted from the CRL when 'unspecified' (RFC 5280 §5.3.1). */
  readonly reason?: CrlReason;
  /** When the key is known or suspected to have been compromised (RFC 5280 §5.3.2). */
  readonly invalidityDate?: Date;
}

/** A parsed entry. */
export interface CrlEntry extends RevokedEntry {
  /** How revocationDate was written (absent: the RFC 5280 rule for its year). */
  readonly revocationDateForm?: TimeForm;
  /**
   * Present exactly when the entry's extensions are not the canonical ones `reason` and
   * `invalidityDate` give (other extensions, another order, an explicit 'unspecified', a
   * critical flag); re-encoding then writes these as they came.
   */
  readonly extensions?: readonly Extension[];
}

/** RevokedCertificate (RFC 5280 §5.1): the reference for both directions of the fast codec. */
export const RevokedCertificate = asn1.sequence('RevokedCertificate', {
  userCertificate: asn1.Integer,
  revocationDate: TimeType,
  crlEntryExtensions: asn1.optional(ExtensionsType),
});

/** CRL entry extensions we process (RFC 5280 §5.3): certificateIssuer (indirect CRLs) is not. */
const ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([Oid.cRLReason, Oid.invalidityDate]);

// ---------------------------------------------------------------------------------------------
// The canonical forms (what our encoder writes; the decoder reads them directly)

/** RFC 5280 §4.1.2.2: serials of at most 20 octets. */
export const MAX_SERIAL_OCTETS = 20;
/** ASCII '0' and 'Z' of DER times. */
export const DIGIT_0 = 0x30;
export const LETTER_Z = 0x5a;

/** Extension TLV without its last `tail` octets (the part that varies), from the declared encoder. */
function extensionPrefix(ext: Extension, tail: number): Uint8Array {
  const tlv = ExtensionsType.encodeContent([ext]);
  return tlv.slice(0, tlv.length - tail);
}

/** `Extension{cRLReason, OCTET STRING{ENUMERATED n}}` up to n (one octet: codes are 0..10). */
export const REASON_PREFIX = extensionPrefix(extension('cRLReason', 'keyCompromise'), 1);
/** `Extension{invalidityDate, OCTET STRING{GeneralizedTime}}` up to the 15 time characters. */
export const INVALIDITY_PREFIX = extensionPrefix(extension('invalidityDate', new Date(0)), 15);

// ---------------------------------------------------------------------------------------------
// Through the declared type

/** The extensions our encoder writes for `entry`: cRLReason unless unspecified, then invalidityDate. */
export function canonicalExtensions(entry: RevokedEntry): Extension[] {
  return [
    ...(entry.reason && entry.reason !== 'unspecified' ? [extension('cRLReason', entry.reason)] : []),
    ...(entry.invalidityDate ? [extension('invalidityDate', entry.invalidityDate)] : []),
  ];
}

/** The declared type's value for `entry` (its own extensions if it has them, else the canonical ones). */
export function revokedCertificateValue(entry: CrlEntry): asn1.Decoded<typeof RevokedCertificate> {
  const extensions = entry.extensions ?? canonicalExtensions(entry);
  return {
    userCertificate: entry.serialNumber,
    revocationDate: {
      type: entry.revocationDateForm ?? timeFormFor(entry.revocationDate),
      value: entry.revocationDate,
    },
    crlEntryExtensions: extensions.length ? [...extensions] : undefined,
  };
}

function sameExtensions(a: readonly Extension[], b: readonly Extension[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (e, i) =>
        e.oid === b[i]!.oid && e.critical === b[i]!.critical && Buffer.from(e.value).equals(b[i]!.value),
    )
  );
}

/** An entry through the declared type, with the checks of RFC 5280 §5.1.2.6 and §5.3. */
function decodeDeclared(el: der.DerElement, index: number): CrlEntry {
  const e = RevokedCertificate.decode(el);
  const where = `CRL entry ${index}`;
  checkSerialNumber(e.userCertificate, where);
  const extensions = e.crlEntryExtensions;
  if (extensions?.length === 0)
    throw new GmError('YZ_ERR_EXTENSION', `${where}: crlEntryExtensions is empty`);
  checkCriticalExtensions(extensions, where, ENTRY_EXTENSIONS);
  const entry = {
    serialNumber: e.userCertificate,
    revocationDate: e.revocationDate.value,
    revocationDateForm: e.revocationDate.type,
    reason: readExtension(extensions, 'cRLReason'),
    invalidityDate: readExtension(extensions, 'invalidityDate'),
    extensions: undefined as readonly Extension[] | undefined,
  };
  if (extensions && !sameExtensions(extensions, canonicalExtensions(entry))) entry.extensions = extensions;
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Decoding in place

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitPair(b: Uint8Array, p: number): number {
  const hi = b[p]! - DIGIT_0;
  const lo = b[p + 1]! - DIGIT_0;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

/** `[YY]YYMMDDHHMMSSZ` at `p` as a Date, or null for anything unusual (the declared type decides). */
function readDigits(b: Uint8Array, p: number, long: boolean): Date | null {
  let year: number;
  if (long) {
    const century = digitPair(b, p);
    const rest = digitPair(b, p + 2);
    if (century < 1 || rest < 0) return null; // years below 100 need Date's special handling
    year = century * 100 + rest;
    p += 4;
  } else {
    const yy = digitPair(b, p);
    if (yy < 0) return null;
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    p += 2;
  }
  const month = digitPair(b, p);
  const day = digitPair(b, p + 2);
  const hour = digitPair(b, p + 4);
  const minute = digitPair(b, p + 6);
  const second = digitPair(b, p + 8);
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  if (second < 0 || second > 59 || b[p + 10] !== LETTER_Z) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return null;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function startsWith(b: Uint8Array, p: number, end: number, prefix: Uint8Array): boolean {
  if (end - p < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[p + i] !== prefix[i]) return false;
  return true;
}

/** Extension at `p` matches `prefix` and has `tail` more octets before `end`. */
function hasExtension(b: Uint8Array, p: number, end: number, prefix: Uint8Array, tail: number): boolean {
  return end - p >= prefix.length + tail && startsWith(b, p, end, prefix);
}

/**
 * The entry `el` if it is in the canonical form (positive minimal serial of ≤ 20 octets, a Time
 * in its RFC 5280 form, no extensions or exactly the canonical ones), else null.
 */
function decodeCanonical(el: der.DerElement, hex: Buffer): CrlEntry | null {
  const b = el.bytes;
  if (el.tag !== der.Tag.SEQUENCE || el.contentStart === el.end) return null;
  const serial = der.readElement(b, el.contentStart, el.end);
  const length = serial.end - serial.contentStart;
  const first = b[serial.contentStart]!;
  if (serial.tag !== der.Tag.INTEGER || length === 0 || length > MAX_SERIAL_OCTETS || first >= 0x80)
    return null;
  if (first === 0 && (length === 1 || b[serial.contentStart + 1]! < 0x80)) return null; // zero, or not minimal
  if (serial.end === el.end) return null;
  const time = der.readElement(b, serial.end, el.end);
  const long = time.tag === der.Tag.GENERALIZED_TIME;
  if ((!long && time.tag !== der.Tag.UTC_TIME) || time.end - time.contentStart !== (long ? 15 : 13))
    return null;
  const revocationDate = readDigits(b, time.contentStart, long);
  if (!revocationDate || long !== revocationDate.getUTCFullYear() >= 2050) return null;
  let reason: CrlReason | undefined;
  let invalidityDate: Date | undefined;
  if (time.end < el.end) {
    const list = der.readElement(b, time.end, el.end);
    if (list.tag !== der.Tag.SEQUENCE || list.end !== el.end || list.contentStart === list.end) return null;
    let p = list.contentStart;
    if (hasExtension(b, p, list.end, REASON_PREFIX, 1)) {
      reason = CRL_REASONS[b[p + REASON_PREFIX.length]!];
      if (reason === undefined || reason === 'unspecified') return null;
      p += REASON_PREFIX.length + 1;
    }
    if (hasExtension(b, p, list.end, INVALIDITY_PREFIX, 15)) {
      invalidityDate = readDigits(b, p + INVALIDITY_PREFIX.length, true) ?? undefined;
      if (!invalidityDate) return null;
      p += INVALIDITY_PREFIX.length + 15;
    }
    if (p !== list.end) return null;
  }
  return {
    serialNumber: BigInt('0x' + hex.toString('hex', serial.contentStart, serial.end)),
    revocationDate,
    revocationDateForm: long ? 'generalTime' : 'utcTime',
    reason,
    invalidityDate,
    extensions: undefined,
  };
}

/**
 * The entries of revokedCertificates (`list`, the SEQUENCE OF element), decoded in place.
 * Errors are those of the declared type plus YZ_ERR_SERIAL (serial ≤ 0 or over 20 octets) and
 * YZ_ERR_EXTENSION (empty, duplicate, malformed or unknown critical entry extensions).
 */
export function decodeRevokedCertificates(list: der.DerElement): CrlEntry[] {
  const b = list.bytes;
  const hex = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const entries: CrlEntry[] = [];
  for (let p = list.contentStart; p < list.end;) {
    const el = der.readElement(b, p, list.end);
    entries.push(decodeCanonical(el, hex) ?? decodeDeclared(el, entries.length));
    p = el.end;
  }
  return entries;
}
