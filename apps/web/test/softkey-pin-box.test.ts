/**
 * The PIN box of the soft certificates (R34, apps/web/src/softkey/pin-box.ts): a sealed key opens
 * with the PIN's key only, under the same key id and purpose (the additional data binds it to its
 * record), and every seal uses a fresh IV.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '@yizheng/gm';
import { newSalt, open, pinKey, seal } from '../src/softkey/pin-box.js';

describe('soft key PIN box: PBKDF2-HMAC-SM3 + SM4-GCM', () => {
  const salt = newSalt();
  const right = pinKey('246810', salt, 1000);
  const d = randomBytes(32);

  it('ok/opens with the right PIN; two seals of one key differ', () => {
    const box = seal(right, 'sk-1', 'sign', d);
    expect(toHex(open(right, 'sk-1', 'sign', box)!)).toBe(toHex(d));
    expect(seal(right, 'sk-1', 'sign', d).sealed).not.toBe(box.sealed);
    expect(box.sealed.length).toBe((32 + 16) * 2);
  });

  it('bad/a wrong PIN, another salt, another key id or purpose does not open it', () => {
    const box = seal(right, 'sk-1', 'sign', d);
    expect(open(pinKey('246811', salt, 1000), 'sk-1', 'sign', box)).toBeNull();
    expect(open(pinKey('246810', newSalt(), 1000), 'sk-1', 'sign', box)).toBeNull();
    expect(open(right, 'sk-2', 'sign', box)).toBeNull();
    expect(open(right, 'sk-1', 'enc', box)).toBeNull();
    const tampered = { ...box, sealed: (box.sealed[0] === '0' ? '1' : '0') + box.sealed.slice(1) };
    expect(open(right, 'sk-1', 'sign', tampered)).toBeNull();
  });
});
