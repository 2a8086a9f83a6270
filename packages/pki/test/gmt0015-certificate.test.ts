/**
 * GM/T 0015 certificates (R11, R13): built with random keys and checked by OpenSSL (x509 -text,
 * verify one link at a time, pkeyutl over the TBS) and BouncyCastle (PKIX path validation);
 * certificates made by OpenSSL parse, verify and re-serialise byte for byte; identity
 * extensions; bad input refused with codes naming the field.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, asn1, der, exportPublicKeyPem, importPrivateKey, toHex } from '@yizheng/gm';
import {
  Oid,
  buildCertificate,
  certificatePublicKey,
  certificateToPem,
  encodeTbsCertificate,
  extension,
  keyIdentifier,
  parseCertificate,
  parseName,
  randomSerialNumber,
  readExtension,
  uriName,
  verifyCertificateSignature,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Req, opensslSm2Verify } from '../../../tools/test-support/openssl.js';
import { runBc } from '../../../tools/test-support/bc.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = makeRoot();
const sub = makeSubCa(root);
const leaf = makeLeaf(sub, {
  extensions: [
    extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
    extension('extKeyUsage', [Oid.clientAuth, Oid.emailProtection]),
    extension('subjectKeyIdentifier', new Uint8Array(20).fill(7)),
    extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(sub.key.publicKey) }),
    extension('certificatePolicies', [{ policyIdentifier: '2.16.156.339.1.1.1.2.1' }]),
    extension('subjectAltName', [{ type: 'email', value: 'zhangsan@example.cn' }]),
    extension('cRLDistributionPoints', [
      {
        distributionPoint: {
          type: 'fullName',
          value: [
            uriName('http://crl.example.cn/ca1/1.crl'),
            uriName('ldap://ldap.example.cn/cn=crl1,o=CA,c=CN?certificateRevocationList;binary'),
          ],
        },
      },
    ]),
    extension('freshestCRL', [
      { distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/ca1/delta.crl')] } },
    ]),
    extension('authorityInfoAccess', [
      { accessMethod: Oid.ocsp, accessLocation: uriName('http://ocsp.example.cn') },
      { accessMethod: Oid.caIssuers, accessLocation: uriName('http://www.example.cn/ca1.cer') },
    ]),
    extension('identityCode', { type: 'residentCard', value: '11010519491231002X' }),
    extension('organizationCode', '91330106MA2B3C4D5D'),
    extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
  ],
});

function write(name: string, data: string | Uint8Array): string {
  return scratch.write(name, data);
}

describe('GM/T 0015 certificates built by us', () => {
  const rootPem = write('root.pem', certificateToPem(root.cert));
  const subPem = write('sub.pem', certificateToPem(sub.cert));
  const leafPem = write('leaf.pem', certificateToPem(leaf.cert));

  it('ok/openssl verify accepts each link with distid 1234567812345678', () => {
    for (const [ca, cert] of [
      [rootPem, rootPem],
      [rootPem, subPem],
      [subPem, leafPem],
    ]) {
      const r = openssl([
        'verify',
        '-partial_chain',
        '-vfyopt',
        'distid:1234567812345678',
        '-CAfile',
        ca!,
        cert!,
      ]);
      expect(r.stdout.toString() + r.stderr).toContain(': OK');
    }
  });

  it('ok/openssl pkeyutl verifies the signature over the TBS bytes', () => {
    const r = opensslSm2Verify(
      scratch,
      exportPublicKeyPem(sub.key.publicKey),
      leaf.cert.tbsDer,
      leaf.cert.signature,
    );
    expect(r.stdout.toString()).toContain('Signature Verified Successfully');
  });

  it('ok/openssl x509 -text shows the Chinese subject, key usage, CRL/OCSP URLs and identity OIDs', () => {
    const r = openssl(['x509', '-in', leafPem, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus']);
    const text = r.stdout.toString();
    expect(r.status).toBe(0);
    expect(text).toContain('O=杭州某某科技有限公司');
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('URI:http://crl.example.cn/ca1/1.crl');
    expect(text).toContain('OCSP - URI:http://ocsp.example.cn');
    expect(text).toContain('1.2.156.10260.4.4:');
    expect(text).toContain('1.2.156.10260.4.1.1:');
    expect(text).toContain('SM2-with-SM3');
  });

  it('ok/BouncyCastle PKIX path validation accepts root → sub CA → leaf', () => {
    const [answer] = runBc([
      `cert-path ${toHex(root.cert.der)} ${toHex(sub.cert.der)} ${toHex(leaf.cert.der)} ${Date.now()}`,
    ]);
    expect(answer).toEqual({ ok: true, fields: ['valid', '2'], error: '' });
  });

  it('ok/BouncyCastle rejects a leaf whose signature was tampered with', () => {
    const bad = Uint8Array.from(leaf.cert.der);
    bad[bad.length - 5]! ^= 0x01;
    const [answer] = runBc([
      `cert-path ${toHex(root.cert.der)} ${toHex(sub.cert.der)} ${toHex(bad)} ${Date.now()}`,
    ]);
    expect(answer!.ok).toBe(false);
  });

  it('ok/parse → encode is byte-identical and every extension decodes', () => {
    const parsed = parseCertificate(certificateToPem(leaf.cert));
    expect(toHex(encodeTbsCertificate(parsed.tbs))).toBe(toHex(leaf.cert.tbsDer));
    expect(toHex(parsed.der)).toBe(toHex(leaf.cert.der));
    expect(parsed.tbs.version).toBe(3);
    expect(readExtension(parsed.tbs.extensions, 'keyUsage')).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(readExtension(parsed.tbs.extensions, 'unifiedSocialCreditCode')).toBe('91330106MA2B3C4D5D');
    expect(readExtension(parsed.tbs.extensions, 'identityCode')).toEqual({
      type: 'residentCard',
      value: '11010519491231002X',
    });
    expect(readExtension(parsed.tbs.extensions, 'authorityInfoAccess')?.[0]?.accessLocation).toEqual(
      uriName('http://ocsp.example.cn'),
    );
    expect(verifyCertificateSignature(parsed, sub.key.publicKey)).toBe(true);
    expect(verifyCertificateSignature(parsed, root.key.publicKey)).toBe(false);
  });

  it('ok/serials are positive, 16 octets, and differ', () => {
    const serials = new Set(Array.from({ length: 200 }, () => randomSerialNumber()));
    expect(serials.size).toBe(200);
    for (const s of serials) {
      expect(s > 0n).toBe(true);
      expect(asn1.Integer.encodeContent(s).length).toBe(16);
    }
  });

  it('ok/validity uses UTCTime through 2049 and GeneralizedTime from 2050', () => {
    const key = Sm2PrivateKey.generate();
    const cert = buildCertificate(
      {
        serialNumber: randomSerialNumber(),
        issuer: root.name,
        subject: parseName('C=CN,CN=长期证书'),
        notBefore: new Date('2049-12-31T23:59:59Z'),
        notAfter: new Date('2050-01-01T00:00:00Z'),
        publicKey: key.publicKey,
      },
      root.key,
    );
    const hex = toHex(cert.tbsDer);
    expect(hex).toContain('170d' + Buffer.from('491231235959Z').toString('hex'));
    expect(hex).toContain('180f' + Buffer.from('20500101000000Z').toString('hex'));
    expect(cert.tbs.version).toBe(1);
    expect(toHex(encodeTbsCertificate(parseCertificate(cert.der).tbs))).toBe(hex);
  });
});

describe('GM/T 0015 identity extensions (reference §4.4)', () => {
  it('ok/OIDs encode as the reference table gives them', () => {
    expect(toHex(asn1.ObjectIdentifier.encode(Oid.identityCode))).toBe('06082a811cd014040101');
    expect(toHex(asn1.ObjectIdentifier.encode(Oid.residentIdCardNumber))).toBe('06092a811cd01404010101');
    expect(toHex(asn1.ObjectIdentifier.encode(Oid.unifiedSocialCreditCode))).toBe('06072a811cd0140404');
  });

  it('ok/IdentityCode is written EXPLICIT and read in both tagging modes', () => {
    const explicitForm = extension('identityCode', { type: 'passport', value: 'E12345678' }).value;
    expect(toHex(explicitForm)).toBe('a20b1309' + Buffer.from('E12345678').toString('hex'));
    const implicitForm = Uint8Array.from(
      Buffer.from('8209' + Buffer.from('E12345678').toString('hex'), 'hex'),
    );
    for (const value of [explicitForm, implicitForm]) {
      expect(readExtension([{ oid: Oid.identityCode, critical: false, value }], 'identityCode')).toEqual({
        type: 'passport',
        value: 'E12345678',
      });
    }
  });
});

describe('certificates made by OpenSSL', () => {
  const key = scratch.path('ossl.key');
  expect(openssl(['genpkey', '-algorithm', 'SM2', '-out', key]).status).toBe(0);
  const certPath = scratch.path('ossl.pem');
  const conf = write(
    'ossl.cnf',
    [
      '[req]',
      'distinguished_name=dn',
      '[dn]',
      '[ext]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      'crlDistributionPoints=URI:http://crl.example.cn/root.crl',
      'authorityInfoAccess=OCSP;URI:http://ocsp.example.cn',
      '1.2.156.10260.4.4=ASN1:PRINTABLESTRING:91330106MA2B3C4D5D',
    ].join('\n'),
  );
  const r = opensslSm2Req(key, '/C=CN/ST=浙江省/O=杭州某某科技有限公司/CN=OpenSSL 测试根', [
    '-x509',
    '-days',
    '30',
    '-config',
    conf,
    '-extensions',
    'ext',
    '-out',
    certPath,
  ]);

  it('ok/parse, verify with its own key, and re-serialise byte for byte', () => {
    expect(r.status, r.stderr).toBe(0);
    const cert = parseCertificate(scratch.read('ossl.pem').toString());
    expect(verifyCertificateSignature(cert, certificatePublicKey(cert))).toBe(true);
    expect(toHex(encodeTbsCertificate(cert.tbs))).toBe(toHex(cert.tbsDer));
    expect(readExtension(cert.tbs.extensions, 'basicConstraints')?.cA).toBe(true);
    expect(readExtension(cert.tbs.extensions, 'unifiedSocialCreditCode')).toBe('91330106MA2B3C4D5D');
    expect(cert.tbs.subject.flat().map((a) => a.value)).toEqual([
      'CN',
      '浙江省',
      '杭州某某科技有限公司',
      'OpenSSL 测试根',
    ]);
    const ski = readExtension(cert.tbs.extensions, 'subjectKeyIdentifier')!;
    expect(toHex(ski)).toBe(toHex(keyIdentifier(certificatePublicKey(cert))));
  });

  it('ok/an OpenSSL CA key signs with our builder and OpenSSL verifies the result', () => {
    const caKey = importPrivateKey(scratch.read('ossl.key').toString());
    const osslCa = parseCertificate(scratch.read('ossl.pem').toString());
    const holder = Sm2PrivateKey.generate();
    const cert = buildCertificate(
      {
        serialNumber: randomSerialNumber(),
        issuer: osslCa.tbs.subject,
        subject: parseName('C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司'),
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        publicKey: holder.publicKey,
        extensions: [extension('keyUsage', ['keyEncipherment', 'dataEncipherment', 'keyAgreement'], true)],
      },
      caKey,
    );
    const path = write('by-ossl-ca.pem', certificateToPem(cert));
    const v = openssl(['verify', '-vfyopt', 'distid:1234567812345678', '-CAfile', certPath, path]);
    expect(v.stdout.toString() + v.stderr).toContain(': OK');
  });
});

describe('bad certificates are refused with a coded error', () => {
  const good = leaf.cert;

  function rebuildWith(mutate: (tbs: Record<string, unknown>) => void): Uint8Array {
    const tbs = { ...good.tbs } as Record<string, unknown>;
    mutate(tbs);
    const tbsDer = encodeTbsCertificate(tbs as never);
    return der.encodeTlv(der.Tag.SEQUENCE, [
      tbsDer,
      der.encodeTlv(der.Tag.SEQUENCE, [asn1.ObjectIdentifier.encode(Oid.sm2WithSm3)]),
      asn1.BitStringOctets.encode(good.signature),
    ]);
  }

  it.each([
    ['zero serial', (t: Record<string, unknown>) => (t.serialNumber = 0n), 'YZ_ERR_SERIAL', /serialNumber/],
    [
      'negative serial',
      (t: Record<string, unknown>) => (t.serialNumber = -5n),
      'YZ_ERR_SERIAL',
      /serialNumber/,
    ],
    [
      '21-octet serial',
      (t: Record<string, unknown>) => (t.serialNumber = 1n << 160n),
      'YZ_ERR_SERIAL',
      /20 octets/,
    ],
    [
      'unknown critical extension',
      (t: Record<string, unknown>) =>
        (t.extensions = [{ oid: '1.2.3.4.5', critical: true, value: Uint8Array.of(5, 0) }]),
      'YZ_ERR_EXTENSION',
      /unknown critical extension/,
    ],
    [
      'extensions in a v1 certificate',
      (t: Record<string, unknown>) => (t.version = 1),
      'YZ_ERR_CERTIFICATE',
      /version 3/,
    ],
  ])('error/%s', (_name, mutate, code, message) => {
    expect(() => parseCertificate(rebuildWith(mutate))).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('error/duplicate extension names the extension', () => {
    // Our encoder refuses duplicates, so write a placeholder OID of the same length
    // (2.5.29.16) and patch it to keyUsage (2.5.29.15) in the bytes.
    const ku = good.tbs.extensions![0]!;
    const patched = toHex(rebuildWith((t) => (t.extensions = [ku, { ...ku, oid: '2.5.29.16' }])));
    const bytes = Uint8Array.from(Buffer.from(patched.replace('0603551d10', '0603551d0f'), 'hex'));
    expect(() => parseCertificate(bytes)).toThrow(
      expect.objectContaining({
        code: 'YZ_ERR_EXTENSION',
        message: expect.stringMatching(/keyUsage.*twice/),
      }),
    );
  });

  it('error/signatureAlgorithm differing from tbsCertificate.signature', () => {
    const tbsDer = good.tbsDer;
    const bytes = der.encodeTlv(der.Tag.SEQUENCE, [
      tbsDer,
      der.encodeTlv(der.Tag.SEQUENCE, [asn1.ObjectIdentifier.encode(Oid.sm2WithSm3), asn1.Null.encode(null)]),
      asn1.BitStringOctets.encode(good.signature),
    ]);
    expect(() => parseCertificate(bytes)).toThrow(expect.objectContaining({ code: 'YZ_ERR_CERTIFICATE' }));
  });

  it('ok/SM2-with-SM3 with NULL parameters in both places is accepted', () => {
    const withNull = { algorithm: Oid.sm2WithSm3, parameters: asn1.Null.encode(null) };
    const tbsDer = encodeTbsCertificate({ ...good.tbs, signature: withNull });
    const signature = sub.key.sign(tbsDer);
    const bytes = der.encodeTlv(der.Tag.SEQUENCE, [
      tbsDer,
      der.encodeTlv(der.Tag.SEQUENCE, [asn1.ObjectIdentifier.encode(Oid.sm2WithSm3), asn1.Null.encode(null)]),
      asn1.BitStringOctets.encode(signature),
    ]);
    expect(verifyCertificateSignature(parseCertificate(bytes), sub.key.publicKey)).toBe(true);
  });

  it.each([
    ['truncated', good.der.subarray(0, good.der.length - 10), 'YZ_ERR_DER_TRUNCATED'],
    ['trailing byte', Uint8Array.from([...good.der, 0]), 'YZ_ERR_DER_TRAILING'],
    ['indefinite length', Uint8Array.from([0x30, 0x80, ...good.der.subarray(4), 0, 0]), 'YZ_ERR_DER_LENGTH'],
    [
      '4 GB claimed length',
      Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xf0, 0x02, 0x01, 0x01),
      'YZ_ERR_DER_TRUNCATED',
    ],
    ['wrong outer tag', Uint8Array.from([0x31, ...good.der.subarray(1)]), 'YZ_ERR_DER_TAG'],
  ])('error/%s', (_name, bytes, code) => {
    expect(() => parseCertificate(bytes)).toThrow(expect.objectContaining({ code }));
  });

  it('error/builder refuses short serials and reversed validity', () => {
    const base = {
      issuer: root.name,
      subject: root.name,
      publicKey: root.key.publicKey,
      notBefore: new Date('2026-01-01Z'),
      notAfter: new Date('2027-01-01Z'),
    };
    expect(() => buildCertificate({ ...base, serialNumber: 0x1234n }, root.key)).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_SERIAL' }),
    );
    expect(() =>
      buildCertificate(
        { ...base, serialNumber: randomSerialNumber(), notAfter: new Date('2025-01-01Z') },
        root.key,
      ),
    ).toThrow(expect.objectContaining({ code: 'YZ_ERR_CERTIFICATE' }));
  });
});
