/**
 * Property tests (fast-check): sign → verify, encrypt → decrypt in every layout, PEM round
 * trips, and tampering of any byte is rejected. Run on every backend. R11.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKey,
  importPublicKey,
  isGmError,
  sm2Decrypt,
  sm2Encrypt,
  toHex,
} from '../src/index.js';
import { backends, withBackend } from './backends.js';

const key = Sm2PrivateKey.generate();

describe.each(backends.map((b) => [b.name, b] as const))(
  'SM2 properties on the %s backend',
  (_n, backend) => {
    withBackend(backend);

    it('ok/sign then verify, for any message, ID and format', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 })),
          fc.constantFrom('der' as const, 'raw' as const),
          (message, id, format) => {
            const signature = key.sign(message, { id, format });
            return key.publicKey.verify(message, signature, { id, format });
          },
        ),
        { numRuns: 150 },
      );
    });

    it('error/a signature over a changed message does not verify', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (message, at) => {
          const signature = key.sign(message);
          const changed = message.slice();
          changed[at % changed.length]! ^= 0x01;
          return key.publicKey.verify(changed, signature) === false;
        }),
        { numRuns: 100 },
      );
    });

    it('error/a changed signature byte is rejected: false, or a coded format error', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 100 }),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (message, at, flip) => {
            const signature = key.sign(message);
            const changed = signature.slice();
            changed[at % changed.length]! ^= flip;
            try {
              return key.publicKey.verify(message, changed) === false;
            } catch (error) {
              return isGmError(error) && error.code === 'YZ_ERR_SIGNATURE_FORMAT';
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    it('ok/encrypt then decrypt in every layout; a changed byte is rejected', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          fc.constantFrom('c1c3c2' as const, 'c1c2c3' as const, 'der' as const),
          fc.nat(),
          (message, format, at) => {
            const ct = sm2Encrypt(key.publicKey, message, format);
            if (toHex(sm2Decrypt(key, ct, format)) !== toHex(message)) return false;
            const changed = ct.slice();
            changed[at % changed.length]! ^= 0x80;
            try {
              sm2Decrypt(key, changed, format);
              return false;
            } catch (error) {
              return isGmError(error);
            }
          },
        ),
        { numRuns: 100 },
      );
    });
  },
);

describe('key format properties', () => {
  it('ok/PKCS#8, SEC1 and SPKI PEM round-trip for any key', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const k = Sm2PrivateKey.generate();
        const viaPkcs8 = importPrivateKey(exportPrivateKeyPem(k));
        const viaSec1 = importPrivateKey(exportPrivateKeyPem(k, { format: 'sec1' }));
        const pub = importPublicKey(exportPublicKeyPem(k.publicKey));
        return (
          toHex(viaPkcs8.toBytes()) === toHex(k.toBytes()) &&
          toHex(viaSec1.toBytes()) === toHex(k.toBytes()) &&
          pub.equals(k.publicKey)
        );
      }),
      { numRuns: 50 },
    );
  });

  it('ok/encrypted PKCS#8 round-trips with SM3 and SHA-256 PRFs; a wrong password is YZ_ERR_KEY_PASSWORD', () => {
    for (const prf of ['sm3', 'sha256'] as const) {
      const pem = exportPrivateKeyPem(key, { password: '口令', iterations: 1000, prf });
      expect(toHex(importPrivateKey(pem, '口令').toBytes())).toBe(toHex(key.toBytes()));
      expect(() => importPrivateKey(pem, '口令!')).toThrow(
        expect.objectContaining({ code: 'YZ_ERR_KEY_PASSWORD' }),
      );
      expect(() => importPrivateKey(pem)).toThrow(expect.objectContaining({ code: 'YZ_ERR_KEY_PASSWORD' }));
    }
  });

  it('ok/private keys never print themselves', () => {
    expect(String(key)).toBe('Sm2PrivateKey(<redacted>)');
    expect(JSON.stringify({ key })).not.toMatch(new RegExp(toHex(key.toBytes()).slice(0, 16)));
  });
});
