/**
 * SM4 block cipher (GB/T 32907-2016 ≙ GM/T 0002-2012) in ECB, CBC, CTR and GCM modes.
 *
 * ECB, CBC and CTR come from package.json `imports` "#sm4-impl": Node's OpenSSL SM4 on Node
 * (correct and fast, see the brief's crypto rules), plain TypeScript in a browser bundle
 * (`sm4-pure.ts`, R34 soft certificates). Node's OpenSSL has no SM4-GCM, so GCM (NIST SP
 * 800-38D, as profiled for SM4 by RFC 8998) is built here: the counter stream from SM4-CTR and
 * GHASH in TypeScript with Shoup's 4-bit tables. Padding for ECB/CBC is PKCS#7 (RFC 5652 §6.3)
 * unless `padding: 'none'`.
 */
import { sm4Run } from '#sm4-impl';
import { concatBytes, constantTimeEqual } from './bytes.js';
import { GmError } from './errors.js';

/** SM4 block and key size in bytes. */
export const SM4_BLOCK_SIZE = 16;

/** Modes offered by `sm4Encrypt` / `sm4Decrypt`. */
export type Sm4Mode = 'ecb' | 'cbc' | 'ctr' | 'gcm';

/** Options of one SM4 operation. */
export interface Sm4Options {
  /** 16-byte key. */
  key: Uint8Array;
  /** IV: 16 bytes for CBC and CTR (the initial counter block); 12 bytes recommended for GCM (1..2^16 allowed). */
  iv?: Uint8Array;
  /** ECB/CBC padding; default PKCS#7. */
  padding?: 'pkcs7' | 'none';
  /** GCM additional authenticated data. */
  aad?: Uint8Array;
  /** GCM tag length in bytes (12..16, default 16). */
  tagLength?: number;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== SM4_BLOCK_SIZE) {
    throw new GmError('YZ_ERR_SM4_KEY', `SM4 key must be 16 bytes, got ${key?.length ?? 'none'}`);
  }
}

function checkIv(mode: Sm4Mode, iv: Uint8Array | undefined): Uint8Array | null {
  if (mode === 'ecb') {
    if (iv !== undefined && iv.length !== 0) throw new GmError('YZ_ERR_SM4_KEY', 'SM4-ECB takes no IV');
    return null;
  }
  if (!iv) throw new GmError('YZ_ERR_SM4_KEY', `SM4-${mode.toUpperCase()} needs an IV`);
  if (mode === 'gcm') {
    if (iv.length < 1 || iv.length > 65536)
      throw new GmError('YZ_ERR_SM4_KEY', 'SM4-GCM IV must be 1..65536 bytes');
  } else if (iv.length !== SM4_BLOCK_SIZE) {
    throw new GmError('YZ_ERR_SM4_KEY', `SM4-${mode.toUpperCase()} IV must be 16 bytes, got ${iv.length}`);
  }
  return iv;
}

/** Encrypts `data` with SM4 in `mode`. GCM output is ciphertext ‖ tag. */
export function sm4Encrypt(mode: Sm4Mode, data: Uint8Array, options: Sm4Options): Uint8Array {
  checkKey(options.key);
  const iv = checkIv(mode, options.iv);
  if (mode === 'gcm')
    return gcmSeal(options.key, iv!, data, options.aad ?? new Uint8Array(0), tagLengthOf(options));
  return sm4Run(
    mode as 'ecb' | 'cbc' | 'ctr',
    true,
    options.key,
    iv,
    data,
    mode !== 'ctr' && options.padding !== 'none',
  );
}

/** Decrypts `data` with SM4 in `mode`. GCM input is ciphertext ‖ tag; a wrong tag is YZ_ERR_SM4_TAG. */
export function sm4Decrypt(mode: Sm4Mode, data: Uint8Array, options: Sm4Options): Uint8Array {
  checkKey(options.key);
  const iv = checkIv(mode, options.iv);
  if (mode === 'gcm')
    return gcmOpen(options.key, iv!, data, options.aad ?? new Uint8Array(0), tagLengthOf(options));
  return sm4Run(
    mode as 'ecb' | 'cbc' | 'ctr',
    false,
    options.key,
    iv,
    data,
    mode !== 'ctr' && options.padding !== 'none',
  );
}

function tagLengthOf(options: Sm4Options): number {
  const t = options.tagLength ?? 16;
  if (!Number.isInteger(t) || t < 12 || t > 16)
    throw new GmError('YZ_ERR_SM4_KEY', 'GCM tag length must be 12..16');
  return t;
}

// ---------------------------------------------------------------------------------------------
// GCM (NIST SP 800-38D §6–§7)

/** Reduction constants for a 4-bit shift in GF(2^128) (the bits falling off, times R = 0xE1‖0^120). */
const REM_4BIT = [
  0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560, 0x9180,
  0x8da0, 0xa9c0, 0xb5e0,
].map((v) => v << 16);

/** GHASH keyed by H, with Shoup's table of the 16 multiples of H by 4-bit polynomials. */
class Ghash {
  private readonly table: Uint32Array; // 16 entries × 4 words, most significant word first
  private readonly state = new Uint32Array(4);

  constructor(h: Uint8Array) {
    const t = new Uint32Array(64);
    const view = new DataView(h.buffer, h.byteOffset, 16);
    let v0 = view.getUint32(0);
    let v1 = view.getUint32(4);
    let v2 = view.getUint32(8);
    let v3 = view.getUint32(12);
    // table[8] = H, table[4] = H·x, table[2] = H·x², table[1] = H·x³ (GCM's reflected bit order)
    for (let index = 8; index >= 1; index >>= 1) {
      t.set([v0, v1, v2, v3], index * 4);
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
    }
    for (const base of [2, 4, 8]) {
      for (let j = 1; j < base; j++) {
        for (let w = 0; w < 4; w++) t[(base + j) * 4 + w] = t[base * 4 + w]! ^ t[j * 4 + w]!;
      }
    }
    this.table = t;
  }

  /** Absorbs `data`, zero-padded to a whole number of blocks. */
  update(data: Uint8Array): void {
    const s = this.state;
    const block = new Uint8Array(16);
    const view = new DataView(block.buffer);
    for (let off = 0; off < data.length; off += 16) {
      block.fill(0);
      block.set(data.subarray(off, off + 16));
      s[0] = s[0]! ^ view.getUint32(0);
      s[1] = s[1]! ^ view.getUint32(4);
      s[2] = s[2]! ^ view.getUint32(8);
      s[3] = s[3]! ^ view.getUint32(12);
      this.multiplyByH();
    }
  }

  /** state ← state · H, nibble by nibble from the last byte (the order of OpenSSL's gcm_gmult_4bit). */
  private multiplyByH(): void {
    const s = this.state;
    const t = this.table;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let n = 31; n >= 0; n--) {
      // nibble n: the low nibble of byte n>>1 comes before its high nibble
      const byte = (s[n >> 3]! >>> ((3 - ((n >> 1) & 3)) * 8)) & 0xff;
      const nibble = n & 1 ? byte & 0x0f : byte >>> 4;
      if (n !== 31) {
        const rem = z3 & 0xf;
        z3 = (z3 >>> 4) | (z2 << 28);
        z2 = (z2 >>> 4) | (z1 << 28);
        z1 = (z1 >>> 4) | (z0 << 28);
        z0 = (z0 >>> 4) ^ REM_4BIT[rem]!;
      }
      const k = nibble * 4;
      z0 ^= t[k]!;
      z1 ^= t[k + 1]!;
      z2 ^= t[k + 2]!;
      z3 ^= t[k + 3]!;
    }
    s[0] = z0;
    s[1] = z1;
    s[2] = z2;
    s[3] = z3;
  }

  /** Absorbs the lengths block and returns the hash. */
  finish(aadLength: number, dataLength: number): Uint8Array {
    const lengths = new Uint8Array(16);
    const view = new DataView(lengths.buffer);
    view.setBigUint64(0, BigInt(aadLength) * 8n);
    view.setBigUint64(8, BigInt(dataLength) * 8n);
    this.update(lengths);
    const out = new Uint8Array(16);
    const outView = new DataView(out.buffer);
    for (let w = 0; w < 4; w++) outView.setUint32(w * 4, this.state[w]!);
    return out;
  }
}

function encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return sm4Run('ecb', true, key, null, block, false);
}

/** J0 (SP 800-38D §7.1 step 2): IV ‖ 0^31 ‖ 1 for 96-bit IVs, GHASH(IV) otherwise. */
function initialCounter(key: Uint8Array, h: Uint8Array, iv: Uint8Array): Uint8Array {
  if (iv.length === 12) return concatBytes(iv, Uint8Array.of(0, 0, 0, 1));
  const g = new Ghash(h);
  g.update(iv);
  return g.finish(0, iv.length);
}

/** GCTR (SP 800-38D §6.5) from counter block `icb`, with inc32 wrapping in the low 32 bits only. */
function gctr(key: Uint8Array, icb: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const counter = icb.slice();
  const view = new DataView(counter.buffer);
  let offset = 0;
  while (offset < data.length) {
    // OpenSSL's CTR carries into all 128 bits; run it only up to the point where inc32 would wrap.
    const low = view.getUint32(12);
    const blocksBeforeWrap = 0x1_0000_0000 - low;
    const take = Math.min(data.length - offset, blocksBeforeWrap * 16);
    out.set(sm4Run('ctr', true, key, counter, data.subarray(offset, offset + take), false), offset);
    offset += take;
    view.setUint32(12, (low + Math.ceil(take / 16)) >>> 0);
  }
  return out;
}

function inc32(block: Uint8Array): Uint8Array {
  const out = block.slice();
  const view = new DataView(out.buffer);
  view.setUint32(12, (view.getUint32(12) + 1) >>> 0);
  return out;
}

function gcmTag(
  key: Uint8Array,
  h: Uint8Array,
  j0: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
  tagLength: number,
) {
  const g = new Ghash(h);
  g.update(aad);
  g.update(ct);
  const s = g.finish(aad.length, ct.length);
  return gctr(key, j0, s).subarray(0, tagLength);
}

function gcmSeal(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array, tagLength: number) {
  const h = encryptBlock(key, new Uint8Array(16));
  const j0 = initialCounter(key, h, iv);
  const ct = gctr(key, inc32(j0), data);
  return concatBytes(ct, gcmTag(key, h, j0, aad, ct, tagLength));
}

function gcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array, tagLength: number) {
  if (sealed.length < tagLength) throw new GmError('YZ_ERR_SM4_TAG', 'SM4-GCM input is shorter than its tag');
  const ct = sealed.subarray(0, sealed.length - tagLength);
  const tag = sealed.subarray(sealed.length - tagLength);
  const h = encryptBlock(key, new Uint8Array(16));
  const j0 = initialCounter(key, h, iv);
  if (!constantTimeEqual(gcmTag(key, h, j0, aad, ct, tagLength), tag)) {
    throw new GmError('YZ_ERR_SM4_TAG', 'SM4-GCM authentication tag does not match');
  }
  return gctr(key, inc32(j0), ct);
}
