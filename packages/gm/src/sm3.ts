/**
 * SM3 cryptographic hash (GB/T 32905-2016 ≙ GM/T 0004-2012), HMAC-SM3 (RFC 2104 over SM3),
 * PBKDF2-HMAC-SM3 (RFC 8018 §5.2 with HMAC-SM3 as PRF) and the SM2 key derivation function
 * (GB/T 32918.4-2016 §5.4.3).
 *
 * The primitives come from package.json `imports` "#sm3-impl": Node's OpenSSL SM3 on Node
 * (correct and several times faster than JavaScript — the brief's crypto rules), plain TypeScript
 * in a browser bundle (`sm3-pure.ts`, R34 soft certificates). This module only shapes the API.
 */
import { hmacSm3Bytes, newSm3, pbkdf2Sm3Bytes } from '#sm3-impl';
import { utf8 } from './bytes.js';

/** Length of an SM3 digest in bytes. */
export const SM3_DIGEST_LENGTH = 32;

/** SM3 digest of `data` (strings are UTF-8). Example: `toHex(sm3('abc'))` → `'66c7f0f4…'`. */
export function sm3(data: string | Uint8Array): Uint8Array {
  const hash = newSm3();
  hash.update(utf8(data));
  return hash.digest();
}

/** Incremental SM3: `update` any number of times, then `digest` once. */
export interface Sm3Stream {
  update(data: string | Uint8Array): Sm3Stream;
  digest(): Uint8Array;
}

/** A streaming SM3 hasher, for files and messages that arrive in pieces. */
export function createSm3(): Sm3Stream {
  const hash = newSm3();
  const stream: Sm3Stream = {
    update(data) {
      hash.update(utf8(data));
      return stream;
    },
    digest: () => hash.digest(),
  };
  return stream;
}

/** SM3 over several parts, as if concatenated (avoids copying them into one buffer). */
export function sm3Concat(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = newSm3();
  for (const p of parts) hash.update(p);
  return hash.digest();
}

/** HMAC-SM3 of `data` under `key` (RFC 2104; 64-byte block). */
export function hmacSm3(key: string | Uint8Array, data: string | Uint8Array): Uint8Array {
  return hmacSm3Bytes(utf8(key), utf8(data));
}

/** PBKDF2 with HMAC-SM3 as PRF (RFC 8018 §5.2): `length` bytes from a password and salt. */
export function pbkdf2Sm3(
  password: string | Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError('iterations must be a positive integer');
  if (!Number.isInteger(length) || length < 1) throw new RangeError('length must be a positive integer');
  return pbkdf2Sm3Bytes(utf8(password), salt, iterations, length);
}

/**
 * The SM2 KDF (GB/T 32918.4 §5.4.3): SM3(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian),
 * concatenated and cut to `length` bytes.
 */
export function sm2Kdf(z: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  const out = new Uint8Array(length);
  const counter = new Uint8Array(4);
  const view = new DataView(counter.buffer);
  for (let ct = 1, offset = 0; offset < length; ct++, offset += SM3_DIGEST_LENGTH) {
    view.setUint32(0, ct);
    const block = sm3Concat(z, counter);
    out.set(block.subarray(0, Math.min(SM3_DIGEST_LENGTH, length - offset)), offset);
  }
  return out;
}
