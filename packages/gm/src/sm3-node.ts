/**
 * SM3 primitives on Node (GB/T 32905-2016): OpenSSL's SM3 through node:crypto, which is correct
 * and several times faster than JavaScript. `sm3.ts` shapes the public API on top of whichever
 * primitives package.json `imports` "#sm3-impl" selects: this file on Node, `sm3-pure.ts` in a
 * browser bundle (R34 soft certificates in the web page).
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { Sm3Hasher } from './sm3-pure.js';

export type { Sm3Hasher } from './sm3-pure.js';

/** A fresh incremental SM3 hasher. */
export function newSm3(): Sm3Hasher {
  const hash = createHash('sm3');
  return {
    update: (data) => void hash.update(data),
    digest: () => new Uint8Array(hash.digest()),
  };
}

/** HMAC-SM3 (RFC 2104). */
export function hmacSm3Bytes(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sm3', key).update(data).digest());
}

/** PBKDF2-HMAC-SM3 (RFC 8018 §5.2); arguments already checked by the caller. */
export function pbkdf2Sm3Bytes(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  return new Uint8Array(pbkdf2Sync(password, salt, iterations, length, 'sm3'));
}
