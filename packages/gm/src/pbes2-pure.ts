/**
 * PBES2 primitives (RFC 8018) in a browser bundle for `key-formats.ts`: only the national
 * algorithms (PBKDF2-HMAC-SM3, SM4-CBC) are built in plain TypeScript, since that is all Yizheng
 * writes (R3); OpenSSL's AES/SHA defaults are read on Node only and are YZ_ERR_KEY_FORMAT here.
 * Same exports as `pbes2-node.ts`, selected by package.json `imports` "#pbes2-impl".
 */
import { GmError } from './errors.js';
import { pbkdf2Sm3Bytes } from './sm3-pure.js';
import { sm4Run } from './sm4-pure.js';

/** PBKDF2 with HMAC-SM3 (`digest` must be 'sm3' in a browser). */
export function pbkdf2(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
  digest: string,
): Uint8Array {
  if (digest !== 'sm3') {
    throw new GmError('YZ_ERR_KEY_FORMAT', `PBKDF2 with HMAC-${digest} is not available in the browser`);
  }
  return pbkdf2Sm3Bytes(password, salt, iterations, length);
}

/** SM4-CBC with PKCS#7 padding (other ciphers are not available in the browser). */
export function cbcCrypt(
  cipher: string,
  encrypt: boolean,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  if (cipher !== 'sm4-cbc') {
    throw new GmError('YZ_ERR_KEY_FORMAT', `cipher ${cipher} is not available in the browser`);
  }
  return sm4Run('cbc', encrypt, key, iv, data, true);
}
