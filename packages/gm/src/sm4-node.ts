/**
 * SM4 ECB/CBC/CTR on Node (GB/T 32907-2016): OpenSSL's SM4 through node:crypto. `sm4.ts` builds
 * the public API and GCM on whichever `sm4Run` package.json `imports` "#sm4-impl" selects: this
 * file on Node, `sm4-pure.ts` in a browser bundle (R34 soft certificates).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes } from './bytes.js';
import { GmError } from './errors.js';

const SM4_BLOCK_SIZE = 16;

/** One SM4 ECB/CBC/CTR operation; `pad` is PKCS#7 (never for CTR). Bad padding is YZ_ERR_SM4_PADDING. */
export function sm4Run(
  mode: 'ecb' | 'cbc' | 'ctr',
  encrypt: boolean,
  key: Uint8Array,
  iv: Uint8Array | null,
  data: Uint8Array,
  pad: boolean,
): Uint8Array {
  const algorithm = `sm4-${mode}`;
  const cipher = encrypt ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  cipher.setAutoPadding(pad);
  if (!pad && algorithm !== 'sm4-ctr' && data.length % SM4_BLOCK_SIZE !== 0) {
    throw new GmError(
      'YZ_ERR_SM4_PADDING',
      `data length ${data.length} is not a multiple of 16 and padding is off`,
    );
  }
  try {
    const head = cipher.update(data);
    const tail = cipher.final();
    return tail.length
      ? concatBytes(head, tail)
      : new Uint8Array(head.buffer, head.byteOffset, head.byteLength);
  } catch {
    throw new GmError(
      'YZ_ERR_SM4_PADDING',
      'SM4 decryption failed: bad padding (wrong key or corrupted data)',
    );
  }
}
