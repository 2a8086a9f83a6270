/**
 * RFC 5280 §5 CRLs on SM2 (R5 CRL download, R11 SM2, R13 GM/T 0015, R1 scale): full and delta
 * CRLs built with random keys are read by OpenSSL (`crl -text`, `pkeyutl` over the TBS) and by
 * BouncyCastle (X509CRLHolder and X509CRL signature checks, entry and number agreement); a CRL
 * made by `openssl ca -gencrl` parses, verifies and re-encodes byte for byte; the fast entry
 * codec agrees with the declared ASN.1 type; bad CRLs are refused with their codes.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  asn1,
  der,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  isGmError,
  toHex,
} from '@yizheng/gm';
import {
  CertificateList,
  type CrlOptions,
  type CrlOptionsSync,
  type CrlReason,
  type Extension,
  Oid,
  type RevokedEntry,
  SM2_WITH_SM3,
  TBSCertList,
  buildCrl,
  buildCrlSync,
  certificateToPem,
  crlContains,
  crlToPem,
  encodeTbsCertList,
  extension,
  findRevokedEntry,
  keyIdentifier,
  parseCrl,
  readExtension,
  signTbs,
  uriName,
  verifyCrlSignature,
  writeCrl,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Verify } from '../../../tools/test-support/openssl.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = makeRoot();
const ca = makeSubCa(root);
const DAY = 86_400_000;
/** Whole seconds: DER times carry no fractions, so parsed dates compare equal. */
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const tomorrow = new Date(now.getTime() + DAY);

const ENTRIES: RevokedEntry[] = [
  { serialNumber: 0x1a2b3c4dn, revocationDate: new Date('2025-03-01T08:00:00Z'), reason: 'keyCompromise' },
  { serialNumber: 0x80n, revocationDate: new Date('2025-03-02T09:30:15Z'), reason: 'superseded' },
  {
    serialNumber: 0x7f112233445566778899aabbccddeeffn,
    revocationDate: new Date('2025-04-01T00:00:00Z'),
    reason: 'cessationOfOperation',
    invalidityDate: new Date('2025-03-31T12:00:00Z'),
  },
  { serialNumber: 0x01n, revocationDate: new Date('2025-05-05T05:05:05Z') }, // no reason: no extensions
  { serialNumber: 0xffn, revocationDate: new Date('2025-05-06T00:00:00Z'), reason: 'unspecified' }, // omitted
  {
    serialNumber: 0x0123456789n,
    revocationDate: new Date('2050-01-01T00:00:00Z'),
    reason: 'affiliationChanged',
  },
];
const FULL_DP = [
  { distributionPoint: { type: 'fullName' as const, value: [uriName('http://crl.example.cn/ca1.crl')] } },
];
const DELTA_DP = [
  { distributionPoint: { type: 'fullName' as const, value: [uriName('http://crl.example.cn/delta.crl')] } },
];

function fullOptions(entries: Iterable<RevokedEntry> = ENTRIES): CrlOptionsSync {
  return {
    issuer: ca.cert,
    thisUpdate: now,
    nextUpdate: tomorrow,
    crlNumber: 7n,
    freshestCrl: DELTA_DP,
    entries,
  };
}

const DELTA_ENTRIES: RevokedEntry[] = [
  { serialNumber: 0x5555aaaan, revocationDate: new Date('2025-06-01T00:00:00Z'), reason: 'certificateHold' },
  { serialNumber: 0x0abcdefn, revocationDate: new Date('2025-06-02T00:00:00Z'), reason: 'removeFromCRL' },
];
function deltaOptions(): CrlOptionsSync {
  return {
    issuer: ca.cert,
    thisUpdate: now,
    nextUpdate: tomorrow,
    crlNumber: 8n,
    baseCrlNumber: 7n,
    issuingDistributionPoint: {
      distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/delta.crl')] },
    },
    entries: DELTA_ENTRIES,
  };
}

const fullDer = buildCrlSync(fullOptions(), ca.key);
const deltaDer = buildCrlSync(deltaOptions(), ca.key);
const emptyDer = buildCrlSync({ ...fullOptions([]), freshestCrl: undefined }, ca.key);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isGmError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

async function asyncCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isGmError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

function opensslText(crlDer: Uint8Array): string {
  const path = scratch.write(`crl-${toHex(crlDer.subarray(-8))}.der`, crlDer);
  const r = openssl([
    'crl',
    '-inform',
    'DER',
    '-in',
    path,
    '-noout',
    '-text',
    '-nameopt',
    'utf8,sep_comma_plus',
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.toString();
}

describe('CRL built by us, read by OpenSSL', () => {
  it('ok/full CRL: version, issuer, entries, reasons, invalidity date, CRL number, AKI, freshestCRL', () => {
    const text = opensslText(fullDer);
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toContain('Signature Algorithm: SM2-with-SM3');
    expect(text).toMatch(/X509v3 CRL Number: *\n *7\n/);
    expect(text).toContain('X509v3 Freshest CRL');
    expect(text).toContain('URI:http://crl.example.cn/delta.crl');
    const keyId = toHex(keyIdentifier(ca.key.publicKey)).toUpperCase().match(/../g)!.join(':');
    expect(text).toMatch(new RegExp(`Authority Key Identifier: *\\n *(keyid:)?${keyId}\\n`));
    expect(text).toContain('Issuer: C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA');
    for (const serial of ['1A2B3C4D', '80', '7F112233445566778899AABBCCDDEEFF', '01', 'FF', '0123456789'])
      expect(text).toContain(`Serial Number: ${serial}\n`);
    expect(text).toContain('Key Compromise');
    expect(text).toContain('Superseded');
    expect(text).toContain('Cessation Of Operation');
    expect(text).toContain('Affiliation Changed');
    expect(text).not.toContain('Unspecified');
    expect(text).toMatch(/Invalidity Date: *\n *Mar 31 12:00:00 2025 GMT/);
    expect(text).toContain('Revocation Date: Jan  1 00:00:00 2050 GMT');
    expect(text).not.toContain('Delta CRL Indicator');
  });

  it('ok/delta CRL: critical delta indicator = base number, critical IDP, removeFromCRL', () => {
    const text = opensslText(deltaDer);
    expect(text).toMatch(/X509v3 Delta CRL Indicator: critical *\n *7\n/);
    expect(text).toMatch(/X509v3 CRL Number: *\n *8\n/);
    expect(text).toMatch(
      /X509v3 Issuing Distribution Point: critical *\n *Full Name:\n *URI:http:\/\/crl.example.cn\/delta.crl/,
    );
    expect(text).toContain('Certificate Hold');
    expect(text).toContain('Remove From CRL');
    expect(text).not.toContain('Freshest CRL');
  });

  it('ok/empty CRL: no revokedCertificates field, OpenSSL says so, and it round-trips', () => {
    expect(opensslText(emptyDer)).toContain('No Revoked Certificates.');
    const crl = parseCrl(emptyDer);
    expect(crl.tbs.entries).toEqual([]);
    expect(toHex(encodeTbsCertList(crl.tbs))).toBe(toHex(crl.tbsDer));
    const decoded = asn1.decodeDer(TBSCertList, crl.tbsDer);
    expect(decoded.revokedCertificates).toBeUndefined();
  });

  it('ok/openssl pkeyutl verifies the SM2 signature over the extracted TBS', () => {
    for (const crlDer of [fullDer, deltaDer, emptyDer]) {
      const crl = parseCrl(crlDer);
      const r = opensslSm2Verify(scratch, exportPublicKeyPem(ca.key.publicKey), crl.tbsDer, crl.signature);
      expect(r.stdout.toString()).toContain('Signature Verified Successfully');
    }
  });

  it('ok/PEM "X509 CRL" is read by OpenSSL and by parseCrl', () => {
    const pem = crlToPem(fullDer);
    expect(pem.startsWith('-----BEGIN X509 CRL-----\n')).toBe(true);
    const r = openssl(['crl', '-in', scratch.write('full.pem', pem), '-outform', 'DER']);
    expect(toHex(r.stdout)).toBe(toHex(fullDer));
    expect(toHex(parseCrl(pem).der)).toBe(toHex(fullDer));
    expect(code(() => parseCrl(certificateToPem(ca.cert)))).toBe('YZ_ERR_PEM');
  });
});

describe('CRL built by us, verified by BouncyCastle', () => {
  it('ok/full, delta and empty CRLs verify; entries, reasons and numbers agree; a wrong issuer fails', () => {
    const other = makeSubCa(root, '另一个CA');
    const answers = runBc([
      `crl-verify ${bcHex(ca.cert.der)} ${bcHex(fullDer)}`,
      `crl-verify ${bcHex(ca.cert.der)} ${bcHex(deltaDer)}`,
      `crl-verify ${bcHex(ca.cert.der)} ${bcHex(emptyDer)}`,
      `crl-verify ${bcHex(other.cert.der)} ${bcHex(fullDer)}`,
    ]);
    for (const a of answers) expect(a.error).toBe('');
    const [full, delta, empty, wrong] = answers.map((a) => a.fields);
    expect(full).toEqual([
      'true',
      'true',
      '6',
      '7',
      '-',
      '1a2b3c4d:1,80:4,7f112233445566778899aabbccddeeff:5,1:-,ff:-,123456789:3',
    ]);
    expect(delta).toEqual(['true', 'true', '2', '8', '7', '5555aaaa:6,abcdef:8']);
    expect(empty).toEqual(['true', 'true', '0', '7', '-', '-']);
    expect(wrong!.slice(0, 2)).toEqual(['false', 'false']);
  });
});

describe('parseCrl and verifyCrlSignature', () => {
  it('ok/our full CRL parses to what was built and re-encodes byte for byte', () => {
    const crl = parseCrl(fullDer);
    expect(crl.crlNumber).toBe(7n);
    expect(crl.baseCrlNumber).toBeUndefined();
    expect(crl.tbs.issuer).toEqual(ca.cert.tbs.subject);
    expect(crl.tbs.thisUpdate).toEqual(now);
    expect(crl.tbs.nextUpdate).toEqual(tomorrow);
    expect(
      crl.tbs.entries.map((e) => [e.serialNumber, e.revocationDate, e.reason, e.invalidityDate]),
    ).toEqual(
      ENTRIES.map((e) => [
        e.serialNumber,
        e.revocationDate,
        e.reason === 'unspecified' ? undefined : e.reason,
        e.invalidityDate,
      ]),
    );
    expect(crl.tbs.entries.every((e) => e.extensions === undefined)).toBe(true);
    expect(crl.tbs.entries[5]!.revocationDateForm).toBe('generalTime');
    expect(readExtension(crl.tbs.extensions, 'authorityKeyIdentifier')?.keyIdentifier).toEqual(
      keyIdentifier(ca.key.publicKey),
    );
    expect(toHex(encodeTbsCertList(crl.tbs))).toBe(toHex(crl.tbsDer));
    expect(verifyCrlSignature(crl, ca.key.publicKey)).toBe(true);
    expect(verifyCrlSignature(crl, root.key.publicKey)).toBe(false);
    expect(verifyCrlSignature(crl, ca.key.publicKey, 'another-id')).toBe(false);
  });

  it('ok/delta CRL: base number, IDP and removeFromCRL entries', () => {
    const crl = parseCrl(deltaDer);
    expect(crl.crlNumber).toBe(8n);
    expect(crl.baseCrlNumber).toBe(7n);
    expect(readExtension(crl.tbs.extensions, 'issuingDistributionPoint')?.distributionPoint).toEqual({
      type: 'fullName',
      value: [uriName('http://crl.example.cn/delta.crl')],
    });
    expect(crl.tbs.extensions?.find((e) => e.oid === Oid.issuingDistributionPoint)?.critical).toBe(true);
    expect(findRevokedEntry(crl, 0x0abcdefn)?.reason).toBe('removeFromCRL');
    expect(toHex(encodeTbsCertList(crl.tbs))).toBe(toHex(crl.tbsDer));
  });

  it('ok/the parsed CRL is a copy: reusing the input Buffer does not change it', () => {
    const buffer = Buffer.from(fullDer);
    const crl = parseCrl(buffer);
    buffer.fill(0);
    expect(toHex(crl.der)).toBe(toHex(fullDer));
    expect(crl.tbs.entries[0]!.serialNumber).toBe(0x1a2b3c4dn);
    expect(verifyCrlSignature(crl, ca.key.publicKey)).toBe(true);
  });

  it('ok/crlContains and findRevokedEntry look serials up', () => {
    const crl = parseCrl(fullDer);
    expect(crlContains(crl, 0x1a2b3c4dn)).toBe(true);
    expect(crlContains(crl, 0x1a2b3c4en)).toBe(false);
    expect(findRevokedEntry(crl, 0x7f112233445566778899aabbccddeeffn)?.invalidityDate).toEqual(
      new Date('2025-03-31T12:00:00Z'),
    );
  });

  it('ok/a CRL from openssl ca -gencrl parses, verifies with our code and re-encodes byte for byte', () => {
    const dir = scratch.path('');
    scratch.write('ca.pem', certificateToPem(ca.cert));
    scratch.write('ca.key', exportPrivateKeyPem(ca.key));
    scratch.write(
      'index.txt',
      [
        'R\t301231000000Z\t240101000000Z,keyTime,20231231120000Z\t1A2B3C4D\tunknown\t/CN=a',
        'R\t301231000000Z\t240202101010Z,superseded\t0F\tunknown\t/CN=b',
        'R\t301231000000Z\t240303000000Z,holdInstruction,holdInstructionReject\t00AABBCCDD\tunknown\t/CN=c',
        'V\t301231000000Z\t\t10\tunknown\t/CN=d',
        'R\t301231000000Z\t240404000000Z,unspecified\t11223344\tunknown\t/CN=e',
        'R\t301231000000Z\t240505000000Z\t55\tunknown\t/CN=f',
        '',
      ].join('\n'),
    );
    scratch.write('crlnumber', '1000\n');
    const config = scratch.write(
      'ca.cnf',
      [
        '[ ca ]',
        'default_ca = yz',
        '[ yz ]',
        `database = ${dir}/index.txt`,
        `crlnumber = ${dir}/crlnumber`,
        'default_md = sm3',
        'default_crl_days = 1',
        'crl_extensions = crl_ext',
        '[ crl_ext ]',
        'authorityKeyIdentifier = keyid:always',
        '',
      ].join('\n'),
    );
    const r = openssl([
      'ca',
      '-config',
      config,
      '-gencrl',
      '-cert',
      scratch.path('ca.pem'),
      '-keyfile',
      scratch.path('ca.key'),
      '-sigopt',
      'distid:1234567812345678',
      '-out',
      scratch.path('openssl.crl'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const crl = parseCrl(scratch.read('openssl.crl').toString());
    expect(verifyCrlSignature(crl, ca.key.publicKey)).toBe(true);
    expect(crl.crlNumber).toBe(0x1000n);
    expect(toHex(encodeTbsCertList(crl.tbs))).toBe(toHex(crl.tbsDer));
    const bySerial = new Map(crl.tbs.entries.map((e) => [e.serialNumber, e]));
    expect(bySerial.get(0x1a2b3c4dn)).toMatchObject({
      reason: 'keyCompromise',
      invalidityDate: new Date('2023-12-31T12:00:00Z'),
      extensions: undefined, // canonical: read on the fast path
    });
    expect(bySerial.get(0x0fn)).toMatchObject({
      reason: 'superseded',
      revocationDate: new Date('2024-02-02T10:10:10Z'),
    });
    // holdInstructionCode is not ours and an explicit 'unspecified' is not what we write: kept as they came
    expect(bySerial.get(0xaabbccddn)?.extensions?.map((e: Extension) => e.oid)).toEqual([
      Oid.cRLReason,
      Oid.holdInstructionCode,
    ]);
    expect(bySerial.get(0x11223344n)).toMatchObject({ reason: 'unspecified' });
    expect(bySerial.get(0x11223344n)?.extensions).toHaveLength(1);
    expect(bySerial.get(0x55n)?.reason).toBeUndefined();
    expect(bySerial.has(0x10n)).toBe(false);
  });
});

describe('the fast entry codec and the declared RevokedCertificate type agree', () => {
  const reasons: (CrlReason | undefined)[] = [
    undefined,
    'unspecified',
    'keyCompromise',
    'cACompromise',
    'affiliationChanged',
    'superseded',
    'cessationOfOperation',
    'certificateHold',
    'removeFromCRL',
    'privilegeWithdrawn',
    'aACompromise',
  ];
  const serials = [
    1n,
    0x7fn,
    0x80n,
    0xffn,
    0x100n,
    0x8000n,
    (1n << 159n) - 1n, // 20 octets, top bit clear
    1n << 152n, // 20 octets
    0x80n << 144n, // 19 octets + the sign octet = 20
  ];
  const dates = [
    new Date('1950-01-01T00:00:00Z'),
    new Date('1999-12-31T23:59:59Z'),
    new Date('2024-02-29T12:34:56Z'),
    new Date('2049-12-31T23:59:50Z'),
    new Date('2050-01-01T00:00:00Z'),
    new Date('9999-12-31T23:59:50Z'),
  ];

  function randomSerial(): bigint {
    const bytes = randomBytes(1 + Math.floor(Math.random() * 20));
    const value = BigInt('0x' + toHex(bytes));
    return value > 0n && value < 1n << 159n ? value : 1n + (value % (1n << 150n));
  }

  const entries: RevokedEntry[] = [];
  for (let i = 0; i < 600; i++) {
    entries.push({
      serialNumber: i < serials.length ? serials[i]! : randomSerial(),
      revocationDate: new Date(dates[i % dates.length]!.getTime() + (i % 7) * 1000 + 999), // ms dropped
      reason: reasons[i % reasons.length],
      ...(i % 3 === 0 ? { invalidityDate: dates[(i + 1) % dates.length]! } : {}),
    });
  }

  it('ok/the bytes we stream are the declared type’s bytes, and parsing gives the entries back', () => {
    const crlDer = buildCrlSync({ ...deltaOptions(), entries }, ca.key);
    const crl = parseCrl(crlDer);
    const viaDeclared = encodeTbsCertList({ ...crl.tbs, forms: undefined, entries });
    expect(toHex(viaDeclared)).toBe(toHex(crl.tbsDer));
    const seconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
    expect(
      crl.tbs.entries.map((e) => [e.serialNumber, e.revocationDate, e.reason, e.invalidityDate]),
    ).toEqual(
      entries.map((e) => [
        e.serialNumber,
        seconds(e.revocationDate),
        e.reason === 'unspecified' ? undefined : e.reason,
        e.invalidityDate,
      ]),
    );
    expect(crl.tbs.entries.every((e) => e.extensions === undefined)).toBe(true);
    const declared = asn1.decodeDer(TBSCertList, crl.tbsDer).revokedCertificates!;
    expect(
      declared.map((e) => [
        e.userCertificate,
        e.revocationDate.value,
        readExtension(e.crlEntryExtensions, 'cRLReason'),
        readExtension(e.crlEntryExtensions, 'invalidityDate'),
      ]),
    ).toEqual(crl.tbs.entries.map((e) => [e.serialNumber, e.revocationDate, e.reason, e.invalidityDate]));
  });

  it('ok/entries outside the canonical form go through the declared type and keep their bytes', () => {
    const tbs = TBSCertList.encode({
      version: 1,
      signature: SM2_WITH_SM3,
      issuer: ca.cert.tbs.subject,
      thisUpdate: { type: 'utcTime', value: now },
      nextUpdate: { type: 'utcTime', value: tomorrow },
      revokedCertificates: [
        // GeneralizedTime before 2050 (not what RFC 5280 asks, but seen)
        {
          userCertificate: 5n,
          revocationDate: { type: 'generalTime', value: new Date('2024-01-01T00:00:00Z') },
        },
        {
          userCertificate: 6n,
          revocationDate: { type: 'utcTime', value: new Date('2024-01-02T00:00:00Z') },
          // invalidityDate before cRLReason, and the reason marked critical
          crlEntryExtensions: [
            extension('invalidityDate', new Date('2023-12-01T00:00:00Z')),
            extension('cRLReason', 'keyCompromise', true),
          ],
        },
        {
          userCertificate: 7n,
          revocationDate: { type: 'utcTime', value: new Date('2024-01-03T00:00:00Z') },
          crlEntryExtensions: [{ oid: '1.2.156.1.2.3', critical: false, value: Uint8Array.of(5, 0) }],
        },
      ],
      crlExtensions: [extension('cRLNumber', 1n)],
    });
    const crl = parseCrl(sign(tbs));
    const [a, b, c] = crl.tbs.entries;
    expect(a).toMatchObject({ serialNumber: 5n, revocationDateForm: 'generalTime', extensions: undefined });
    expect(b).toMatchObject({ reason: 'keyCompromise', invalidityDate: new Date('2023-12-01T00:00:00Z') });
    expect(b!.extensions).toHaveLength(2);
    expect(c!.extensions).toEqual([{ oid: '1.2.156.1.2.3', critical: false, value: Uint8Array.of(5, 0) }]);
    expect(toHex(encodeTbsCertList(crl.tbs))).toBe(toHex(tbs));
  });
});

describe('streaming: async entries, progress, writeCrl', () => {
  async function* slowly(count: number): AsyncGenerator<RevokedEntry> {
    for (let i = 1; i <= count; i++) yield { serialNumber: BigInt(i) * 7919n, revocationDate: now };
  }

  it('ok/async iterables are consumed and progress is reported every 65,536 entries and at the end', async () => {
    const seen: number[] = [];
    const crlDer = await buildCrl(
      { ...fullOptions(), entries: slowly(70_000), onProgress: (n) => seen.push(n) },
      ca.key,
    );
    expect(seen).toEqual([65_536, 70_000]);
    const crl = parseCrl(crlDer);
    expect(crl.tbs.entries).toHaveLength(70_000);
    expect(crl.tbs.entries[69_999]!.serialNumber).toBe(70_000n * 7919n);
    expect(verifyCrlSignature(crl, ca.key.publicKey)).toBe(true);
  });

  it('ok/writeCrl to a file (atomic rename) and to a stream writes the CRL buildCrl makes', async () => {
    const path = scratch.path('published.crl');
    const written = await writeCrl(path, fullOptions(), ca.key);
    const fromFile = parseCrl(new Uint8Array(scratch.read('published.crl')));
    expect(written).toEqual({ byteLength: fromFile.der.length, entryCount: ENTRIES.length });
    expect(toHex(fromFile.tbsDer)).toBe(toHex(parseCrl(fullDer).tbsDer)); // signatures are randomised
    expect(verifyCrlSignature(fromFile, ca.key.publicKey)).toBe(true);
    expect(readdirSync(scratch.path('')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const toStream = await writeCrl(stream, deltaOptions(), ca.key);
    const fromStream = parseCrl(new Uint8Array(Buffer.concat(chunks)));
    expect(toStream.byteLength).toBe(fromStream.der.length);
    expect(toHex(fromStream.tbsDer)).toBe(toHex(parseCrl(deltaDer).tbsDer));
    expect(chunks.length).toBeGreaterThan(1); // pieces, not one buffer
  });
});

/** A CertificateList around `tbs`, signed by the CA key. */
function sign(tbs: Uint8Array): Uint8Array {
  return CertificateList.encode({
    tbsCertList: der.parseDer(tbs),
    signatureAlgorithm: SM2_WITH_SM3,
    signatureValue: signTbs(ca.key, tbs),
  });
}

type TbsValue = asn1.Decoded<typeof TBSCertList>;

function tbsWith(change: Partial<TbsValue>): Uint8Array {
  return TBSCertList.encode({
    version: 1,
    signature: SM2_WITH_SM3,
    issuer: ca.cert.tbs.subject,
    thisUpdate: { type: 'utcTime', value: now },
    nextUpdate: { type: 'utcTime', value: tomorrow },
    revokedCertificates: [{ userCertificate: 9n, revocationDate: { type: 'utcTime', value: now } }],
    crlExtensions: [extension('cRLNumber', 1n)],
    ...change,
  });
}

/** `bytes` with the (unique) occurrence of `from` replaced by `to` (same length, so DER stays valid). */
function patch(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const hex = toHex(bytes);
  expect(hex.split(from)).toHaveLength(2);
  return new Uint8Array(Buffer.from(hex.replace(from, to), 'hex'));
}

/** An extension that becomes a second copy of `oid` after `patch` (OID 2.5.29.99 → 2.5.29.n). */
function placeholder(value: Uint8Array): Extension {
  return { oid: '2.5.29.99', critical: false, value };
}
const PLACEHOLDER = '0603551d63';

describe('bad CRLs are refused with their codes', () => {
  const entry = (change: Record<string, unknown>) => ({
    revokedCertificates: [
      { userCertificate: 9n, revocationDate: { type: 'utcTime' as const, value: now }, ...change },
    ],
  });
  const cases: [string, () => Uint8Array, string][] = [
    ['error/truncated', () => fullDer.subarray(0, fullDer.length - 10), 'YZ_ERR_DER_TRUNCATED'],
    ['error/no nextUpdate', () => sign(tbsWith({ nextUpdate: undefined })), 'YZ_ERR_CRL'],
    [
      'error/nextUpdate before thisUpdate',
      () => sign(tbsWith({ nextUpdate: { type: 'utcTime', value: new Date(now.getTime() - DAY) } })),
      'YZ_ERR_CRL',
    ],
    ['error/v1 CRL with extensions', () => sign(tbsWith({ version: undefined })), 'YZ_ERR_CRL'],
    ['error/version 3', () => sign(tbsWith({ version: 2 })), 'YZ_ERR_CRL'],
    [
      'error/no cRLNumber',
      () =>
        sign(
          tbsWith({
            crlExtensions: [extension('authorityKeyIdentifier', { keyIdentifier: new Uint8Array(20) })],
          }),
        ),
      'YZ_ERR_CRL',
    ],
    ['error/empty revokedCertificates', () => sign(tbsWith({ revokedCertificates: [] })), 'YZ_ERR_CRL'],
    [
      'error/duplicate CRL extension',
      () =>
        sign(
          patch(
            tbsWith({ crlExtensions: [extension('cRLNumber', 1n), placeholder(Uint8Array.of(2, 1, 2))] }),
            PLACEHOLDER,
            '0603551d14',
          ),
        ),
      'YZ_ERR_EXTENSION',
    ],
    [
      'error/unknown critical CRL extension',
      () =>
        sign(
          tbsWith({
            crlExtensions: [
              extension('cRLNumber', 1n),
              { oid: '1.2.3.4', critical: true, value: Uint8Array.of(5, 0) },
            ],
          }),
        ),
      'YZ_ERR_EXTENSION',
    ],
    [
      'error/non-critical deltaCRLIndicator',
      () =>
        sign(
          tbsWith({ crlExtensions: [extension('cRLNumber', 2n), extension('deltaCRLIndicator', 1n, false)] }),
        ),
      'YZ_ERR_CRL',
    ],
    [
      'error/delta base not below its number',
      () =>
        sign(
          tbsWith({ crlExtensions: [extension('cRLNumber', 2n), extension('deltaCRLIndicator', 2n, true)] }),
        ),
      'YZ_ERR_CRL',
    ],
    [
      'error/duplicate entry extension',
      () =>
        sign(
          patch(
            tbsWith(
              entry({
                crlEntryExtensions: [
                  extension('cRLReason', 'superseded'),
                  placeholder(Uint8Array.of(10, 1, 1)),
                ],
              }),
            ),
            PLACEHOLDER,
            '0603551d15',
          ),
        ),
      'YZ_ERR_EXTENSION',
    ],
    [
      'error/unknown critical entry extension',
      () =>
        sign(
          tbsWith(
            entry({
              crlEntryExtensions: [
                { oid: Oid.certificateIssuer, critical: true, value: Uint8Array.of(0x30, 0) },
              ],
            }),
          ),
        ),
      'YZ_ERR_EXTENSION',
    ],
    [
      'error/empty entry extensions',
      () => sign(tbsWith(entry({ crlEntryExtensions: [] }))),
      'YZ_ERR_EXTENSION',
    ],
    [
      'error/impossible date in an entry (30 February)',
      () =>
        sign(
          patch(
            tbsWith(entry({ revocationDate: { type: 'utcTime', value: new Date('2025-02-28T00:00:00Z') } })),
            toHex(Buffer.from('250228000000Z')),
            toHex(Buffer.from('250230000000Z')),
          ),
        ),
      'YZ_ERR_DER_VALUE',
    ],
    ['error/zero serial', () => sign(tbsWith(entry({ userCertificate: 0n }))), 'YZ_ERR_SERIAL'],
    ['error/negative serial', () => sign(tbsWith(entry({ userCertificate: -5n }))), 'YZ_ERR_SERIAL'],
    ['error/21-octet serial', () => sign(tbsWith(entry({ userCertificate: 1n << 160n }))), 'YZ_ERR_SERIAL'],
    [
      'error/removeFromCRL in a full CRL',
      () => sign(tbsWith(entry({ crlEntryExtensions: [extension('cRLReason', 'removeFromCRL')] }))),
      'YZ_ERR_CRL',
    ],
  ];
  it.each(cases)('%s', (_name, make, expected) => {
    expect(code(() => parseCrl(make()))).toBe(expected);
  });

  it('ok/the crafting helper itself makes CRLs that parse', () => {
    expect(parseCrl(sign(tbsWith({}))).crlNumber).toBe(1n);
  });
});

describe('bad build options are refused with their codes', () => {
  const cases: [string, () => CrlOptions, string][] = [
    ['error/zero serial', () => fullOptions([{ serialNumber: 0n, revocationDate: now }]), 'YZ_ERR_SERIAL'],
    [
      'error/21-octet serial',
      () => fullOptions([{ serialNumber: 1n << 160n, revocationDate: now }]),
      'YZ_ERR_SERIAL',
    ],
    [
      'error/invalid revocation date',
      () => fullOptions([{ serialNumber: 1n, revocationDate: new Date(NaN) }]),
      'YZ_ERR_CRL',
    ],
    [
      'error/revocation before 1950',
      () => fullOptions([{ serialNumber: 1n, revocationDate: new Date('1949-12-31T00:00:00Z') }]),
      'YZ_ERR_CRL',
    ],
    [
      'error/removeFromCRL in a full CRL',
      () => fullOptions([{ serialNumber: 1n, revocationDate: now, reason: 'removeFromCRL' }]),
      'YZ_ERR_CRL',
    ],
    ['error/nextUpdate not after thisUpdate', () => ({ ...fullOptions(), nextUpdate: now }), 'YZ_ERR_CRL'],
    ['error/negative CRL number', () => ({ ...fullOptions(), crlNumber: -1n }), 'YZ_ERR_CRL'],
    ['error/21-octet CRL number', () => ({ ...fullOptions(), crlNumber: 1n << 160n }), 'YZ_ERR_CRL'],
    ['error/delta base not below its number', () => ({ ...deltaOptions(), baseCrlNumber: 8n }), 'YZ_ERR_CRL'],
    ['error/freshestCRL on a delta CRL', () => ({ ...deltaOptions(), freshestCrl: FULL_DP }), 'YZ_ERR_CRL'],
    [
      'error/signer is not the issuer certificate key',
      () => ({ ...fullOptions(), issuer: root.cert }),
      'YZ_ERR_CRL',
    ],
  ];
  it.each(cases)('%s', async (_name, make, expected) => {
    expect(await asyncCode(buildCrl(make(), ca.key))).toBe(expected);
  });

  it('error/issuer certificate without cRLSign', () => {
    const leaf = makeLeaf(ca);
    expect(code(() => buildCrlSync({ ...fullOptions(), issuer: leaf.cert, entries: [] }, leaf.key))).toBe(
      'YZ_ERR_CRL',
    );
  });

  it('ok/an issuer given as name and key identifier, and a signer ID other than the default', () => {
    const key = Sm2PrivateKey.generate();
    const crlDer = buildCrlSync(
      {
        ...fullOptions(),
        issuer: { name: ca.name, keyIdentifier: Uint8Array.of(1, 2, 3) },
        id: 'yizheng-ca',
      },
      key,
    );
    const crl = parseCrl(crlDer);
    expect(readExtension(crl.tbs.extensions, 'authorityKeyIdentifier')?.keyIdentifier).toEqual(
      Uint8Array.of(1, 2, 3),
    );
    expect(verifyCrlSignature(crl, key.publicKey)).toBe(false);
    expect(verifyCrlSignature(crl, key.publicKey, 'yizheng-ca')).toBe(true);
  });
});
