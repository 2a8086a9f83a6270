/**
 * Independent cross-checks with the OpenSSL 3 CLI, both directions, on fresh random keys and
 * messages: signatures (default and custom IDs), ciphertexts (GM/T 0009 DER, which is what
 * OpenSSL writes), and PEM keys (PKCS#8, SEC1, SPKI, password-encrypted PKCS#8). R11, R13.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKey,
  importPublicKey,
  randomBytes,
  sm2Decrypt,
  sm2Encrypt,
  toHex,
} from '../src/index.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { backends, withBackend } from './backends.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function opensslKey(): { pem: string; path: string } {
  const path = scratch.path(`k-${toHex(randomBytes(6))}.pem`);
  const result = openssl(['genpkey', '-algorithm', 'SM2', '-out', path]);
  expect(result.status, result.stderr).toBe(0);
  return { pem: scratch.read(path.split('/').pop()!).toString(), path };
}

describe.each(backends.map((b) => [b.name, b] as const))(
  'OpenSSL interoperability on the %s backend',
  (_n, backend) => {
    withBackend(backend);

    it('ok/our signatures verify with openssl pkeyutl (default and custom ID)', () => {
      for (const id of ['1234567812345678', '法人证书-ID', 'ALICE123@YAHOO.COM']) {
        const key = Sm2PrivateKey.generate();
        const message = randomBytes(1 + Math.floor(Math.random() * 500));
        const signature = key.sign(message, { id });
        const pub = scratch.write('pub.pem', exportPublicKeyPem(key.publicKey));
        const msg = scratch.write('msg.bin', message);
        const sig = scratch.write('sig.der', signature);
        const verify = (sigPath: string) =>
          openssl([
            'pkeyutl',
            '-verify',
            '-rawin',
            '-digest',
            'sm3',
            '-pubin',
            '-inkey',
            pub,
            '-pkeyopt',
            `distid:${id}`,
            '-in',
            msg,
            '-sigfile',
            sigPath,
          ]);
        const ok = verify(sig);
        expect(ok.status, ok.stderr + ok.stdout.toString()).toBe(0);
        expect(ok.stdout.toString()).toMatch(/Signature Verified Successfully/);
        const tampered = signature.slice();
        tampered[tampered.length - 1]! ^= 1;
        expect(verify(scratch.write('bad.der', tampered)).status).not.toBe(0);
      }
    });

    it('ok/openssl signatures verify with ours, and the key PEMs exchange', () => {
      for (const id of ['1234567812345678', 'another-signer']) {
        const { pem, path } = opensslKey();
        const key = importPrivateKey(pem);
        const pubOut = openssl(['pkey', '-in', path, '-pubout']);
        expect(pubOut.status).toBe(0);
        expect(importPublicKey(pubOut.stdout.toString()).equals(key.publicKey)).toBe(true);
        expect(exportPublicKeyPem(key.publicKey)).toBe(pubOut.stdout.toString());
        const message = randomBytes(300);
        const msg = scratch.write('m.bin', message);
        const signed = openssl([
          'pkeyutl',
          '-sign',
          '-rawin',
          '-digest',
          'sm3',
          '-inkey',
          path,
          '-pkeyopt',
          `distid:${id}`,
          '-in',
          msg,
        ]);
        expect(signed.status, signed.stderr).toBe(0);
        expect(key.publicKey.verify(message, new Uint8Array(signed.stdout), { id })).toBe(true);
        expect(key.publicKey.verify(randomBytes(300), new Uint8Array(signed.stdout), { id })).toBe(false);
      }
    });

    it('ok/ciphertexts decrypt across (openssl writes GM/T 0009 DER)', () => {
      const { pem, path } = opensslKey();
      const key = importPrivateKey(pem);
      for (const length of [1, 32, 255]) {
        const message = randomBytes(length);
        const enc = openssl(['pkeyutl', '-encrypt', '-inkey', path], message);
        expect(enc.status, enc.stderr).toBe(0);
        expect(toHex(sm2Decrypt(key, new Uint8Array(enc.stdout), 'der'))).toBe(toHex(message));
        const ours = scratch.write('ct.der', sm2Encrypt(key.publicKey, message, 'der'));
        const dec = openssl(['pkeyutl', '-decrypt', '-inkey', path, '-in', ours]);
        expect(dec.status, dec.stderr).toBe(0);
        expect(toHex(dec.stdout)).toBe(toHex(message));
      }
    });
  },
);

describe('OpenSSL key formats', () => {
  it('ok/openssl reads our PKCS#8, SEC1 and encrypted PKCS#8 keys', () => {
    const key = Sm2PrivateKey.generate();
    const expected = exportPublicKeyPem(key.publicKey);
    for (const [name, pem, pass] of [
      ['pkcs8', exportPrivateKeyPem(key), undefined],
      ['sec1', exportPrivateKeyPem(key, { format: 'sec1' }), undefined],
      [
        'encrypted',
        exportPrivateKeyPem(key, { password: '密码 pass', iterations: 2048, prf: 'sha256' }),
        '密码 pass',
      ],
    ] as const) {
      const path = scratch.write(`${name}.pem`, pem);
      const args = ['pkey', '-in', path, '-pubout'];
      if (pass) args.push('-passin', `pass:${pass}`);
      const result = openssl(args);
      expect(result.status, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout.toString()).toBe(expected);
    }
  });

  it('ok/we read openssl SEC1 ("SM2 PRIVATE KEY") and encrypted PKCS#8 (AES-256 and SM4-CBC)', () => {
    const { path } = opensslKey();
    const reference = importPrivateKey(scratch.read(path.split('/').pop()!).toString());
    const sec1 = openssl(['ec', '-in', path]);
    expect(sec1.status, sec1.stderr).toBe(0);
    expect(sec1.stdout.toString()).toMatch(/BEGIN SM2 PRIVATE KEY/);
    expect(importPrivateKey(sec1.stdout.toString()).publicKey.equals(reference.publicKey)).toBe(true);
    // OpenSSL 3.0 has no HMAC-SM3 PRF for PBKDF2; its SM4-CBC with HMAC-SHA256 is the national-cipher choice it has.
    for (const extra of [[], ['-v2', 'sm4-cbc']]) {
      const enc = openssl([
        'pkcs8',
        '-topk8',
        '-in',
        path,
        '-passout',
        'pass:s3cret',
        '-iter',
        '1000',
        ...extra,
      ]);
      expect(enc.status, enc.stderr).toBe(0);
      const text = enc.stdout.toString();
      expect(importPrivateKey(text, 's3cret').publicKey.equals(reference.publicKey)).toBe(true);
      expect(() => importPrivateKey(text, 'wrong')).toThrow(
        expect.objectContaining({ code: 'YZ_ERR_KEY_PASSWORD' }),
      );
    }
  });
});
