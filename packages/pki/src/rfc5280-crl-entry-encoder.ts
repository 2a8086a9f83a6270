/**
 * Streaming encoder of RFC 5280 §5.1.2.6 revokedCertificates for CRLs of a million entries (R1;
 * R5 CRL download): each entry is written straight into 1 MiB blocks, in the canonical form of
 * ./rfc5280-crl-entries.ts, so a CRL never exists as an object tree and the blocks can be hashed
 * and written out without being joined. An entry costs one `bigint.toString(16)` and a few
 * byte writes; its bytes are the declared `RevokedCertificate` type's (the tests compare them).
 */
import { GmError, der } from '@yizheng/gm';
import {
  DIGIT_0,
  INVALIDITY_PREFIX,
  LETTER_Z,
  MAX_SERIAL_OCTETS,
  REASON_PREFIX,
  type RevokedEntry,
} from './rfc5280-crl-entries.js';
import { CRL_REASONS, type CrlReason } from './rfc5280-extensions.js';

const BLOCK_SIZE = 1 << 20;
/**
 * Upper bound of one entry's TLV: SEQUENCE header 2 + serial ≤ 2 + 20 + time ≤ 17 + extensions
 * ≤ 2 + 12 (cRLReason) + 26 (invalidityDate) = 81. It is below 128, so every length octet here
 * is a single short-form byte, and a block with this much room left always takes one more entry.
 */
const MAX_ENTRY_LENGTH = 128;

const REASON_CODES = new Map<CrlReason, number>();
CRL_REASONS.forEach((reason, code) => {
  if (reason !== undefined) REASON_CODES.set(reason, code);
});

/** Value of an ASCII hex digit (lower case, as `bigint.toString(16)` writes). */
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** Where an entry error is, for messages (built only when something is wrong). */
function at(index: number, field?: string): string {
  return `revokedCertificates[${index}]${field ? `.${field}` : ''}`;
}

/**
 * Collects the content octets of revokedCertificates. `add` each entry, then `finish` once; the
 * result is the list of blocks, in order, whose concatenation is the SEQUENCE OF's content.
 */
export class RevokedCertificatesEncoder {
  readonly #delta: boolean;
  readonly #blocks: Uint8Array[] = [];
  #block = new Uint8Array(BLOCK_SIZE);
  #used = 0;
  #byteLength = 0;
  #count = 0;

  /** `delta`: the list belongs to a delta CRL, the only place removeFromCRL may appear. */
  constructor(delta: boolean) {
    this.#delta = delta;
  }

  /** Entries added so far. */
  get count(): number {
    return this.#count;
  }

  /** Content octets written so far. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /**
   * Encodes one entry. Bad entries are refused with the entry's index: serial not positive or
   * over 20 octets (YZ_ERR_SERIAL); invalid date, a year before 1950, or removeFromCRL in a full
   * CRL (YZ_ERR_CRL).
   */
  add(entry: RevokedEntry): void {
    if (this.#used > BLOCK_SIZE - MAX_ENTRY_LENGTH) this.#nextBlock();
    const index = this.#count;
    const b = this.#block;
    const start = this.#used;
    let p = writeSerial(b, start + 2, entry.serialNumber, index);
    p = writeTime(b, p, entry.revocationDate, index);
    const code = entry.reason === undefined ? 0 : reasonCode(entry.reason, this.#delta, index);
    if (code !== 0 || entry.invalidityDate !== undefined) {
      const extensionsStart = p;
      p += 2;
      if (code !== 0) {
        b.set(REASON_PREFIX, p);
        p += REASON_PREFIX.length;
        b[p++] = code;
      }
      if (entry.invalidityDate !== undefined) {
        b.set(INVALIDITY_PREFIX, p);
        p += INVALIDITY_PREFIX.length;
        const date = entry.invalidityDate;
        p = writeDigits(b, p, date, checkedYear(date, index, 'invalidityDate'), true);
      }
      b[extensionsStart] = der.Tag.SEQUENCE;
      b[extensionsStart + 1] = p - extensionsStart - 2;
    }
    b[start] = der.Tag.SEQUENCE;
    b[start + 1] = p - start - 2;
    this.#byteLength += p - start;
    this.#used = p;
    this.#count++;
  }

  /** The content octets in blocks (views; the encoder must not be used afterwards). */
  finish(): Uint8Array[] {
    if (this.#used > 0) this.#blocks.push(this.#block.subarray(0, this.#used));
    this.#used = 0;
    return this.#blocks;
  }

  #nextBlock(): void {
    this.#blocks.push(this.#block.subarray(0, this.#used));
    this.#block = new Uint8Array(BLOCK_SIZE);
    this.#used = 0;
  }
}

function reasonCode(reason: CrlReason, delta: boolean, index: number): number {
  const code = REASON_CODES.get(reason);
  if (code === undefined)
    throw new GmError('YZ_ERR_CRL', `${at(index)}: unknown CRLReason ${String(reason)}`);
  if (reason === 'removeFromCRL' && !delta)
    throw new GmError(
      'YZ_ERR_CRL',
      `${at(index)}: removeFromCRL may only appear in a delta CRL (RFC 5280 §5.3.1)`,
    );
  return code;
}

/** INTEGER TLV of a positive serial of at most 20 content octets (RFC 5280 §4.1.2.2). */
function writeSerial(b: Uint8Array, p: number, serial: bigint, index: number): number {
  if (typeof serial !== 'bigint' || serial <= 0n)
    throw new GmError(
      'YZ_ERR_SERIAL',
      `${at(index)}: serial number must be a positive bigint, got ${String(serial)}`,
    );
  const hex = serial.toString(16);
  if (hex.length > 2 * MAX_SERIAL_OCTETS)
    throw new GmError('YZ_ERR_SERIAL', `${at(index)}: serial number is longer than 20 octets`);
  const odd = hex.length & 1;
  const first = odd
    ? HEX_VALUE[hex.charCodeAt(0)]!
    : (HEX_VALUE[hex.charCodeAt(0)]! << 4) | HEX_VALUE[hex.charCodeAt(1)]!;
  const sign = first >= 0x80 ? 1 : 0; // a leading 00 keeps the two's-complement value positive
  const length = ((hex.length + 1) >> 1) + sign;
  if (length > MAX_SERIAL_OCTETS)
    throw new GmError('YZ_ERR_SERIAL', `${at(index)}: serial number is longer than 20 octets`);
  b[p++] = der.Tag.INTEGER;
  b[p++] = length;
  if (sign) b[p++] = 0;
  b[p++] = first;
  for (let i = odd ? 1 : 2; i < hex.length; i += 2)
    b[p++] = (HEX_VALUE[hex.charCodeAt(i)]! << 4) | HEX_VALUE[hex.charCodeAt(i + 1)]!;
  return p;
}

/** Time TLV: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §5.1.2.4, §5.1.2.6). */
function writeTime(b: Uint8Array, p: number, date: Date, index: number): number {
  const year = checkedYear(date, index, 'revocationDate');
  const long = year >= 2050;
  b[p++] = long ? der.Tag.GENERALIZED_TIME : der.Tag.UTC_TIME;
  b[p++] = long ? 15 : 13;
  return writeDigits(b, p, date, year, long);
}

/** The UTC year of `date`, which must be valid and within what the Time types can hold here. */
function checkedYear(date: Date, index: number, field: string): number {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new GmError('YZ_ERR_CRL', `${at(index, field)} is not a valid date`);
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999)
    throw new GmError('YZ_ERR_CRL', `${at(index, field)}: year ${year} is outside 1950..9999`);
  return year;
}

/** `YYMMDDHHMMSSZ` or, when `long`, `YYYYMMDDHHMMSSZ` (seconds, no fraction). */
function writeDigits(b: Uint8Array, p: number, date: Date, year: number, long: boolean): number {
  if (long) p = writePair(b, p, Math.floor(year / 100));
  p = writePair(b, p, year % 100);
  p = writePair(b, p, date.getUTCMonth() + 1);
  p = writePair(b, p, date.getUTCDate());
  p = writePair(b, p, date.getUTCHours());
  p = writePair(b, p, date.getUTCMinutes());
  p = writePair(b, p, date.getUTCSeconds());
  b[p++] = LETTER_Z;
  return p;
}

function writePair(b: Uint8Array, p: number, value: number): number {
  b[p] = DIGIT_0 + ((value / 10) | 0);
  b[p + 1] = DIGIT_0 + (value % 10);
  return p + 2;
}
