/**
 * GB/T 32905-2016 (SM3) vectors, streaming, HMAC-SM3 (RFC 2104) and PBKDF2-HMAC-SM3 (RFC 8018),
 * the last two checked against the OpenSSL 3 CLI on random inputs. R11.
 */
import { describe, expect, it } from 'vitest';
import {
  createSm3,
  fromHex,
  hmacSm3,
  pbkdf2Sm3,
  randomBytes,
  sm2Kdf,
  sm3,
  sm3Concat,
  toHex,
} from '../src/index.js';
import { openssl } from '../../../tools/test-support/openssl.js';

const vectors = [
  { name: 'abc', input: 'abc', digest: '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0' },
  {
    name: 'abcd×16',
    input: 'abcd'.repeat(16),
    digest: 'DEBE9FF92275B8A138604889C18E5A4D6FDB70E5387E5765293DCBA39C0C5732',
  },
];

describe('GB/T 32905 SM3', () => {
  it.each(vectors)('ok/vector $name', ({ input, digest }) => {
    expect(toHex(sm3(input))).toBe(digest.toLowerCase());
  });

  it('ok/streaming in uneven pieces equals one-shot', () => {
    const data = randomBytes(10_000);
    const stream = createSm3();
    for (let i = 0; i < data.length; i += 777) stream.update(data.subarray(i, i + 777));
    expect(toHex(stream.digest())).toBe(toHex(sm3(data)));
    expect(toHex(sm3Concat(data.subarray(0, 5), data.subarray(5)))).toBe(toHex(sm3(data)));
  });

  it('ok/HMAC-SM3 equals openssl mac on random keys and data', () => {
    for (const keyLength of [1, 32, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const data = randomBytes(100 + keyLength);
      const result = openssl(['mac', '-digest', 'SM3', '-macopt', `hexkey:${toHex(key)}`, 'HMAC'], data);
      expect(result.status, result.stderr).toBe(0);
      expect(toHex(hmacSm3(key, data))).toBe(result.stdout.toString().trim().toLowerCase());
    }
  });

  it('ok/PBKDF2-HMAC-SM3 equals openssl kdf', () => {
    const salt = randomBytes(16);
    const result = openssl([
      'kdf',
      '-keylen',
      '40',
      '-kdfopt',
      'digest:SM3',
      '-kdfopt',
      'pass:口令-password',
      '-kdfopt',
      `hexsalt:${toHex(salt)}`,
      '-kdfopt',
      'iter:1000',
      'PBKDF2',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const expected = result.stdout.toString().trim().replace(/:/g, '').toLowerCase();
    expect(toHex(pbkdf2Sm3('口令-password', salt, 1000, 40))).toBe(expected);
  });

  it('ok/SM2 KDF is SM3(Z‖ct) blocks cut to length (GB/T 32918.4 §5.4.3)', () => {
    const z = fromHex('00112233');
    const out = sm2Kdf(z, 40);
    expect(toHex(out.subarray(0, 32))).toBe(toHex(sm3Concat(z, Uint8Array.of(0, 0, 0, 1))));
    expect(toHex(out.subarray(32))).toBe(toHex(sm3Concat(z, Uint8Array.of(0, 0, 0, 2)).subarray(0, 8)));
    expect(sm2Kdf(z, 0).length).toBe(0);
  });

  it('error/bad PBKDF2 parameters are RangeErrors', () => {
    expect(() => pbkdf2Sm3('p', new Uint8Array(8), 0, 16)).toThrow(RangeError);
    expect(() => pbkdf2Sm3('p', new Uint8Array(8), 1, 0)).toThrow(RangeError);
  });
});
