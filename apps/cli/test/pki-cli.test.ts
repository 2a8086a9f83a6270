/**
 * `yizheng req …` and `yizheng cert …` end to end (issue 3; R11, R13, R14): the compiled bin,
 * real files, exit codes, OpenSSL as the independent party.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, exportPrivateKeyPem, importPrivateKey, toHex } from '@yizheng/gm';
import {
  buildCrlSync,
  buildOcspRequest,
  buildOcspResponse,
  certIdFor,
  certificateToPem,
  encodeCsrResponse,
  envelopeKey,
  envelopeKeyAsSkfBlob,
  signCms,
} from '@yizheng/pki';
import { Scratch, openssl, opensslSm2Req } from '../../../tools/test-support/openssl.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function yz(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: scratch.dir });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const SUBJECT = 'C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,CN=杭州某某科技有限公司';

describe('yizheng req', () => {
  it('ok/req new writes a request openssl verifies with distid; req show decodes it', () => {
    expect(yz(['gm', 'keygen', '--out', 'k.pem']).status).toBe(0);
    const made = yz([
      'req',
      'new',
      '--key',
      'k.pem',
      '--subject',
      SUBJECT,
      '--uscc',
      '91330106MA2B3C4D5D',
      '--out',
      'r.pem',
    ]);
    expect(made.status, made.stderr).toBe(0);
    const r = openssl([
      'req',
      '-in',
      scratch.path('r.pem'),
      '-verify',
      '-vfyopt',
      'distid:1234567812345678',
      '-noout',
    ]);
    expect(r.stderr + r.stdout.toString()).toMatch(/verify OK/);
    const shown = yz(['req', 'show', 'r.pem']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('使用者 Subject: ' + SUBJECT);
    expect(shown.stdout).toContain('统一社会信用代码');
    expect(shown.stdout).toContain('91330106MA2B3C4D5D');
    expect(yz(['req', 'verify', 'r.pem'])).toMatchObject({ status: 0, stdout: 'Request signature OK\n' });
  });

  it('ok/req verify exits 1 for a request signed under another ID', () => {
    expect(yz(['gm', 'keygen', '--out', 'k2.pem']).status).toBe(0);
    expect(
      yz([
        'req',
        'new',
        '--key',
        'k2.pem',
        '--subject',
        'C=CN,CN=张三',
        '--id',
        'OTHER-ID',
        '--out',
        'r2.pem',
      ]).status,
    ).toBe(0);
    expect(yz(['req', 'verify', 'r2.pem']).status).toBe(1);
    expect(yz(['req', 'verify', 'r2.pem', '--id', 'OTHER-ID']).status).toBe(0);
  });

  it('error/a USCC with a wrong check character exits 2 with YZ_ERR_CERTIFICATE and writes nothing', () => {
    const bad = yz([
      'req',
      'new',
      '--key',
      'k.pem',
      '--subject',
      SUBJECT,
      '--uscc',
      '91330106MA2B3C4D5X',
      '--out',
      'bad.pem',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('YZ_ERR_CERTIFICATE');
    expect(yz(['req', 'show', 'bad.pem']).stderr).toContain('YZ_ERR_FILE');
  });

  it('error/a malformed subject exits 2 with YZ_ERR_NAME', () => {
    const bad = yz(['req', 'new', '--key', 'k.pem', '--subject', 'C=China,CN=x', '--out', 'bad.pem']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_NAME')]);
  });
});

describe('yizheng cert', () => {
  const root = makeRoot();
  const sub = makeSubCa(root);
  const leaf = makeLeaf(sub);
  writeFileSync(scratch.path('chain.pem'), certificateToPem(sub.cert) + certificateToPem(root.cert));
  writeFileSync(scratch.path('leaf.pem'), certificateToPem(leaf.cert));
  writeFileSync(scratch.path('leaf.der'), leaf.cert.der);

  it('ok/cert show prints Chinese names and the identity extension, in DER or PEM', () => {
    for (const file of ['leaf.pem', 'leaf.der']) {
      const shown = yz(['cert', 'show', file]);
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stdout).toContain('使用者 Subject: ' + SUBJECT);
      expect(shown.stdout).toContain('颁发者 Issuer: C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA');
      expect(shown.stdout).toMatch(/统一社会信用代码 unifiedSocialCreditCode: 91330106MA2B3C4D5D/);
      expect(shown.stdout).toMatch(/密钥用法 keyUsage \(critical 关键\): digitalSignature, nonRepudiation/);
    }
    expect(yz(['cert', 'show', '--lang', 'en', 'leaf.pem']).stdout).toContain('  Subject: C=CN');
  });

  it('ok/cert show reads a certificate made by OpenSSL (another CA)', () => {
    const key = scratch.path('o.key');
    expect(openssl(['genpkey', '-algorithm', 'SM2', '-out', key]).status).toBe(0);
    const r = opensslSm2Req(key, '/C=CN/O=某某CA有限公司/CN=某某SM2根CA', [
      '-x509',
      '-days',
      '10',
      '-out',
      scratch.path('o.pem'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const shown = yz(['cert', 'show', 'o.pem']);
    expect(shown.stdout).toContain('使用者 Subject: C=CN,O=某某CA有限公司,CN=某某SM2根CA');
    expect(shown.stdout).toMatch(/签名算法 Signature algorithm: sm2WithSm3/);
  });

  it('ok/cert verify exits 0 along the chain and 1 with the reason otherwise', () => {
    const ok = yz(['cert', 'verify', '--ca', 'chain.pem', 'leaf.pem']);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Certificate OK 证书有效');
    const expired = yz(['cert', 'verify', '--ca', 'chain.pem', '--at', '2099-01-01T00:00:00Z', 'leaf.pem']);
    expect([expired.status, expired.stdout]).toEqual([1, expect.stringContaining('YZ_PATH_EXPIRED')]);
    writeFileSync(scratch.path('root-only.pem'), certificateToPem(root.cert));
    const noIssuer = yz(['cert', 'verify', '--ca', 'root-only.pem', 'leaf.pem']);
    expect([noIssuer.status, noIssuer.stdout]).toEqual([1, expect.stringContaining('YZ_PATH_NO_ISSUER')]);
  });

  it('error/cert verify without a root in --ca, and a garbage certificate, exit 2', () => {
    writeFileSync(scratch.path('sub-only.pem'), certificateToPem(sub.cert));
    expect(yz(['cert', 'verify', '--ca', 'sub-only.pem', 'leaf.pem'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('YZ_ERR_USAGE'),
    });
    writeFileSync(scratch.path('junk.der'), Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 1));
    expect(yz(['cert', 'show', 'junk.der'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('YZ_ERR_DER'),
    });
  });
});

describe('yizheng crl, ocsp, cms, envelope', () => {
  const root = makeRoot();
  const sub = makeSubCa(root);
  const leaf = makeLeaf(sub);
  const now = new Date();
  writeFileSync(scratch.path('s-chain.pem'), certificateToPem(sub.cert) + certificateToPem(root.cert));
  writeFileSync(scratch.path('s-sub.pem'), certificateToPem(sub.cert));
  writeFileSync(scratch.path('s-root.pem'), certificateToPem(root.cert));
  writeFileSync(scratch.path('s-leaf.pem'), certificateToPem(leaf.cert));
  const crlDer = buildCrlSync(
    {
      issuer: sub.cert,
      thisUpdate: new Date(now.getTime() - 3_600_000),
      nextUpdate: new Date(now.getTime() + 86_400_000),
      crlNumber: 42n,
      entries: [{ serialNumber: leaf.cert.tbs.serialNumber, revocationDate: now, reason: 'keyCompromise' }],
    },
    sub.key,
  );
  writeFileSync(scratch.path('sub.crl'), crlDer);
  writeFileSync(
    scratch.path('root.crl'),
    buildCrlSync(
      {
        issuer: root.cert,
        thisUpdate: new Date(now.getTime() - 3_600_000),
        nextUpdate: new Date(now.getTime() + 86_400_000),
        crlNumber: 1n,
        entries: [],
      },
      root.key,
    ),
  );

  it('ok/crl show lists the entry with its reason; crl verify checks signature and issuer', () => {
    const shown = yz(['crl', 'show', 'sub.crl']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('CRL 编号 CRL number: 42');
    expect(shown.stdout).toContain(leaf.cert.tbs.serialNumber.toString(16).toUpperCase());
    expect(shown.stdout).toContain('keyCompromise');
    expect(yz(['crl', 'verify', '--ca', 's-sub.pem', 'sub.crl'])).toMatchObject({ status: 0 });
    const wrong = yz(['crl', 'verify', '--ca', 's-root.pem', 'sub.crl']);
    expect([wrong.status, wrong.stdout]).toEqual([1, expect.stringContaining('signature does not verify')]);
    const stale = yz(['crl', 'verify', '--ca', 's-sub.pem', '--at', '2099-01-01T00:00:00Z', 'sub.crl']);
    expect([stale.status, stale.stdout]).toEqual([1, expect.stringContaining('stale')]);
  });

  it('ok/cert verify --crl finds the revoked certificate', () => {
    const r = yz(['cert', 'verify', '--ca', 's-chain.pem', '--crl', 'sub.crl,root.crl', 's-leaf.pem']);
    expect([r.status, r.stdout]).toEqual([1, expect.stringContaining('YZ_PATH_REVOKED')]);
    const noCrl = yz(['cert', 'verify', '--ca', 's-chain.pem', '--crl', 'sub.crl', 's-leaf.pem']);
    // the sub CA is checked first (top down) and no CRL of the root covers it
    expect([noCrl.status, noCrl.stdout]).toEqual([1, expect.stringContaining('YZ_PATH_REVOCATION_UNKNOWN')]);
  });

  it('ok/ocsp show prints statuses of a response and the CertIDs of a request', () => {
    const response = buildOcspResponse({
      responder: { certificate: sub.cert, signer: sub.key, idBy: 'key' },
      producedAt: now,
      responses: [
        {
          certId: certIdFor(sub.cert, leaf.cert.tbs.serialNumber),
          status: { type: 'revoked', time: now, reason: 'keyCompromise' },
          thisUpdate: now,
        },
      ],
    });
    writeFileSync(scratch.path('resp.der'), response.der);
    const shown = yz(['ocsp', 'show', 'resp.der']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('响应状态 Response status: successful');
    expect(shown.stdout).toContain('revoked 已撤销');
    const request = buildOcspRequest({
      certs: [{ issuer: sub.cert, serialNumber: leaf.cert.tbs.serialNumber }],
    });
    writeFileSync(scratch.path('req.der'), request.der);
    const req = yz(['ocsp', 'show', 'req.der']);
    expect(req.stdout).toContain(`serial ${leaf.cert.tbs.serialNumber.toString(16).toUpperCase()}`);
  });

  it('ok/cms verify accepts attached and detached signatures and exits 1 for tampered content', () => {
    const content = new TextEncoder().encode('电子营业执照授权书');
    writeFileSync(scratch.path('content.txt'), content);
    writeFileSync(
      scratch.path('att.p7s'),
      signCms({ content, signer: leaf.key, certificate: leaf.cert, chain: [sub.cert] }),
    );
    writeFileSync(
      scratch.path('det.p7s'),
      signCms({ content, detached: true, signer: leaf.key, certificate: leaf.cert }),
    );
    const attached = yz(['cms', 'verify', 'att.p7s', '--ca', 's-chain.pem']);
    expect(attached.status, attached.stdout + attached.stderr).toBe(0);
    expect(attached.stdout).toContain('signer OK 签名有效: ' + SUBJECT);
    expect(yz(['cms', 'verify', 'det.p7s', '--content', 'content.txt']).status).toBe(0);
    writeFileSync(scratch.path('other.txt'), '篡改后的内容');
    const tampered = yz(['cms', 'verify', 'det.p7s', '--content', 'other.txt']);
    expect([tampered.status, tampered.stdout]).toEqual([
      1,
      expect.stringContaining('message-digest-mismatch'),
    ]);
    expect(yz(['cms', 'verify', 'det.p7s']).stderr).toContain('YZ_ERR_CMS');
  });

  it('ok/envelope open recovers the encryption key from all three delivery formats', () => {
    const signKey = Sm2PrivateKey.generate();
    const encKey = Sm2PrivateKey.generate();
    writeFileSync(scratch.path('sign.key'), exportPrivateKeyPem(signKey));
    const encCert = makeLeaf(sub);
    writeFileSync(scratch.path('env.der'), envelopeKey(encKey, signKey.publicKey));
    writeFileSync(scratch.path('env.skf'), envelopeKeyAsSkfBlob(encKey, signKey.publicKey));
    writeFileSync(
      scratch.path('env.rsp'),
      encodeCsrResponse({
        signCertificates: [leaf.cert.der],
        encryptedPrivateKey: envelopeKey(encCert.key, signKey.publicKey),
        encryptCertificates: [encCert.cert.der],
      }),
    );
    for (const [file, kind, key] of [
      ['env.der', 'GM/T 0009', encKey],
      ['env.skf', 'GM/T 0016', encKey],
      ['env.rsp', 'GM/T 0092', encCert.key],
    ] as const) {
      const r = yz(['envelope', 'open', '--key', 'sign.key', file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(kind);
      expect(r.stdout).toContain(toHex(key.publicKey.toBytes()));
    }
    expect(yz(['envelope', 'open', '--key', 'sign.key', 'env.rsp']).stdout).toContain('key matches 匹配');
    const out = yz(['envelope', 'open', '--key', 'sign.key', 'env.der', '--out', 'enc.key']);
    expect(out.status).toBe(0);
    expect(
      importPrivateKey(readFileSync(scratch.path('enc.key'), 'utf8')).publicKey.equals(encKey.publicKey),
    ).toBe(true);
    const wrong = yz(['envelope', 'open', '--key', 'k.pem', 'env.der']);
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_')]);
  });
});
