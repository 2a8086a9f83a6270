/**
 * SM2 key pairs (GB/T 32918.1 §6), the signer identity hash Z (GB/T 32918.2 §5.5) and
 * digital signatures (GB/T 32918.2 §6–§7).
 *
 * Keys are objects so that the work a signer repeats is done once: the public key of a private
 * key and Z for the default ID are computed lazily and kept (a CA signs thousands of certificates
 * with one key). Private keys never print themselves (toString/toJSON/inspect are redacted).
 */
import { bigIntToBytes, bytesToBigInt, concatBytes, randomBytes, toHex, utf8 } from '../bytes.js';
import { GmError } from '../errors.js';
import { sm3Concat } from '../sm3.js';
import { sm2Backend } from '#sm2-backend';
import { Sm2Point } from './curve.js';
import { decodeSignature, encodeSignature, isValidScalar, type SignatureFormat } from './signature.js';

/** The default signer ID of GM/T 0009-2012 §10: ASCII "1234567812345678". */
export const SM2_DEFAULT_ID = '1234567812345678';

/** A signer ID: a string (UTF-8) or bytes; at most 8191 bytes so that ENTL fits 16 bits. */
export type Sm2Id = string | Uint8Array;

/** a ‖ b ‖ Gx ‖ Gy of the backend's curve, the fixed middle of every Z (cached per curve). */
const curvePrefixes = new WeakMap<object, Uint8Array>();
function curvePrefix(): Uint8Array {
  const curve = sm2Backend().curve;
  let prefix = curvePrefixes.get(curve);
  if (!prefix) {
    prefix = concatBytes(...[curve.a, curve.b, curve.Gx, curve.Gy].map((v) => bigIntToBytes(v, 32)));
    curvePrefixes.set(curve, prefix);
  }
  return prefix;
}

function idBytes(id: Sm2Id): Uint8Array {
  const bytes = utf8(id);
  if (bytes.length > 8191)
    throw new GmError('YZ_ERR_ID_LENGTH', `SM2 ID is ${bytes.length} bytes, at most 8191`);
  return bytes;
}

/** Options of sign and verify. */
export interface SignOptions {
  /** Signer ID for Z; default "1234567812345678". */
  id?: Sm2Id;
  /** Signature encoding; default DER. */
  format?: SignatureFormat;
}

/** An SM2 public key: a point on sm2p256v1, validated on construction (never infinity). */
export class Sm2PublicKey {
  /** X‖Y, 64 bytes. */
  readonly #xy: Uint8Array;
  #defaultZ: Uint8Array | null = null;

  private constructor(xy: Uint8Array) {
    this.#xy = xy;
  }

  /**
   * From 04‖X‖Y (65 bytes), 02/03‖X (33 bytes, compressed) or raw X‖Y (64 bytes).
   * Points off the curve are YZ_ERR_POINT_INVALID.
   */
  static fromBytes(bytes: Uint8Array): Sm2PublicKey {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('public key must be a Uint8Array');
    let xy: Uint8Array;
    if (bytes.length === 65 && bytes[0] === 0x04) xy = bytes.slice(1);
    else if (bytes.length === 64) xy = bytes.slice();
    else if (bytes.length === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03)) {
      try {
        const { x, y } = Sm2Point.fromBytes(bytes).toAffine();
        xy = concatBytes(bigIntToBytes(x, 32), bigIntToBytes(y, 32));
      } catch {
        throw new GmError(
          'YZ_ERR_POINT_INVALID',
          'compressed point has no square root: not on the SM2 curve',
        );
      }
    } else {
      throw new GmError(
        'YZ_ERR_POINT_INVALID',
        `public key must be 65 bytes 04||X||Y, 33 bytes compressed or 64 bytes X||Y, got ${bytes.length} bytes`,
      );
    }
    if (!sm2Backend().isOnCurve(xy))
      throw new GmError('YZ_ERR_POINT_INVALID', 'public key point is not on the SM2 curve');
    return new Sm2PublicKey(xy);
  }

  /** Trusted constructor for points our own arithmetic produced. */
  static fromTrustedXY(xy: Uint8Array): Sm2PublicKey {
    return new Sm2PublicKey(xy);
  }

  /** 04‖X‖Y, or 02/03‖X when `compressed`. */
  toBytes(compressed = false): Uint8Array {
    if (!compressed) return concatBytes(Uint8Array.of(0x04), this.#xy);
    const odd = (this.#xy[63]! & 1) === 1;
    return concatBytes(Uint8Array.of(odd ? 0x03 : 0x02), this.#xy.subarray(0, 32));
  }

  /** X‖Y (64 bytes, a copy). */
  get xy(): Uint8Array {
    return this.#xy.slice();
  }

  /** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ Gx ‖ Gy ‖ xA ‖ yA) (GB/T 32918.2 §5.5). */
  z(id: Sm2Id = SM2_DEFAULT_ID): Uint8Array {
    const isDefault = id === SM2_DEFAULT_ID;
    if (isDefault && this.#defaultZ) return this.#defaultZ;
    const idb = idBytes(id);
    const entl = Uint8Array.of((idb.length * 8) >> 8, (idb.length * 8) & 0xff);
    const z = sm3Concat(entl, idb, curvePrefix(), this.#xy);
    if (isDefault) this.#defaultZ = z;
    return z;
  }

  /** e = SM3(Z ‖ M), the digest that is signed (GB/T 32918.2 §6.1 A1–A2). */
  digest(message: Uint8Array, id: Sm2Id = SM2_DEFAULT_ID): Uint8Array {
    return sm3Concat(this.z(id), message);
  }

  /**
   * Verifies `signature` over `message` (Z with `options.id`). Returns false for a signature that
   * does not verify; throws YZ_ERR_SIGNATURE_FORMAT for one that is malformed or out of range.
   */
  verify(
    message: Uint8Array,
    signature: Uint8Array,
    options: { id?: Sm2Id; format?: SignatureFormat | 'auto' } = {},
  ) {
    return this.verifyDigest(this.digest(message, options.id), signature, options.format ?? 'der');
  }

  /** Verifies over a precomputed e = SM3(Z ‖ M) (32 bytes). */
  verifyDigest(e: Uint8Array, signature: Uint8Array, format: SignatureFormat | 'auto' = 'der'): boolean {
    if (!(e instanceof Uint8Array) || e.length !== 32) throw new TypeError('digest must be 32 bytes');
    const { r, s } = decodeSignature(signature, format);
    return sm2Backend().verifyDigest(this.#xy, e, r, s);
  }

  /** Equality of the points. */
  equals(other: Sm2PublicKey): boolean {
    return toHex(this.#xy) === toHex(other.#xy);
  }

  toString(): string {
    return `Sm2PublicKey(${toHex(this.toBytes())})`;
  }
}

/** An SM2 private key d ∈ [1, n−2]. */
export class Sm2PrivateKey {
  readonly #d: Uint8Array;
  #publicKey: Sm2PublicKey | null = null;

  private constructor(d: Uint8Array) {
    this.#d = d;
  }

  /** A fresh key: d uniform in [1, n−2] (40 random bytes reduced, bias < 2^-64). */
  static generate(): Sm2PrivateKey {
    const d = (bytesToBigInt(randomBytes(40)) % (sm2Backend().curve.n - 2n)) + 1n;
    return new Sm2PrivateKey(bigIntToBytes(d, 32));
  }

  /** From 32 big-endian bytes (shorter input is left-padded); YZ_ERR_KEY_RANGE outside [1, n−2]. */
  static fromBytes(bytes: Uint8Array): Sm2PrivateKey {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > 32) {
      throw new GmError('YZ_ERR_KEY_RANGE', 'SM2 private key must be 1..32 bytes');
    }
    const d = bytesToBigInt(bytes);
    if (d < 1n || d > sm2Backend().curve.n - 2n)
      throw new GmError('YZ_ERR_KEY_RANGE', 'SM2 private key must be in [1, n-2]');
    return new Sm2PrivateKey(bigIntToBytes(d, 32));
  }

  /** d as 32 bytes (a copy). Handle with care: this is the secret. */
  toBytes(): Uint8Array {
    return this.#d.slice();
  }

  /** P = [d]G. */
  get publicKey(): Sm2PublicKey {
    if (!this.#publicKey) this.#publicKey = Sm2PublicKey.fromTrustedXY(sm2Backend().mulBase(this.#d)!);
    return this.#publicKey;
  }

  /** Signs `message` (Z over this key's public key and `options.id`). */
  sign(message: Uint8Array, options: SignOptions = {}): Uint8Array {
    return this.signDigest(this.publicKey.digest(message, options.id), options.format ?? 'der');
  }

  /** Signs a precomputed e = SM3(Z ‖ M) (32 bytes). */
  signDigest(e: Uint8Array, format: SignatureFormat = 'der'): Uint8Array {
    return encodeSignature(signDigestWithNonce(this.#d, e, randomNonce), format);
  }

  /** Raw d for the modules of this package (decryption, key exchange, key encoding). */
  static secretOf(key: Sm2PrivateKey): Uint8Array {
    return key.#d;
  }

  toString(): string {
    return 'Sm2PrivateKey(<redacted>)';
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A uniform nonce k in [0, n): 32 random bytes, drawn again in the rare case (< 2^-32) they are ≥ n. */
export function randomNonce(): Uint8Array {
  for (;;) {
    const k = randomBytes(32);
    if (isValidScalar(k)) return k;
  }
}

/**
 * GB/T 32918.2 §6.1 with a nonce source: retries with new nonce material until r and s are
 * valid. Exported for known-answer tests, which supply the standard's fixed k.
 */
export function signDigestWithNonce(d: Uint8Array, e: Uint8Array, nonce: () => Uint8Array): Uint8Array {
  if (!(e instanceof Uint8Array) || e.length !== 32) throw new TypeError('digest must be 32 bytes');
  for (let attempt = 0; attempt < 64; attempt++) {
    const rs = sm2Backend().signDigest(d, e, nonce());
    if (rs) return rs;
  }
  throw new Error('SM2 signing failed 64 times in a row: the random source is broken');
}
