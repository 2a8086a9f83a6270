/**
 * RFC 4511 §5.1 — the BER subset LDAP messages use (X.690 with restrictions): a LENIENT reader
 * and a minimal writer.
 *
 * RFC 4511 §5.1 allows any definite length form, and real clients use it: OpenLDAP's liblber
 * writes every SEQUENCE length in four octets (`30 84 00 00 00 1f …`). gm's DER reader refuses
 * that by design (DER wants minimal lengths), so LDAP gets its own reader. It accepts long-form
 * lengths with leading zero octets, BOOLEAN TRUE as any non-zero octet and non-minimal INTEGERs;
 * it refuses what §5.1 forbids or what cannot be real: indefinite lengths, constructed OCTET
 * STRINGs, high tag numbers, lengths past the end of the enclosing element, messages larger than
 * the configured limit (1 MiB by default) and nesting deeper than the configured depth. Every
 * refusal is an `LdapError` YZ_ERR_LDAP_BER, which the server turns into protocolError.
 *
 * The writer always produces minimal definite lengths. Values are assembled as a small tree of
 * nodes and written in one pass into one buffer, so a certificate is copied once per response.
 */
import { LdapError } from './errors.js';

/** Universal identifier octets LDAP uses (X.680 §8.4). */
export const BerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Constructed bit of an identifier octet. */
const CONSTRUCTED = 0x20;

/** Limits that stop a hostile peer from making the reader work or allocate without bound. */
export interface BerLimits {
  /** Largest LDAPMessage accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Deepest nesting of constructed elements accepted. */
  readonly maxDepth: number;
}

/** 1 MiB messages (a search request is a few hundred bytes) and 32 levels (filters nest deepest). */
export const DEFAULT_BER_LIMITS: BerLimits = { maxMessageBytes: 1 << 20, maxDepth: 32 };

/** One TLV; offsets index `bytes`. */
export interface BerElement {
  readonly tag: number;
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** Length octets accepted after 0x8n: liblber writes 4; more than 4 cannot describe a real message. */
const MAX_LENGTH_OCTETS = 4;

function berError(message: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_BER', message);
}

/**
 * The header at `offset`: tag, where the content starts, and its length — or `undefined` when
 * `bytes` ends inside the header (only the stream framer asks with `partial`).
 */
function readHeader(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  partial: boolean,
): { tag: number; contentStart: number; length: number } | undefined {
  if (offset >= limit) {
    if (partial) return undefined;
    throw berError(`element expected at offset ${offset}`);
  }
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw berError(`high tag number at offset ${offset} is not used by LDAP`);
  if (offset + 1 >= limit) {
    if (partial) return undefined;
    throw berError(`length missing at offset ${offset + 1}`);
  }
  const first = bytes[offset + 1]!;
  if (first < 0x80) return { tag, contentStart: offset + 2, length: first };
  if (first === 0x80) throw berError(`indefinite length at offset ${offset} (RFC 4511 §5.1 forbids it)`);
  const count = first & 0x7f;
  if (count > MAX_LENGTH_OCTETS) throw berError(`length of ${count} octets at offset ${offset} is absurd`);
  const contentStart = offset + 2 + count;
  if (contentStart > limit) {
    if (partial) return undefined;
    throw berError(`length truncated at offset ${offset + 2}`);
  }
  let length = 0;
  for (let i = offset + 2; i < contentStart; i++) length = length * 256 + bytes[i]!;
  return { tag, contentStart, length };
}

/**
 * Bytes of the first complete LDAPMessage at `offset` of a stream buffer, or `undefined` when
 * more bytes are needed. Refuses a message that does not start with SEQUENCE or is larger than
 * `maxMessageBytes` before waiting for its content, so a peer cannot make the server buffer 4 GB.
 */
export function messageLength(
  bytes: Uint8Array,
  offset: number,
  maxMessageBytes = DEFAULT_BER_LIMITS.maxMessageBytes,
): number | undefined {
  if (offset < bytes.length && bytes[offset] !== BerTag.SEQUENCE) {
    throw berError(`LDAPMessage must start with SEQUENCE (0x30), got 0x${bytes[offset]!.toString(16)}`);
  }
  const header = readHeader(bytes, offset, bytes.length, true);
  if (header === undefined) return undefined;
  const total = header.contentStart - offset + header.length;
  if (total > maxMessageBytes) {
    throw berError(`message of ${total} bytes exceeds the limit of ${maxMessageBytes}`);
  }
  return bytes.length - offset >= total ? total : undefined;
}

/** A cursor over the elements inside one constructed element (or a whole message). */
export class BerReader {
  private offset: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    readonly depth = 0,
    readonly maxDepth = DEFAULT_BER_LIMITS.maxDepth,
  ) {
    this.offset = start;
  }

  /** True when every element has been read. */
  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Tag of the next element without consuming it. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.offset];
  }

  /** The next element, whatever its tag. */
  next(what: string): BerElement {
    if (this.done) throw berError(`${what} missing`);
    const header = readHeader(this.bytes, this.offset, this.end, false)!;
    const end = header.contentStart + header.length;
    if (end > this.end) {
      throw berError(
        `${what} at offset ${this.offset} claims ${header.length} bytes past its enclosing element`,
      );
    }
    const element = {
      tag: header.tag,
      bytes: this.bytes,
      start: this.offset,
      contentStart: header.contentStart,
      end,
    };
    this.offset = end;
    return element;
  }

  /** The next element, which must carry `tag`. */
  take(tag: number, what: string): BerElement {
    const element = this.next(what);
    if (element.tag !== tag) {
      throw berError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`);
    }
    return element;
  }

  /** The next element if it carries `tag`; otherwise nothing is consumed. */
  takeIf(tag: number, what: string): BerElement | undefined {
    return this.peekTag() === tag ? this.take(tag, what) : undefined;
  }

  /** A reader over the content of constructed `element`, one level deeper. */
  enter(element: BerElement, what: string): BerReader {
    if ((element.tag & CONSTRUCTED) === 0) throw berError(`${what} must be constructed`);
    if (this.depth + 1 > this.maxDepth) throw berError(`${what} nests deeper than ${this.maxDepth} levels`);
    return new BerReader(this.bytes, element.contentStart, element.end, this.depth + 1, this.maxDepth);
  }

  /** Reader over the next element, a constructed one with `tag` (SEQUENCE by default). */
  sequence(what: string, tag: number = BerTag.SEQUENCE): BerReader {
    return this.enter(this.take(tag, what), what);
  }

  integer(what: string, tag: number = BerTag.INTEGER): number {
    return integerOf(this.take(tag, what), what);
  }

  enumerated(what: string, tag: number = BerTag.ENUMERATED): number {
    return integerOf(this.take(tag, what), what);
  }

  boolean(what: string, tag: number = BerTag.BOOLEAN): boolean {
    return booleanOf(this.take(tag, what), what);
  }

  octets(what: string, tag: number = BerTag.OCTET_STRING): Uint8Array {
    return octetsOf(this.take(tag, what), what);
  }

  /** An LDAPString / LDAPDN / LDAPOID: OCTET STRING holding UTF-8 (RFC 4511 §4.1.2). */
  string(what: string, tag: number = BerTag.OCTET_STRING): string {
    return stringOf(this.take(tag, what), what);
  }
}

/** Content octets of a primitive element (a view, not a copy). */
export function octetsOf(element: BerElement, what: string): Uint8Array {
  if ((element.tag & CONSTRUCTED) !== 0) {
    throw berError(`${what} must be primitive (RFC 4511 §5.1: no constructed OCTET STRINGs)`);
  }
  return element.bytes.subarray(element.contentStart, element.end);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a primitive element; invalid UTF-8 is a protocol error (RFC 4511 §4.1.2). */
export function stringOf(element: BerElement, what: string): string {
  try {
    return strictUtf8.decode(octetsOf(element, what));
  } catch (error) {
    if (error instanceof TypeError) throw berError(`${what} is not valid UTF-8`);
    throw error;
  }
}

/**
 * An INTEGER or ENUMERATED. Redundant leading 0x00/0xFF octets are tolerated (BER permits them);
 * anything beyond 48 significant bits cannot be an LDAP value and is refused.
 */
export function integerOf(element: BerElement, what: string): number {
  const content = octetsOf(element, what);
  if (content.length === 0) throw berError(`${what} has no content octets`);
  let start = 0;
  while (
    start < content.length - 1 &&
    ((content[start] === 0x00 && content[start + 1]! < 0x80) ||
      (content[start] === 0xff && content[start + 1]! >= 0x80))
  ) {
    start++;
  }
  if (content.length - start > 6) throw berError(`${what} is too large`);
  let unsigned = 0;
  for (let i = start; i < content.length; i++) unsigned = unsigned * 256 + content[i]!;
  return content[start]! >= 0x80 ? unsigned - 256 ** (content.length - start) : unsigned;
}

/** A BOOLEAN: one content octet, any non-zero value is TRUE (X.690 §8.2.2, BER). */
export function booleanOf(element: BerElement, what: string): boolean {
  const content = octetsOf(element, what);
  if (content.length !== 1) throw berError(`${what} must have one content octet`);
  return content[0] !== 0;
}

// ---------------------------------------------------------------------------------------------
// Writer

/** A value to write: a primitive, a constructed element, or bytes already encoded. */
export type BerNode =
  | { readonly kind: 'primitive'; readonly tag: number; readonly value: Uint8Array }
  | { readonly kind: 'constructed'; readonly tag: number; readonly children: readonly BerNode[] }
  | { readonly kind: 'encoded'; readonly bytes: Uint8Array };

const utf8Encoder = new TextEncoder();

/** Builders of writer nodes, named after the ASN.1 types they write. */
export const ber = {
  sequence(children: readonly BerNode[], tag: number = BerTag.SEQUENCE): BerNode {
    return { kind: 'constructed', tag, children };
  },
  set(children: readonly BerNode[], tag: number = BerTag.SET): BerNode {
    return { kind: 'constructed', tag, children };
  },
  integer(value: number, tag: number = BerTag.INTEGER): BerNode {
    return { kind: 'primitive', tag, value: integerContent(value) };
  },
  enumerated(value: number, tag: number = BerTag.ENUMERATED): BerNode {
    return { kind: 'primitive', tag, value: integerContent(value) };
  },
  boolean(value: boolean, tag: number = BerTag.BOOLEAN): BerNode {
    return { kind: 'primitive', tag, value: Uint8Array.of(value ? 0xff : 0x00) };
  },
  /** OCTET STRING; a string is written as UTF-8 (LDAPString). */
  octets(value: Uint8Array | string, tag: number = BerTag.OCTET_STRING): BerNode {
    return { kind: 'primitive', tag, value: typeof value === 'string' ? utf8Encoder.encode(value) : value };
  },
  null(tag: number = BerTag.NULL): BerNode {
    return { kind: 'primitive', tag, value: new Uint8Array(0) };
  },
  /** A complete TLV encoded elsewhere (e.g. a cached response part). */
  encoded(bytes: Uint8Array): BerNode {
    return { kind: 'encoded', bytes };
  },
};

/** Minimal two's-complement content octets of a safe integer. */
function integerContent(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new RangeError('BER INTEGER must be a safe integer');
  const out: number[] = [];
  let rest = value;
  do {
    out.unshift(((rest % 256) + 256) % 256);
    rest = Math.floor(rest / 256);
  } while (rest !== 0 && rest !== -1);
  if (value >= 0 && out[0]! >= 0x80) out.unshift(0x00);
  if (value < 0 && out[0]! < 0x80) out.unshift(0xff);
  return Uint8Array.from(out);
}

function lengthOctets(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  return 5;
}

/** Encoded size of `node`; sizes of constructed content are remembered for the write pass. */
function sizeOf(node: BerNode, contentSizes: Map<BerNode, number>): number {
  if (node.kind === 'encoded') return node.bytes.length;
  let content: number;
  if (node.kind === 'primitive') {
    content = node.value.length;
  } else {
    content = 0;
    for (const child of node.children) content += sizeOf(child, contentSizes);
    contentSizes.set(node, content);
  }
  return 1 + lengthOctets(content) + content;
}

function writeHeader(out: Uint8Array, offset: number, tag: number, length: number): number {
  out[offset++] = tag;
  const count = lengthOctets(length);
  if (count === 1) {
    out[offset++] = length;
    return offset;
  }
  out[offset++] = 0x80 | (count - 1);
  for (let shift = (count - 2) * 8; shift >= 0; shift -= 8) out[offset++] = (length / 2 ** shift) & 0xff;
  return offset;
}

function writeNode(
  node: BerNode,
  out: Uint8Array,
  offset: number,
  contentSizes: Map<BerNode, number>,
): number {
  if (node.kind === 'encoded') {
    out.set(node.bytes, offset);
    return offset + node.bytes.length;
  }
  if (node.kind === 'primitive') {
    offset = writeHeader(out, offset, node.tag, node.value.length);
    out.set(node.value, offset);
    return offset + node.value.length;
  }
  offset = writeHeader(out, offset, node.tag, contentSizes.get(node)!);
  for (const child of node.children) offset = writeNode(child, out, offset, contentSizes);
  return offset;
}

/** The BER (in fact DER-length) encoding of `node`, in one buffer. */
export function encodeBer(node: BerNode): Uint8Array {
  const contentSizes = new Map<BerNode, number>();
  const out = new Uint8Array(sizeOf(node, contentSizes));
  writeNode(node, out, 0, contentSizes);
  return out;
}
