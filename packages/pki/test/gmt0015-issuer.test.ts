/**
 * The prepared issuer (R1 volume, R13 format): it writes exactly the TBS bytes the reference
 * builder writes for the same fields, OpenSSL verifies what it signs, and it refuses what the
 * builder refuses.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import {
  Oid,
  buildCertificate,
  certificateToPem,
  extension,
  keyIdentifier,
  parseCertificate,
  parseName,
  prepareIssuer,
  randomSerialNumber,
  uriName,
} from '../src/index.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = makeRoot();
const ca = makeSubCa(root);
const profile = [
  extension('keyUsage', ['keyEncipherment', 'dataEncipherment', 'keyAgreement'], true),
  extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(ca.key.publicKey) }),
  extension('cRLDistributionPoints', [
    { distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/ca1/1.crl')] } },
  ]),
  extension('authorityInfoAccess', [
    { accessMethod: Oid.ocsp, accessLocation: uriName('http://ocsp.example.cn') },
  ]),
];
const issuer = prepareIssuer({ issuer: ca.cert, signer: ca.key, extensions: profile });

function request(key = Sm2PrivateKey.generate().publicKey) {
  return {
    serialNumber: randomSerialNumber(),
    subject: parseName('C=CN,ST=浙江省,O=杭州某某科技有限公司,CN=杭州某某科技有限公司'),
    notBefore: new Date('2026-11-26T00:00:00Z'),
    notAfter: new Date('2027-11-25T23:59:59Z'),
    publicKey: key,
    extensions: [
      extension('subjectKeyIdentifier', keyIdentifier(key)),
      extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
    ],
  };
}

describe('prepared certificate issuer', () => {
  it('ok/writes the same TBS bytes as buildCertificate and parses back', () => {
    const r = request();
    const fast = issuer.issue(r);
    const reference = buildCertificate(
      { ...r, issuer: ca.name, extensions: [...profile, ...r.extensions] },
      ca.key,
    );
    expect(toHex(fast.tbsDer)).toBe(toHex(reference.tbsDer));
    const parsed = parseCertificate(fast.der);
    expect(toHex(parsed.tbsDer)).toBe(toHex(fast.tbsDer));
    expect(parsed.tbs.extensions?.map((e) => e.oid)).toEqual([...profile, ...r.extensions].map((e) => e.oid));
  });

  it('ok/openssl verifies the certificates it signs', () => {
    const caPem = scratch.write('ca.pem', certificateToPem(ca.cert));
    for (let i = 0; i < 3; i++) {
      const path = scratch.write(
        `ee${i}.pem`,
        certificateToPem(issuer.issue({ ...request(), notBefore: new Date() })),
      );
      const v = openssl([
        'verify',
        '-partial_chain',
        '-vfyopt',
        'distid:1234567812345678',
        '-CAfile',
        caPem,
        path,
      ]);
      expect(v.stdout.toString() + v.stderr).toContain(': OK');
    }
  });

  it('error/refuses a repeated extension, a short serial, reversed validity and a foreign signer', () => {
    const r = request();
    expect(() => issuer.issue({ ...r, extensions: [profile[0]!] })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_EXTENSION' }),
    );
    expect(() => issuer.issue({ ...r, serialNumber: 0xabcn })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_SERIAL' }),
    );
    expect(() => issuer.issue({ ...r, notAfter: new Date('2020-01-01Z') })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CERTIFICATE' }),
    );
    expect(() => prepareIssuer({ issuer: ca.cert, signer: root.key })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_CERTIFICATE' }),
    );
  });
});
