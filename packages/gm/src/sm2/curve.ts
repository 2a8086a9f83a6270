/**
 * The SM2 recommended curve sm2p256v1 (GB/T 32918.5-2017 §A.1 ≙ GM/T 0003.5-2012) and the
 * point arithmetic backends behind one narrow interface.
 *
 * Two backends give the same answers: the native addon (native/sm2p256.c, built by `npm ci`
 * when a C compiler is present) and pure TypeScript on @noble/curves. The TypeScript one must
 * always work — browsers and the mobile SDK use it — so the native one is an accelerator only.
 */
import { weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { bigIntToBytes, bytesToBigInt } from '../bytes.js';

/** Domain parameters of sm2p256v1 (y² = x³ + ax + b over F_p, cofactor 1). */
export const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
  h: 1n,
} as const;

/** Domain parameters of an SM2 curve (the recommended one, or the standard's test curve in tests). */
export interface Sm2CurveParams {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly Gx: bigint;
  readonly Gy: bigint;
  readonly h: bigint;
}

function createPointType(curve: Sm2CurveParams) {
  const Point = weierstrass<bigint>({ ...curve });
  Point.BASE.precompute(8);
  return Point;
}

/** noble point type for sm2p256v1 (key exchange and point decompression use it directly). */
export const Sm2Point = createPointType(SM2_CURVE);

/**
 * What SM2 needs from point arithmetic. All values are big-endian bytes: scalars 32 bytes,
 * points 64 bytes X‖Y (affine, no 04 prefix). `null` is the point at infinity (or, for
 * `signDigest`, "retry with fresh randomness").
 */
export interface Sm2Backend {
  readonly name: 'native' | 'typescript';
  /** The curve this backend computes on (Z, key generation and range checks read it). */
  readonly curve: Sm2CurveParams;
  /** [k]G, constant time in k. */
  mulBase(k: Uint8Array): Uint8Array | null;
  /** [k]P, constant time in k; P must be on the curve. */
  mul(k: Uint8Array, point: Uint8Array): Uint8Array | null;
  /** [s]G + [t]P, variable time (public inputs only). */
  mulAdd(s: Uint8Array, t: Uint8Array, point: Uint8Array): Uint8Array | null;
  /** GB/T 32918.2 §6.1 steps A3–A7 for digest e and nonce material `rand`: r‖s, or null to retry. */
  signDigest(d: Uint8Array, e: Uint8Array, rand: Uint8Array): Uint8Array | null;
  /** GB/T 32918.2 §7.1 steps B1–B7 for digest e. */
  verifyDigest(point: Uint8Array, e: Uint8Array, r: Uint8Array, s: Uint8Array): boolean;
  /** Whether X‖Y satisfies the curve equation with coordinates below p. */
  isOnCurve(point: Uint8Array): boolean;
}

function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** x^-1 mod m for prime m (Fermat); only for the TypeScript backend. */
function invert(x: bigint, m: bigint): bigint {
  let result = 1n;
  let base = mod(x, m);
  for (let e = m - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

function toAffineBytes(point: WeierstrassPoint<bigint>): Uint8Array | null {
  if (point.is0()) return null;
  const { x, y } = point.toAffine();
  const out = new Uint8Array(64);
  out.set(bigIntToBytes(x, 32), 0);
  out.set(bigIntToBytes(y, 32), 32);
  return out;
}

/** A pure TypeScript backend (noble-curves arithmetic) for `curve`. */
export function createTypescriptBackend(curve: Sm2CurveParams): Sm2Backend {
  const { n, p, a, b } = curve;
  const Point = curve === SM2_CURVE ? Sm2Point : createPointType(curve);
  const curveEquationHolds = (x: bigint, y: bigint): boolean =>
    x < p && y < p && mod(y * y - (x * x * x + a * x + b), p) === 0n;
  const pointFromBytes = (bytes: Uint8Array): WeierstrassPoint<bigint> => {
    const x = bytesToBigInt(bytes.subarray(0, 32));
    const y = bytesToBigInt(bytes.subarray(32, 64));
    if (!curveEquationHolds(x, y)) throw new RangeError('point is not on the curve');
    return Point.fromAffine({ x, y });
  };
  return {
    name: 'typescript',
    curve,
    mulBase(k) {
      const scalar = mod(bytesToBigInt(k), n);
      return scalar === 0n ? null : toAffineBytes(Point.BASE.multiply(scalar));
    },
    mul(k, point) {
      const scalar = mod(bytesToBigInt(k), n);
      const P = pointFromBytes(point);
      return scalar === 0n ? null : toAffineBytes(P.multiply(scalar));
    },
    mulAdd(s, t, point) {
      const P = pointFromBytes(point);
      const sG = Point.BASE.multiplyUnsafe(mod(bytesToBigInt(s), n));
      const tP = P.multiplyUnsafe(mod(bytesToBigInt(t), n));
      return toAffineBytes(sG.add(tP));
    },
    signDigest(dBytes, eBytes, rand) {
      const d = bytesToBigInt(dBytes);
      if (d < 1n || d > n - 2n) throw new RangeError('private key must be in [1, n-2]');
      const e = mod(bytesToBigInt(eBytes), n);
      const k = mod(bytesToBigInt(rand), n);
      if (k === 0n) return null;
      const x1 = Point.BASE.multiply(k).toAffine().x;
      const r = mod(e + x1, n);
      if (r === 0n || r + k === n) return null;
      const s = mod(invert(1n + d, n) * (k - r * d), n);
      if (s === 0n) return null;
      const out = new Uint8Array(64);
      out.set(bigIntToBytes(r, 32), 0);
      out.set(bigIntToBytes(s, 32), 32);
      return out;
    },
    verifyDigest(point, eBytes, rBytes, sBytes) {
      const r = bytesToBigInt(rBytes);
      const s = bytesToBigInt(sBytes);
      if (r < 1n || r >= n || s < 1n || s >= n) return false;
      const t = mod(r + s, n);
      if (t === 0n) return false;
      const P = pointFromBytes(point);
      const sum = Point.BASE.multiplyUnsafe(s).add(P.multiplyUnsafe(t));
      if (sum.is0()) return false;
      const e = mod(bytesToBigInt(eBytes), n);
      return mod(e + sum.toAffine().x, n) === r;
    },
    isOnCurve(point) {
      return (
        point.length === 64 &&
        curveEquationHolds(bytesToBigInt(point.subarray(0, 32)), bytesToBigInt(point.subarray(32)))
      );
    },
  };
}

/** The pure TypeScript backend on sm2p256v1. */
export const typescriptBackend = createTypescriptBackend(SM2_CURVE);
