/**
 * Real-world SM2 certificates from public sources (fixtures/real-world, origins in its README):
 * CFCA CS SM2 CA → CFCA SM2 OCA1 → ebssec.boc.cn, and NRCAC ROOTCA → SHECA SM2. Each parses
 * without options, names read as OpenSSL prints them, the TBS re-encodes byte for byte, every
 * extension is described, and each issued certificate verifies under its issuer's key with the
 * default SM2 ID (OpenSSL agrees with `-vfyopt distid:1234567812345678`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asn1, toHex } from '@yizheng/gm';
import {
  type Certificate,
  certificatePublicKey,
  describeCertificate,
  encodeTbsCertificate,
  formatName,
  parseCertificate,
  readExtension,
  renderRows,
  verifyCertificateSignature,
} from '../src/index.js';
import { openssl } from '../../../tools/test-support/openssl.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'real-world');

interface Fixture {
  /** File name without `.pem`. */
  readonly file: string;
  /** The fixture that issued this one (itself for a self-signed root). */
  readonly issuer: string;
  readonly subject: string;
  readonly issuerName: string;
  readonly extensions: readonly string[];
}

/** Names as `openssl x509 -noout -subject -issuer -nameopt utf8,sep_comma_plus` prints them. */
const FIXTURES_LIST: readonly Fixture[] = [
  {
    file: 'cfca-cs-sm2-ca',
    issuer: 'cfca-cs-sm2-ca',
    subject: 'C=CN,O=China Financial Certification Authority,CN=CFCA CS SM2 CA',
    issuerName: 'C=CN,O=China Financial Certification Authority,CN=CFCA CS SM2 CA',
    extensions: ['2.5.29.35', '2.5.29.19', '2.5.29.15', '2.5.29.14'],
  },
  {
    file: 'cfca-sm2-oca1',
    issuer: 'cfca-cs-sm2-ca',
    subject: 'C=CN,O=CFCA SM2 OCA1',
    issuerName: 'C=CN,O=China Financial Certification Authority,CN=CFCA CS SM2 CA',
    extensions: ['2.5.29.35', '2.5.29.19', '2.5.29.31', '2.5.29.15', '2.5.29.14'],
  },
  {
    file: 'boc-ebssec-sign',
    issuer: 'cfca-sm2-oca1',
    subject: 'C=CN,ST=北京,L=北京,O=中国银行股份有限公司,OU=Local RA,OU=SSL,CN=ebssec.boc.cn',
    issuerName: 'C=CN,O=CFCA SM2 OCA1',
    extensions: [
      '2.5.29.35',
      '2.5.29.19',
      '2.5.29.32',
      '2.5.29.31',
      '2.5.29.17',
      '2.5.29.15',
      '2.5.29.14',
      '2.5.29.37',
    ],
  },
  {
    file: 'nrcac-rootca',
    issuer: 'nrcac-rootca',
    subject: 'C=CN,O=NRCAC,CN=ROOTCA',
    issuerName: 'C=CN,O=NRCAC,CN=ROOTCA',
    extensions: ['2.5.29.35', '2.5.29.19', '2.5.29.15', '2.5.29.14'],
  },
  {
    file: 'sheca-sm2',
    issuer: 'nrcac-rootca',
    subject: 'C=CN,O=UniTrust,CN=SHECA SM2',
    issuerName: 'C=CN,O=NRCAC,CN=ROOTCA',
    extensions: ['2.5.29.35', '2.5.29.19', '2.5.29.31', '2.5.29.15', '2.5.29.14'],
  },
];

function pemPath(file: string): string {
  return join(FIXTURES, `${file}.pem`);
}

const parsed = new Map<string, Certificate>();
function load(file: string): Certificate {
  let cert = parsed.get(file);
  if (!cert) {
    cert = parseCertificate(readFileSync(pemPath(file), 'utf8'));
    parsed.set(file, cert);
  }
  return cert;
}

function opensslNames(file: string): { subject: string; issuer: string } {
  const r = openssl([
    'x509',
    '-in',
    pemPath(file),
    '-noout',
    '-subject',
    '-issuer',
    '-nameopt',
    'utf8,sep_comma_plus',
  ]);
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.toString('utf8');
  const field = (label: string) =>
    out
      .split('\n')
      .find((l) => l.startsWith(`${label}=`))!
      .slice(label.length + 1);
  return { subject: field('subject'), issuer: field('issuer') };
}

describe.each(FIXTURES_LIST)('real-world certificate $file', (f) => {
  it('ok/parses without allowUnknownCritical, as SM2-with-SM3 v3 with an SM2 key', () => {
    const cert = load(f.file);
    expect(cert.tbs.version).toBe(3);
    expect(cert.signatureAlgorithm.algorithm).toBe('1.2.156.10197.1.501');
    expect(certificatePublicKey(cert).toBytes()).toHaveLength(65);
    expect(cert.tbs.extensions?.map((e) => e.oid)).toEqual(f.extensions);
  });

  it('ok/subject and issuer read as OpenSSL prints them (utf8,sep_comma_plus)', () => {
    const cert = load(f.file);
    const names = opensslNames(f.file);
    expect(names).toEqual({ subject: f.subject, issuer: f.issuerName });
    expect(formatName(cert.tbs.subject)).toBe(names.subject);
    expect(formatName(cert.tbs.issuer)).toBe(names.issuer);
  });

  it('ok/encodeTbsCertificate(parsed tbs) is byte-identical to the signed TBS', () => {
    const cert = load(f.file);
    expect(toHex(encodeTbsCertificate(cert.tbs))).toBe(toHex(cert.tbsDer));
  });

  it('ok/describeCertificate renders every extension, none malformed', () => {
    const cert = load(f.file);
    const rows = describeCertificate(cert);
    const ext = rows.find((r) => r.key === 'extensions')!;
    expect(ext.children).toHaveLength(f.extensions.length);
    for (const child of ext.children!) {
      expect(child.value).not.toContain('malformed');
      expect(child.value).not.toMatch(/^<[0-9a-f]*>$/);
    }
    expect(renderRows(rows)).not.toContain('malformed');
  });

  it('ok/signature verifies under the issuer key with the default SM2 ID', () => {
    const cert = load(f.file);
    const issuer = load(f.issuer);
    expect(verifyCertificateSignature(cert, certificatePublicKey(issuer))).toBe(true);
  });

  it('ok/openssl verify agrees with distid 1234567812345678', () => {
    const r = openssl([
      'verify',
      '-partial_chain',
      '-no_check_time',
      '-vfyopt',
      'distid:1234567812345678',
      '-CAfile',
      pemPath(f.issuer),
      pemPath(f.file),
    ]);
    expect(r.stdout.toString() + r.stderr).toContain(': OK');
  });

  it('bad/a flipped TBS byte no longer verifies', () => {
    const cert = load(f.file);
    const tbsDer = Uint8Array.from(cert.tbsDer);
    tbsDer[tbsDer.length - 40]! ^= 0x01;
    const issuer = load(f.issuer);
    expect(verifyCertificateSignature({ ...cert, tbsDer }, certificatePublicKey(issuer))).toBe(false);
  });
});

describe('real-world certificate contents', () => {
  it('ok/ebssec.boc.cn: SAN, key usage, EKU, CFCA policy and CRL URL as issued', () => {
    const cert = load('boc-ebssec-sign');
    const ext = cert.tbs.extensions;
    expect(readExtension(ext, 'subjectAltName')).toEqual([{ type: 'dns', value: 'ebssec.boc.cn' }]);
    expect(readExtension(ext, 'keyUsage')).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(readExtension(ext, 'extKeyUsage')).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.1']);
    expect(readExtension(ext, 'basicConstraints')).toEqual({ cA: false });
    const [policy] = readExtension(ext, 'certificatePolicies')!;
    expect(policy!.policyIdentifier).toBe('2.16.156.112554.1.1');
    const [cps] = policy!.policyQualifiers!;
    expect(cps!.policyQualifierId).toBe('1.3.6.1.5.5.7.2.1');
    expect(toHex(cps!.qualifier)).toBe(
      toHex(asn1.encodeDer(asn1.Ia5String, 'http://www.cfca.com.cn/us/us-14.htm')),
    );
    const text = renderRows(describeCertificate(cert), 'en');
    expect(text).toContain('http://crl.cfca.com.cn/SM2/crl5618.crl');
    expect(text).toContain('ebssec.boc.cn');
    expect(cert.tbs.serialNumber).toBe(0x1336393370n);
  });

  it('ok/CRL distribution points with a directoryName (CFCA OCA1, SHECA SM2) are described', () => {
    const oca1 = renderRows(describeCertificate(load('cfca-sm2-oca1')), 'en');
    expect(oca1).toContain('CN=crl1');
    const sheca = renderRows(describeCertificate(load('sheca-sm2')), 'en');
    expect(sheca).toContain('http://www.rootca.gov.cn/arl/arl.crl');
    expect(sheca).toContain('ldap://ldap.rootca.gov.cn:389/CN=arl,OU=ARL,O=NRCAC,C=CN');
  });

  it('ok/root basicConstraints are not marked critical, as CFCA and NRCAC issued them', () => {
    for (const file of ['cfca-cs-sm2-ca', 'nrcac-rootca']) {
      const bc = load(file).tbs.extensions!.find((e) => e.oid === '2.5.29.19')!;
      expect(bc.critical).toBe(false);
      expect(readExtension(load(file).tbs.extensions, 'basicConstraints')).toEqual({ cA: true });
    }
  });
});
