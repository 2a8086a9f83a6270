/**
 * GB/T 32907-2016 (SM4) vectors for the plain-TypeScript SM4 of the browser bundle (R34 soft
 * certificates), and byte-for-byte agreement with the Node (OpenSSL) SM4 on random keys and data
 * in ECB, CBC (PKCS#7) and CTR, including a CTR counter that carries across bytes, and padding
 * errors with the same code.
 */
import { describe, expect, it } from 'vitest';
import { sm4Run as pureRun } from '../src/sm4-pure.js';
import { sm4Run as nodeRun } from '../src/sm4-node.js';
import { fromHex, randomBytes, toHex } from '../src/bytes.js';
import { GmError } from '../src/errors.js';

const key = fromHex('0123456789ABCDEFFEDCBA9876543210');

describe('GB/T 32907 SM4 in plain TypeScript (browser build)', () => {
  it('ok/one block of the standard example', () => {
    expect(toHex(pureRun('ecb', true, key, null, key, false))).toBe('681edf34d206965e86b3e94f536e4246');
    expect(toHex(pureRun('ecb', false, key, null, fromHex('681edf34d206965e86b3e94f536e4246'), false))).toBe(
      toHex(key),
    );
  });

  it('ok/encrypting the block 1,000,000 times (standard example 2)', () => {
    let block: Uint8Array = key;
    for (let i = 0; i < 1_000_000; i++) block = pureRun('ecb', true, key, null, block, false);
    expect(toHex(block)).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it.each(['ecb', 'cbc', 'ctr'] as const)('ok/%s equals OpenSSL both ways on random inputs', (mode) => {
    for (const length of [0, 1, 15, 16, 17, 100, 1000]) {
      const k = randomBytes(16);
      const iv = mode === 'ecb' ? null : randomBytes(16);
      const data = randomBytes(mode === 'ctr' ? length : length);
      const pad = mode !== 'ctr';
      const expected = nodeRun(mode, true, k, iv, data, pad);
      expect(toHex(pureRun(mode, true, k, iv, data, pad))).toBe(toHex(expected));
      expect(toHex(pureRun(mode, false, k, iv, expected, pad))).toBe(toHex(data));
    }
  });

  it('ok/CTR carries the counter across bytes like OpenSSL', () => {
    const iv = fromHex('00000000000000000000fffffffffffe');
    const data = randomBytes(80);
    expect(toHex(pureRun('ctr', true, key, iv, data, false))).toBe(
      toHex(nodeRun('ctr', true, key, iv, data, false)),
    );
  });

  it('bad/a wrong key or cut data fails with YZ_ERR_SM4_PADDING, like OpenSSL', () => {
    const iv = randomBytes(16);
    const sealed = nodeRun('cbc', true, key, iv, randomBytes(40), true);
    const wrongKey = randomBytes(16);
    const pureError = (() => {
      try {
        // cut to a length that is not whole blocks: always refused, whatever the key
        pureRun('cbc', false, wrongKey, iv, sealed.subarray(0, 47), true);
      } catch (error) {
        return error;
      }
    })();
    expect(pureError).toBeInstanceOf(GmError);
    expect((pureError as GmError).code).toBe('YZ_ERR_SM4_PADDING');
    expect(() => nodeRun('cbc', false, wrongKey, iv, sealed.subarray(0, 47), true)).toThrow(GmError);
  });
});
