/**
 * PBES2 primitives (RFC 8018) on Node for `key-formats.ts`: PBKDF2 with any PRF OpenSSL knows
 * and the CBC ciphers of EncryptedPrivateKeyInfo (SM4, and AES to read OpenSSL's defaults).
 * package.json `imports` "#pbes2-impl" selects `pbes2-pure.ts` in a browser bundle instead.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { concatBytes } from './bytes.js';

/** PBKDF2 with HMAC over `digest` ('sm3', 'sha256', 'sha1'). */
export function pbkdf2(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
  digest: string,
): Uint8Array {
  return new Uint8Array(pbkdf2Sync(password, salt, iterations, length, digest));
}

/** CBC with PKCS#7 padding under `cipher` ('sm4-cbc', 'aes-128-cbc', …); throws on bad padding. */
export function cbcCrypt(
  cipher: string,
  encrypt: boolean,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const c = encrypt ? createCipheriv(cipher, key, iv) : createDecipheriv(cipher, key, iv);
  return concatBytes(c.update(data), c.final());
}
