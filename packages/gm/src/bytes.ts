/**
 * Byte helpers shared by every gm module: hex, base64, concatenation, big-endian integers,
 * constant-time compare. They run in Node and in the browser (R34 soft certificates): Node's
 * Buffer is used when the global exists (it is native and fast), plain TypeScript otherwise.
 */

/** The part of Node's Buffer used here, typed locally so that browser builds need no Node types. */
interface NodeBufferStatic {
  from(data: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: string): string };
  from(data: string, encoding: string): Uint8Array;
}

/** Node's Buffer when running on Node; undefined in a browser. */
const NodeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. Example: `toHex(Uint8Array.of(1, 255))` → `'01ff'`. */
export function toHex(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let out = '';
  for (const b of bytes) out += HEX_DIGITS[b];
  return out;
}

/** Standard base64 (RFC 4648 §4) of `bytes`, no line breaks. */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of standard base64 text (whitespace ignored); RangeError if it is not base64. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) {
    throw new RangeError('not valid base64');
  }
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(clean, 'base64'));
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Text of UTF-8 `bytes` (or Latin-1 with `latin1`, which maps each byte to one character). */
export function bytesToText(bytes: Uint8Array, encoding: 'utf8' | 'latin1' = 'utf8'): string {
  if (encoding === 'utf8') return new TextDecoder().decode(bytes);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** Bytes of a hex string (spaces and a `0x` prefix allowed); throws RangeError on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new RangeError('hex string must have an even number of hex digits');
  }
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(clean, 'hex'));
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** One array holding `parts` in order. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Unsigned big-endian integer of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt('0x' + toHex(bytes));
}

/** `value` as exactly `length` big-endian bytes; RangeError if it is negative or does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('value must not be negative');
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new RangeError(`value does not fit in ${length} bytes`);
  return fromHex(hex.padStart(length * 2, '0'));
}

/** Equality in time independent of where the arrays differ (for MACs, tags and hashes). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** UTF-8 bytes of a string, or the bytes themselves. */
const encoder = new TextEncoder();

export function utf8(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/**
 * Random bytes are drawn from a pool refilled 4 KiB at a time from the system CSPRNG
 * (`crypto.getRandomValues`): every SM2 signature needs a nonce and every certificate a serial,
 * and one system call per 32 bytes cost more than the rest of a certificate's encoding. Bytes
 * handed out are wiped from the pool, so a nonce never lingers in memory after use.
 */
const POOL_SIZE = 4096;
let pool: Uint8Array = new Uint8Array(0);
let poolOffset = 0;

function fillDirect(out: Uint8Array): Uint8Array {
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < out.length; offset += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(out.length, offset + 65536)));
  }
  return out;
}

/** Cryptographically secure random bytes (Web Crypto, available in Node 20 and browsers). */
export function randomBytes(length: number): Uint8Array {
  if (length > 256) return fillDirect(new Uint8Array(length));
  if (poolOffset + length > pool.length) {
    pool = fillDirect(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}

/**
 * A copy of `bytes` that owns its memory. Not `bytes.slice()`: on a Node Buffer (what
 * readFileSync returns) `slice` is a view, so a parsed value would change with the caller's buffer.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
