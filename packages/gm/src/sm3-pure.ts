/**
 * SM3 primitives in plain TypeScript (GB/T 32905-2016 §5): the hash, HMAC-SM3 (RFC 2104) and
 * PBKDF2-HMAC-SM3 (RFC 8018 §5.2), for the browser bundle where node:crypto does not exist —
 * the soft certificate (软证书) of R34 derives its PIN key and hashes what it signs in the page.
 * package.json `imports` "#sm3-impl" picks this file under the `browser` condition; Node keeps
 * OpenSSL (`sm3-node.ts`). Tests check both give the same bytes on the standard's vectors and on
 * random inputs (packages/gm/test/gbt32905-sm3-pure.test.ts).
 *
 * PBKDF2 keeps the HMAC inner and outer states after the key block, so each iteration costs two
 * compressions and no allocation: that is what makes a six-figure iteration count bearable here.
 */
/** An incremental SM3 hasher over bytes (the shape both implementations export). */
export interface Sm3Hasher {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

const IV = Uint32Array.of(
  0x7380166f,
  0x4914b2b9,
  0x172442d7,
  0xda8a0600,
  0xa96f30bc,
  0x163138aa,
  0xe38dee4d,
  0xb0fb0e4e,
);

/** T_j rotated left by j mod 32 (GB/T 32905 §5.3.3), precomputed once. */
const T_ROTATED = Uint32Array.from({ length: 64 }, (_, j) => rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32));

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

const W = new Uint32Array(68);

/** The compression function CF (§5.3.3): state ← CF(state, the 16 big-endian words of a block). */
function compress(state: Uint32Array, block: Uint32Array): void {
  const w = W;
  for (let j = 0; j < 16; j++) w[j] = block[j]!;
  for (let j = 16; j < 68; j++) {
    const x = w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15);
    w[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + T_ROTATED[j]!) >>> 0, 7);
    const ss2 = ss1 ^ a12;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + (w[j]! ^ w[j + 4]!)) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]!) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
  }
  state[0] = (state[0]! ^ a) >>> 0;
  state[1] = (state[1]! ^ b) >>> 0;
  state[2] = (state[2]! ^ c) >>> 0;
  state[3] = (state[3]! ^ d) >>> 0;
  state[4] = (state[4]! ^ e) >>> 0;
  state[5] = (state[5]! ^ f) >>> 0;
  state[6] = (state[6]! ^ g) >>> 0;
  state[7] = (state[7]! ^ h) >>> 0;
}

/** Incremental SM3 with padding per §5.2. */
class PureSm3 implements Sm3Hasher {
  readonly state: Uint32Array;
  private readonly buffer = new Uint8Array(64);
  private readonly words = new Uint32Array(16);
  private buffered = 0;
  private length: number;

  constructor(state: Uint32Array = IV, length = 0) {
    this.state = state.slice();
    this.length = length;
  }

  private compressBuffer(): void {
    const b = this.buffer;
    for (let i = 0; i < 16; i++) {
      this.words[i] =
        ((b[i * 4]! << 24) | (b[i * 4 + 1]! << 16) | (b[i * 4 + 2]! << 8) | b[i * 4 + 3]!) >>> 0;
    }
    compress(this.state, this.words);
  }

  update(data: Uint8Array): void {
    this.length += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(64 - this.buffered, data.length - offset);
      this.buffer.set(data.subarray(offset, offset + take), this.buffered);
      this.buffered += take;
      offset += take;
      if (this.buffered === 64) {
        this.compressBuffer();
        this.buffered = 0;
      }
    }
  }

  digest(): Uint8Array {
    const bitLength = this.length * 8;
    this.buffer[this.buffered++] = 0x80;
    if (this.buffered > 56) {
      this.buffer.fill(0, this.buffered);
      this.compressBuffer();
      this.buffered = 0;
    }
    this.buffer.fill(0, this.buffered, 56);
    const view = new DataView(this.buffer.buffer);
    view.setUint32(56, Math.floor(bitLength / 0x1_0000_0000));
    view.setUint32(60, bitLength >>> 0);
    this.compressBuffer();
    return stateBytes(this.state);
  }
}

function stateBytes(state: Uint32Array): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setUint32(i * 4, state[i]!);
  return out;
}

/** A fresh incremental SM3 hasher. */
export function newSm3(): Sm3Hasher {
  return new PureSm3();
}

function sm3Once(data: Uint8Array): Uint8Array {
  const h = new PureSm3();
  h.update(data);
  return h.digest();
}

/** The HMAC inner and outer chaining states after absorbing key⊕ipad and key⊕opad. */
function hmacStates(key: Uint8Array): { inner: Uint32Array; outer: Uint32Array } {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sm3Once(key) : key);
  const inner = new PureSm3();
  inner.update(block.map((b) => b ^ 0x36));
  const outer = new PureSm3();
  outer.update(block.map((b) => b ^ 0x5c));
  return { inner: inner.state, outer: outer.state };
}

/** HMAC-SM3 (RFC 2104; 64-byte block). */
export function hmacSm3Bytes(key: Uint8Array, data: Uint8Array): Uint8Array {
  const { inner, outer } = hmacStates(key);
  const i = new PureSm3(inner, 64);
  i.update(data);
  const o = new PureSm3(outer, 64);
  o.update(i.digest());
  return o.digest();
}

/**
 * One HMAC over a 32-byte message held as 8 words in `message` (words 0..7), result written back
 * into `message`: the padded second block is fixed (0x80, zeros, bit length 768 = (64+32)·8).
 */
function hmac32InPlace(
  inner: Uint32Array,
  outer: Uint32Array,
  message: Uint32Array,
  work: Uint32Array,
): void {
  work.set(inner);
  compress(work, message);
  message.set(work.subarray(0, 8));
  work.set(outer);
  compress(work, message);
  message.set(work.subarray(0, 8));
}

/** PBKDF2-HMAC-SM3 (RFC 8018 §5.2); arguments already checked by the caller. */
export function pbkdf2Sm3Bytes(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  const { inner, outer } = hmacStates(password);
  const out = new Uint8Array(length);
  const message = new Uint32Array(16);
  const work = new Uint32Array(8);
  const t = new Uint32Array(8);
  for (let block = 1, offset = 0; offset < length; block++, offset += 32) {
    // U_1 = PRF(P, S ‖ INT(i)) through the general path; U_2… through the fixed-block fast path.
    const first = new PureSm3(inner, 64);
    first.update(salt);
    first.update(Uint8Array.of(block >>> 24, block >>> 16, block >>> 8, block));
    const o = new PureSm3(outer, 64);
    o.update(first.digest());
    const u1 = o.digest();
    const view = new DataView(u1.buffer);
    for (let i = 0; i < 8; i++) message[i] = view.getUint32(i * 4);
    message.fill(0, 8);
    message[8] = 0x80000000;
    message[15] = 768;
    t.set(message.subarray(0, 8));
    for (let n = 1; n < iterations; n++) {
      hmac32InPlace(inner, outer, message, work);
      for (let i = 0; i < 8; i++) t[i] = t[i]! ^ message[i]!;
    }
    out.set(stateBytes(t).subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}
