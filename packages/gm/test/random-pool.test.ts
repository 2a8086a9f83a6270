/**
 * The pooled CSPRNG behind nonces and serials (R3: keys and nonces from a system CSPRNG): every
 * draw has the asked length, draws do not repeat, and large requests bypass the pool.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '../src/index.js';

describe('randomBytes', () => {
  it('ok/lengths are exact across pool refills and draws never repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const length = 1 + (i % 48);
      const bytes = randomBytes(length);
      expect(bytes.length).toBe(length);
      if (length >= 16) seen.add(toHex(bytes));
    }
    expect(seen.size).toBe([...Array(2000).keys()].filter((i) => 1 + (i % 48) >= 16).length);
  });

  it('ok/a draw is a copy: changing it does not affect later draws', () => {
    const a = randomBytes(32);
    a.fill(0);
    expect(randomBytes(32).some((b) => b !== 0)).toBe(true);
  });

  it('ok/large requests are filled directly and look random', () => {
    const big = randomBytes(100_000);
    expect(big.length).toBe(100_000);
    const ones = big.reduce((n, b) => n + ((b >> 3) & 1), 0);
    expect(ones).toBeGreaterThan(45_000);
    expect(ones).toBeLessThan(55_000);
  });
});
