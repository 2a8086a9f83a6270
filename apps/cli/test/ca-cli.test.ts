/**
 * The README demo, as a new user runs it (issue 4): `yizheng ca init --demo`, a key and a CSR
 * made with `yizheng gm` / `yizheng req`, `yizheng issue`, OpenSSL reading and verifying the
 * pair, revocation and `yizheng audit verify` — on the embedded default (SQLite in --data).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importPrivateKey } from '@yizheng/gm';
import { decodeCsrResponse, openEnvelopedKey, parseCertificate, certificatePublicKey } from '@yizheng/pki';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const yz = cliRunner(scratch, 'cli-test');

describe('yizheng ca / issue / revoke / audit (README demo)', () => {
  it('ok/init a demo CA, issue a dual certificate, verify it with OpenSSL, revoke it, verify the audit', () => {
    const init = yz(['ca', 'init', '--demo', '--pool', '5']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/SM3 fingerprint: [0-9A-F:]{95}/);
    expect(statSync(scratch.path('data/master.key')).mode & 0o777).toBe(0o600);

    expect(yz(['gm', 'keygen', '--out', 'sign.key']).status).toBe(0);
    expect(
      yz([
        'req',
        'new',
        '--key',
        'sign.key',
        '--subject',
        'C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司',
        '--out',
        'req.pem',
      ]).status,
    ).toBe(0);
    const issued = yz([
      'issue',
      '--csr',
      'req.pem',
      '--uscc',
      '91330106MA2B3C4D5D',
      '--name',
      '杭州某某科技有限公司',
      '--rep',
      '张三',
      '--out',
      'out',
    ]);
    expect(issued.status, issued.stderr).toBe(0);
    const serial = /signing 签名证书 serial:\s+([0-9A-F]+)/.exec(issued.stdout)![1]!;
    for (const f of ['sign.pem', 'enc.pem', 'csr-response.der', 'chain.pem'])
      expect(existsSync(scratch.path(`out/${f}`))).toBe(true);

    for (const f of ['out/sign.pem', 'out/enc.pem']) {
      const v = openssl([
        'verify',
        '-partial_chain',
        '-vfyopt',
        'distid:1234567812345678',
        '-CAfile',
        scratch.path('out/chain.pem'),
        scratch.path(f),
      ]);
      expect(v.stdout.toString() + v.stderr).toContain(': OK');
    }
    const text = openssl([
      'x509',
      '-in',
      scratch.path('out/sign.pem'),
      '-noout',
      '-text',
      '-nameopt',
      'utf8,sep_comma_plus',
    ]).stdout.toString();
    expect(text).toContain('O=杭州某某科技有限公司');
    expect(text).toContain('1.2.156.10260.4.4');

    // the encryption key opens with the signing key, and matches enc.pem
    const holder = importPrivateKey(readFileSync(scratch.path('sign.key'), 'utf8'));
    const response = decodeCsrResponse(readFileSync(scratch.path('out/csr-response.der')));
    const encCert = parseCertificate(readFileSync(scratch.path('out/enc.pem'), 'utf8'));
    expect(
      openEnvelopedKey(response.encryptedPrivateKey!, holder).publicKey.equals(certificatePublicKey(encCert)),
    ).toBe(true);
    const opened = yz(['envelope', 'open', '--key', 'sign.key', 'out/csr-response.der']);
    expect(opened.stdout).toContain('key matches 匹配');

    const revoked = yz(['revoke', '--serial', serial, '--reason', 'keyCompromise', '--note', '持有人申请']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/sign [0-9A-F]+: revoked/);
    const again = yz(['revoke', '--serial', serial]);
    expect([again.status, again.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_STATE')]);

    expect(yz(['audit', 'checkpoint']).status).toBe(0);
    const audit = yz(['audit', 'verify']);
    expect([audit.status, audit.stdout]).toEqual([0, expect.stringContaining('audit OK')]);
    expect(yz(['ca', 'export', '--out', 'export']).status).toBe(0);
    expect(readFileSync(scratch.path('export/root.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('ok/reissue and change replace the pair with the same expiry; renew before the window is refused', () => {
    expect(yz(['gm', 'keygen', '--out', 'k1.key']).status).toBe(0);
    const subject = 'C=CN,O=宁波某某贸易有限公司,CN=宁波某某贸易有限公司';
    expect(yz(['req', 'new', '--key', 'k1.key', '--subject', subject, '--out', 'r1.pem']).status).toBe(0);
    const first = yz([
      'issue',
      '--csr',
      'r1.pem',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      '宁波某某贸易有限公司',
      '--out',
      'p1',
    ]);
    expect(first.status, first.stderr).toBe(0);
    const serial = /signing 签名证书 serial:\s+([0-9A-F]+)/.exec(first.stdout)![1]!;
    const until = /→ (\S+)/.exec(first.stdout)![1]!;

    expect(yz(['gm', 'keygen', '--out', 'k2.key']).status).toBe(0);
    expect(yz(['req', 'new', '--key', 'k2.key', '--subject', subject, '--out', 'r2.pem']).status).toBe(0);
    const early = yz(['renew', '--serial', serial, '--csr', 'r2.pem', '--out', 'p2']);
    expect([early.status, early.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_STATE')]);
    const reissued = yz(['reissue', '--serial', serial, '--csr', 'r2.pem', '--out', 'p2']);
    expect(reissued.status, reissued.stderr).toBe(0);
    expect(reissued.stdout).toContain(`→ ${until}`);
    const newSerial = /signing 签名证书 serial:\s+([0-9A-F]+)/.exec(reissued.stdout)![1]!;

    expect(yz(['gm', 'keygen', '--out', 'k3.key']).status).toBe(0);
    expect(yz(['req', 'new', '--key', 'k3.key', '--subject', subject, '--out', 'r3.pem']).status).toBe(0);
    const changed = yz([
      'change',
      '--serial',
      newSerial,
      '--csr',
      'r3.pem',
      '--out',
      'p3',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      '宁波某某国际贸易有限公司',
    ]);
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('宁波某某国际贸易有限公司');
    expect(changed.stdout).toContain(`→ ${until}`);
    const again = yz(['reissue', '--serial', serial, '--csr', 'r3.pem', '--out', 'p4']);
    expect([again.status, again.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_STATE')]);
  });

  it('ok/kmc recover: two other operators approve, the key is delivered once to the new signing key', () => {
    // a key certified once (r3.pem, by the change above) is refused
    const twice = yz([
      'issue',
      '--csr',
      'r3.pem',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      '宁波某某',
      '--out',
      'p5',
    ]);
    expect([twice.status, twice.stderr]).toEqual([
      2,
      expect.stringContaining('YZ_ERR_KEY_ALREADY_CERTIFIED'),
    ]);
    expect(yz(['gm', 'keygen', '--out', 'k6.key']).status).toBe(0);
    expect(
      yz(['req', 'new', '--key', 'k6.key', '--subject', 'C=CN,CN=宁波某某', '--out', 'r6.pem']).status,
    ).toBe(0);
    const issued = yz([
      'issue',
      '--csr',
      'r6.pem',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      '宁波某某国际贸易有限公司',
      '--out',
      'p6',
    ]);
    const serial = /encryption 加密证书 serial:\s+([0-9A-F]+)/.exec(issued.stdout)![1]!;
    const opened = yz(
      ['kmc', 'recover', 'request', '--serial', serial, '--reason', '解密历史投标文件'],
      'ra-wang',
    );
    expect(opened.status, opened.stderr).toBe(0);
    const id = /request (recovery-\S+) opened/.exec(opened.stdout)![1]!;
    expect(yz(['kmc', 'recover', 'approve', '--id', id], 'ra-wang').stderr).toContain('YZ_ERR_STATE');
    expect(yz(['kmc', 'recover', 'approve', '--id', id], 'kmc-li').status).toBe(0);
    expect(yz(['kmc', 'recover', 'approve', '--id', id], 'kmc-zhao').stdout).toContain('approved');
    expect(yz(['gm', 'keygen', '--out', 'k7.key']).status).toBe(0);
    expect(
      yz(['req', 'new', '--key', 'k7.key', '--subject', 'C=CN,CN=宁波某某', '--out', 'r7.pem']).status,
    ).toBe(0);
    const delivered = yz(
      ['kmc', 'recover', 'deliver', '--id', id, '--csr', 'r7.pem', '--out', 'recovered.der'],
      'ra-wang',
    );
    expect(delivered.status, delivered.stderr).toBe(0);
    const shown = yz(['envelope', 'open', '--key', 'k7.key', 'recovered.der']);
    const encCert = parseCertificate(readFileSync(scratch.path('p6/enc.pem'), 'utf8'));
    expect(shown.stdout).toContain(Buffer.from(certificatePublicKey(encCert).toBytes()).toString('hex'));
    expect(
      yz(['kmc', 'recover', 'deliver', '--id', id, '--csr', 'r7.pem', '--out', 'again.der']).stderr,
    ).toContain('YZ_ERR_STATE');
  });

  it('ok/history shows the applications and certificates of a legal person; stats counts them', () => {
    const h = yz(['history', '91330201MA2C3D4E55']);
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toContain('统一社会信用代码 91330201MA2C3D4E55');
    for (const step of ['new', 'reissue', 'change'])
      expect(h.stdout).toMatch(new RegExp(`\\s${step}\\s+\\w+\\s+completed`));
    expect(h.stdout).toMatch(/sign [0-9A-F]+\s+revoked .*\(keyCompromise\)/);
    const s = yz(['stats', '--json']);
    expect(s.status, s.stderr).toBe(0);
    const json = JSON.parse(s.stdout) as {
      applicationsByBusinessType: Record<string, number>;
      afterSales: { reissue: number };
    };
    expect(json.applicationsByBusinessType.reissue).toBe(1);
    expect(json.afterSales.reissue).toBe(1);
    expect(yz(['stats']).stdout).toContain('after-sales 售后: reissue 补办 1');
    expect(yz(['history', '91330201MA2C3D4E5X']).stderr).toContain('YZ_ERR_USCC');
  });

  it('ok/revoke --batch revokes every live pair of the listed legal persons; a malformed notice changes nothing', () => {
    writeFileSync(scratch.path('bad-notice.csv'), '91330201MA2C3D4E55,deregistered\n123,closed\n');
    const bad = yz(['revoke', '--batch', 'bad-notice.csv']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('line 2')]);
    expect(JSON.parse(yz(['stats', '--json']).stdout).certificatesByStatus.valid).toBeGreaterThan(0);
    writeFileSync(
      scratch.path('notice.csv'),
      '# 市场监管局注销公告 2026-118\n91330201MA2C3D4E55,deregistered,注销公告 2026-118\n91330106MA2B3C4D5D,closed\n',
    );
    const batch = yz(['revoke', '--batch', 'notice.csv']);
    expect(batch.status, batch.stdout + batch.stderr).toBe(0);
    expect(batch.stderr).toContain('2/2');
    expect(batch.stdout).toMatch(/2 legal person\(s\) processed, \d+ certificate\(s\) revoked, 0 failed/);
    const history = yz(['history', '91330201MA2C3D4E55']).stdout;
    expect(history).not.toMatch(/\s(valid|suspended)\s+\d{4}-/);
    expect(history).toContain('(cessationOfOperation)');
  });

  it('ok/crl generate publishes the revocations; crl verify accepts it with the CA certificate', () => {
    const made = yz(['crl', 'generate', '--out', 'ca.crl']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/CRL \d+ with \d+ entries written to ca\.crl/);
    expect(yz(['ca', 'export', '--out', 'export-crl']).status).toBe(0);
    expect(yz(['crl', 'verify', '--ca', 'export-crl/ca.pem', 'ca.crl'])).toMatchObject({ status: 0 });
    const signSerial = parseCertificate(readFileSync(scratch.path('p6/sign.pem'), 'utf8')).tbs.serialNumber;
    const shown = yz(['crl', 'show', 'ca.crl', '--entries', '1000']).stdout;
    expect(shown).toContain(signSerial.toString(16).toUpperCase());
    expect(shown).toContain('cessationOfOperation');
    const text = openssl([
      'crl',
      '-in',
      scratch.path('ca.crl'),
      '-inform',
      'DER',
      '-noout',
      '-text',
    ]).stdout.toString();
    expect(text).toContain('Next Update');
  });

  it('error/issue before a CA exists, and with a bad USCC, exit 2 with codes', () => {
    const empty = yz([
      'issue',
      '--data',
      'empty',
      '--csr',
      'req.pem',
      '--uscc',
      '91330106MA2B3C4D5D',
      '--name',
      'x',
    ]);
    expect([empty.status, empty.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_')]);
    const bad = yz(['issue', '--csr', 'req.pem', '--uscc', '123', '--name', 'x']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_USCC')]);
  });
});
