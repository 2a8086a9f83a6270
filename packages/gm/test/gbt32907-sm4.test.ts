/**
 * GB/T 32907-2016 (SM4) vectors, and ECB / CBC / CTR checked against `openssl enc` on random
 * keys and data, with padding and bad-input cases. R11.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GmError, fromHex, randomBytes, sm4Decrypt, sm4Encrypt, toHex } from '../src/index.js';
import { openssl } from '../../../tools/test-support/openssl.js';

const key = fromHex('0123456789ABCDEFFEDCBA9876543210');

describe('GB/T 32907 SM4', () => {
  it('ok/one block of the standard example', () => {
    expect(toHex(sm4Encrypt('ecb', key, { key, padding: 'none' }))).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('ok/encrypting the block 1,000,000 times (standard example 2)', () => {
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let block: Uint8Array = key;
    for (let i = 0; i < 999_999; i++) block = cipher.update(block);
    // the last round goes through our API
    expect(toHex(sm4Encrypt('ecb', block, { key, padding: 'none' }))).toBe(
      '595298c7c6fd271f0402f804c33d3f66',
    );
  });

  it.each(['ecb', 'cbc', 'ctr'] as const)('ok/%s equals openssl enc and round-trips', (mode) => {
    for (const length of [0, 1, 15, 16, 17, 1000]) {
      const k = randomBytes(16);
      const iv = mode === 'ecb' ? undefined : randomBytes(16);
      const data = randomBytes(length);
      const ours = sm4Encrypt(mode, data, { key: k, iv });
      const args = ['enc', `-sm4-${mode}`, '-K', toHex(k)];
      if (iv) args.push('-iv', toHex(iv));
      const theirs = openssl(args, data);
      expect(theirs.status, theirs.stderr).toBe(0);
      expect(toHex(ours)).toBe(toHex(theirs.stdout));
      expect(toHex(sm4Decrypt(mode, ours, { key: k, iv }))).toBe(toHex(data));
    }
  });

  it('error/wrong key or IV length is YZ_ERR_SM4_KEY', () => {
    expect(() =>
      sm4Encrypt('cbc', new Uint8Array(16), { key: new Uint8Array(15), iv: new Uint8Array(16) }),
    ).toThrow(expect.objectContaining({ code: 'YZ_ERR_SM4_KEY' }));
    expect(() => sm4Encrypt('cbc', new Uint8Array(16), { key, iv: new Uint8Array(8) })).toThrow(GmError);
    expect(() => sm4Encrypt('cbc', new Uint8Array(16), { key })).toThrow(/needs an IV/);
    expect(() => sm4Encrypt('ecb', new Uint8Array(16), { key, iv: new Uint8Array(16) })).toThrow(/no IV/);
  });

  it('error/bad padding under a wrong key is YZ_ERR_SM4_PADDING', () => {
    const iv = randomBytes(16);
    const ct = sm4Encrypt('cbc', randomBytes(40), { key, iv });
    let failures = 0;
    for (let i = 0; i < 20; i++) {
      try {
        sm4Decrypt('cbc', ct, { key: randomBytes(16), iv });
      } catch (error) {
        expect((error as GmError).code).toBe('YZ_ERR_SM4_PADDING');
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(15);
    expect(() => sm4Decrypt('ecb', new Uint8Array(17), { key, padding: 'none' })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_SM4_PADDING' }),
    );
  });
});
