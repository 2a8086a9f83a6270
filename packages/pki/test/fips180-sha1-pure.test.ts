/**
 * FIPS 180-4 SHA-1 in plain TypeScript (the browser bundle's RFC 5280 key identifiers, R34):
 * the FIPS "abc" example and agreement with node:crypto on random inputs around block boundaries.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes, toHex, utf8 } from '@yizheng/gm';
import { sha1 as pureSha1 } from '../src/sha1-pure.js';
import { sha1 as nodeSha1 } from '../src/sha1-node.js';

describe('FIPS 180-4 SHA-1 in plain TypeScript (browser build)', () => {
  it('ok/the FIPS 180 "abc" example', () => {
    expect(toHex(pureSha1(utf8('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('ok/equals node:crypto on random lengths', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000]) {
      const data = randomBytes(length);
      expect(toHex(pureSha1(data))).toBe(toHex(nodeSha1(data)));
    }
  });
});
