/**
 * RFC 5652 SignedData on SM2 (R11, R13; R39 sign/verify service): attached, detached, with and
 * without signed attributes, sid by issuerAndSerialNumber or subjectKeyIdentifier. OpenSSL
 * prints what we build and `pkeyutl` verifies the SET-tagged signed attributes with distid
 * 1234567812345678; BouncyCastle's CMSSignedData verifies every signer; BouncyCastle-made CMS
 * verifies with ours. OpenSSL 3.0's own CMS behaviour is pinned down: `cms -verify` uses an
 * empty SM2 ID (and no Z at all without signed attributes), and `cms -sign` cannot sign with SM2.
 * Bad input gives coded errors or coded per-signer reasons.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  asn1,
  encodePem,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  fromHex,
  sm3,
  utf8,
} from '@yizheng/gm';
import {
  ContentInfo,
  Oid,
  SignedData,
  type SignCmsOptions,
  certificateToPem,
  keyIdentifier,
  parseCms,
  readExtension,
  signCms,
  verifyCms,
  verifyTbs,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Verify } from '../../../tools/test-support/openssl.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = makeRoot();
const ca = makeSubCa(root);
const leaf = makeLeaf(ca);
const other = makeLeaf(ca, { subject: 'C=CN,O=宁波某某贸易有限公司,CN=宁波某某贸易有限公司' });
const content = utf8('关于某某项目的合同正文（第 3 版）\n');
/** Whole seconds (UTCTime has no fractions), inside the certificates' validity: BC checks it. */
const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);

function sign(options: Partial<SignCmsOptions> = {}): Uint8Array {
  return signCms({
    content,
    signer: leaf.key,
    certificate: leaf.cert,
    chain: [ca.cert],
    signingTime,
    ...options,
  });
}

type SignedDataValue = asn1.Decoded<typeof SignedData>;

/** `cms` with its SignedData changed by `change` (the signature bytes stay as they are). */
function rewrite(cms: Uint8Array, change: (sd: SignedDataValue) => SignedDataValue): Uint8Array {
  const info = asn1.decodeDer(ContentInfo, cms);
  const sd = change(asn1.decodeDer(SignedData, info.content!));
  return ContentInfo.encode({ contentType: info.contentType, content: SignedData.encode(sd) });
}

/** `cms` with its only SignerInfo changed by `change`. */
function rewriteSigner(
  cms: Uint8Array,
  change: (si: SignedDataValue['signerInfos'][number]) => SignedDataValue['signerInfos'][number],
): Uint8Array {
  return rewrite(cms, (sd) => ({ ...sd, signerInfos: sd.signerInfos.map(change) }));
}

function opensslPrint(cms: Uint8Array): string {
  const r = openssl([
    'cms',
    '-cmsout',
    '-print',
    '-noout',
    '-inform',
    'DER',
    '-in',
    scratch.write('print.der', cms),
  ]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.toString();
}

describe('RFC 5652 SignedData built by us', () => {
  it('ok/attached message parses back with every field as built', () => {
    const cms = parseCms(sign());
    expect(cms.profile).toBe('rfc5652');
    expect(cms.version).toBe(1);
    expect(cms.digestAlgorithms).toEqual([{ algorithm: Oid.sm3, parameters: undefined }]);
    expect(cms.contentType).toBe(Oid.data);
    expect(cms.content).toEqual(content);
    expect(cms.certificates.map((c) => c.der).sort()).toEqual([leaf.cert.der, ca.cert.der].sort());
    const [si] = cms.signerInfos;
    expect(si!.version).toBe(1);
    expect(si!.sid).toEqual({
      type: 'issuerAndSerialNumber',
      issuer: ca.name,
      serialNumber: leaf.cert.tbs.serialNumber,
    });
    expect(si!.signatureAlgorithm).toEqual({ algorithm: Oid.sm2WithSm3, parameters: undefined });
    expect(si!.signedAttributes!.map((a) => a.type).sort()).toEqual(
      [Oid.contentType, Oid.messageDigest, Oid.signingTime].sort(),
    );
    expect(si!.signedAttributesDer![0]).toBe(0x31);
    const result = verifyCms(cms);
    expect(result.valid).toBe(true);
    expect(result.signers[0]!.certificate!.der).toEqual(leaf.cert.der);
    expect(result.signers[0]!.signingTime).toEqual(signingTime);
  });

  it('ok/openssl cms -print reads attached, detached and keyId messages', () => {
    const attached = opensslPrint(sign());
    expect(attached).toContain('pkcs7-signedData (1.2.840.113549.1.7.2)');
    expect(attached).toContain('algorithm: SM2-with-SM3 (1.2.156.10197.1.501)');
    expect(attached).toContain('messageDigest (1.2.840.113549.1.9.4)');
    expect(attached).toContain('d.issuerAndSerialNumber');
    expect(opensslPrint(sign({ detached: true }))).toContain('eContent: <ABSENT>');
    const keyId = opensslPrint(sign({ sid: 'keyId' }));
    expect(keyId).toContain('d.subjectKeyIdentifier');
    expect(keyId).toContain('version: 3');
  });

  it('ok/openssl pkeyutl verifies the SET-tagged signed attributes with distid 1234567812345678', () => {
    const si = parseCms(sign()).signerInfos[0]!;
    const verify = (tbs: Uint8Array) =>
      opensslSm2Verify(scratch, exportPublicKeyPem(leaf.key.publicKey), tbs, si.signature);
    expect(verify(si.signedAttributesDer!).stdout.toString()).toContain('Signature Verified Successfully');
    const asSent = Uint8Array.from(si.signedAttributesDer!);
    asSent[0] = 0xa0; // the [0] IMPLICIT form on the wire is not what is signed
    expect(verify(asSent).stdout.toString()).not.toContain('Signature Verified Successfully');
  });

  it('ok/BouncyCastle CMSSignedData verifies every variant (default ID)', () => {
    const variants = [
      sign(),
      sign({ signedAttributes: false }),
      sign({ sid: 'keyId' }),
      sign({ chain: [] }),
      sign({ signatureAlgorithm: 'sm2Sign' }),
    ];
    const answers = runBc([
      ...variants.map((cms) => `cms-verify ${bcHex(cms)} -`),
      `cms-verify ${bcHex(sign({ detached: true }))} ${bcHex(content)}`,
      `cms-verify ${bcHex(sign({ id: '' }))} -`, // BC always uses the default ID
    ]);
    expect(answers.map((a) => a.error)).toEqual(answers.map(() => ''));
    expect(answers.map((a) => a.fields.join(' '))).toEqual([
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'false',
    ]);
  });

  it('ok/without signed attributes the signature is over the content, Z with the default ID', () => {
    const cms = parseCms(sign({ signedAttributes: false }));
    const si = cms.signerInfos[0]!;
    expect(si.signedAttributes).toBeUndefined();
    expect(verifyTbs(leaf.key.publicKey, content, si.signature)).toBe(true);
    expect(verifyCms(cms).valid).toBe(true);
  });

  it('ok/sid subjectKeyIdentifier names the certificate by its SKI; SignedData becomes v3', () => {
    const cms = parseCms(sign({ sid: 'keyId' }));
    expect(cms.version).toBe(3);
    expect(cms.signerInfos[0]!.version).toBe(3);
    const ski = readExtension(leaf.cert.tbs.extensions, 'subjectKeyIdentifier');
    expect(ski).toEqual(keyIdentifier(leaf.key.publicKey));
    expect(cms.signerInfos[0]!.sid).toEqual({ type: 'subjectKeyIdentifier', keyIdentifier: ski });
    expect(verifyCms(cms).valid).toBe(true);
  });

  it('ok/PEM input labelled CMS or PKCS7 parses', () => {
    const der = sign();
    for (const label of ['CMS', 'PKCS7']) expect(verifyCms(encodePem(label, der)).valid).toBe(true);
  });

  it('ok/trusted certificates supply a signer the message does not carry', () => {
    const bare = rewrite(sign(), (sd) => ({ ...sd, certificates: undefined }));
    expect(parseCms(bare).certificates).toEqual([]);
    expect(verifyCms(bare).signers[0]).toMatchObject({
      valid: false,
      reason: 'signer-certificate-not-found',
    });
    expect(verifyCms(bare, { trusted: [other.cert, leaf.cert] }).valid).toBe(true);
  });
});

describe('interoperability with OpenSSL 3.0 and BouncyCastle as producers', () => {
  scratch.write('leaf.pem', certificateToPem(leaf.cert));
  scratch.write('leaf.key', exportPrivateKeyPem(leaf.key));
  scratch.write('content.txt', content);

  function opensslVerify(cms: Uint8Array, detached = false): boolean {
    const args = [
      'cms',
      '-verify',
      '-noverify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      scratch.write('v.der', cms),
    ];
    if (detached) args.push('-content', scratch.path('content.txt'));
    return openssl([...args, '-out', scratch.path('v.out')]).status === 0;
  }

  it('ok/openssl cms -verify checks SM2 with an empty ID: ours signed with id "" passes, default ID fails', () => {
    expect(opensslVerify(sign({ id: '' }))).toBe(true);
    expect(opensslVerify(sign({ id: '', detached: true }), true)).toBe(true);
    expect(opensslVerify(sign())).toBe(false);
    // and ours tells the two IDs apart
    expect(verifyCms(sign({ id: '' }), { id: '' }).valid).toBe(true);
    expect(verifyCms(sign({ id: '' })).signers[0]).toMatchObject({ reason: 'signature-invalid' });
  });

  it('ok/openssl cms -verify without signed attributes checks SM2 over SM3(content) with no Z at all', () => {
    // Neither ID helps: OpenSSL 3.0 treats SM3(content) as the signed digest, like ECDSA.
    expect(opensslVerify(sign({ signedAttributes: false }))).toBe(false);
    expect(opensslVerify(sign({ signedAttributes: false, id: '' }))).toBe(false);
    const noZ = { publicKey: leaf.key.publicKey, signDigest: () => leaf.key.signDigest(sm3(content)) };
    expect(opensslVerify(sign({ signedAttributes: false, signer: noZ }))).toBe(true);
  });

  it('ok/openssl cms -sign with an SM2 key: 3.0 fails to write it; a later OpenSSL must verify with ours', () => {
    const r = openssl([
      'cms',
      '-sign',
      '-md',
      'sm3',
      '-binary',
      '-nodetach',
      '-outform',
      'DER',
      '-signer',
      scratch.path('leaf.pem'),
      '-inkey',
      scratch.path('leaf.key'),
      '-in',
      scratch.path('content.txt'),
      '-out',
      scratch.path('openssl.der'),
    ]);
    const made = scratch.read('openssl.der');
    if (r.status !== 0 || made.length === 0) {
      // OpenSSL 3.0: SignerInfo.signatureAlgorithm is never set for SM2 keys.
      expect(r.stderr).toContain('illegal zero content');
      return;
    }
    const result = verifyCms(new Uint8Array(made), { id: '' });
    expect(result.valid).toBe(true);
  });

  it('ok/BouncyCastle-made CMS (attached and detached) parses and verifies with ours', () => {
    const [attached, detached] = runBc([
      `cms-sign ${bcHex(leaf.key.toBytes())} ${bcHex(leaf.cert.der)} ${bcHex(content)} attached`,
      `cms-sign ${bcHex(leaf.key.toBytes())} ${bcHex(leaf.cert.der)} ${bcHex(content)} detached`,
    ]);
    expect(attached!.error).toBe('');
    const cms = parseCms(fromHex(attached!.fields[0]!));
    expect(cms.signerInfos[0]!.signatureAlgorithm.algorithm).toBe(Oid.sm2WithSm3);
    // BC adds CMSAlgorithmProtection (RFC 6211) to the signed attributes; it is carried, not required
    expect(cms.signerInfos[0]!.signedAttributes!.map((a) => a.type)).toContain('1.2.840.113549.1.9.52');
    expect(verifyCms(cms).valid).toBe(true);
    const bare = parseCms(fromHex(detached!.fields[0]!));
    expect(bare.content).toBeUndefined();
    expect(verifyCms(bare, { content }).valid).toBe(true);
    expect(verifyCms(bare, { content: utf8('别的内容') }).signers[0]!.reason).toBe('message-digest-mismatch');
  });
});

describe('bad input', () => {
  it('error/tampered detached content is a messageDigest mismatch (YZ_ERR_CMS)', () => {
    const result = verifyCms(sign({ detached: true }), {
      content: utf8('关于某某项目的合同正文（第 4 版）\n'),
    });
    expect(result.valid).toBe(false);
    expect(result.signers[0]).toMatchObject({ reason: 'message-digest-mismatch', code: 'YZ_ERR_CMS' });
  });

  it('error/tampered attached content is a messageDigest mismatch', () => {
    const tampered = rewrite(sign(), (sd) => ({
      ...sd,
      encapContentInfo: { ...sd.encapContentInfo, eContent: utf8('篡改后的正文') },
    }));
    expect(verifyCms(tampered).signers[0]).toMatchObject({
      reason: 'message-digest-mismatch',
      code: 'YZ_ERR_CMS',
    });
  });

  it('error/tampered content without signed attributes fails the signature (YZ_ERR_SIGNATURE_INVALID)', () => {
    const result = verifyCms(sign({ signedAttributes: false, detached: true }), { content: utf8('篡改') });
    expect(result.signers[0]).toMatchObject({
      reason: 'signature-invalid',
      code: 'YZ_ERR_SIGNATURE_INVALID',
    });
  });

  it('error/wrong signer: a port that signs with another key gives an invalid signature', () => {
    const impostor = Sm2PrivateKey.generate();
    const port = { publicKey: leaf.key.publicKey, signDigest: (e: Uint8Array) => impostor.signDigest(e) };
    const result = verifyCms(sign({ signer: port }));
    expect(result.signers[0]).toMatchObject({ valid: false, reason: 'signature-invalid' });
  });

  it('error/a signer key that is not the certificate key is refused when signing', () => {
    expect(() => sign({ signer: other.key })).toThrow(expect.objectContaining({ code: 'YZ_ERR_CMS' }));
  });

  it('error/a certificate set without the signer is signer-certificate-not-found', () => {
    const swapped = rewrite(sign(), (sd) => ({ ...sd, certificates: [other.cert.der] }));
    expect(verifyCms(swapped).signers[0]).toMatchObject({
      reason: 'signer-certificate-not-found',
      code: 'YZ_ERR_CMS',
    });
  });

  it('error/the same issuer and serial with another key is an invalid signature', () => {
    const sid = parseCms(sign({ signer: other.key, certificate: other.cert })).signerInfos[0]!;
    const lying = rewriteSigner(sign(), (si) => ({ ...si, signature: sid.signature }));
    expect(verifyCms(lying).signers[0]!.reason).toBe('signature-invalid');
  });

  it.each([
    [
      'digestAlgorithm SHA-256',
      { digestAlgorithm: { algorithm: '2.16.840.1.101.3.4.2.1', parameters: undefined } },
    ],
    [
      'digestAlgorithm SM3 with an OCTET STRING parameter',
      { digestAlgorithm: { algorithm: Oid.sm3, parameters: fromHex('0400') } },
    ],
    [
      'signatureAlgorithm ecdsa-with-SHA256',
      { signatureAlgorithm: { algorithm: '1.2.840.10045.4.3.2', parameters: undefined } },
    ],
  ])('error/unsupported %s is YZ_ERR_ALGORITHM', (_name, change) => {
    const result = verifyCms(rewriteSigner(sign(), (si) => ({ ...si, ...change })));
    expect(result.signers[0]).toMatchObject({
      valid: false,
      reason: 'unsupported-algorithm',
      code: 'YZ_ERR_ALGORITHM',
    });
  });

  it('ok/NULL parameters on SM3 and SM2 (as gmsm writes them) are accepted', () => {
    const NULL = fromHex('0500');
    const withNull = rewriteSigner(sign(), (si) => ({
      ...si,
      digestAlgorithm: { algorithm: Oid.sm3, parameters: NULL },
      signatureAlgorithm: { algorithm: Oid.sm2WithSm3, parameters: NULL },
    }));
    expect(verifyCms(withNull).valid).toBe(true);
  });

  it('error/an eContentType other than the signed contentType attribute is content-type-mismatch', () => {
    const relabelled = rewrite(sign(), (sd) => ({
      ...sd,
      encapContentInfo: { ...sd.encapContentInfo, eContentType: Oid.gmData },
    }));
    expect(verifyCms(relabelled).signers[0]).toMatchObject({
      reason: 'content-type-mismatch',
      code: 'YZ_ERR_CMS',
    });
  });

  it('error/a detached message without content, or attached with different content, is YZ_ERR_CMS', () => {
    expect(() => verifyCms(sign({ detached: true }))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CMS' }),
    );
    expect(() => verifyCms(sign(), { content: utf8('另一份') })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CMS' }),
    );
  });

  it.each<[string, () => Uint8Array, string]>([
    ['truncated', () => sign().subarray(0, 300), 'YZ_ERR_DER_TRUNCATED'],
    ['trailing bytes', () => Uint8Array.from([...sign(), 0]), 'YZ_ERR_DER_TRAILING'],
    [
      'an EnvelopedData content type',
      () => ContentInfo.encode({ contentType: Oid.envelopedData, content: fromHex('3000') }),
      'YZ_ERR_CMS',
    ],
    ['SignedData version 2', () => rewrite(sign(), (sd) => ({ ...sd, version: 2 })), 'YZ_ERR_CMS'],
    [
      'SignerInfo v3 with issuerAndSerialNumber',
      () => rewriteSigner(sign(), (si) => ({ ...si, version: 3 })),
      'YZ_ERR_CMS',
    ],
    ['a PEM block with another label', () => utf8(encodePem('CERTIFICATE', sign())), 'YZ_ERR_PEM'],
  ])('error/%s is refused when parsing', (_name, build, code) => {
    expect(() => parseCms(build())).toThrow(expect.objectContaining({ code }));
  });

  it('error/sid keyId with the GM/T 0010 profile is a RangeError', () => {
    expect(() => sign({ profile: 'gmt0010', sid: 'keyId' })).toThrow(RangeError);
  });
});
