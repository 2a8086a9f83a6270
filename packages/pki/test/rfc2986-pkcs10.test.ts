/**
 * PKCS#10 with SM2 (R11, R14): our requests pass `openssl req -verify` with distid, OpenSSL's
 * requests parse and their proof of possession verifies with ours; requested extensions and
 * the CFCA temporary-key attribute (1.2.840.113549.1.9.63, reference §5.3) round-trip; a
 * tampered request is refused with YZ_ERR_CSR.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, der, toHex } from '@yizheng/gm';
import {
  Oid,
  buildCertificationRequest,
  certificationRequestToPem,
  extension,
  parseCertificationRequest,
  parseName,
  readExtension,
  verifyCertificationRequest,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Req } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const subject = parseName('C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,CN=杭州某某科技有限公司');

describe('PKCS#10 requests built by us', () => {
  const key = Sm2PrivateKey.generate();
  const temp = Sm2PrivateKey.generate();
  const csr = buildCertificationRequest(
    {
      subject,
      extensions: [
        extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
        extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
      ],
      tempPublicKey: temp.publicKey,
    },
    key,
  );

  it('ok/openssl req -verify accepts it with distid 1234567812345678 and shows the UTF-8 subject', () => {
    const path = scratch.write('ours.csr', certificationRequestToPem(csr));
    const r = openssl([
      'req',
      '-in',
      path,
      '-verify',
      '-vfyopt',
      'distid:1234567812345678',
      '-noout',
      '-text',
      '-nameopt',
      'utf8,sep_comma_plus',
    ]);
    expect(r.stderr + r.stdout.toString()).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(r.stdout.toString()).toContain('O=杭州某某科技有限公司');
    expect(r.stdout.toString()).toContain('Digital Signature, Non Repudiation');
  });

  it('ok/parses back with extensions, the temporary key and a valid proof of possession', () => {
    const parsed = parseCertificationRequest(certificationRequestToPem(csr));
    expect(toHex(parsed.der)).toBe(toHex(csr.der));
    expect(verifyCertificationRequest(parsed).equals(key.publicKey)).toBe(true);
    expect(readExtension(parsed.extensions, 'unifiedSocialCreditCode')).toBe('91330106MA2B3C4D5D');
    expect(parsed.tempPublicKey?.equals(temp.publicKey)).toBe(true);
  });

  it('ok/a custom signer ID is honoured and the default ID then fails', () => {
    const custom = buildCertificationRequest({ subject }, key, { id: 'ALICE123@YAHOO.COM' });
    expect(verifyCertificationRequest(custom, 'ALICE123@YAHOO.COM').equals(key.publicKey)).toBe(true);
    expect(() => verifyCertificationRequest(custom)).toThrow(expect.objectContaining({ code: 'YZ_ERR_CSR' }));
  });

  it('error/tampered subject fails proof of possession with YZ_ERR_CSR', () => {
    const hex = toHex(csr.der);
    const nameHex = Buffer.from('杭州市').toString('hex');
    const tampered = Buffer.from(hex.replace(nameHex, Buffer.from('宁波市').toString('hex')), 'hex');
    const parsed = parseCertificationRequest(tampered);
    expect(() => verifyCertificationRequest(parsed)).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CSR', message: expect.stringMatching(/proof of possession/) }),
    );
  });

  it('error/truncated and wrong-version requests carry codes', () => {
    expect(() => parseCertificationRequest(csr.der.subarray(0, 40))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_DER_TRUNCATED' }),
    );
    const hex = toHex(csr.der);
    // CertificationRequestInfo starts after the two outer headers: version INTEGER 0 → 1
    const infoStart = der.parseDer(csr.der);
    const info = der.childrenOf(infoStart)[0]!;
    const versionAt = (info.contentStart + 2) * 2;
    expect(hex.slice(versionAt, versionAt + 2)).toBe('00');
    const bumped = hex.slice(0, versionAt) + '01' + hex.slice(versionAt + 2);
    expect(() => parseCertificationRequest(Buffer.from(bumped, 'hex'))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CSR', message: expect.stringMatching(/version/) }),
    );
  });
});

describe('PKCS#10 requests made by OpenSSL', () => {
  it('ok/parse and verify, with the requested extensions', () => {
    const key = scratch.path('o.key');
    expect(openssl(['genpkey', '-algorithm', 'SM2', '-out', key]).status).toBe(0);
    const out = scratch.path('o.csr');
    const r = opensslSm2Req(key, '/C=CN/O=杭州某某科技有限公司/CN=张三', [
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const csr = parseCertificationRequest(scratch.read('o.csr').toString());
    expect(verifyCertificationRequest(csr)).toBeDefined();
    expect(csr.subject.flat().map((a) => a.value)).toEqual(['CN', '杭州某某科技有限公司', '张三']);
    expect(readExtension(csr.extensions, 'keyUsage')).toEqual(['digitalSignature']);
    expect(csr.attributes.map((a) => a.type)).toEqual([Oid.extensionRequest]);
  });
});
