/**
 * Declarative ASN.1 types over the DER layer (X.680 types, X.690 DER encodings).
 *
 * Each structure is declared once as a value (`sequence({ r: Integer, s: Integer })`) that both
 * decodes and encodes, so a structure's shape lives in one place and reads like the standard's
 * ASN.1 text. Decoding is strict: a wrong tag, a missing field or a trailing element is a
 * `GmError` naming the field; values are checked (minimal integers, valid OIDs, strict times).
 */
import { bytesToBigInt, concatBytes, copyBytes, fromHex } from '../bytes.js';
import { GmError } from '../errors.js';
import {
  CONSTRUCTED,
  type DerElement,
  Tag,
  childrenOf,
  contentOf,
  contextTag,
  encodeTlv,
  expectTag,
  parseDer,
  rawOf,
} from './der.js';

/** An ASN.1 type: decodes a DER element into `T` and encodes `T` into a whole TLV. */
export interface Asn1Type<T> {
  /** Name used in error messages. */
  readonly name: string;
  /** The identifier octets a value may start with; `null` means any (ANY, open CHOICE). */
  readonly tags: readonly number[] | null;
  /** Decodes `el`, checking its tag. */
  decode(el: DerElement): T;
  /** Encodes `value` as one complete TLV. */
  encode(value: T): Uint8Array;
}

/** A type with exactly one tag whose content can be re-tagged (IMPLICIT). */
export interface Asn1TaggedType<T> extends Asn1Type<T> {
  readonly tag: number;
  decodeContent(el: DerElement): T;
  encodeContent(value: T): Uint8Array;
}

/** The value type an `Asn1Type` decodes to. */
export type Decoded<X> = X extends Asn1Type<infer T> ? T : never;

/** Decodes a whole buffer as `type` (no trailing bytes). */
export function decodeDer<T>(type: Asn1Type<T>, bytes: Uint8Array): T {
  return type.decode(parseDer(bytes));
}

/** Encodes `value` as `type`. */
export function encodeDer<T>(type: Asn1Type<T>, value: T): Uint8Array {
  return type.encode(value);
}

function fail(message: string): never {
  throw new GmError('YZ_ERR_DER_VALUE', message);
}

/** Builds a single-tag type from content codecs. */
function tagged<T>(
  name: string,
  tag: number,
  decodeContent: (el: DerElement) => T,
  encodeContent: (value: T) => Uint8Array,
): Asn1TaggedType<T> {
  return {
    name,
    tag,
    tags: [tag],
    decodeContent,
    encodeContent,
    decode(el) {
      expectTag(el, tag, name);
      return decodeContent(el);
    },
    encode(value) {
      return encodeTlv(tag, encodeContent(value));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Primitive types

/** X.690 §8.3.2: an INTEGER has content, in minimal two's-complement form. */
function checkIntegerContent(c: Uint8Array): void {
  if (c.length === 0) fail('INTEGER has no content octets');
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    fail('INTEGER is not in minimal form');
  }
}

/** INTEGER as bigint; DER requires the minimal two's-complement form (X.690 §8.3.2). */
export const Integer: Asn1TaggedType<bigint> = tagged(
  'INTEGER',
  Tag.INTEGER,
  (el) => {
    const c = contentOf(el);
    checkIntegerContent(c);
    const magnitude = bytesToBigInt(c);
    return c[0]! >= 0x80 ? magnitude - (1n << BigInt(c.length * 8)) : magnitude;
  },
  (value) => {
    if (value >= 0n) {
      let hex = value.toString(16);
      if (hex.length % 2) hex = '0' + hex;
      if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex;
      return fromHex(hex);
    }
    let length = 1;
    while (value < -(1n << BigInt(length * 8 - 1))) length++;
    const twos = (1n << BigInt(length * 8)) + value;
    return fromHex(twos.toString(16).padStart(length * 2, '0'));
  },
);

/**
 * A non-negative INTEGER as exactly `size` big-endian bytes (r, s, coordinates): no bigint on
 * the way, which keeps signature encoding off the hot path. Negative values and values wider
 * than `size` bytes are YZ_ERR_DER_VALUE.
 */
export function unsignedInteger(size: number): Asn1TaggedType<Uint8Array> {
  return tagged(
    'INTEGER',
    Tag.INTEGER,
    (el) => {
      const c = contentOf(el);
      checkIntegerContent(c);
      if (c[0]! >= 0x80) fail('INTEGER must not be negative');
      const digits = c[0] === 0x00 && c.length > 1 ? c.subarray(1) : c;
      if (digits.length > size) fail(`INTEGER is wider than ${size} bytes`);
      const out = new Uint8Array(size);
      out.set(digits, size - digits.length);
      return out;
    },
    (value) => {
      let start = 0;
      while (start < value.length - 1 && value[start] === 0) start++;
      const digits = value.subarray(start);
      if (digits.length === 0) return Uint8Array.of(0);
      return digits[0]! >= 0x80 ? concatBytes(Uint8Array.of(0), digits) : copyBytes(digits);
    },
  );
}

/** INTEGER limited to the safe JavaScript range, as number (versions, counts). */
export const SmallInteger: Asn1TaggedType<number> = tagged(
  'INTEGER',
  Tag.INTEGER,
  (el) => {
    const v = Integer.decodeContent(el);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      fail('INTEGER is too large');
    return Number(v);
  },
  (value) => Integer.encodeContent(BigInt(value)),
);

/** BOOLEAN; DER encodes TRUE as 0xFF only (X.690 §11.1). */
export const Asn1Boolean: Asn1TaggedType<boolean> = tagged(
  'BOOLEAN',
  Tag.BOOLEAN,
  (el) => {
    const c = contentOf(el);
    if (c.length !== 1 || (c[0] !== 0x00 && c[0] !== 0xff)) fail('BOOLEAN must be one octet, 00 or FF');
    return c[0] === 0xff;
  },
  (value) => Uint8Array.of(value ? 0xff : 0x00),
);

/** ENUMERATED as number (X.690 §8.4: encoded like an INTEGER). */
export const Enumerated: Asn1TaggedType<number> = tagged(
  'ENUMERATED',
  Tag.ENUMERATED,
  SmallInteger.decodeContent,
  SmallInteger.encodeContent,
);

/** NULL. */
export const Null: Asn1TaggedType<null> = tagged(
  'NULL',
  Tag.NULL,
  (el) => {
    if (el.end !== el.contentStart) fail('NULL must be empty');
    return null;
  },
  () => new Uint8Array(0),
);

/** OCTET STRING (a copy, so the caller may keep it after the input buffer is reused). */
export const OctetString: Asn1TaggedType<Uint8Array> = tagged(
  'OCTET STRING',
  Tag.OCTET_STRING,
  (el) => copyBytes(contentOf(el)),
  (value) => value,
);

/** A BIT STRING's bits: `bytes` with `unusedBits` (0..7) unused low bits in the last octet. */
export interface BitStringValue {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/** BIT STRING; DER requires unused bits to be zero (X.690 §11.2). */
export const BitString: Asn1TaggedType<BitStringValue> = tagged(
  'BIT STRING',
  Tag.BIT_STRING,
  (el) => {
    const c = contentOf(el);
    if (c.length === 0) fail('BIT STRING has no unused-bits octet');
    const unusedBits = c[0]!;
    if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0))
      fail('BIT STRING unused-bits octet is invalid');
    if (unusedBits && (c[c.length - 1]! & ((1 << unusedBits) - 1)) !== 0)
      fail('BIT STRING unused bits are not zero');
    return { bytes: c.slice(1), unusedBits };
  },
  (value) => concatBytes(Uint8Array.of(value.unusedBits), value.bytes),
);

/** BIT STRING holding whole octets (keys, signatures): unused bits must be 0. */
export const BitStringOctets: Asn1TaggedType<Uint8Array> = tagged(
  'BIT STRING',
  Tag.BIT_STRING,
  (el) => {
    const v = BitString.decodeContent(el);
    if (v.unusedBits !== 0) fail('BIT STRING must hold whole octets');
    return v.bytes;
  },
  (value) => BitString.encodeContent({ bytes: value, unusedBits: 0 }),
);

/**
 * OID codecs are pure and a PKI uses a few hundred OIDs at most, so both directions are
 * memoised (bounded, in case a peer sends endless distinct OIDs): certificate, CRL and OCSP
 * encoding and parsing spend much of their time on OIDs otherwise.
 */
const OID_CACHE_LIMIT = 4096;
const oidEncodings = new Map<string, Uint8Array>();
const oidTexts = new Map<string, string>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size < OID_CACHE_LIMIT) cache.set(key, value);
  return value;
}

/** OBJECT IDENTIFIER as a dotted string (X.690 §8.19). */
export const ObjectIdentifier: Asn1TaggedType<string> = tagged(
  'OBJECT IDENTIFIER',
  Tag.OBJECT_IDENTIFIER,
  (el) => {
    // the cache key is read straight from the input, without a subarray view (hot path)
    const { bytes, contentStart, end } = el;
    if (end - contentStart > 32) return decodeOidContent(contentOf(el));
    let key = '';
    for (let i = contentStart; i < end; i++) key += String.fromCharCode(bytes[i]!);
    return oidTexts.get(key) ?? remember(oidTexts, key, decodeOidContent(contentOf(el)));
  },
  (oid) => oidEncodings.get(oid) ?? remember(oidEncodings, oid, encodeOidContent(oid)),
);

function decodeOidContent(c: Uint8Array): string {
  {
    if (c.length === 0) fail('OBJECT IDENTIFIER is empty');
    const arcs: number[] = [];
    let value = 0;
    let fresh = true;
    for (const byte of c) {
      if (fresh && byte === 0x80) fail('OBJECT IDENTIFIER arc is not minimally encoded');
      value = value * 128 + (byte & 0x7f);
      if (value > Number.MAX_SAFE_INTEGER) fail('OBJECT IDENTIFIER arc is too large');
      fresh = (byte & 0x80) === 0;
      if (fresh) {
        arcs.push(value);
        value = 0;
      }
    }
    if (!fresh) fail('OBJECT IDENTIFIER ends inside an arc');
    const first = arcs.shift()!;
    const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
    return [...head, ...arcs].join('.');
  }
}

function encodeOidContent(oid: string): Uint8Array {
  {
    if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(oid)) throw new RangeError(`not a dotted OID: ${oid}`);
    const arcs = oid.split('.').map(Number);
    const [a, b] = [arcs[0]!, arcs[1]!];
    if (a < 2 && b > 39) throw new RangeError(`second arc of ${oid} must be below 40`);
    const out: number[] = [];
    for (const arc of [a * 40 + b, ...arcs.slice(2)]) {
      const chunk = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
      out.push(...chunk);
    }
    return Uint8Array.from(out);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** ASCII text of DER time content (times are digits and 'Z' only; anything else fails the pattern). */
function asciiOf(bytes: Uint8Array): string {
  if (bytes.length > 24) fail('time value is too long');
  return String.fromCharCode(...bytes);
}

function stringType(name: string, tag: number, allowed: RegExp | null): Asn1TaggedType<string> {
  return tagged(
    name,
    tag,
    (el) => {
      let text: string;
      try {
        text = utf8Decoder.decode(contentOf(el));
      } catch {
        fail(`${name} is not valid UTF-8`);
      }
      if (allowed && !allowed.test(text)) fail(`${name} contains characters outside its character set`);
      return text;
    },
    (value) => {
      if (allowed && !allowed.test(value))
        throw new RangeError(`${name} cannot hold ${JSON.stringify(value)}`);
      return utf8Encoder.encode(value);
    },
  );
}

/** UTF8String (Chinese DNs and names, GM/T 0015). */
export const Utf8String = stringType('UTF8String', Tag.UTF8_STRING, null);
/** PrintableString (X.680 §41.4 character set). */
export const PrintableString = stringType(
  'PrintableString',
  Tag.PRINTABLE_STRING,
  /^[A-Za-z0-9 '()+,\-./:=?]*$/,
);
/** IA5String (ASCII). */
export const Ia5String = stringType('IA5String', Tag.IA5_STRING, /^[\x00-\x7f]*$/);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function parseTime(text: string, pattern: RegExp, name: string, fullYear: (y: number) => number): Date {
  const m = pattern.exec(text);
  if (!m) fail(`${name} ${JSON.stringify(text)} is not in DER form`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = fullYear(y);
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    fail(`${name} ${JSON.stringify(text)} is not a valid date`);
  }
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

/** A time type: `YY…` or `YYYY…` then MMDDHHMMSS and Z, with the years it can hold. */
function timeType(
  name: string,
  tag: number,
  yearDigits: 2 | 4,
  fullYear: (y: number) => number,
  [minYear, maxYear]: [number, number],
): Asn1TaggedType<Date> {
  const pattern = new RegExp(`^(\\d{${yearDigits}})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})Z$`);
  return tagged(
    name,
    tag,
    (el) => parseTime(asciiOf(contentOf(el)), pattern, name, fullYear),
    (date) => {
      const y = date.getUTCFullYear();
      if (y < minYear || y > maxYear) throw new RangeError(`${name} holds years ${minYear}..${maxYear} only`);
      const fields = [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
      const text = pad(y % 10 ** yearDigits, yearDigits) + fields.map((f) => pad(f, 2)).join('');
      return utf8Encoder.encode(text + pad(date.getUTCSeconds(), 2) + 'Z');
    },
  );
}

/** UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: years 50–99 are 19xx). */
export const UtcTime = timeType(
  'UTCTime',
  Tag.UTC_TIME,
  2,
  (y) => (y >= 50 ? 1900 + y : 2000 + y),
  [1950, 2049],
);

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: no fractional seconds). */
export const GeneralizedTime = timeType('GeneralizedTime', Tag.GENERALIZED_TIME, 4, (y) => y, [0, 9999]);

/** ANY: the raw TLV (a copy), for fields decoded later or kept byte-exact. */
export const Any: Asn1Type<Uint8Array> = {
  name: 'ANY',
  tags: null,
  decode: (el) => copyBytes(rawOf(el)),
  encode: (value) => {
    parseDer(value); // an ANY value must itself be one well-formed TLV
    return value;
  },
};

/**
 * A value of one known tag kept as its raw TLV (a copy): for alternatives we carry but do not
 * interpret (GeneralName x400Address, policy qualifiers), so they survive a round trip.
 */
export function rawWithTag(tag: number, name: string): Asn1TaggedType<Uint8Array> {
  return {
    name,
    tag,
    tags: [tag],
    decode(el) {
      expectTag(el, tag, name);
      return copyBytes(rawOf(el));
    },
    encode(value) {
      const el = parseDer(value);
      expectTag(el, tag, name);
      return value;
    },
    decodeContent: (el) => copyBytes(rawOf(el)),
    encodeContent: () => {
      throw new TypeError(`${name} is kept raw and cannot be re-tagged`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Combinators

/** Marks a SEQUENCE field OPTIONAL: absent decodes to `undefined`, `undefined` encodes nothing. */
export interface OptionalType<T> extends Asn1Type<T | undefined> {
  readonly optional: true;
  readonly inner: Asn1Type<T>;
}

/**
 * `type OPTIONAL`. Presence is recognised by tag; an inner type with any tag (ANY) is taken
 * whenever an element is left, so it may only be the last field (AlgorithmIdentifier.parameters).
 */
export function optional<T>(inner: Asn1Type<T>): OptionalType<T> {
  return {
    name: `${inner.name} OPTIONAL`,
    tags: inner.tags,
    optional: true,
    inner,
    decode: (el) => inner.decode(el),
    encode: (value) => (value === undefined ? new Uint8Array(0) : inner.encode(value)),
  };
}

/** `type DEFAULT value`: absent decodes to `value`; DER omits a field equal to its default (X.690 §11.5). */
export function defaulted<T>(inner: Asn1Type<T>, value: T, equals: (a: T, b: T) => boolean = Object.is) {
  const opt = optional(inner);
  return {
    ...opt,
    name: `${inner.name} DEFAULT`,
    defaultValue: value,
    decodeAbsent: () => value,
    encode: (v: T | undefined) => (v === undefined || equals(v, value) ? new Uint8Array(0) : inner.encode(v)),
  };
}

function isOptional(
  type: Asn1Type<unknown>,
): type is OptionalType<unknown> & { decodeAbsent?: () => unknown } {
  return (type as Partial<OptionalType<unknown>>).optional === true;
}

/** Field map of a SEQUENCE, in the order of the standard's ASN.1 text. */
export type FieldTypes = Record<string, Asn1Type<unknown>>;
type OptionalKeys<F extends FieldTypes> = {
  [K in keyof F]: F[K] extends OptionalType<unknown> ? K : never;
}[keyof F];
/** Decoded value of a SEQUENCE with fields `F`; OPTIONAL and DEFAULT fields may be left out when encoding. */
export type SequenceValue<F extends FieldTypes> = {
  [K in Exclude<keyof F, OptionalKeys<F>>]: Decoded<F[K]>;
} & { [K in OptionalKeys<F>]?: Decoded<F[K]> };

/** SEQUENCE { ... } with named fields (object key order is the field order). */
export function sequence<F extends FieldTypes>(name: string, fields: F): Asn1TaggedType<SequenceValue<F>> {
  const entries = Object.entries(fields);
  const type = tagged(
    name,
    Tag.SEQUENCE,
    (el) => {
      const children = childrenOf(el);
      const out: Record<string, unknown> = {};
      let i = 0;
      for (const [key, type] of entries) {
        const child = children[i];
        if (isOptional(type)) {
          if (child && (type.tags === null || type.tags.includes(child.tag))) {
            out[key] = type.decode(child);
            i++;
          } else {
            out[key] = type.decodeAbsent ? type.decodeAbsent() : undefined;
          }
          continue;
        }
        if (!child) throw new GmError('YZ_ERR_DER_TRUNCATED', `${name}: field ${key} is missing`);
        out[key] = type.decode(child);
        i++;
      }
      if (i !== children.length) {
        throw new GmError('YZ_ERR_DER_TRAILING', `${name}: unexpected element after the last field`);
      }
      return out as SequenceValue<F>;
    },
    (value) => concatBytes(...encodeFields(value)),
  );
  function encodeFields(value: SequenceValue<F>): Uint8Array[] {
    return entries.map(([key, type]) => type.encode((value as Record<string, unknown>)[key]));
  }
  // encode writes the TLV once, without the intermediate content copy
  return { ...type, encode: (value) => encodeTlv(Tag.SEQUENCE, encodeFields(value)) };
}

/** SEQUENCE OF type. */
export function sequenceOf<T>(item: Asn1Type<T>, name = `SEQUENCE OF ${item.name}`): Asn1TaggedType<T[]> {
  return tagged(
    name,
    Tag.SEQUENCE,
    (el) => childrenOf(el).map((c) => item.decode(c)),
    (values) => concatBytes(...values.map((v) => item.encode(v))),
  );
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** SET OF type; DER sorts the encodings (X.690 §11.6). */
export function setOf<T>(item: Asn1Type<T>, name = `SET OF ${item.name}`): Asn1TaggedType<T[]> {
  return tagged(
    name,
    Tag.SET,
    (el) => childrenOf(el).map((c) => item.decode(c)),
    (values) => concatBytes(...values.map((v) => item.encode(v)).sort(compareBytes)),
  );
}

/** `[n] EXPLICIT type`. */
export function explicit<T>(n: number, inner: Asn1Type<T>): Asn1TaggedType<T> {
  const tag = contextTag(n, true);
  return tagged(
    `[${n}] EXPLICIT ${inner.name}`,
    tag,
    (el) => {
      const children = childrenOf(el);
      if (children.length !== 1) fail(`[${n}] EXPLICIT must hold exactly one element`);
      return inner.decode(children[0]!);
    },
    (value) => inner.encode(value),
  );
}

/** `[n] IMPLICIT type` (the inner type must have a single tag; constructedness is kept). */
export function implicit<T>(n: number, inner: Asn1TaggedType<T>): Asn1TaggedType<T> {
  const tag = contextTag(n, (inner.tag & CONSTRUCTED) !== 0);
  return tagged(`[${n}] IMPLICIT ${inner.name}`, tag, inner.decodeContent, inner.encodeContent);
}

/** Decoded value of a CHOICE: which alternative, and its value. */
export type ChoiceValue<F extends FieldTypes> = {
  [K in keyof F]: { type: K; value: Decoded<F[K]> };
}[keyof F];

/** CHOICE { ... }: alternatives are told apart by tag. */
export function choice<F extends FieldTypes>(name: string, alternatives: F): Asn1Type<ChoiceValue<F>> {
  const entries = Object.entries(alternatives);
  const tags: number[] = [];
  for (const [, type] of entries) {
    if (type.tags === null) throw new TypeError(`${name}: CHOICE alternatives need known tags`);
    tags.push(...type.tags);
  }
  return {
    name,
    tags,
    decode(el) {
      const hit = entries.find(([, type]) => type.tags!.includes(el.tag));
      if (!hit)
        throw new GmError('YZ_ERR_DER_TAG', `${name}: no alternative has tag 0x${el.tag.toString(16)}`);
      return { type: hit[0], value: hit[1].decode(el) } as ChoiceValue<F>;
    },
    encode(value) {
      const type = alternatives[value.type as string];
      if (!type) throw new TypeError(`${name}: unknown alternative ${String(value.type)}`);
      return type.encode(value.value);
    },
  };
}

/** OCTET STRING whose content is itself a DER `inner` (e.g. PKCS#8 privateKey, X.509 extnValue). */
export function octetStringContaining<T>(inner: Asn1Type<T>): Asn1TaggedType<T> {
  return tagged(
    `OCTET STRING CONTAINING ${inner.name}`,
    Tag.OCTET_STRING,
    (el) => decodeDer(inner, contentOf(el)),
    (value) => inner.encode(value),
  );
}
