/**
 * Bad input, named cases: wrong lengths, r or s out of range, points off the curve, truncated
 * DER, trailing bytes, absurd lengths, wrong PEM labels, wrong passwords — each a typed error
 * naming what is wrong, never a crash or a silent false. Then a fuzz pass: thousands of random
 * and mutated inputs through every parser, which must return or throw GmError, nothing else.
 */
import { describe, expect, it } from 'vitest';
import {
  GmError,
  SM2_CURVE,
  Sm2PrivateKey,
  Sm2PublicKey,
  bigIntToBytes,
  concatBytes,
  decodePem,
  decodeSignature,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  fromHex,
  importPrivateKey,
  importPublicKey,
  isGmError,
  randomBytes,
  sm2Decrypt,
  sm2Encrypt,
  encodePrivateKeyInfo,
  asn1,
  der,
} from '../src/index.js';

const key = Sm2PrivateKey.generate();
const message = new TextEncoder().encode('营业执照');

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isGmError(error)) return error.code;
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('bad input is refused with a coded error', () => {
  const n = SM2_CURVE.n;
  const sigOf = (r: bigint, s: bigint) => concatBytes(bigIntToBytes(r, 32), bigIntToBytes(s, 32));

  it.each([
    ['r = 0', sigOf(0n, 5n)],
    ['s = 0', sigOf(5n, 0n)],
    ['r = n', sigOf(n, 5n)],
    ['s = n', sigOf(5n, n)],
    ['63 bytes', new Uint8Array(63)],
    ['65 bytes', new Uint8Array(65)],
  ])('error/raw signature with %s is YZ_ERR_SIGNATURE_FORMAT', (_name, signature) => {
    expect(code(() => key.publicKey.verify(message, signature, { format: 'raw' }))).toBe(
      'YZ_ERR_SIGNATURE_FORMAT',
    );
  });

  it('error/DER signatures: truncated, trailing bytes, negative r, wrong tag', () => {
    const good = key.sign(message);
    expect(code(() => key.publicKey.verify(message, good.subarray(0, good.length - 1)))).toBe(
      'YZ_ERR_SIGNATURE_FORMAT',
    );
    expect(code(() => key.publicKey.verify(message, concatBytes(good, Uint8Array.of(0))))).toBe(
      'YZ_ERR_SIGNATURE_FORMAT',
    );
    expect(code(() => decodeSignature(fromHex('3006020180020101')))).toBe('YZ_ERR_SIGNATURE_FORMAT');
    expect(code(() => decodeSignature(fromHex('3106020101020101')))).toBe('YZ_ERR_SIGNATURE_FORMAT');
    expect(key.publicKey.verify(message, good)).toBe(true);
  });

  it('error/points off the curve, infinity and wrong lengths are YZ_ERR_POINT_INVALID', () => {
    const xy = key.publicKey.xy;
    const offCurve = xy.slice();
    offCurve[63]! ^= 1;
    expect(code(() => Sm2PublicKey.fromBytes(concatBytes(Uint8Array.of(4), offCurve)))).toBe(
      'YZ_ERR_POINT_INVALID',
    );
    expect(code(() => Sm2PublicKey.fromBytes(new Uint8Array(65).fill(0, 1).fill(4, 0, 1)))).toBe(
      'YZ_ERR_POINT_INVALID',
    );
    expect(code(() => Sm2PublicKey.fromBytes(Uint8Array.of(0)))).toBe('YZ_ERR_POINT_INVALID');
    expect(code(() => Sm2PublicKey.fromBytes(new Uint8Array(66)))).toBe('YZ_ERR_POINT_INVALID');
    const bigX = concatBytes(Uint8Array.of(2), bigIntToBytes(SM2_CURVE.p + 1n, 32));
    expect(code(() => Sm2PublicKey.fromBytes(bigX))).toBe('YZ_ERR_POINT_INVALID');
    const compressed = key.publicKey.toBytes(true);
    expect(Sm2PublicKey.fromBytes(compressed).equals(key.publicKey)).toBe(true);
  });

  it('error/private keys outside [1, n-2] are YZ_ERR_KEY_RANGE', () => {
    for (const d of [0n, n - 1n, n, 2n ** 256n - 1n]) {
      expect(code(() => Sm2PrivateKey.fromBytes(bigIntToBytes(d, 32)))).toBe('YZ_ERR_KEY_RANGE');
    }
    expect(code(() => Sm2PrivateKey.fromBytes(new Uint8Array(33)))).toBe('YZ_ERR_KEY_RANGE');
    expect(Sm2PrivateKey.fromBytes(bigIntToBytes(n - 2n, 32)).publicKey).toBeInstanceOf(Sm2PublicKey);
  });

  it('error/ciphertexts: short, C1 off the curve, wrong hash length, garbage DER', () => {
    const ct = sm2Encrypt(key.publicKey, message);
    expect(code(() => sm2Decrypt(key, ct.subarray(0, 96)))).toBe('YZ_ERR_CIPHERTEXT');
    const offCurve = ct.slice();
    offCurve[10]! ^= 1;
    expect(code(() => sm2Decrypt(key, offCurve))).toBe('YZ_ERR_CIPHERTEXT');
    expect(code(() => sm2Decrypt(key, fromHex('3003020100'), 'der'))).toBe('YZ_ERR_CIPHERTEXT');
    expect(code(() => sm2Decrypt(key, fromHex('300c020101020101040100040100'), 'der'))).toBe(
      'YZ_ERR_CIPHERTEXT',
    );
  });

  it('error/DER: absurd lengths do not allocate, indefinite lengths and non-minimal forms are refused', () => {
    expect(code(() => der.parseDer(fromHex('3084ffffffff00')))).toBe('YZ_ERR_DER_TRUNCATED');
    expect(code(() => der.parseDer(fromHex('3089ffffffffffffffffff')))).toBe('YZ_ERR_DER_LENGTH');
    expect(code(() => der.parseDer(fromHex('30800000')))).toBe('YZ_ERR_DER_LENGTH');
    expect(code(() => der.parseDer(fromHex('3081010500'.slice(0, 8))))).toBe('YZ_ERR_DER_LENGTH');
    expect(code(() => der.parseDer(fromHex('300005')))).toBe('YZ_ERR_DER_TRAILING');
    expect(code(() => asn1.decodeDer(asn1.Integer, fromHex('02020001')))).toBe('YZ_ERR_DER_VALUE');
    expect(code(() => asn1.decodeDer(asn1.Integer, fromHex('0200')))).toBe('YZ_ERR_DER_VALUE');
    expect(code(() => asn1.decodeDer(asn1.ObjectIdentifier, fromHex('06028001')))).toBe('YZ_ERR_DER_VALUE');
    expect(code(() => asn1.decodeDer(asn1.UtcTime, new TextEncoder().encode('\x17\x0d991332000000Z')))).toBe(
      'YZ_ERR_DER_VALUE',
    );
    expect(code(() => asn1.decodeDer(asn1.PrintableString, fromHex('130140')))).toBe('YZ_ERR_DER_VALUE');
    expect(code(() => asn1.decodeDer(asn1.BitString, fromHex('03020101')))).toBe('YZ_ERR_DER_VALUE');
    expect(code(() => der.parseDer(fromHex('1f0100')))).toBe('YZ_ERR_DER_TAG');
  });

  it('error/PEM: wrong labels, mismatched END, bad base64, several blocks', () => {
    const pub = exportPublicKeyPem(key.publicKey);
    expect(code(() => importPrivateKey(pub))).toBe('YZ_ERR_PEM');
    expect(code(() => importPublicKey(exportPrivateKeyPem(key)))).toBe('YZ_ERR_PEM');
    expect(code(() => importPublicKey(pub.replace('END PUBLIC KEY', 'END PRIVATE KEY')))).toBe('YZ_ERR_PEM');
    expect(code(() => importPublicKey(pub.replace(/\n[A-Za-z0-9]/, '\n!')))).toBe('YZ_ERR_PEM');
    expect(code(() => decodePem(pub + pub, ['PUBLIC KEY']))).toBe('YZ_ERR_PEM');
    expect(code(() => importPublicKey('not a key'))).toBe('YZ_ERR_PEM');
    expect(
      code(() =>
        importPrivateKey(
          '-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END EC PRIVATE KEY-----',
        ),
      ),
    ).toBe('YZ_ERR_PEM');
  });

  it('error/keys of another curve or a mismatched embedded public key are YZ_ERR_KEY_FORMAT', () => {
    const p256Spki = fromHex('3059301306072a8648ce3d020106082a8648ce3d03010703420004' + '11'.repeat(64));
    expect(code(() => importPublicKey(p256Spki))).toBe('YZ_ERR_KEY_FORMAT');
    const other = Sm2PrivateKey.generate();
    const pkcs8 = encodePrivateKeyInfo(key);
    const tampered = Buffer.from(pkcs8)
      .toString('hex')
      .replace(
        Buffer.from(key.publicKey.toBytes()).toString('hex'),
        Buffer.from(other.publicKey.toBytes()).toString('hex'),
      );
    expect(code(() => importPrivateKey(fromHex(tampered)))).toBe('YZ_ERR_KEY_FORMAT');
  });

  it('error/an ID over 8191 bytes is YZ_ERR_ID_LENGTH', () => {
    expect(code(() => key.sign(message, { id: new Uint8Array(8192) }))).toBe('YZ_ERR_ID_LENGTH');
    expect(
      key.publicKey.verify(message, key.sign(message, { id: new Uint8Array(8191) }), {
        id: new Uint8Array(8191),
      }),
    ).toBe(true);
  });
});

describe('fuzz: every parser on random and mutated input', () => {
  const samples: Uint8Array[] = [
    key.sign(message),
    sm2Encrypt(key.publicKey, message, 'der'),
    sm2Encrypt(key.publicKey, message, 'c1c3c2'),
    encodePrivateKeyInfo(key),
    Buffer.from(exportPublicKeyPem(key.publicKey)),
    Buffer.from(exportPrivateKeyPem(key, { password: 'p', iterations: 1 })),
  ];
  const parsers: Array<[string, (input: Uint8Array) => unknown]> = [
    ['decodeSignature', (input) => decodeSignature(input, 'auto')],
    ['verify', (input) => key.publicKey.verify(message, input)],
    ['sm2Decrypt', (input) => sm2Decrypt(key, input, 'auto')],
    ['importPrivateKey', (input) => importPrivateKey(input, 'p')],
    ['importPublicKey', (input) => importPublicKey(input)],
    ['Sm2PublicKey.fromBytes', (input) => Sm2PublicKey.fromBytes(input)],
    ['parseDer', (input) => der.parseDer(input)],
  ];

  function mutate(sample: Uint8Array): Uint8Array {
    const out = sample.slice();
    const choice = Math.floor(Math.random() * 4);
    if (choice === 0) return out.subarray(0, Math.floor(Math.random() * out.length));
    if (choice === 1) return concatBytes(out, randomBytes(1 + Math.floor(Math.random() * 8)));
    const flips = 1 + Math.floor(Math.random() * 4);
    for (let i = 0; i < flips; i++)
      out[Math.floor(Math.random() * out.length)] = Math.floor(Math.random() * 256);
    return out;
  }

  it('ok/no crash, no hang, only GmError', () => {
    let inputs = 0;
    const unexpected: string[] = [];
    for (let round = 0; round < 500; round++) {
      const candidates = [randomBytes(Math.floor(Math.random() * 120)), ...samples.map(mutate)];
      for (const input of candidates) {
        for (const [name, parse] of parsers) {
          inputs++;
          try {
            parse(input);
          } catch (error) {
            if (!(error instanceof GmError)) unexpected.push(`${name}: ${(error as Error).stack}`);
          }
        }
      }
    }
    expect(unexpected.slice(0, 3)).toEqual([]);
    expect(inputs).toBeGreaterThan(20_000);
  });
});
