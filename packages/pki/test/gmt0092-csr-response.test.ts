/**
 * GM/T 0092 CSRResponse (R12, KMC key delivery to a software client): the tagging pinned
 * byte-exactly around the reference §5.2 envelope, the IMPLICIT [0] variant read, a whole dual
 * certificate answer (certificates made by OpenSSL) opened with the holder's signing key, and
 * inconsistent or malformed responses refused with their codes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  concatBytes,
  decodePublicKeyInfo,
  der,
  exportPrivateKeyPem,
  fromHex,
  toHex,
} from '@yizheng/gm';
import { decodeCsrResponse, encodeCsrResponse, envelopeKey, openEnvelopedKey } from '../src/index.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { errorCode } from '../../../tools/test-support/errors.js';

/** Reference §5.2 SM2EnvelopedKey (243 bytes). */
const EXAMPLE_ENVELOPE =
  '3081F0300C06082A811CCF5501680105003079022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F' +
  '640ECD2E149A73022100E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF004204423' +
  'B448D18B4A1A86B0E264E928007803243A5A8D9D0B0E8953BFE4E928ADCF041045C54ABC791125FBC9BAE9ECC8A6' +
  '555903420004160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C942324A7DAD08BB9A4595' +
  '31694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F0321005270F9FA4295A5179A0BD7269AC3A97D30D60B' +
  '1A40A4CABB20496F651A9FD899';
/** Stand-in certificates: CSRResponse carries certificates as opaque DER. */
const SIGN_CERT = '3003020101';
const ENC_CERT = '3003020102';
/** The CSRResponse of those parts: SET OF, EXPLICIT [0] around the envelope, IMPLICIT [1] SET OF. */
const EXAMPLE_RESPONSE = [
  '30820104', // CSRResponse, 260 bytes of content
  '3105' + SIGN_CERT, // signCertificate SET OF Certificate
  'A081F3' + EXAMPLE_ENVELOPE, // encryptedPrivateKey [0] EXPLICIT SM2EnvelopedKey
  'A105' + ENC_CERT, // encryptCertificate [1] IMPLICIT SET OF Certificate
].join('');

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const code = errorCode;

/** A self-signed SM2 certificate for `key` made by OpenSSL (any certificate will do here). */
function opensslCertificate(key: Sm2PrivateKey, cn: string): Uint8Array {
  const keyPath = scratch.write(`${cn}.pem`, exportPrivateKeyPem(key));
  const result = openssl([
    'req',
    '-new',
    '-x509',
    '-key',
    keyPath,
    '-subj',
    `/C=CN/CN=${cn}`,
    '-days',
    '30',
    '-outform',
    'DER',
    '-sigopt',
    'distid:1234567812345678',
  ]);
  expect(result.status, result.stderr).toBe(0);
  return new Uint8Array(result.stdout);
}

/** The public key in a certificate: tbsCertificate's SubjectPublicKeyInfo (field 7 of 8+). */
function certificatePublicKey(certificate: Uint8Array) {
  const tbs = der.childrenOf(der.parseDer(certificate))[0]!;
  return decodePublicKeyInfo(der.rawOf(der.childrenOf(tbs)[6]!));
}

describe('GM/T 0092 CSRResponse', () => {
  it('ok/tagging is pinned byte-exactly around the reference §5.2 envelope', () => {
    const response = {
      signCertificates: [fromHex(SIGN_CERT)],
      encryptedPrivateKey: fromHex(EXAMPLE_ENVELOPE),
      encryptCertificates: [fromHex(ENC_CERT)],
    };
    const encoded = encodeCsrResponse(response);
    expect(toHex(encoded)).toBe(EXAMPLE_RESPONSE.toLowerCase());
    const decoded = decodeCsrResponse(encoded);
    expect(decoded.signCertificates.map(toHex)).toEqual([SIGN_CERT]);
    expect(toHex(decoded.encryptedPrivateKey!)).toBe(EXAMPLE_ENVELOPE.toLowerCase());
    expect(decoded.encryptCertificates!.map(toHex)).toEqual([ENC_CERT]);
  });

  it('ok/a signing certificate alone (key delivered another way) round-trips', () => {
    const encoded = encodeCsrResponse({ signCertificates: [fromHex(SIGN_CERT)] });
    expect(toHex(encoded)).toBe('30073105' + SIGN_CERT);
    const decoded = decodeCsrResponse(encoded);
    expect(decoded.encryptedPrivateKey).toBeUndefined();
    expect(decoded.encryptCertificates).toBeUndefined();
  });

  it('ok/[0] IMPLICIT (the four fields directly in [0]) is read as well', () => {
    const envelopeContent = EXAMPLE_ENVELOPE.slice(6); // drop 30 81 F0
    const implicitForm = ['30820101', '3105' + SIGN_CERT, 'A081F0' + envelopeContent, 'A105' + ENC_CERT].join(
      '',
    );
    const decoded = decodeCsrResponse(fromHex(implicitForm));
    expect(toHex(decoded.encryptedPrivateKey!)).toBe(EXAMPLE_ENVELOPE.toLowerCase());
  });

  it('ok/SET OF is sorted as DER requires, so callers find certificates by key, not position', () => {
    const encoded = encodeCsrResponse({ signCertificates: [fromHex('3003020109'), fromHex(SIGN_CERT)] });
    expect(decodeCsrResponse(encoded).signCertificates.map(toHex)).toEqual([SIGN_CERT, '3003020109']);
  });

  it('ok/a dual-certificate answer opens with the holder signing key to the certified encryption key (R12)', () => {
    const signingKey = Sm2PrivateKey.generate(); // generated in the holder's device (R14)
    const encryptionKey = Sm2PrivateKey.generate(); // generated and escrowed by the KMC
    const signCert = opensslCertificate(signingKey, 'sign');
    const encCert = opensslCertificate(encryptionKey, 'enc');
    const wire = encodeCsrResponse({
      signCertificates: [signCert],
      encryptedPrivateKey: envelopeKey(encryptionKey, certificatePublicKey(signCert)),
      encryptCertificates: [encCert],
    });
    const response = decodeCsrResponse(wire);
    expect(toHex(response.signCertificates[0]!)).toBe(toHex(signCert));
    const opened = openEnvelopedKey(response.encryptedPrivateKey!, signingKey);
    expect(toHex(opened.privateKey.toBytes())).toBe(toHex(encryptionKey.toBytes()));
    expect(opened.publicKey.equals(certificatePublicKey(response.encryptCertificates![0]!))).toBe(true);
  });

  it.each<[string, () => unknown, string]>([
    [
      'truncated',
      () => decodeCsrResponse(fromHex(EXAMPLE_RESPONSE).subarray(0, 200)),
      'YZ_ERR_DER_TRUNCATED',
    ],
    ['no signing certificate', () => decodeCsrResponse(fromHex('30023100')), 'YZ_ERR_ENVELOPE'],
    [
      'an encryptedPrivateKey without encryptCertificate',
      () => decodeCsrResponse(fromHex('3081FD3105' + SIGN_CERT + 'A081F3' + EXAMPLE_ENVELOPE)),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'an unknown [2] field',
      () => decodeCsrResponse(fromHex('300E3105' + SIGN_CERT + 'A205' + ENC_CERT)),
      'YZ_ERR_DER_TRAILING',
    ],
    [
      'a malformed SM2EnvelopedKey in [0]',
      () => decodeCsrResponse(fromHex('30123105' + SIGN_CERT + 'A0023000' + 'A105' + ENC_CERT)),
      'YZ_ERR_DER_TRUNCATED',
    ],
    ['encoding no signing certificate', () => encodeCsrResponse({ signCertificates: [] }), 'YZ_ERR_ENVELOPE'],
    [
      'encoding a key without its certificate',
      () =>
        encodeCsrResponse({
          signCertificates: [fromHex(SIGN_CERT)],
          encryptedPrivateKey: fromHex(EXAMPLE_ENVELOPE),
        }),
      'YZ_ERR_ENVELOPE',
    ],
    [
      'encoding a certificate that is not one DER element',
      () => encodeCsrResponse({ signCertificates: [concatBytes(fromHex(SIGN_CERT), Uint8Array.of(0))] }),
      'YZ_ERR_DER_TRAILING',
    ],
  ])('error/%s', (_name, run, expected) => {
    expect(code(run)).toBe(expected);
  });
});
