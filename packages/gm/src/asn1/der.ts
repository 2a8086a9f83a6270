/**
 * X.690 (ITU-T, 08/2015) Distinguished Encoding Rules: the tag-length-value layer.
 *
 * Reading is strict (§10.1 definite lengths in minimal form, §8.1.2 low tag numbers only) and
 * never allocates from a claimed length: every length is compared with the bytes actually
 * present before anything else, so a 4 GB claim in a 10-byte input is a truncation error,
 * not an allocation. Elements are views (offsets into the caller's buffer), which is what
 * lets the pki layer re-serialise a parsed certificate byte for byte.
 */
import { GmError } from '../errors.js';

/** Identifier octets used across the code base (universal class, X.680 §8.4). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Constructed bit of an identifier octet. */
export const CONSTRUCTED = 0x20;
/** Context-specific class bits of an identifier octet. */
export const CONTEXT = 0x80;

/** Identifier octet of a context-specific tag `[n]` (n < 31). */
export function contextTag(n: number, constructed: boolean): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError('context tag number must be 0..30');
  return CONTEXT | (constructed ? CONSTRUCTED : 0) | n;
}

/** One TLV inside a buffer; all offsets index `bytes`. */
export interface DerElement {
  /** The identifier octet. */
  readonly tag: number;
  /** The whole buffer the element was read from. */
  readonly bytes: Uint8Array;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** Longest length field accepted: 4 octets (< 4 GiB); anything longer cannot be real input here. */
const MAX_LENGTH_OCTETS = 4;

/** Reads the element at `offset`, which must end at or before `limit`. */
export function readElement(bytes: Uint8Array, offset = 0, limit = bytes.length): DerElement {
  if (offset >= limit) throw new GmError('YZ_ERR_DER_TRUNCATED', `DER element expected at offset ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) {
    throw new GmError('YZ_ERR_DER_TAG', `high-tag-number form at offset ${offset} is not supported`);
  }
  let pos = offset + 1;
  if (pos >= limit) throw new GmError('YZ_ERR_DER_TRUNCATED', `DER length missing at offset ${pos}`);
  const first = bytes[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new GmError('YZ_ERR_DER_LENGTH', `indefinite length at offset ${offset} is not DER`);
  } else {
    const count = first & 0x7f;
    if (count > MAX_LENGTH_OCTETS) {
      throw new GmError('YZ_ERR_DER_LENGTH', `length of ${count} octets at offset ${offset} is absurd`);
    }
    if (pos + count > limit)
      throw new GmError('YZ_ERR_DER_TRUNCATED', `DER length truncated at offset ${pos}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos++]!;
    if (length < 0x80 || bytes[pos - count] === 0) {
      throw new GmError('YZ_ERR_DER_LENGTH', `length at offset ${offset} is not in minimal form`);
    }
  }
  if (length > limit - pos) {
    throw new GmError(
      'YZ_ERR_DER_TRUNCATED',
      `DER element at offset ${offset} claims ${length} bytes but only ${limit - pos} remain`,
    );
  }
  return { tag, bytes, start: offset, contentStart: pos, end: pos + length };
}

/** Reads exactly one element spanning all of `bytes` (trailing bytes are an error). */
export function parseDer(bytes: Uint8Array): DerElement {
  const el = readElement(bytes, 0, bytes.length);
  if (el.end !== bytes.length) {
    throw new GmError('YZ_ERR_DER_TRAILING', `${bytes.length - el.end} bytes follow the DER structure`);
  }
  return el;
}

/** The content octets of `el` (a view, not a copy). */
export function contentOf(el: DerElement): Uint8Array {
  return el.bytes.subarray(el.contentStart, el.end);
}

/** The whole TLV of `el` (a view, not a copy). */
export function rawOf(el: DerElement): Uint8Array {
  return el.bytes.subarray(el.start, el.end);
}

/** The elements inside a constructed element, in order. */
export function childrenOf(el: DerElement): DerElement[] {
  if ((el.tag & CONSTRUCTED) === 0) {
    throw new GmError(
      'YZ_ERR_DER_TAG',
      `tag 0x${el.tag.toString(16)} is primitive, a constructed value was expected`,
    );
  }
  const out: DerElement[] = [];
  let pos = el.contentStart;
  while (pos < el.end) {
    const child = readElement(el.bytes, pos, el.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Throws YZ_ERR_DER_TAG unless `el` has identifier `tag`; `what` names the field. */
export function expectTag(el: DerElement, tag: number, what: string): void {
  if (el.tag !== tag) {
    throw new GmError(
      'YZ_ERR_DER_TAG',
      `${what}: expected tag 0x${tag.toString(16).padStart(2, '0')}, found 0x${el.tag.toString(16).padStart(2, '0')}`,
    );
  }
}

/** DER length octets for `length`. */
export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/**
 * One TLV with identifier `tag` around `content` (one array, or several written one after the
 * other): the parts are copied once, straight into the result — encoders build every structure
 * from parts, so this is the hot path of certificate, CRL and OCSP encoding.
 */
export function encodeTlv(tag: number, content: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const parts = content instanceof Uint8Array ? [content] : content;
  let length = 0;
  for (const p of parts) length += p.length;
  const header = length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x10000 ? 4 : length < 0x1000000 ? 5 : 6;
  const out = new Uint8Array(header + length);
  out[0] = tag;
  if (header === 2) out[1] = length;
  else {
    out[1] = 0x80 | (header - 2);
    for (let i = header - 1, v = length; i >= 2; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  }
  let offset = header;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
