/**
 * `yizheng import` (存量证书, R16) as an operator runs it on the embedded default: a directory of
 * 50 stock certificates (25 dual pairs in nested folders, PEM and DER, one PEM bundle) signed
 * with the CA key outside the core, plus a manifest with the legal persons' data; a progress bar
 * on stderr, a summary on stdout, the imported certificates then revocable; running again
 * reports duplicates, a broken file fails alone (exit 1), a bad manifest imports nothing (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, StoreKeyVault, loadIssuingCa } from '@yizheng/core';
import { type Certificate, certificateToPem, isValidUscc } from '@yizheng/pki';
import { openStore } from '@yizheng/store';
import { Scratch } from '../../../tools/test-support/openssl.js';
import { legacyCertificate } from '../../../tools/test-support/stock-fixtures.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const env = { ...process.env, DATABASE_URL: '', YIZHENG_MASTER_KEY: '', YIZHENG_KMC_MASTER_KEY: '' };

function yz(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: scratch.dir,
    env: { ...env, YIZHENG_OPERATOR: 'op-import' },
  });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** A fictional USCC: `91330100MA` + 7 characters, check character computed with the pki validator. */
function uscc(n: number): string {
  const body = `91330100MA${n.toString().padStart(7, '0')}`;
  const check = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].find((c) => isValidUscc(body + c))!;
  return body + check;
}

const PAIRS = 25;
const people = Array.from({ length: PAIRS }, (_, i) => ({
  uscc: uscc(i + 1),
  name: `杭州某某${i + 1}号科技有限公司`,
  rep: `法人代表${i + 1}`,
}));

describe('yizheng import (R16)', () => {
  const pairs: { sign: Certificate; enc: Certificate }[] = [];

  beforeAll(async () => {
    const init = yz(['ca', 'init', '--demo', '--pool', '2']);
    expect(init.status, init.stderr).toBe(0);
    // the earlier system: the same CA key, used outside the core
    const store = await openStore({ dataDir: scratch.path('data') });
    try {
      const clock = new FixedClock('2026-03-01T00:00:00Z');
      const vault = new StoreKeyVault(
        store,
        readFileSync(scratch.path('data/master.key'), 'utf8').trim(),
        clock,
      );
      const ca = await loadIssuingCa(store);
      const issuer = { name: ca.certificate.tbs.subject, signer: await vault.signer(ca.record.keyRef) };
      for (const [i, p] of people.entries()) {
        const validity = {
          notBefore: new Date(Date.UTC(2025, i % 12, 1)),
          notAfter: new Date(Date.UTC(2026, i % 12, 1)),
        };
        const common = { uscc: p.uscc, name: p.name, ...validity };
        pairs.push({
          sign: legacyCertificate(issuer, { role: 'sign', ...common }),
          enc: legacyCertificate(issuer, { role: 'enc', ...common, identity: 'uscc-2012' }),
        });
      }
    } finally {
      await store.close();
    }
    for (const [i, { sign, enc }] of pairs.entries()) {
      if (i === 0) continue; // the first pair goes into one bundle below
      const dir = scratch.path(`legacy/${2025}/${i % 3 === 0 ? 'counter' : 'online'}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${i}-sign.pem`), certificateToPem(sign));
      writeFileSync(join(dir, `${i}-enc.${i % 2 ? 'cer' : 'der'}`), enc.der);
    }
    writeFileSync(
      scratch.path('legacy/bundle.crt'),
      certificateToPem(pairs[0]!.sign) + certificateToPem(pairs[0]!.enc),
    );
    writeFileSync(scratch.path('legacy/清单说明.txt'), '不是证书，导入时跳过');
    writeFileSync(
      scratch.path('manifest.csv'),
      'uscc,name,legalRepresentative\n' + people.map((p) => `${p.uscc},${p.name},${p.rep}`).join('\n') + '\n',
    );
  });

  it('error/a manifest with a bad row is refused whole and imports nothing', () => {
    writeFileSync(
      scratch.path('bad.csv'),
      `uscc,name,legalRepresentative\n${people[0]!.uscc},x,y\n123,某公司,王五\n`,
    );
    const bad = yz(['import', 'legacy', '--manifest', 'bad.csv']);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('line 3')]);
    // nothing imported: only the CA's own OCSP responder certificate is on record
    expect(JSON.parse(yz(['stats', '--json']).stdout).certificatesByRole).toEqual({ ocsp: 1 });
  });

  it('ok/imports a directory of 50 certificates with a manifest, with a progress bar and a summary', () => {
    const run = yz(['import', 'legacy', '--manifest', 'manifest.csv']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain('50/50 100%');
    expect(run.stdout).toContain(
      '50 imported 已导入 (25 pair(s) or single certificates), 0 duplicate 重复, 0 failed 失败',
    );
    const stats = JSON.parse(yz(['stats', '--json']).stdout);
    expect(stats.certificatesByRole).toEqual({ sign: 25, enc: 25, ocsp: 1 });
    expect(stats.applicationsByBusinessType).toEqual({ import: 25 });
    expect(stats.legalPersons).toBe(25);
    const history = yz(['history', people[7]!.uscc]);
    expect(history.stdout).toContain(
      `${people[7]!.name} 统一社会信用代码 ${people[7]!.uscc} 法定代表人 ${people[7]!.rep}`,
    );
    expect(history.stdout).toMatch(/import\s+cli\s+completed\s+op-import/);
  });

  it('ok/an imported certificate revokes with its pair', () => {
    const serial = pairs[3]!.enc.tbs.serialNumber.toString(16);
    const revoked = yz(['revoke', '--serial', serial, '--reason', 'cessationOfOperation']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^sign [0-9A-F]+: revoked$/m);
    expect(revoked.stdout).toMatch(/^enc [0-9A-F]+: revoked$/m);
  });

  it('error/again with a broken file: duplicates change nothing, the broken file fails alone (exit 1)', () => {
    mkdirSync(scratch.path('legacy/extra'), { recursive: true });
    writeFileSync(
      scratch.path('legacy/extra/broken.crt'),
      '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n',
    );
    const again = yz(['import', 'legacy']);
    expect(again.status, again.stderr).toBe(1);
    expect(again.stdout).toContain('legacy/extra/broken.crt: YZ_ERR_INPUT');
    expect(again.stdout).toContain(
      '0 imported 已导入 (0 pair(s) or single certificates), 50 duplicate 重复, 1 failed 失败',
    );
    const stats = JSON.parse(yz(['stats', '--json']).stdout);
    expect(stats.applicationsByBusinessType).toEqual({ import: 25 });
    expect(yz(['import', 'nowhere']).stderr).toContain('YZ_ERR_FILE');
    expect(yz(['audit', 'verify']).stdout).toContain('audit OK');
  });
});
