/**
 * SM2 public-key encryption (GB/T 32918.4-2016 §6–§7) and its three wire layouts:
 * C1‖C3‖C2 (the 2012+ standard order, our default), C1‖C2‖C3 (the 2010 order, still sent by
 * older SDKs) and GM/T 0009-2012 §7.2 `SM2Cipher` DER (what CMS and key envelopes carry).
 */
import { Integer, OctetString, decodeDer, sequence } from '../asn1/types.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, constantTimeEqual } from '../bytes.js';
import { GmError, isGmError } from '../errors.js';
import { sm2Kdf, sm3Concat } from '../sm3.js';
import { sm2Backend } from '#sm2-backend';
import { Sm2PrivateKey, type Sm2PublicKey, randomNonce } from './keys.js';

/** GM/T 0009 SM2Cipher ::= SEQUENCE { XCoordinate INTEGER, YCoordinate INTEGER, HASH OCTET STRING, CipherText OCTET STRING }. */
export const SM2Cipher = sequence('SM2Cipher', {
  x: Integer,
  y: Integer,
  hash: OctetString,
  cipherText: OctetString,
});

/** Ciphertext layouts. */
export type CipherFormat = 'c1c3c2' | 'c1c2c3' | 'der';

/** The parts of an SM2 ciphertext: C1 as X‖Y, C3 the SM3 check value, C2 the masked message. */
export interface CipherParts {
  readonly c1: Uint8Array;
  readonly c3: Uint8Array;
  readonly c2: Uint8Array;
}

/** Encrypts `message` to `publicKey`; `nonce` is for known-answer tests only. */
export function sm2Encrypt(
  publicKey: Sm2PublicKey,
  message: Uint8Array,
  format: CipherFormat = 'c1c3c2',
  nonce: () => Uint8Array = randomNonce,
): Uint8Array {
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
  const backend = sm2Backend();
  const target = publicKey.xy;
  for (let attempt = 0; attempt < 64; attempt++) {
    const k = nonce();
    const c1 = backend.mulBase(k); // A2
    const shared = backend.mul(k, target); // A4 (h = 1, so A3's [h]P ≠ O holds for any valid P)
    if (!c1 || !shared) continue;
    const t = sm2Kdf(shared, message.length); // A5
    if (message.length > 0 && t.every((byte) => byte === 0)) continue;
    const c2 = message.map((byte, i) => byte ^ t[i]!); // A6
    const c3 = sm3Concat(shared.subarray(0, 32), message, shared.subarray(32)); // A7
    return encodeCipher({ c1, c3, c2 }, format);
  }
  throw new Error('SM2 encryption failed 64 times in a row: the random source is broken');
}

/** Decrypts `ciphertext` with `privateKey`; a failed integrity check is YZ_ERR_CIPHERTEXT. */
export function sm2Decrypt(
  privateKey: Sm2PrivateKey,
  ciphertext: Uint8Array,
  format: CipherFormat | 'auto' = 'c1c3c2',
) {
  if (!(ciphertext instanceof Uint8Array)) throw new TypeError('ciphertext must be a Uint8Array');
  const candidates: CipherFormat[] =
    format !== 'auto'
      ? [format]
      : ciphertext[0] === 0x30
        ? ['der', 'c1c3c2', 'c1c2c3']
        : ['c1c3c2', 'c1c2c3'];
  let lastError: unknown = null;
  for (const candidate of candidates) {
    try {
      return decryptParts(privateKey, decodeCipher(ciphertext, candidate));
    } catch (error) {
      if (!isGmError(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function decryptParts(privateKey: Sm2PrivateKey, parts: CipherParts): Uint8Array {
  const backend = sm2Backend();
  if (!backend.isOnCurve(parts.c1))
    throw new GmError('YZ_ERR_CIPHERTEXT', 'C1 is not a point on the SM2 curve'); // B1
  const shared = backend.mul(Sm2PrivateKey.secretOf(privateKey), parts.c1); // B3
  if (!shared) throw new GmError('YZ_ERR_CIPHERTEXT', 'C1 multiplies to infinity');
  const t = sm2Kdf(shared, parts.c2.length); // B4
  if (parts.c2.length > 0 && t.every((byte) => byte === 0))
    throw new GmError('YZ_ERR_CIPHERTEXT', 'KDF output is all zero');
  const message = parts.c2.map((byte, i) => byte ^ t[i]!); // B5
  const u = sm3Concat(shared.subarray(0, 32), message, shared.subarray(32)); // B6
  if (!constantTimeEqual(u, parts.c3))
    throw new GmError('YZ_ERR_CIPHERTEXT', 'C3 check value does not match');
  return message;
}

/** Lays out C1, C3, C2 in `format`. */
export function encodeCipher(parts: CipherParts, format: CipherFormat): Uint8Array {
  const c1 = concatBytes(Uint8Array.of(0x04), parts.c1);
  switch (format) {
    case 'c1c3c2':
      return concatBytes(c1, parts.c3, parts.c2);
    case 'c1c2c3':
      return concatBytes(c1, parts.c2, parts.c3);
    case 'der':
      return SM2Cipher.encode({
        x: bytesToBigInt(parts.c1.subarray(0, 32)),
        y: bytesToBigInt(parts.c1.subarray(32)),
        hash: parts.c3,
        cipherText: parts.c2,
      });
  }
}

/** Splits a ciphertext in `format` into its parts (structure only; decryption checks C3). */
export function decodeCipher(ciphertext: Uint8Array, format: CipherFormat): CipherParts {
  if (format === 'der') {
    let value;
    try {
      value = decodeDer(SM2Cipher, ciphertext);
    } catch (error) {
      throw new GmError('YZ_ERR_CIPHERTEXT', `not a DER SM2Cipher: ${(error as Error).message}`);
    }
    const p = sm2Backend().curve.p;
    if (value.x < 0n || value.y < 0n || value.x >= p || value.y >= p) {
      throw new GmError('YZ_ERR_CIPHERTEXT', 'SM2Cipher coordinates are out of range');
    }
    if (value.hash.length !== 32) throw new GmError('YZ_ERR_CIPHERTEXT', 'SM2Cipher HASH must be 32 bytes');
    return {
      c1: concatBytes(bigIntToBytes(value.x, 32), bigIntToBytes(value.y, 32)),
      c3: value.hash,
      c2: value.cipherText,
    };
  }
  if (ciphertext.length < 97 || ciphertext[0] !== 0x04) {
    throw new GmError('YZ_ERR_CIPHERTEXT', 'raw SM2 ciphertext must start with 04 and be at least 97 bytes');
  }
  const c1 = ciphertext.slice(1, 65);
  if (format === 'c1c3c2') return { c1, c3: ciphertext.slice(65, 97), c2: ciphertext.slice(97) };
  return {
    c1,
    c2: ciphertext.slice(65, ciphertext.length - 32),
    c3: ciphertext.slice(ciphertext.length - 32),
  };
}
