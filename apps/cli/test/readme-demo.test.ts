/**
 * Issue 4 "Done when", as a new user follows the README on the command line, on SQLite (the
 * embedded default) and on PostgreSQL (DATABASE_URL, master keys from the environment): a dual
 * pair that OpenSSL and BouncyCastle verify, renewed (+1 year), changed (same expiry), reissued
 * (old revoked), an old encryption key recovered with two approvers, and `audit verify` passing.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '@yizheng/gm';
import { certificatePublicKey, parseCertificate, parseCertificates } from '@yizheng/pki';
import { runBc } from '../../../tools/test-support/bc.js';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { TEST_DATABASE_URL } from '../../../tools/test-support/stores.js';

const USCC = '91330106MA2B3C4D5D';
const schemas: string[] = [];

afterAll(async () => {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe.each(['sqlite', 'postgres'] as const)('README demo on %s', (kind) => {
  const scratch = new Scratch();
  afterAll(() => scratch.cleanup());
  const schema = `yz_demo_${toHex(randomBytes(5))}`;
  if (kind === 'postgres') schemas.push(schema);
  const yz = cliRunner(
    scratch,
    'counter-op',
    kind === 'postgres'
      ? {
          DATABASE_URL: TEST_DATABASE_URL,
          YIZHENG_DB_SCHEMA: schema,
          YIZHENG_MASTER_KEY: 'demo vault master secret',
          YIZHENG_KMC_MASTER_KEY: 'demo kmc master secret',
        }
      : {},
  );
  const ok = (args: string[], operator?: string) => {
    const run = yz(args, operator);
    expect(run.status, `${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run.stdout;
  };
  const csr = (name: string) => {
    ok(['gm', 'keygen', '--out', `${name}.key`]);
    ok([
      'req',
      'new',
      '--key',
      `${name}.key`,
      '--subject',
      'C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司',
      '--out',
      `${name}.pem`,
    ]);
    return `${name}.pem`;
  };
  const signSerial = (stdout: string) => /signing 签名证书 serial:\s+([0-9A-F]+)/.exec(stdout)![1]!;
  const cert = (path: string) => parseCertificate(readFileSync(scratch.path(path), 'utf8'));

  it('ok/issue, verify (OpenSSL, BouncyCastle), renew, change, reissue, recover, audit', () => {
    ok(['ca', 'init', '--demo', '--pool', '4']);
    const issued = ok([
      'issue',
      '--csr',
      csr('sign'),
      '--uscc',
      USCC,
      '--name',
      '杭州某某科技有限公司',
      '--rep',
      '张三',
      '--out',
      'out',
    ]);
    const first = signSerial(issued);
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
      expect(v.stdout.toString()).toContain(': OK');
    }
    const [ca, root] = parseCertificates(readFileSync(scratch.path('out/chain.pem'), 'utf8'));
    const answers = runBc(
      ['out/sign.pem', 'out/enc.pem'].map(
        (f) => `cert-path ${toHex(root!.der)} ${toHex(ca!.der)} ${toHex(cert(f).der)} ${Date.now()}`,
      ),
    );
    expect(answers).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    const firstNotAfter = cert('out/sign.pem').tbs.validity.notAfter;

    // renew (+1 year): the demo opens the renewal window wide, as an operator may (R19)
    ok(['policy', 'set', '--renewal-window-days', '366'], 'admin');
    ok(['renew', '--serial', first, '--csr', csr('r2'), '--out', 'renewed']);
    const renewedNotAfter = cert('renewed/sign.pem').tbs.validity.notAfter;
    const plusYear = new Date(firstNotAfter);
    plusYear.setUTCFullYear(plusYear.getUTCFullYear() + 1);
    expect(renewedNotAfter).toEqual(plusYear);

    // change: new identity data, same expiry, old pair superseded
    const renewed = cert('renewed/sign.pem').tbs.serialNumber.toString(16).toUpperCase();
    ok([
      'change',
      '--serial',
      renewed,
      '--csr',
      csr('r3'),
      '--uscc',
      USCC,
      '--name',
      '杭州某某数字科技有限公司',
      '--out',
      'changed',
    ]);
    expect(cert('changed/sign.pem').tbs.validity.notAfter).toEqual(renewedNotAfter);

    // reissue: new keys, same expiry, old pair revoked
    const changed = cert('changed/sign.pem').tbs.serialNumber.toString(16).toUpperCase();
    ok(['reissue', '--serial', changed, '--csr', csr('r4'), '--out', 'reissued']);
    expect(cert('reissued/sign.pem').tbs.validity.notAfter).toEqual(renewedNotAfter);
    const history = ok(['history', USCC]);
    expect(history).toMatch(new RegExp(`sign ${changed} +revoked .*\\(keyCompromise\\)`));
    expect(history).toMatch(new RegExp(`sign ${renewed} +revoked .*\\(superseded\\)`));

    // recover the first encryption key with two approvers other than the requester
    const firstEnc = cert('out/enc.pem');
    const encSerial = firstEnc.tbs.serialNumber.toString(16).toUpperCase();
    const opened = ok(
      ['kmc', 'recover', 'request', '--serial', encSerial, '--reason', '解密历史投标文件'],
      'ra-wang',
    );
    const id = /request (recovery-\S+) opened/.exec(opened)![1]!;
    ok(['kmc', 'recover', 'approve', '--id', id], 'kmc-li');
    ok(['kmc', 'recover', 'approve', '--id', id], 'kmc-zhao');
    ok(['kmc', 'recover', 'deliver', '--id', id, '--csr', csr('r5'), '--out', 'recovered.der'], 'ra-wang');
    const shown = ok(['envelope', 'open', '--key', 'r5.key', 'recovered.der']);
    expect(shown).toContain(Buffer.from(certificatePublicKey(firstEnc).toBytes()).toString('hex'));

    ok(['audit', 'checkpoint']);
    expect(ok(['audit', 'verify'])).toContain('audit OK');
  });
});
