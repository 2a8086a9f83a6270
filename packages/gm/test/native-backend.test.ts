/**
 * The native SM2 accelerator against the TypeScript backend (noble-curves) on random and edge
 * inputs: both must give the same points and signatures. The addon is built by `npm ci` on
 * these machines (a C compiler is present), so it must be the backend in use here. R11.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SM2_CURVE, bigIntToBytes, randomBytes, sm2Backend, toHex, typescriptBackend } from '../src/index.js';

const hasCompiler =
  spawnSync('sh', ['-c', 'command -v cc || command -v gcc'], { stdio: 'ignore' }).status === 0;
const native = sm2Backend();
const n = SM2_CURVE.n;

describe('native SM2 backend', () => {
  it('ok/is in use wherever a C compiler was present at npm ci', () => {
    expect(native.name).toBe(hasCompiler ? 'native' : 'typescript');
  });

  it('ok/[k]G, [k]P and [s]G+[t]P equal the TypeScript results on random and edge scalars', () => {
    const edges = [1n, 2n, 3n, n - 1n, n - 2n, n - 6n, n, n + 1n, 2n ** 256n - 1n].map((v) =>
      bigIntToBytes(v % 2n ** 256n, 32),
    );
    const scalars = [...edges, ...Array.from({ length: 300 }, () => randomBytes(32))];
    const point = typescriptBackend.mulBase(randomBytes(32))!;
    for (const k of scalars) {
      const expectBase = typescriptBackend.mulBase(k);
      expect(native.mulBase(k) && toHex(native.mulBase(k)!)).toBe(expectBase && toHex(expectBase));
      const expectMul = typescriptBackend.mul(k, point);
      expect(native.mul(k, point) && toHex(native.mul(k, point)!)).toBe(expectMul && toHex(expectMul));
      const t = randomBytes(32);
      const expectSum = typescriptBackend.mulAdd(k, t, point);
      expect(native.mulAdd(k, t, point) && toHex(native.mulAdd(k, t, point)!)).toBe(
        expectSum && toHex(expectSum),
      );
    }
  });

  it('ok/signatures with the same nonce are identical, and each verifies the other', () => {
    for (let i = 0; i < 200; i++) {
      const d = bigIntToBytes(1n + (BigInt('0x' + toHex(randomBytes(32))) % (n - 2n)), 32);
      const e = randomBytes(32);
      const k = randomBytes(32);
      const rs = native.signDigest(d, e, k);
      expect(rs && toHex(rs)).toBe(
        typescriptBackend.signDigest(d, e, k) && toHex(typescriptBackend.signDigest(d, e, k)!),
      );
      if (!rs) continue;
      const pub = native.mulBase(d)!;
      expect(typescriptBackend.verifyDigest(pub, e, rs.subarray(0, 32), rs.subarray(32))).toBe(true);
      expect(native.verifyDigest(pub, e, rs.subarray(0, 32), rs.subarray(32))).toBe(true);
      expect(native.verifyDigest(pub, randomBytes(32), rs.subarray(0, 32), rs.subarray(32))).toBe(false);
    }
  });

  it('error/invalid points and keys are refused, the process survives', () => {
    const bad = new Uint8Array(64).fill(7);
    expect(native.isOnCurve(bad)).toBe(false);
    expect(() => native.mul(randomBytes(32), bad)).toThrow(RangeError);
    expect(() => native.mulAdd(randomBytes(32), randomBytes(32), bad)).toThrow(RangeError);
    expect(() => native.signDigest(new Uint8Array(32), randomBytes(32), randomBytes(32))).toThrow(RangeError);
    expect(() => native.mulBase(new Uint8Array(31))).toThrow(TypeError);
  });
});
