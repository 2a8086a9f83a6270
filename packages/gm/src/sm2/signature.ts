/**
 * SM2 signature encodings: GM/T 0009-2012 §7.3 `SM2Signature ::= SEQUENCE { R INTEGER, S INTEGER }`
 * (DER, what X.509, CMS and OpenSSL use) and raw 64-byte r‖s (many SDKs and tokens).
 */
import { sequence, Integer, decodeDer } from '../asn1/types.js';
import { bigIntToBytes, bytesToBigInt, concatBytes } from '../bytes.js';
import { GmError, isGmError } from '../errors.js';
import { sm2Backend } from './backend.js';

/** GM/T 0009 SM2Signature. */
export const SM2Signature = sequence('SM2Signature', { r: Integer, s: Integer });

/** How a signature is laid out on the wire. */
export type SignatureFormat = 'der' | 'raw';

/** r and s as 32-byte big-endian values. */
export interface SignatureParts {
  readonly r: Uint8Array;
  readonly s: Uint8Array;
}

function checkRange(name: 'r' | 's', value: bigint): void {
  if (value < 1n || value >= sm2Backend().curve.n) {
    throw new GmError('YZ_ERR_SIGNATURE_FORMAT', `${name} must be in [1, n-1]`);
  }
}

/** Encodes r‖s (64 bytes) in `format`. */
export function encodeSignature(rs: Uint8Array, format: SignatureFormat): Uint8Array {
  if (format === 'raw') return rs;
  return SM2Signature.encode({ r: bytesToBigInt(rs.subarray(0, 32)), s: bytesToBigInt(rs.subarray(32, 64)) });
}

/**
 * Decodes a signature in `format` ('auto': DER when it parses as DER, else raw 64 bytes) and
 * checks 1 ≤ r, s ≤ n−1 (GB/T 32918.2 §7.1 B1–B2). Malformed input is YZ_ERR_SIGNATURE_FORMAT.
 */
export function decodeSignature(
  signature: Uint8Array,
  format: SignatureFormat | 'auto' = 'der',
): SignatureParts {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (format === 'der' || (format === 'auto' && signature[0] === 0x30)) {
    try {
      const { r, s } = decodeDer(SM2Signature, signature);
      checkRange('r', r);
      checkRange('s', s);
      return { r: bigIntToBytes(r, 32), s: bigIntToBytes(s, 32) };
    } catch (error) {
      if (
        format === 'auto' &&
        signature.length === 64 &&
        isGmError(error) &&
        error.code !== 'YZ_ERR_SIGNATURE_FORMAT'
      ) {
        return decodeSignature(signature, 'raw');
      }
      if (isGmError(error) && error.code === 'YZ_ERR_SIGNATURE_FORMAT') throw error;
      throw new GmError(
        'YZ_ERR_SIGNATURE_FORMAT',
        `signature is not a DER SM2Signature: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (signature.length !== 64) {
    throw new GmError(
      'YZ_ERR_SIGNATURE_FORMAT',
      `raw signature must be 64 bytes r||s, got ${signature.length}`,
    );
  }
  checkRange('r', bytesToBigInt(signature.subarray(0, 32)));
  checkRange('s', bytesToBigInt(signature.subarray(32)));
  return { r: signature.slice(0, 32), s: signature.slice(32) };
}

/** r‖s of decoded parts. */
export function joinSignature(parts: SignatureParts): Uint8Array {
  return concatBytes(parts.r, parts.s);
}
