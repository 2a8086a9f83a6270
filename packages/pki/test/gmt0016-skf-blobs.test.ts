/**
 * GM/T 0016 SKF ECC blobs (R12 key delivery to a token, R15 SKF interface): the reference §5.5
 * ENVELOPEDKEYBLOB example byte-exact, ECCCIPHERBLOB ⇄ SM2Cipher re-encoding on the GB/T 32918.5
 * vector, public-key and signature blobs, round trips on random keys, and malformed blobs
 * refused with their codes.
 */
import { describe, expect, it } from 'vitest';
import { Sm2PrivateKey, concatBytes, fromHex, randomBytes, toHex } from '@yizheng/gm';
import {
  SGD_SM4_ECB,
  decodeEccCipherBlob,
  decodeEccPublicKeyBlob,
  decodeEccSignatureBlob,
  decodeEnvelopedKeyBlob,
  eccCipherBlobToSm2Cipher,
  encodeEccPublicKeyBlob,
  encodeEccSignatureBlob,
  envelopeKeyAsSkfBlob,
  openSkfEnvelopedKeyBlob,
  sm2CipherToEccCipherBlob,
} from '../src/index.js';
import { sealUnderSm4Ecb } from '../src/gmt0009-enveloped-key.js';
import { errorCode } from '../../../tools/test-support/errors.js';

/** Reference §5.2 inputs, shared by the §5.5 example. */
const PROTECTING_D = '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8';
const PROTECTED_D = '81EB26E941BB5AF16DF116495F90695272AE2CD63D6C4AE1678418BE48230029';
const SM4_KEY = '0123456789ABCDEFFEDCBA9876543210';
const NONCE_K = '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21';

const Z32 = '00'.repeat(32);
/** Reference §5.5 derived ENVELOPEDKEYBLOB, field by field (388 bytes). */
const EXAMPLE_BLOB = [
  '01000000', // 0    Version 1
  '01040000', // 4    ulSymmAlgID SGD_SM4_ECB
  '00010000', // 8    ulBits 256
  '2677F46B09C122CC975533105BD4A22A2677F46B09C122CC975533105BD4A22A' + // 12 cbEncryptedPriKey
    '5270F9FA4295A5179A0BD7269AC3A97D30D60B1A40A4CABB20496F651A9FD899',
  '00010000', // 76   PubKey.BitLen
  Z32 + '160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C94232', // 80 PubKey.X
  Z32 + '4A7DAD08BB9A459531694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F', // 144 PubKey.Y
  Z32 + '04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73', // 208 Cipher.X
  Z32 + 'E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0', // 272 Cipher.Y
  '4423B448D18B4A1A86B0E264E928007803243A5A8D9D0B0E8953BFE4E928ADCF', // 336 Cipher.HASH
  '10000000', // 368  Cipher.CipherLen 16
  '45C54ABC791125FBC9BAE9ECC8A65559', // 372 Cipher.Cipher
].join('');
/** The symEncryptedKey SM2Cipher of the reference §5.2 SM2EnvelopedKey (same inputs). */
const EXAMPLE_SM2CIPHER =
  '3079022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73022100E858F9D81E5430' +
  'A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF004204423B448D18B4A1A86B0E264E928007803243A' +
  '5A8D9D0B0E8953BFE4E928ADCF041045C54ABC791125FBC9BAE9ECC8A65559';

/** GB/T 32918.5 Annex C encryption of "encryption standard" (reference §1.8.1), two layouts. */
const ANNEX_C_C1C3C2 =
  '0404EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73E858F9D81E5430A57B36DAAB8F950A3C' +
  '64E6EE6A63094D99283AFF767E124DF059983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766' +
  '21886CA989CA9C7D58087307CA93092D651EFA';
const ANNEX_C_DER =
  '307C022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73022100E858F9D81E5430A57B' +
  '36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0042059983C18F809E262923C53AEC295D30383B54E39D609D1' +
  '60AFCB1908D0BD8766041321886CA989CA9C7D58087307CA93092D651EFA';
/** GB/T 32918.5 Annex A signature (reference §1.8.1) as DER. */
const ANNEX_A_SIGNATURE =
  '3046022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
  '022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA';

const protecting = Sm2PrivateKey.fromBytes(fromHex(PROTECTING_D));
const protectedKey = Sm2PrivateKey.fromBytes(fromHex(PROTECTED_D));
const fixed = { symmetricKey: fromHex(SM4_KEY), nonce: () => fromHex(NONCE_K) };
const other = Sm2PrivateKey.generate();

const code = errorCode;

/** `hex` with the bytes at `offset` replaced by `replacement`. */
function patched(hex: string, offset: number, replacement: Uint8Array): Uint8Array {
  const bytes = fromHex(hex);
  bytes.set(replacement, offset);
  return bytes;
}

describe('GM/T 0016 SKF blobs', () => {
  it('ok/reference §5.5 ENVELOPEDKEYBLOB is reproduced byte-exactly and opens to the protected key', () => {
    const blob = envelopeKeyAsSkfBlob(protectedKey, protecting.publicKey, fixed);
    expect(blob.length).toBe(388);
    expect(toHex(blob)).toBe(EXAMPLE_BLOB.toLowerCase());
    const opened = openSkfEnvelopedKeyBlob(blob, protecting);
    expect(toHex(opened.privateKey.toBytes())).toBe(PROTECTED_D.toLowerCase());
    expect(opened.publicKey.equals(protectedKey.publicKey)).toBe(true);
  });

  it('ok/the §5.5 ECCCipherBlob is the §5.2 SM2Cipher re-encoded, both ways', () => {
    const cipherBlob = fromHex(EXAMPLE_BLOB).subarray(208);
    expect(toHex(eccCipherBlobToSm2Cipher(cipherBlob))).toBe(EXAMPLE_SM2CIPHER.toLowerCase());
    expect(toHex(sm2CipherToEccCipherBlob(fromHex(EXAMPLE_SM2CIPHER)))).toBe(toHex(cipherBlob));
    const decoded = decodeEnvelopedKeyBlob(fromHex(EXAMPLE_BLOB));
    expect(toHex(decoded.encryptedKey.c2)).toBe('45c54abc791125fbc9bae9ecc8a65559');
    expect(SGD_SM4_ECB).toBe(0x401);
  });

  it('ok/GB/T 32918.5 Annex C ciphertext: C1C3C2 → ECCCIPHERBLOB → DER SM2Cipher (Tongsuo value)', () => {
    const blob = sm2CipherToEccCipherBlob(fromHex(ANNEX_C_C1C3C2), 'c1c3c2');
    expect(blob.length).toBe(164 + 19);
    expect(toHex(blob.subarray(160, 164))).toBe('13000000');
    expect(toHex(eccCipherBlobToSm2Cipher(blob))).toBe(ANNEX_C_DER.toLowerCase());
    expect(toHex(eccCipherBlobToSm2Cipher(blob, 'c1c3c2'))).toBe(ANNEX_C_C1C3C2.toLowerCase());
  });

  it('ok/ECCPUBLICKEYBLOB: the §5.5 PubKey field, and random keys round-trip', () => {
    expect(toHex(encodeEccPublicKeyBlob(protectedKey.publicKey))).toBe(
      EXAMPLE_BLOB.slice(152, 416).toLowerCase(),
    );
    for (let i = 0; i < 8; i++) {
      const key = Sm2PrivateKey.generate().publicKey;
      const blob = encodeEccPublicKeyBlob(key);
      expect(blob.length).toBe(132);
      expect(decodeEccPublicKeyBlob(blob).equals(key)).toBe(true);
    }
  });

  it('ok/ECCSIGNATUREBLOB: Annex A r and s right-aligned, and random signatures round-trip', () => {
    const blob = encodeEccSignatureBlob(fromHex(ANNEX_A_SIGNATURE));
    expect(toHex(blob)).toBe(
      (
        Z32 +
        'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
        Z32 +
        'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA'
      ).toLowerCase(),
    );
    expect(toHex(decodeEccSignatureBlob(blob))).toBe(ANNEX_A_SIGNATURE.toLowerCase());
    for (let i = 0; i < 8; i++) {
      const key = Sm2PrivateKey.generate();
      const message = randomBytes(i * 10);
      const sigBlob = encodeEccSignatureBlob(key.sign(message, { format: 'raw' }), 'raw');
      expect(key.publicKey.verify(message, decodeEccSignatureBlob(sigBlob))).toBe(true);
    }
  });

  it('ok/random key pairs round-trip through ENVELOPEDKEYBLOB', () => {
    for (let i = 0; i < 8; i++) {
      const container = Sm2PrivateKey.generate();
      const enveloped = Sm2PrivateKey.generate();
      const opened = openSkfEnvelopedKeyBlob(envelopeKeyAsSkfBlob(enveloped, container.publicKey), container);
      expect(toHex(opened.privateKey.toBytes())).toBe(toHex(enveloped.toBytes()));
    }
  });

  const ulong = (value: number) =>
    Uint8Array.of(value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >>> 24);
  const publicKeyBlob = () => fromHex(EXAMPLE_BLOB.slice(152, 416));
  const cipherBlob = () => fromHex(EXAMPLE_BLOB.slice(416));

  it.each<[string, () => unknown, string]>([
    [
      'ECCPUBLICKEYBLOB of 131 bytes',
      () => decodeEccPublicKeyBlob(publicKeyBlob().subarray(1)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCPUBLICKEYBLOB with BitLen 512',
      () => decodeEccPublicKeyBlob(concatBytes(ulong(512), publicKeyBlob().subarray(4))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCPUBLICKEYBLOB with a non-zero high half of X',
      () => decodeEccPublicKeyBlob(patched(EXAMPLE_BLOB.slice(152, 416), 4, Uint8Array.of(1))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCPUBLICKEYBLOB off the curve',
      () => decodeEccPublicKeyBlob(patched(EXAMPLE_BLOB.slice(152, 416), 131, Uint8Array.of(0))),
      'YZ_ERR_POINT_INVALID',
    ],
    [
      'ECCCIPHERBLOB of 163 bytes',
      () => decodeEccCipherBlob(cipherBlob().subarray(0, 163)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCCIPHERBLOB with CipherLen beyond its end',
      () => decodeEccCipherBlob(patched(EXAMPLE_BLOB.slice(416), 160, ulong(17))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCCIPHERBLOB with a trailing byte',
      () => decodeEccCipherBlob(concatBytes(cipherBlob(), Uint8Array.of(0))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCSIGNATUREBLOB of 127 bytes',
      () => decodeEccSignatureBlob(encodeEccSignatureBlob(fromHex(ANNEX_A_SIGNATURE)).subarray(1)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ECCSIGNATUREBLOB with a non-zero high half of r',
      () =>
        decodeEccSignatureBlob(patched('00'.repeat(63) + '01' + '00'.repeat(63) + '01', 0, Uint8Array.of(1))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB of 387 bytes',
      () => decodeEnvelopedKeyBlob(fromHex(EXAMPLE_BLOB).subarray(0, 387)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB of 300 bytes',
      () => decodeEnvelopedKeyBlob(fromHex(EXAMPLE_BLOB).subarray(0, 300)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB Version 2',
      () => decodeEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 0, ulong(2))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB with SGD_SM4_CBC',
      () => decodeEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 4, ulong(0x402))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB with SGD_SM1_ECB (no SM1 here)',
      () => decodeEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 4, ulong(0x101))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB with ulBits 512',
      () => decodeEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 8, ulong(512))),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB carrying a 15-byte symmetric key',
      () => decodeEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 368, ulong(15)).subarray(0, 387)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB with the public key of another pair',
      () =>
        openSkfEnvelopedKeyBlob(
          patched(EXAMPLE_BLOB, 76, encodeEccPublicKeyBlob(other.publicKey)),
          protecting,
        ),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB whose private-key field has a non-zero high half',
      () => {
        const field = fromHex('01'.repeat(32) + PROTECTED_D);
        const sealed = sealUnderSm4Ecb(field, protecting.publicKey, fixed);
        return openSkfEnvelopedKeyBlob(patched(EXAMPLE_BLOB, 12, sealed.ciphertext), protecting);
      },
      'YZ_ERR_ENVELOPE',
    ],
    [
      'ENVELOPEDKEYBLOB opened with another container key',
      () => openSkfEnvelopedKeyBlob(fromHex(EXAMPLE_BLOB), other),
      'YZ_ERR_CIPHERTEXT',
    ],
  ])('error/%s is refused', (_name, run, expected) => {
    expect(code(run)).toBe(expected);
  });
});
