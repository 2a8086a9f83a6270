/**
 * GM/T 0009-2012 §7.4 SM2EnvelopedKey (R12, KMC key delivery): the reference §5.2 derived example
 * byte-exact, round trips on random keys, the padded and SKF-aligned layouts other producers
 * write, bad envelopes refused with their codes, and BouncyCastle opening what we build.
 */
import { describe, expect, it } from 'vitest';
import { Sm2PrivateKey, asn1, fromHex, toHex } from '@yizheng/gm';
import { Oid, SM2EnvelopedKey, decodeEnvelopedKey, envelopeKey, openEnvelopedKey } from '../src/index.js';
import { sealUnderSm4Ecb } from '../src/gmt0009-enveloped-key.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { errorCode } from '../../../tools/test-support/errors.js';

/** Reference §5.2 inputs: protecting key = GB/T 32918.5 Annex A/C key, protected key = dA of Annex B. */
const PROTECTING_D = '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8';
const PROTECTED_D = '81EB26E941BB5AF16DF116495F90695272AE2CD63D6C4AE1678418BE48230029';
const PROTECTED_PUBLIC =
  '04160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C94232' +
  '4A7DAD08BB9A459531694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F';
const SM4_KEY = '0123456789ABCDEFFEDCBA9876543210';
const NONCE_K = '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21';
/** Reference §5.2 SM2EnvelopedKey (opened independently by BouncyCastle there). */
const EXAMPLE_ENVELOPE =
  '3081F0300C06082A811CCF5501680105003079022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F' +
  '640ECD2E149A73022100E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF004204423' +
  'B448D18B4A1A86B0E264E928007803243A5A8D9D0B0E8953BFE4E928ADCF041045C54ABC791125FBC9BAE9ECC8A6' +
  '555903420004160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C942324A7DAD08BB9A4595' +
  '31694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F0321005270F9FA4295A5179A0BD7269AC3A97D30D60B' +
  '1A40A4CABB20496F651A9FD899';

const protecting = Sm2PrivateKey.fromBytes(fromHex(PROTECTING_D));
const protectedKey = Sm2PrivateKey.fromBytes(fromHex(PROTECTED_D));
const fixed = { symmetricKey: fromHex(SM4_KEY), nonce: () => fromHex(NONCE_K) };

const code = errorCode;

type EnvelopeValue = asn1.Decoded<typeof SM2EnvelopedKey>;

/** The example envelope with some fields replaced. */
function altered(change: Partial<EnvelopeValue>): Uint8Array {
  const value = asn1.decodeDer(SM2EnvelopedKey, fromHex(EXAMPLE_ENVELOPE));
  return SM2EnvelopedKey.encode({ ...value, ...change });
}

/** An envelope whose private-key field is `plaintext` encrypted under the example SM4 key. */
function withPlaintext(plaintext: Uint8Array): Uint8Array {
  const sealed = sealUnderSm4Ecb(plaintext, protecting.publicKey, fixed);
  return altered({ sm2EncryptedPrivateKey: sealed.ciphertext });
}

describe('GM/T 0009 SM2EnvelopedKey', () => {
  it('ok/reference §5.2 example is reproduced byte-exactly and opens to the protected key', () => {
    const envelope = envelopeKey(protectedKey, protecting.publicKey, fixed);
    expect(toHex(envelope)).toBe(EXAMPLE_ENVELOPE.toLowerCase());
    const opened = openEnvelopedKey(envelope, protecting);
    expect(toHex(opened.privateKey.toBytes())).toBe(PROTECTED_D.toLowerCase());
    expect(toHex(opened.publicKey.toBytes())).toBe(PROTECTED_PUBLIC.toLowerCase());
  });

  it('ok/decodeEnvelopedKey shows the public key and algorithm without the recipient key', () => {
    const info = decodeEnvelopedKey(fromHex(EXAMPLE_ENVELOPE));
    expect(info.symmetricAlgorithm).toBe(Oid.sm4Ecb);
    expect(toHex(info.publicKey.toBytes())).toBe(PROTECTED_PUBLIC.toLowerCase());
    expect(info.encryptedPrivateKey.length).toBe(32);
    expect(info.encryptedKey.c2.length).toBe(16);
  });

  it('ok/random key pairs round-trip with fresh symmetric keys and nonces', () => {
    for (let i = 0; i < 8; i++) {
      const recipient = Sm2PrivateKey.generate();
      const enveloped = Sm2PrivateKey.generate();
      const envelope = envelopeKey(enveloped, recipient.publicKey);
      const opened = openEnvelopedKey(envelope, recipient);
      expect(toHex(opened.privateKey.toBytes())).toBe(toHex(enveloped.toBytes()));
      expect(opened.publicKey.equals(enveloped.publicKey)).toBe(true);
    }
  });

  it('ok/bare SM4 OID (1.2.156.10197.1.104) and absent parameters are accepted', () => {
    const envelope = altered({ symAlgID: { algorithm: Oid.sm4, parameters: undefined } });
    expect(toHex(openEnvelopedKey(envelope, protecting).privateKey.toBytes())).toBe(
      PROTECTED_D.toLowerCase(),
    );
  });

  it.each([
    ['48-byte PKCS#7-padded', fromHex(PROTECTED_D + '10'.repeat(16))],
    ['64-byte SKF right-aligned', fromHex('00'.repeat(32) + PROTECTED_D)],
  ])('ok/%s private key (other producers) opens', (_name, plaintext) => {
    const opened = openEnvelopedKey(withPlaintext(plaintext), protecting);
    expect(toHex(opened.privateKey.toBytes())).toBe(PROTECTED_D.toLowerCase());
  });

  const other = Sm2PrivateKey.generate();
  it.each<[string, () => Uint8Array, string]>([
    ['truncated DER', () => fromHex(EXAMPLE_ENVELOPE).subarray(0, 100), 'YZ_ERR_DER_TRUNCATED'],
    ['trailing bytes', () => fromHex(EXAMPLE_ENVELOPE + '00'), 'YZ_ERR_DER_TRAILING'],
    [
      'symAlgID SM4-CBC',
      () => altered({ symAlgID: { algorithm: Oid.sm4Cbc, parameters: undefined } }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'symAlgID with an IV parameter',
      () => altered({ symAlgID: { algorithm: Oid.sm4Ecb, parameters: fromHex('0410' + '00'.repeat(16)) } }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'a 40-byte private key',
      () => altered({ sm2EncryptedPrivateKey: new Uint8Array(40) }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'a 16-byte private key',
      () => altered({ sm2EncryptedPrivateKey: new Uint8Array(16) }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'a compressed public key',
      () => altered({ sm2PublicKey: protectedKey.publicKey.toBytes(true) }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'a public key off the curve',
      () => altered({ sm2PublicKey: fromHex('04' + '01'.repeat(64)) }),
      'YZ_ERR_POINT_INVALID',
    ],
    [
      'a public key of another pair',
      () => altered({ sm2PublicKey: other.publicKey.toBytes() }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'a symmetric key of 15 bytes',
      () => {
        const value = asn1.decodeDer(SM2EnvelopedKey, fromHex(EXAMPLE_ENVELOPE));
        const symEncryptedKey = {
          ...value.symEncryptedKey,
          cipherText: value.symEncryptedKey.cipherText.subarray(1),
        };
        return SM2EnvelopedKey.encode({ ...value, symEncryptedKey });
      },
      'YZ_ERR_ENVELOPE',
    ],
    [
      '48 bytes without PKCS#7 padding',
      () => withPlaintext(fromHex(PROTECTED_D + '0f'.repeat(16))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      '64 bytes with a non-zero high half',
      () => withPlaintext(fromHex('01'.repeat(32) + PROTECTED_D)),
      'YZ_ERR_ENVELOPE',
    ],
    ['d = 0', () => withPlaintext(new Uint8Array(32)), 'YZ_ERR_ENVELOPE'],
  ])('error/%s is refused', (_name, build, expected) => {
    expect(code(() => openEnvelopedKey(build(), protecting))).toBe(expected);
  });

  it('error/another recipient key fails the SM2 check value: YZ_ERR_CIPHERTEXT', () => {
    expect(code(() => openEnvelopedKey(fromHex(EXAMPLE_ENVELOPE), other))).toBe('YZ_ERR_CIPHERTEXT');
  });

  it('interop/BouncyCastle opens our envelopes to the same key pair (R12)', () => {
    const cases = [
      { recipient: protecting, envelope: fromHex(EXAMPLE_ENVELOPE), enveloped: protectedKey },
      ...Array.from({ length: 6 }, () => {
        const recipient = Sm2PrivateKey.generate();
        const enveloped = Sm2PrivateKey.generate();
        return { recipient, enveloped, envelope: envelopeKey(enveloped, recipient.publicKey) };
      }),
    ];
    const mismatched = altered({ sm2PublicKey: other.publicKey.toBytes() });
    const answers = runBc([
      ...cases.map((c) => `sm2-enveloped-key-open ${bcHex(c.recipient.toBytes())} ${bcHex(c.envelope)}`),
      `sm2-enveloped-key-open ${bcHex(protecting.toBytes())} ${bcHex(mismatched)}`,
    ]);
    cases.forEach((c, i) => {
      const answer = answers[i]!;
      expect(answer.ok, answer.error).toBe(true);
      expect(answer.fields).toEqual([toHex(c.enveloped.toBytes()), toHex(c.enveloped.publicKey.toBytes())]);
    });
    expect(answers[cases.length]!.error).toMatch(/does not match the carried public key/);
  });
});
