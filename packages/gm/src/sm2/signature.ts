/**
 * SM2 signature encodings: GM/T 0009-2012 §7.3 `SM2Signature ::= SEQUENCE { R INTEGER, S INTEGER }`
 * (DER, what X.509, CMS and OpenSSL use) and raw 64-byte r‖s (many SDKs and tokens).
 */
import { decodeDer, sequence, unsignedInteger } from '../asn1/types.js';
import { bigIntToBytes, concatBytes } from '../bytes.js';
import { GmError, isGmError } from '../errors.js';
import { sm2Backend } from '#sm2-backend';

/** GM/T 0009 SM2Signature. */
export const SM2Signature = sequence('SM2Signature', { r: unsignedInteger(32), s: unsignedInteger(32) });

/** How a signature is laid out on the wire. */
export type SignatureFormat = 'der' | 'raw';

/** r and s as 32-byte big-endian values. */
export interface SignatureParts {
  readonly r: Uint8Array;
  readonly s: Uint8Array;
}

/** n of the backend's curve as 32 bytes, for byte-wise range checks. */
const orderBytes = new WeakMap<object, Uint8Array>();
function curveOrder(): Uint8Array {
  const curve = sm2Backend().curve;
  let bytes = orderBytes.get(curve);
  if (!bytes) orderBytes.set(curve, (bytes = bigIntToBytes(curve.n, 32)));
  return bytes;
}

/** Big-endian comparison of two equal-length byte strings. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Whether 0 < value < n, as 32 big-endian bytes. */
export function isValidScalar(value: Uint8Array): boolean {
  return value.some((byte) => byte !== 0) && compare(value, curveOrder()) < 0;
}

function checkRange(name: 'r' | 's', value: Uint8Array): void {
  if (!isValidScalar(value)) {
    throw new GmError('YZ_ERR_SIGNATURE_FORMAT', `${name} must be in [1, n-1]`);
  }
}

/** Encodes r‖s (64 bytes) in `format`. */
export function encodeSignature(rs: Uint8Array, format: SignatureFormat): Uint8Array {
  if (format === 'raw') return rs;
  return SM2Signature.encode({ r: rs.subarray(0, 32), s: rs.subarray(32, 64) });
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
      return { r, s };
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
  checkRange('r', signature.subarray(0, 32));
  checkRange('s', signature.subarray(32));
  return { r: signature.slice(0, 32), s: signature.slice(32) };
}

/** r‖s of decoded parts. */
export function joinSignature(parts: SignatureParts): Uint8Array {
  return concatBytes(parts.r, parts.s);
}
