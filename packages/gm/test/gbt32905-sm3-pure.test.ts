/**
 * GB/T 32905-2016 (SM3) vectors for the plain-TypeScript SM3 of the browser bundle (R34 soft
 * certificates), and byte-for-byte agreement with the Node (OpenSSL) primitives on random inputs
 * for the hash, HMAC-SM3 (RFC 2104) and PBKDF2-HMAC-SM3 (RFC 8018).
 */
import { describe, expect, it } from 'vitest';
import * as pure from '../src/sm3-pure.js';
import * as node from '../src/sm3-node.js';
import { randomBytes, toHex, utf8 } from '../src/bytes.js';

function once(impl: typeof pure, data: Uint8Array, pieces = 1): string {
  const h = impl.newSm3();
  const step = Math.max(1, Math.ceil(data.length / pieces));
  for (let i = 0; i < data.length; i += step) h.update(data.subarray(i, i + step));
  if (data.length === 0) h.update(data);
  return toHex(h.digest());
}

describe('GB/T 32905 SM3 in plain TypeScript (browser build)', () => {
  it.each([
    ['abc', '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0'],
    ['abcd'.repeat(16), 'DEBE9FF92275B8A138604889C18E5A4D6FDB70E5387E5765293DCBA39C0C5732'],
  ])('ok/standard vector %s', (input, digest) => {
    expect(once(pure, utf8(input))).toBe(digest.toLowerCase());
  });

  it('ok/equals OpenSSL on random lengths around the block and padding boundaries, streamed unevenly', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
      const data = randomBytes(length);
      expect(once(pure, data, 3)).toBe(once(node, data));
    }
  });

  it('ok/HMAC-SM3 equals OpenSSL for short, block-sized and long keys', () => {
    for (const keyLength of [0, 16, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const data = randomBytes(keyLength * 3 + 1);
      expect(toHex(pure.hmacSm3Bytes(key, data))).toBe(toHex(node.hmacSm3Bytes(key, data)));
    }
  });

  it('ok/PBKDF2-HMAC-SM3 equals OpenSSL for several lengths and iteration counts', () => {
    for (const [iterations, length] of [
      [1, 16],
      [2, 32],
      [1000, 33],
      [4097, 80],
    ] as const) {
      const password = randomBytes(iterations % 50);
      const salt = randomBytes(16);
      expect(toHex(pure.pbkdf2Sm3Bytes(password, salt, iterations, length))).toBe(
        toHex(node.pbkdf2Sm3Bytes(password, salt, iterations, length)),
      );
    }
  });
});
