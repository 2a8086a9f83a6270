/**
 * GM/T 0010 (≙ GB/T 35275) messages (R11, R13; R12 KMC key delivery; R39 encrypt/decrypt):
 * SignedData in the GM/T 0010 profile (content types 1.2.156.10197.6.1.4.2.x, SM2-1 or
 * SM2-with-SM3 signatures) verified by BouncyCastle's CMSSignedData and OpenSSL pkeyutl;
 * EnvelopedData and SignedAndEnvelopedData opened by an independent BouncyCastle path (ASN.1 by
 * hand, SM2Engine, SM4-CBC/PKCS#7) including the KMC's signature; the layouts other producers
 * write (gmsm, GmSSL 3.x, CFCA — reference §8.2, §9) read; bad envelopes refused with codes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  asn1,
  decodePrivateKeyInfo,
  encodePrivateKeyInfo,
  exportPublicKeyPem,
  fromHex,
  randomBytes,
  utf8,
} from '@yizheng/gm';
import {
  ContentInfo,
  GmEnvelopedData,
  GmSignedAndEnvelopedData,
  Oid,
  envelopeGm,
  openEnvelopeGm,
  openSignedAndEnveloped,
  parseCms,
  signAndEnvelopeGm,
  signCms,
  verifyCms,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Verify } from '../../../tools/test-support/openssl.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = makeRoot();
const ca = makeSubCa(root);
const kmc = makeLeaf(ca, { subject: 'C=CN,O=某某省数字证书认证中心,CN=某某省密钥管理中心' });
const holder = makeLeaf(ca);
const second = makeLeaf(ca, { subject: 'C=CN,O=宁波某某贸易有限公司,CN=宁波某某贸易有限公司' });
const content = utf8('电子营业执照附件：法定代表人授权书\n');

const opener = { recipientKey: holder.key, recipientCert: holder.cert };

type EnvelopedValue = asn1.Decoded<typeof GmEnvelopedData>;

/** An EnvelopedData with its inner value changed by `change`. */
function rewriteEnvelope(der: Uint8Array, change: (value: EnvelopedValue) => EnvelopedValue): Uint8Array {
  const info = asn1.decodeDer(ContentInfo, der);
  const value = change(asn1.decodeDer(GmEnvelopedData, info.content!));
  return ContentInfo.encode({ contentType: info.contentType, content: GmEnvelopedData.encode(value) });
}

/** `rewriteEnvelope` on the only RecipientInfo. */
function rewriteRecipient(
  der: Uint8Array,
  change: (r: EnvelopedValue['recipientInfos'][number]) => EnvelopedValue['recipientInfos'][number],
): Uint8Array {
  return rewriteEnvelope(der, (v) => ({ ...v, recipientInfos: v.recipientInfos.map(change) }));
}

describe('GM/T 0010 SignedData profile', () => {
  const sign = (extra: object = {}) =>
    signCms({
      content,
      signer: kmc.key,
      certificate: kmc.cert,
      chain: [ca.cert],
      profile: 'gmt0010',
      ...extra,
    });

  it('ok/content types …6.1.4.2.2 / .2.1, SignedData and SignerInfo v1, SM2-1 signature OID (reference §8.2)', () => {
    const der = sign();
    const cms = parseCms(der);
    expect(asn1.decodeDer(ContentInfo, der).contentType).toBe('1.2.156.10197.6.1.4.2.2');
    expect(cms.profile).toBe('gmt0010');
    expect(cms.contentType).toBe('1.2.156.10197.6.1.4.2.1');
    expect(cms.version).toBe(1);
    expect(cms.signerInfos[0]!.version).toBe(1);
    expect(cms.signerInfos[0]!.digestAlgorithm.algorithm).toBe('1.2.156.10197.1.401');
    expect(cms.signerInfos[0]!.signatureAlgorithm.algorithm).toBe('1.2.156.10197.1.301.1');
    expect(verifyCms(cms).valid).toBe(true);
    expect(
      parseCms(sign({ signatureAlgorithm: 'sm2WithSm3' })).signerInfos[0]!.signatureAlgorithm.algorithm,
    ).toBe(Oid.sm2WithSm3);
    const printed = openssl(['asn1parse', '-inform', 'DER', '-in', scratch.write('gm.der', der)]);
    expect(printed.stdout.toString()).toContain('1.2.156.10197.6.1.4.2.2');
  });

  it('ok/BouncyCastle verifies the 301.1 and 501 variants, attached, detached and without attributes', () => {
    const answers = runBc([
      `cms-verify ${bcHex(sign())} -`,
      `cms-verify ${bcHex(sign({ signatureAlgorithm: 'sm2WithSm3' }))} -`,
      `cms-verify ${bcHex(sign({ signedAttributes: false }))} -`,
      `cms-verify ${bcHex(sign({ detached: true }))} ${bcHex(content)}`,
    ]);
    expect(answers.map((a) => a.error)).toEqual(['', '', '', '']);
    expect(answers.map((a) => a.fields[0])).toEqual(['true', 'true', 'true', 'true']);
  });

  it('ok/openssl pkeyutl verifies the signed attributes of the GM/T 0010 profile', () => {
    const si = parseCms(sign()).signerInfos[0]!;
    const r = opensslSm2Verify(
      scratch,
      exportPublicKeyPem(kmc.key.publicKey),
      si.signedAttributesDer!,
      si.signature,
    );
    expect(r.stdout.toString()).toContain('Signature Verified Successfully');
  });
});

describe('GM/T 0010 EnvelopedData', () => {
  it('ok/round trip, with the structure reference §8.1–§8.2 describes', () => {
    const der = envelopeGm({ content, recipients: [holder.cert] });
    const info = asn1.decodeDer(ContentInfo, der);
    expect(info.contentType).toBe('1.2.156.10197.6.1.4.2.3');
    const value = asn1.decodeDer(GmEnvelopedData, info.content!);
    expect(value.version).toBe(1);
    const [recipient] = value.recipientInfos;
    expect(recipient!.version).toBe(1);
    expect(recipient!.issuerAndSerialNumber.serialNumber).toBe(holder.cert.tbs.serialNumber);
    expect(recipient!.keyEncryptionAlgorithm).toEqual({
      algorithm: '1.2.156.10197.1.301.3',
      parameters: undefined,
    });
    expect(recipient!.encryptedKey[0]).toBe(0x30); // DER SM2Cipher
    const eci = value.encryptedContentInfo;
    expect(eci.contentType).toBe('1.2.156.10197.6.1.4.2.1');
    expect(eci.contentEncryptionAlgorithm.algorithm).toBe('1.2.156.10197.1.104.2');
    expect(asn1.decodeDer(asn1.OctetString, eci.contentEncryptionAlgorithm.parameters!).length).toBe(16);
    expect(eci.encryptedContent!.type).toBe('primitive'); // [0] IMPLICIT: tag 0x80
    expect(eci.encryptedContent!.value.length % 16).toBe(0);
    expect(openEnvelopeGm(der, opener)).toEqual({ contentType: Oid.gmData, content });
  });

  it('ok/BouncyCastle (independent SM2Engine + SM4-CBC path) opens it', () => {
    const contents = [content, new Uint8Array(0), randomBytes(1000)];
    const answers = runBc(
      contents.map((c) => {
        const envelope = envelopeGm({ content: c, recipients: [holder.cert] });
        return `gm-envelope-open ${bcHex(holder.key.toBytes())} ${bcHex(envelope)}`;
      }),
    );
    expect(answers.map((a) => a.error)).toEqual(['', '', '']);
    expect(answers.map((a) => a.fields[0])).toEqual(contents.map(bcHex));
  });

  it('ok/every recipient opens its own copy of the key', () => {
    const der = envelopeGm({ content, recipients: [holder.cert, second.cert] });
    expect(openEnvelopeGm(der, opener).content).toEqual(content);
    expect(openEnvelopeGm(der, { recipientKey: second.key, recipientCert: second.cert }).content).toEqual(
      content,
    );
    const [answer] = runBc([`gm-envelope-open ${bcHex(second.key.toBytes())} ${bcHex(der)}`]);
    expect(answer!.fields[0]).toBe(bcHex(content));
  });

  const NULL = fromHex('0500');
  it.each<[string, (der: Uint8Array) => Uint8Array]>([
    [
      'gmsm: encryptedContent as a constructed [0] around an OCTET STRING',
      (d) =>
        rewriteEnvelope(d, (v) => ({
          ...v,
          encryptedContentInfo: {
            ...v.encryptedContentInfo,
            encryptedContent: { type: 'constructed', value: v.encryptedContentInfo.encryptedContent!.value },
          },
        })),
    ],
    [
      'gmsm: keyEncryptionAlgorithm with NULL parameters',
      (d) =>
        rewriteRecipient(d, (r) => ({
          ...r,
          keyEncryptionAlgorithm: { algorithm: Oid.sm2Encrypt, parameters: NULL },
        })),
    ],
    [
      'GmSSL 3.x: sm2encrypt as 1.2.156.10197.1.301.2',
      (d) =>
        rewriteRecipient(d, (r) => ({
          ...r,
          keyEncryptionAlgorithm: { algorithm: '1.2.156.10197.1.301.2', parameters: undefined },
        })),
    ],
    ['RFC 5652: KeyTransRecipientInfo version 0', (d) => rewriteRecipient(d, (r) => ({ ...r, version: 0 }))],
    [
      'CFCA: bare SM4 OID 1.2.156.10197.1.104 for CBC',
      (d) =>
        rewriteEnvelope(d, (v) => ({
          ...v,
          encryptedContentInfo: {
            ...v.encryptedContentInfo,
            contentEncryptionAlgorithm: {
              ...v.encryptedContentInfo.contentEncryptionAlgorithm,
              algorithm: Oid.sm4,
            },
          },
        })),
    ],
  ])('ok/reads %s', (_name, change) => {
    expect(
      openEnvelopeGm(change(envelopeGm({ content, recipients: [holder.cert] })), opener).content,
    ).toEqual(content);
  });
});

describe('GM/T 0010 SignedAndEnvelopedData (KMC key delivery, reference §5.1)', () => {
  it('ok/a KMC-signed encryption key, enveloped to the holder, opens and verifies; BouncyCastle agrees', () => {
    const encryptionKey = Sm2PrivateKey.generate();
    const der = signAndEnvelopeGm({
      content: encodePrivateKeyInfo(encryptionKey),
      recipients: [holder.cert],
      signer: kmc.key,
      certificate: kmc.cert,
      chain: [ca.cert],
    });
    const info = asn1.decodeDer(ContentInfo, der);
    expect(info.contentType).toBe('1.2.156.10197.6.1.4.2.4');
    const value = asn1.decodeDer(GmSignedAndEnvelopedData, info.content!);
    expect(value.version).toBe(1);
    expect(value.signerInfos[0]!.signedAttrs).toBeUndefined();
    expect(value.signerInfos[0]!.signatureAlgorithm.algorithm).toBe('1.2.156.10197.1.301.1');
    const opened = openSignedAndEnveloped(der, opener);
    expect(opened.valid).toBe(true);
    expect(opened.signers[0]!.certificate!.der).toEqual(kmc.cert.der);
    expect(decodePrivateKeyInfo(opened.content).toBytes()).toEqual(encryptionKey.toBytes());
    const [answer] = runBc([`gm-envelope-open ${bcHex(holder.key.toBytes())} ${bcHex(der)}`]);
    expect(answer!.error).toBe('');
    expect(answer!.fields).toEqual([bcHex(opened.content), 'true']);
  });

  it('error/a signature that is not the KMC key reports signature-invalid, the content is still returned', () => {
    const impostor = Sm2PrivateKey.generate();
    const port = { publicKey: kmc.key.publicKey, signDigest: (e: Uint8Array) => impostor.signDigest(e) };
    const der = signAndEnvelopeGm({
      content,
      recipients: [holder.cert],
      signer: port,
      certificate: kmc.cert,
    });
    const opened = openSignedAndEnveloped(der, opener);
    expect(opened.valid).toBe(false);
    expect(opened.signers[0]).toMatchObject({
      reason: 'signature-invalid',
      code: 'YZ_ERR_SIGNATURE_INVALID',
    });
    expect(runBc([`gm-envelope-open ${bcHex(holder.key.toBytes())} ${bcHex(der)}`])[0]!.fields[1]).toBe(
      'false',
    );
  });

  it('error/a signer not carried is signer-certificate-not-found unless trusted supplies it', () => {
    const der = signAndEnvelopeGm({
      content,
      recipients: [holder.cert],
      signer: kmc.key,
      certificate: kmc.cert,
    });
    const info = asn1.decodeDer(ContentInfo, der);
    const value = asn1.decodeDer(GmSignedAndEnvelopedData, info.content!);
    const bare = ContentInfo.encode({
      contentType: info.contentType,
      content: GmSignedAndEnvelopedData.encode({ ...value, certificates: undefined }),
    });
    expect(openSignedAndEnveloped(bare, opener).signers[0]!.reason).toBe('signer-certificate-not-found');
    expect(openSignedAndEnveloped(bare, { ...opener, trusted: [kmc.cert] }).valid).toBe(true);
  });
});

describe('bad envelopes', () => {
  const envelope = envelopeGm({ content, recipients: [holder.cert] });

  it.each<[string, () => unknown, string]>([
    ['truncated DER', () => openEnvelopeGm(envelope.subarray(0, 200), opener), 'YZ_ERR_DER_TRUNCATED'],
    [
      'a SignedData given as envelope',
      () => openEnvelopeGm(signCms({ content, signer: kmc.key, certificate: kmc.cert }), opener),
      'YZ_ERR_CMS',
    ],
    [
      'an EnvelopedData given as SignedAndEnvelopedData',
      () => openSignedAndEnveloped(envelope, opener),
      'YZ_ERR_CMS',
    ],
    [
      'a certificate that is not a recipient',
      () => openEnvelopeGm(envelope, { recipientKey: second.key, recipientCert: second.cert }),
      'YZ_ERR_CMS',
    ],
    [
      'a key that is not the certificate key',
      () => openEnvelopeGm(envelope, { recipientKey: second.key, recipientCert: holder.cert }),
      'YZ_ERR_CMS',
    ],
    [
      'RecipientInfo version 2',
      () =>
        openEnvelopeGm(
          rewriteRecipient(envelope, (r) => ({ ...r, version: 2 })),
          opener,
        ),
      'YZ_ERR_CMS',
    ],
    [
      'keyEncryptionAlgorithm rsaEncryption',
      () =>
        openEnvelopeGm(
          rewriteRecipient(envelope, (r) => ({
            ...r,
            keyEncryptionAlgorithm: { algorithm: '1.2.840.113549.1.1.1', parameters: undefined },
          })),
          opener,
        ),
      'YZ_ERR_ALGORITHM',
    ],
    [
      'contentEncryptionAlgorithm AES-128-CBC',
      () =>
        openEnvelopeGm(
          rewriteEnvelope(envelope, (v) => ({
            ...v,
            encryptedContentInfo: {
              ...v.encryptedContentInfo,
              contentEncryptionAlgorithm: {
                ...v.encryptedContentInfo.contentEncryptionAlgorithm,
                algorithm: Oid.aes128Cbc,
              },
            },
          })),
          opener,
        ),
      'YZ_ERR_ALGORITHM',
    ],
    [
      'SM4-CBC without its IV',
      () =>
        openEnvelopeGm(
          rewriteEnvelope(envelope, (v) => ({
            ...v,
            encryptedContentInfo: {
              ...v.encryptedContentInfo,
              contentEncryptionAlgorithm: { algorithm: Oid.sm4Cbc, parameters: undefined },
            },
          })),
          opener,
        ),
      'YZ_ERR_CMS',
    ],
    [
      'no encryptedContent',
      () =>
        openEnvelopeGm(
          rewriteEnvelope(envelope, (v) => ({
            ...v,
            encryptedContentInfo: { ...v.encryptedContentInfo, encryptedContent: undefined },
          })),
          opener,
        ),
      'YZ_ERR_CMS',
    ],
    [
      'a tampered encryptedKey',
      () =>
        openEnvelopeGm(
          rewriteRecipient(envelope, (r) => {
            const encryptedKey = Uint8Array.from(r.encryptedKey);
            encryptedKey[encryptedKey.length - 1]! ^= 1;
            return { ...r, encryptedKey };
          }),
          opener,
        ),
      'YZ_ERR_CIPHERTEXT',
    ],
    [
      'a ciphertext cut short of a block',
      () =>
        openEnvelopeGm(
          rewriteEnvelope(envelope, (v) => {
            const c = v.encryptedContentInfo.encryptedContent!;
            return {
              ...v,
              encryptedContentInfo: {
                ...v.encryptedContentInfo,
                encryptedContent: { ...c, value: c.value.subarray(1) },
              },
            };
          }),
          opener,
        ),
      'YZ_ERR_SM4_PADDING',
    ],
  ])('error/%s is refused', (_name, open, code) => {
    expect(open).toThrow(expect.objectContaining({ code }));
  });

  it('error/no recipients is a RangeError when building', () => {
    expect(() => envelopeGm({ content, recipients: [] })).toThrow(RangeError);
  });
});
