// Standalone correctness check and benchmark for the native SM2 addon (native/sm2p256.c).
//
//   node native/check.mjs                 full run (~1 min incl. benchmarks)
//   CHECK_QUICK=1 node native/check.mjs   few iterations, no benchmarks (for valgrind)
//
// Independent references: Node's OpenSSL (crypto.createECDH('SM2')) for [k]G and the
// x-coordinate of [k]P, and plain BigInt affine arithmetic written below for everything else.
// Exits non-zero on any mismatch.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const sm2 = require(path.join(here, '..', 'build', 'Release', 'yizheng_sm2.node'));

const QUICK = process.env.CHECK_QUICK === '1';
const iters = (full, quick) => (QUICK ? quick : full);

// ---------------------------------------------------------------------------
// Curve and BigInt reference arithmetic
// ---------------------------------------------------------------------------
const p = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const a = p - 3n;
const b = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const G = {
  x: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  y: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

const mod = (x, m) => ((x % m) + m) % m;
function inv(x, m) {
  // extended Euclid; x is nonzero mod m
  let [r0, r1, s0, s1] = [mod(x, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}
// affine points as {x, y}; null is the point at infinity
function add(P1, P2) {
  if (P1 === null) return P2;
  if (P2 === null) return P1;
  let lambda;
  if (P1.x === P2.x) {
    if (mod(P1.y + P2.y, p) === 0n) return null;
    lambda = mod((3n * P1.x * P1.x + a) * inv(2n * P1.y, p), p);
  } else {
    lambda = mod((P2.y - P1.y) * inv(P2.x - P1.x, p), p);
  }
  const x = mod(lambda * lambda - P1.x - P2.x, p);
  return { x, y: mod(lambda * (P1.x - x) - P1.y, p) };
}
function mulSlow(k, P) {
  let R = null;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    R = add(R, R);
    if ((k >> i) & 1n) R = add(R, P);
  }
  return R;
}
const onCurve = (P) => mod(P.y * P.y - (P.x * P.x * P.x + a * P.x + b), p) === 0n;
const neg = (P) => (P === null ? null : { x: P.x, y: mod(-P.y, p) });

// ---------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------
const toBig = (bytes) => BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
const be32 = (x) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const pointBytes = (P) => {
  const out = new Uint8Array(64);
  out.set(be32(P.x), 0);
  out.set(be32(P.y), 32);
  return out;
};
const bytesPoint = (u8) => (u8 === null ? null : { x: toBig(u8.subarray(0, 32)), y: toBig(u8.subarray(32)) });
const hex = (u8) => (u8 === null ? 'null' : Buffer.from(u8).toString('hex'));
const randScalar = () => mod(toBig(crypto.randomBytes(32)), n - 1n) + 1n; // [1, n-1]
const samePoint = (u8, P) => (u8 === null ? P === null : P !== null && hex(u8) === hex(pointBytes(P)));

// OpenSSL references
const ecdh = crypto.createECDH('SM2');
function opensslMulBase(k) {
  // [k]G for 1 <= k < n, as a point
  ecdh.setPrivateKey(Buffer.from(be32(k)));
  const pub = ecdh.getPublicKey();
  return { x: toBig(pub.subarray(1, 33)), y: toBig(pub.subarray(33)) };
}
function opensslMulX(k, P) {
  // x-coordinate of [k]P for 1 <= k < n
  ecdh.setPrivateKey(Buffer.from(be32(k)));
  return toBig(ecdh.computeSecret(Buffer.concat([Buffer.from([4]), Buffer.from(pointBytes(P))])));
}

// ---------------------------------------------------------------------------
// Test harness
// ---------------------------------------------------------------------------
let failures = 0;
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    if (failures <= 20) console.error('FAIL:', what);
  }
}
function expectThrow(fn, type, pattern, what) {
  let err = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  check(
    err instanceof type && pattern.test(err.message),
    `${what}: expected ${type.name} ${pattern}, got ${err}`,
  );
}
function section(name, fn) {
  const before = failures;
  const t0 = performance.now();
  const before_checks = checks;
  fn();
  const ms = (performance.now() - t0).toFixed(0);
  console.log(
    `${failures === before ? 'ok  ' : 'FAIL'} ${name} (${checks - before_checks} checks, ${ms} ms)`,
  );
}

const specialScalars = [
  1n,
  2n,
  3n,
  4n,
  5n,
  6n,
  7n,
  15n,
  16n,
  17n,
  31n,
  32n,
  33n,
  63n,
  64n,
  65n,
  n - 1n,
  n - 2n,
  n - 3n,
  n - 6n,
  n - 16n,
  n - 32n,
  n - 33n,
  n - 64n,
  (n - 1n) / 2n,
  (n + 1n) / 2n,
  1n << 255n,
  (1n << 255n) - 1n,
  1n << 252n,
  1n << 251n,
  1n << 128n,
  (1n << 64n) - 1n,
  0xff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00n,
  0x00ff00000000000000ffffffffffffff000000000000000000ffffffffff0001n,
  0x0000000000000000000000000000000000000000000000000000000100000000n,
  0xfffffffeffffffffffffffffffffffff00000000000000000000000000000000n,
];
for (let j = 1n; j <= 40n; j++) specialScalars.push(j, n - j);

// ---------------------------------------------------------------------------
// 1. mulBase
// ---------------------------------------------------------------------------
section('mulBase vs OpenSSL', () => {
  const ks = [...specialScalars];
  for (let i = 0; i < iters(2000, 30); i++) ks.push(randScalar());
  for (const k of ks) check(samePoint(sm2.mulBase(be32(k)), opensslMulBase(k)), `mulBase(${k.toString(16)})`);
  // scalars >= n are reduced mod n; 0 and n give infinity
  check(sm2.mulBase(be32(0n)) === null, 'mulBase(0) is null');
  check(sm2.mulBase(be32(n)) === null, 'mulBase(n) is null');
  for (const k of [n + 1n, n + 2n, (1n << 256n) - 1n, n + (1n << 200n)])
    check(samePoint(sm2.mulBase(be32(k)), opensslMulBase(k - n)), `mulBase(${k.toString(16)}) reduced`);
  // a second, OpenSSL-free reference for a few values
  for (const k of ks.slice(0, iters(10, 3)))
    check(samePoint(sm2.mulBase(be32(k)), mulSlow(k, G)), 'mulBase vs BigInt');
  // input views with a byteOffset, Buffers
  const buf = new Uint8Array(40);
  buf.set(be32(12345n), 5);
  check(samePoint(sm2.mulBase(buf.subarray(5, 37)), opensslMulBase(12345n)), 'mulBase(subarray view)');
  check(samePoint(sm2.mulBase(Buffer.from(be32(777n))), opensslMulBase(777n)), 'mulBase(Buffer)');
  const out = sm2.mulBase(be32(5n));
  check(
    out instanceof Uint8Array && out.length === 64 && !Buffer.isBuffer(out),
    'mulBase returns a plain Uint8Array(64)',
  );
});

// ---------------------------------------------------------------------------
// 2. mul
// ---------------------------------------------------------------------------
section('mul vs OpenSSL ECDH and mulBase', () => {
  const cases = [];
  for (let i = 0; i < iters(500, 20); i++) cases.push([randScalar(), randScalar()]);
  const dFixed = randScalar();
  for (const k of specialScalars) cases.push([k, dFixed]);
  for (const [k, dP] of cases) {
    const P = opensslMulBase(dP);
    const R = sm2.mul(be32(k), pointBytes(P));
    check(
      R !== null && toBig(R.subarray(0, 32)) === opensslMulX(k, P),
      `mul x vs computeSecret k=${k.toString(16)}`,
    );
    check(R !== null && sm2.isOnCurve(R) && onCurve(bytesPoint(R)), 'mul result on curve');
    check(hex(R) === hex(sm2.mulBase(be32(mod(k * dP, n)))), `mul == mulBase(k*dP) k=${k.toString(16)}`);
  }
  const P = opensslMulBase(dFixed);
  check(sm2.mul(be32(0n), pointBytes(P)) === null, 'mul(0, P) is null');
  check(sm2.mul(be32(n), pointBytes(P)) === null, 'mul(n, P) is null');
  check(
    hex(sm2.mul(be32((1n << 256n) - 1n), pointBytes(P))) ===
      hex(pointBytes(opensslMulBase(mod(((1n << 256n) - 1n) * dFixed, n)))),
    'mul(2^256-1, P) reduced',
  );
  check(hex(sm2.mul(be32(1n), pointBytes(G))) === hex(pointBytes(G)), 'mul(1, G) == G');
  for (const k of specialScalars.slice(0, iters(8, 2)))
    check(samePoint(sm2.mul(be32(k), pointBytes(P)), mulSlow(k, P)), 'mul vs BigInt');
});

// ---------------------------------------------------------------------------
// 3. mulAdd
// ---------------------------------------------------------------------------
section('mulAdd vs BigInt point addition', () => {
  for (let i = 0; i < iters(500, 20); i++) {
    const [s, t, dP] = [randScalar(), randScalar(), randScalar()];
    const P = opensslMulBase(dP);
    const expected = add(opensslMulBase(s), bytesPoint(sm2.mul(be32(t), pointBytes(P))));
    const R = sm2.mulAdd(be32(s), be32(t), pointBytes(P));
    check(samePoint(R, expected), 'mulAdd random');
    check(hex(R) === hex(sm2.mulBase(be32(mod(s + t * dP, n)))), 'mulAdd == mulBase(s + t*dP)');
  }
  // edge cases: [s]G = -[t]P (infinity), [s]G = [t]P (doubling), zero scalars
  for (let i = 0; i < iters(50, 5); i++) {
    const [t, dP] = [randScalar(), randScalar()];
    const P = pointBytes(opensslMulBase(dP));
    check(sm2.mulAdd(be32(mod(-t * dP, n)), be32(t), P) === null, '[s]G = -[t]P gives null');
    check(
      samePoint(sm2.mulAdd(be32(mod(t * dP, n)), be32(t), P), opensslMulBase(mod(2n * t * dP, n))),
      '[s]G = [t]P doubles',
    );
    check(samePoint(sm2.mulAdd(be32(0n), be32(t), P), opensslMulBase(mod(t * dP, n))), 'mulAdd(0, t, P)');
    check(samePoint(sm2.mulAdd(be32(t), be32(0n), P), opensslMulBase(t)), 'mulAdd(s, 0, P)');
  }
  check(sm2.mulAdd(be32(0n), be32(0n), pointBytes(G)) === null, 'mulAdd(0, 0, P) is null');
  check(sm2.mulAdd(be32(5n), be32(5n), pointBytes(neg(G))) === null, 'mulAdd(5, 5, -G) is null');
  check(
    samePoint(sm2.mulAdd(be32(n - 1n), be32(n - 1n), pointBytes(G)), opensslMulBase(n - 2n)),
    'mulAdd(n-1, n-1, G)',
  );
  // small multiples: P = [c]G with tiny s, t exercises degenerate additions inside the loop
  for (let c = 1n; c <= 5n; c++) {
    const P = pointBytes(opensslMulBase(c));
    for (let s = 0n; s <= iters(20n, 4n); s++)
      for (let t = 0n; t <= iters(20n, 4n); t++) {
        const e = mod(s + t * c, n);
        check(
          hex(sm2.mulAdd(be32(s), be32(t), P)) === hex(e === 0n ? null : pointBytes(opensslMulBase(e))),
          `mulAdd(${s}, ${t}, [${c}]G)`,
        );
      }
  }
});

// ---------------------------------------------------------------------------
// 4. Known answer: GB/T 32918.5 Annex A
// ---------------------------------------------------------------------------
section('sign/verify known answer (GB/T 32918.5 Annex A)', () => {
  const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
  const d = h('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8');
  const e = h('F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640');
  const k = h('59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21');
  const r = 0xf5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3n;
  const s = 0xb1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aan;
  const pub = h(
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  );
  check(hex(sm2.mulBase(d)) === hex(pub), 'public key = mulBase(d)');
  const sig = sm2.sign(d, e, k);
  check(hex(sig) === hex(new Uint8Array([...be32(r), ...be32(s)])), `sign gives r||s (${hex(sig)})`);
  check(sm2.verify(pub, e, be32(r), be32(s)) === true, 'verify accepts');
  const E = toBig(e);
  const reject = [
    ['r+1', pub, e, r + 1n, s],
    ['r-1', pub, e, r - 1n, s],
    ['s+1', pub, e, r, s + 1n],
    ['s-1', pub, e, r, s - 1n],
    ['e+1', pub, be32(E + 1n), r, s],
    ['e-1', pub, be32(E - 1n), r, s],
    ['r=0', pub, e, 0n, s],
    ['s=0', pub, e, r, 0n],
    ['r=n', pub, e, n, s],
    ['s=n', pub, e, r, n],
    ['r=n+r', pub, e, (r + n) % (1n << 256n), s],
    ['wrong key', pointBytes(opensslMulBase(12345n)), e, r, s],
    ['key=G', pointBytes(G), e, r, s],
    ['r+s=n', pub, e, r, n - r],
  ];
  for (const [what, P, ee, rr, ss] of reject)
    check(sm2.verify(P, ee, be32(rr), be32(ss)) === false, `verify rejects ${what}`);
  // e >= n is taken mod n
  const small = 12345n;
  const sigSmall = sm2.sign(d, be32(small), k);
  check(
    sigSmall !== null &&
      sm2.verify(pub, be32(small + n), sigSmall.subarray(0, 32), sigSmall.subarray(32)) === true,
    'verify takes e mod n',
  );
  check(hex(sm2.sign(d, be32(small + n), k)) === hex(sigSmall), 'sign takes e mod n');
});

// ---------------------------------------------------------------------------
// 5. Random sign -> verify, recomputed independently with BigInt + OpenSSL [k]G
// ---------------------------------------------------------------------------
section('random sign/verify vs independent recomputation', () => {
  let nulls = 0;
  for (let i = 0; i < iters(2000, 30); i++) {
    const d = mod(toBig(crypto.randomBytes(32)), n - 2n) + 1n; // [1, n-2]
    const e = crypto.randomBytes(32);
    const rand = crypto.randomBytes(32);
    const sig = sm2.sign(be32(d), e, rand);
    // GB/T 32918.2 section 6.1, in BigInt
    const k = mod(toBig(rand), n);
    let expected = null;
    if (k !== 0n) {
      const x1 = opensslMulBase(k).x;
      const r = mod(toBig(e) + x1, n);
      if (r !== 0n && r + k !== n) {
        const s = mod(inv(1n + d, n) * (k - r * d), n);
        if (s !== 0n) expected = [r, s];
      }
    }
    if (expected === null) nulls++;
    check(
      hex(sig) === (expected ? hex(new Uint8Array([...be32(expected[0]), ...be32(expected[1])])) : 'null'),
      `sign d=${d.toString(16)}`,
    );
    if (sig === null) continue;
    const pub = opensslMulBase(d);
    const [r, s] = [sig.subarray(0, 32), sig.subarray(32)];
    check(sm2.verify(pointBytes(pub), e, r, s) === true, 'verify accepts own signature');
    // section 7.1 in BigInt: x1 of [s]G + [t]P with t = r + s, scalar multiples from OpenSSL
    const [R, S] = [toBig(r), toBig(s)];
    const t = mod(R + S, n);
    const X = add(opensslMulBase(S), opensslMulBase(mod(t * d, n)));
    check(X !== null && mod(toBig(e) + X.x, n) === R, 'signature satisfies the verification equation');
    if (i % 10 === 0) {
      const bad = Uint8Array.from(e);
      bad[i % 32] ^= 1 << (i % 8);
      check(sm2.verify(pointBytes(pub), bad, r, s) === false, 'verify rejects a changed digest');
      const s2 = be32(mod(S + 1n + BigInt(i), n) || 1n);
      check(sm2.verify(pointBytes(pub), e, r, s2) === false, 'verify rejects a changed s');
    }
  }
  // k = rand mod n = 0 gives null (retry)
  check(sm2.sign(be32(1n), be32(5n), be32(0n)) === null, 'sign with k = 0 is null');
  check(sm2.sign(be32(1n), be32(5n), be32(n)) === null, 'sign with k = n is null');
  // r = 0: choose e = -x1 mod n
  const k = 99999n;
  const x1 = opensslMulBase(k).x;
  check(sm2.sign(be32(7n), be32(mod(-x1, n)), be32(k)) === null, 'sign with r = 0 is null');
  // r + k = n: choose e = n - k - x1
  check(sm2.sign(be32(7n), be32(mod(n - k - x1, n)), be32(k)) === null, 'sign with r + k = n is null');
  // boundary private keys
  for (const d of [1n, 2n, n - 2n, n - 3n]) {
    const e = crypto.randomBytes(32);
    const sig = sm2.sign(be32(d), e, crypto.randomBytes(32));
    check(
      sig !== null && sm2.verify(pointBytes(opensslMulBase(d)), e, sig.subarray(0, 32), sig.subarray(32)),
      `sign/verify with d = ${d.toString(16)}`,
    );
  }
  if (nulls) console.log(`     (${nulls} null signatures expected and seen)`);
});

// ---------------------------------------------------------------------------
// 6. Bad input
// ---------------------------------------------------------------------------
section('bad input', () => {
  const k = be32(5n);
  const P = pointBytes(opensslMulBase(5n));
  const notPoint = pointBytes({ x: G.x, y: mod(G.y + 1n, p) });
  const bad32 = [
    new Uint8Array(31),
    new Uint8Array(33),
    new Uint8Array(0),
    'x'.repeat(32),
    5,
    null,
    undefined,
    [...k],
    new Uint16Array(16),
    new Uint8ClampedArray(32),
    k.buffer,
    new DataView(k.buffer),
    {},
  ];
  for (const v of bad32) {
    expectThrow(
      () => sm2.mulBase(v),
      TypeError,
      /^k must be a 32-byte Uint8Array$/,
      `mulBase(${Object.prototype.toString.call(v)})`,
    );
    expectThrow(() => sm2.mul(v, P), TypeError, /^k must be a 32-byte Uint8Array$/, 'mul bad k');
    expectThrow(() => sm2.mulAdd(v, k, P), TypeError, /^s must be/, 'mulAdd bad s');
    expectThrow(() => sm2.mulAdd(k, v, P), TypeError, /^t must be/, 'mulAdd bad t');
    expectThrow(() => sm2.sign(v, k, k), TypeError, /^d must be/, 'sign bad d');
    expectThrow(() => sm2.sign(k, v, k), TypeError, /^e must be/, 'sign bad e');
    expectThrow(() => sm2.sign(k, k, v), TypeError, /^rand must be/, 'sign bad rand');
    expectThrow(() => sm2.verify(P, v, k, k), TypeError, /^e must be/, 'verify bad e');
    expectThrow(() => sm2.verify(P, k, v, k), TypeError, /^r must be/, 'verify bad r');
    expectThrow(() => sm2.verify(P, k, k, v), TypeError, /^s must be/, 'verify bad s');
  }
  for (const v of [
    new Uint8Array(63),
    new Uint8Array(65),
    new Uint8Array(32),
    'P',
    undefined,
    new Uint8Array(65).fill(4),
  ]) {
    expectThrow(() => sm2.mul(k, v), TypeError, /^P must be a 64-byte Uint8Array$/, 'mul bad P type');
    expectThrow(() => sm2.mulAdd(k, k, v), TypeError, /^P must be a 64-byte/, 'mulAdd bad P type');
    expectThrow(() => sm2.verify(v, k, k, k), TypeError, /^P must be a 64-byte/, 'verify bad P type');
    expectThrow(() => sm2.isOnCurve(v), TypeError, /^P must be a 64-byte/, 'isOnCurve bad P type');
  }
  expectThrow(() => sm2.mul(k), TypeError, /^P must be/, 'mul missing P');
  expectThrow(() => sm2.mulBase(), TypeError, /^k must be/, 'mulBase no arguments');
  const offCurve = [
    notPoint,
    new Uint8Array(64), // (0, 0)
    pointBytes({ x: p, y: G.y }), // x = p
    pointBytes({ x: G.x, y: G.y + p < 1n << 256n ? G.y + p : p }), // y >= p
    new Uint8Array(64).fill(0xff),
  ];
  for (const Q of offCurve) {
    check(sm2.isOnCurve(Q) === false, 'isOnCurve false');
    expectThrow(() => sm2.mul(k, Q), RangeError, /^point is not on the curve$/, 'mul off-curve');
    expectThrow(() => sm2.mulAdd(k, k, Q), RangeError, /^point is not on the curve$/, 'mulAdd off-curve');
    expectThrow(() => sm2.verify(Q, k, k, k), RangeError, /^point is not on the curve$/, 'verify off-curve');
  }
  check(
    sm2.isOnCurve(P) === true &&
      sm2.isOnCurve(pointBytes(G)) === true &&
      sm2.isOnCurve(pointBytes(neg(G))) === true,
    'isOnCurve true',
  );
  for (const d of [0n, n - 1n, n, n + 1n, (1n << 256n) - 1n])
    expectThrow(
      () => sm2.sign(be32(d), k, k),
      RangeError,
      /private key d must be in \[1, n-2\]/,
      `sign with d = ${d.toString(16)}`,
    );
  // bad r/s give false, not an exception
  for (const [r, s] of [
    [0n, 1n],
    [1n, 0n],
    [n, 1n],
    [1n, n],
    [(1n << 256n) - 1n, 1n],
    [1n, (1n << 256n) - 1n],
  ])
    check(sm2.verify(P, k, be32(r), be32(s)) === false, 'verify bad r/s is false');
  check(typeof sm2.verify(P, k, k, k) === 'boolean', 'verify returns a boolean');
});

// ---------------------------------------------------------------------------
// 6b. Worker threads: each loads the addon (the G tables are shared, built once)
// ---------------------------------------------------------------------------
{
  const { Worker } = await import('node:worker_threads');
  const addonPath = path.join(here, '..', 'build', 'Release', 'yizheng_sm2.node');
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const sm2 = require(workerData.addonPath);
    const out = [];
    for (const k of workerData.ks) out.push(Buffer.from(sm2.mulBase(Buffer.from(k, 'hex'))).toString('hex'));
    parentPort.postMessage(out);`;
  const ks = Array.from({ length: iters(50, 3) }, () => be32(randScalar()));
  const t0 = performance.now();
  const results = await Promise.all(
    [0, 1, 2].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { addonPath, ks: ks.map(hex) } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  const before = failures;
  for (const out of results)
    ks.forEach((k, i) => check(out[i] === hex(pointBytes(opensslMulBase(toBig(k)))), 'mulBase in a worker'));
  console.log(
    `${failures === before ? 'ok  ' : 'FAIL'} worker threads (${results.length * ks.length} checks, ${(performance.now() - t0).toFixed(0)} ms)`,
  );
}

// ---------------------------------------------------------------------------
// 7. Benchmarks
// ---------------------------------------------------------------------------
function bench(fn, ms = 2000) {
  for (let i = 0; i < 200; i++) fn(i); // warm up
  let count = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    for (let i = 0; i < 256; i++) fn(count + i);
    count += 256;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  return (count * 1000) / elapsed;
}

function opensslSpeed() {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '3', 'sm2'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const line = out.split('\n').find((l) => /SM2 \(CurveSM2\)/.test(l));
    const nums = line.trim().split(/\s+/).slice(-2).map(Number);
    return { sign: nums[0], verify: nums[1] };
  } catch {
    return null;
  }
}

if (failures === 0 && !QUICK) {
  const pool = Array.from({ length: 1024 }, () => crypto.randomBytes(32));
  const d = be32(randScalar());
  const pub = sm2.mulBase(d);
  const sigs = pool.map((e, i) => sm2.sign(d, e, pool[(i + 1) & 1023]));
  const ours = {
    mulBase: bench((i) => sm2.mulBase(pool[i & 1023])),
    mul: bench((i) => sm2.mul(pool[i & 1023], pub)),
    sign: bench((i) => sm2.sign(d, pool[i & 1023], pool[(i * 7) & 1023])),
    verify: bench((i) =>
      sm2.verify(pub, pool[i & 1023], sigs[i & 1023].subarray(0, 32), sigs[i & 1023].subarray(32)),
    ),
    mulAdd: bench((i) => sm2.mulAdd(pool[i & 1023], pool[(i + 3) & 1023], pub)),
  };
  console.log('\nops/s, one thread:');
  for (const [name, v] of Object.entries(ours))
    console.log(`  ${name.padEnd(8)} ${Math.round(v).toString().padStart(7)}`);
  const ossl = opensslSpeed();
  if (ossl) {
    console.log(`openssl speed -seconds 3 sm2: sign ${ossl.sign}/s, verify ${ossl.verify}/s`);
    console.log(`  ratio sign   ${(ours.sign / ossl.sign).toFixed(2)}x`);
    console.log(`  ratio verify ${(ours.verify / ossl.verify).toFixed(2)}x`);
  } else {
    console.log('openssl speed: not available');
  }
}

console.log(`\n${checks} checks, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
