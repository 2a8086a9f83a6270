/**
 * SM4 in plain TypeScript (GB/T 32907-2016 §6–§7: S-box, round function, key schedule) with the
 * ECB, CBC (PKCS#7) and CTR modes `sm4.ts` builds on, for the browser bundle where node:crypto
 * does not exist — the soft certificate (软证书) of R34 keeps its private key under SM4-GCM and
 * opens the KMC's SM4-wrapped encryption key in the page. package.json `imports` "#sm4-impl"
 * picks this file under the `browser` condition; Node keeps OpenSSL (`sm4-node.ts`). Tests check
 * both give the same bytes (packages/gm/test/gbt32907-sm4-pure.test.ts). CTR increments the
 * whole 128-bit counter block, as OpenSSL does; `sm4.ts` handles GCM's inc32 itself.
 */
import { fromHex } from './bytes.js';
import { GmError } from './errors.js';

const SBOX = fromHex(
  'd690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699' +
    '9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6' +
    '4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35' +
    '1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e' +
    'eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3' +
    '1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51' +
    '8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0' +
    '8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948',
);

const FK = Uint32Array.of(0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc);

/** CK_i: bytes (4i+j)·7 mod 256 (§7.3). */
const CK = Uint32Array.from({ length: 32 }, (_, i) => {
  let ck = 0;
  for (let j = 0; j < 4; j++) ck = (ck << 8) | (((4 * i + j) * 7) & 0xff);
  return ck >>> 0;
});

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

/** τ: the S-box on each byte (§6.2.1). */
function tau(x: number): number {
  return (
    ((SBOX[x >>> 24]! << 24) |
      (SBOX[(x >>> 16) & 0xff]! << 16) |
      (SBOX[(x >>> 8) & 0xff]! << 8) |
      SBOX[x & 0xff]!) >>>
    0
  );
}

/** Round keys rk_0..rk_31 (§7.3), in decryption order when `decrypt`. */
function roundKeys(key: Uint8Array, decrypt: boolean): Uint32Array {
  const view = new DataView(key.buffer, key.byteOffset, 16);
  const k = new Uint32Array(36);
  for (let i = 0; i < 4; i++) k[i] = (view.getUint32(i * 4) ^ FK[i]!) >>> 0;
  const rk = new Uint32Array(32);
  for (let i = 0; i < 32; i++) {
    const b = tau((k[i + 1]! ^ k[i + 2]! ^ k[i + 3]! ^ CK[i]!) >>> 0);
    k[i + 4] = (k[i]! ^ b ^ rotl(b, 13) ^ rotl(b, 23)) >>> 0;
    rk[decrypt ? 31 - i : i] = k[i + 4]!;
  }
  return rk;
}

/** One block through the 32 rounds and the reverse transform R (§7.1). */
function cryptBlock(
  rk: Uint32Array,
  input: Uint8Array,
  inOffset: number,
  output: Uint8Array,
  outOffset: number,
): void {
  const view = new DataView(input.buffer, input.byteOffset + inOffset, 16);
  let x0 = view.getUint32(0);
  let x1 = view.getUint32(4);
  let x2 = view.getUint32(8);
  let x3 = view.getUint32(12);
  for (let i = 0; i < 32; i++) {
    const b = tau((x1 ^ x2 ^ x3 ^ rk[i]!) >>> 0);
    const next = (x0 ^ b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24)) >>> 0;
    x0 = x1;
    x1 = x2;
    x2 = x3;
    x3 = next;
  }
  const out = new DataView(output.buffer, output.byteOffset + outOffset, 16);
  out.setUint32(0, x3);
  out.setUint32(4, x2);
  out.setUint32(8, x1);
  out.setUint32(12, x0);
}

function badPadding(): GmError {
  return new GmError(
    'YZ_ERR_SM4_PADDING',
    'SM4 decryption failed: bad padding (wrong key or corrupted data)',
  );
}

/** One SM4 ECB/CBC/CTR operation; `pad` is PKCS#7 (never for CTR). Bad padding is YZ_ERR_SM4_PADDING. */
export function sm4Run(
  mode: 'ecb' | 'cbc' | 'ctr',
  encrypt: boolean,
  key: Uint8Array,
  iv: Uint8Array | null,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  if (mode === 'ctr') return ctr(roundKeys(key, false), iv!, data);
  let input = data;
  if (encrypt && pad) {
    const n = 16 - (data.length % 16);
    input = new Uint8Array(data.length + n);
    input.set(data);
    input.fill(n, data.length);
  } else if (data.length % 16 !== 0) {
    if (!pad) {
      throw new GmError(
        'YZ_ERR_SM4_PADDING',
        `data length ${data.length} is not a multiple of 16 and padding is off`,
      );
    }
    throw badPadding();
  }
  const rk = roundKeys(key, !encrypt);
  const out = new Uint8Array(input.length);
  if (mode === 'ecb') {
    for (let off = 0; off < input.length; off += 16) cryptBlock(rk, input, off, out, off);
  } else if (encrypt) {
    const chain = iv!.slice();
    for (let off = 0; off < input.length; off += 16) {
      for (let i = 0; i < 16; i++) chain[i] = chain[i]! ^ input[off + i]!;
      cryptBlock(rk, chain, 0, out, off);
      chain.set(out.subarray(off, off + 16));
    }
  } else {
    let previous = iv!;
    for (let off = 0; off < input.length; off += 16) {
      cryptBlock(rk, input, off, out, off);
      for (let i = 0; i < 16; i++) out[off + i] = out[off + i]! ^ previous[i]!;
      previous = input.subarray(off, off + 16);
    }
  }
  if (encrypt || !pad) return out;
  const n = out.length === 0 ? 0 : out[out.length - 1]!;
  if (n < 1 || n > 16) throw badPadding();
  for (let i = out.length - n; i < out.length; i++) if (out[i] !== n) throw badPadding();
  return out.slice(0, out.length - n);
}

/** CTR with the whole 128-bit block as a big-endian counter (OpenSSL's CRYPTO_ctr128). */
function ctr(rk: Uint32Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const counter = iv.slice();
  const stream = new Uint8Array(16);
  const out = new Uint8Array(data.length);
  for (let off = 0; off < data.length; off += 16) {
    cryptBlock(rk, counter, 0, stream, 0);
    const n = Math.min(16, data.length - off);
    for (let i = 0; i < n; i++) out[off + i] = data[off + i]! ^ stream[i]!;
    for (let i = 15; i >= 0; i--) {
      counter[i] = (counter[i]! + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  return out;
}
