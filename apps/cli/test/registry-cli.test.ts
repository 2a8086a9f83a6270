/**
 * The registry check and manual review from the command line (R26), as an operator runs it on the
 * embedded default (SQLite in --data, the in-process registry simulator): `yizheng apply` issues
 * on a match and sends a mismatch to review with the differences; `review list|approve|reject`
 * with the four-eyes rule; a deregistered legal person is refused; then `registry serve-sim` and
 * `registry sync` against it over HTTP revoke a deregistered legal person's stock certificate (R23).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch } from '../../../tools/test-support/openssl.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
const scratch = new Scratch();
const env = {
  ...process.env,
  DATABASE_URL: '',
  YIZHENG_MASTER_KEY: '',
  YIZHENG_KMC_MASTER_KEY: '',
  YIZHENG_REGISTRY_URL: '',
};
let simulator: ChildProcess | undefined;
afterAll(() => {
  simulator?.kill('SIGTERM');
  scratch.cleanup();
});

function yz(args: string[], operator = 'counter-li') {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: scratch.dir,
    env: { ...env, YIZHENG_OPERATOR: operator },
  });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** A fresh holder key and request named `name` (R14: the key is the holder's). */
function request(name: string): string {
  expect(yz(['gm', 'keygen', '--out', `${name}.key`]).status).toBe(0);
  const made = yz([
    'req',
    'new',
    '--key',
    `${name}.key`,
    '--subject',
    'C=CN,CN=申请人',
    '--out',
    `${name}.pem`,
  ]);
  expect(made.status, made.stderr).toBe(0);
  return `${name}.pem`;
}

function apply(csr: string, uscc: string, name: string, rep: string, out: string) {
  return yz(['apply', '--csr', csr, '--uscc', uscc, '--name', name, '--legal-rep', rep, '--out', out]);
}

describe('yizheng apply / review / registry (R26)', () => {
  beforeAll(() => {
    const init = yz(['ca', 'init', '--demo', '--pool', '5']);
    expect(init.status, init.stderr).toBe(0);
  });

  it('ok/a match is issued at once; a mismatch goes to review and another operator approves it', () => {
    const matched = apply(request('a'), '91330106MA2B3C4D5D', '杭州某某科技有限公司', '张三', 'out-a');
    expect(matched.status, matched.stderr).toBe(0);
    expect(matched.stdout).toContain('registry check 法人库核验: match');
    expect(matched.stdout).toContain('issued 已签发');
    expect(existsSync(scratch.path('out-a/sign.pem'))).toBe(true);

    const mismatched = apply(request('b'), '91330201MA2C3D4E55', '宁波某某商贸有限公司', '李四', 'out-b');
    expect(mismatched.status, mismatched.stderr).toBe(0);
    expect(mismatched.stdout).toContain('registry check 法人库核验: mismatch');
    expect(mismatched.stdout).toContain(
      'name 名称: applied "宁波某某商贸有限公司" ≠ registry "宁波某某贸易有限公司"',
    );
    const id = /sent to review 已转人工审核: application (\S+)/.exec(mismatched.stdout)![1]!;
    expect(existsSync(scratch.path('out-b/sign.pem'))).toBe(false);

    const queue = yz(['review', 'list']);
    expect(queue.stdout).toContain(id);
    expect(queue.stdout).toContain('submitted by counter-li');
    expect(queue.stdout).toContain('1 application(s) in review');

    const own = yz(['review', 'approve', id, '--out', 'out-b']);
    expect([own.status, own.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_STATE')]);
    const approved = yz(
      ['review', 'approve', id, '--out', 'out-b', '--note', '营业执照原件已核'],
      'reviewer-zhao',
    );
    expect(approved.status, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`application ${id} approved 审核通过`);
    expect(existsSync(scratch.path('out-b/sign.pem'))).toBe(true);
    expect(yz(['review', 'list']).stdout).toContain('0 application(s) in review');

    const history = yz(['history', '91330201MA2C3D4E55']);
    expect(history.stdout).toMatch(/new\s+counter\s+completed\s+reviewer-zhao/);
  });

  it('ok/a rejected application closes; a deregistered legal person is refused', () => {
    const unknown = apply(request('c'), '91330108MA27XK3P14', '杭州某某网络有限公司', '王芳', 'out-c');
    expect(unknown.stdout).toContain('杭州示例网络技术有限公司');
    const id = /application (\S+)/.exec(unknown.stdout)![1]!;
    const rejected = yz(['review', 'reject', id, '--reason', '名称与营业执照不符'], 'reviewer-zhao');
    expect(rejected.status, rejected.stderr).toBe(0);
    expect(yz(['review', 'approve', id], 'reviewer-qian').stderr).toContain('YZ_ERR_STATE');

    const refused = apply(request('d'), '91330502MA2Q9W6A3X', '湖州示例竹木制品有限公司', '蒋涛', 'out-d');
    expect([refused.status, refused.stderr]).toEqual([
      2,
      expect.stringContaining('YZ_ERR_LEGAL_PERSON_INACTIVE'),
    ]);
  });

  it('ok/registry sync over HTTP from serve-sim revokes the stock certificate of a deregistered legal person (R23)', async () => {
    // a certificate issued before the registry check existed (存量), to a company deregistered since
    const stock = yz([
      'issue',
      '--csr',
      request('e'),
      '--uscc',
      '91330681MA2T4Y1C7F',
      '--name',
      '诸暨市示例袜业有限公司',
      '--out',
      'out-e',
    ]);
    expect(stock.status, stock.stderr).toBe(0);

    simulator = spawn(process.execPath, [bin, 'registry', 'serve-sim', '--port', '0'], { env });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      simulator!.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const found = /on (http:\/\/\S+)/.exec(seen);
        if (found) resolve(found[1]!);
      });
      simulator!.once('exit', () => reject(new Error(`serve-sim exited: ${seen}`)));
    });
    const sync = spawnSync(process.execPath, [bin, 'registry', 'sync', '--since', '2024-01-01'], {
      cwd: scratch.dir,
      env: { ...env, YIZHENG_OPERATOR: 'registry-sync', YIZHENG_REGISTRY_URL: url },
    });
    const out = sync.stdout.toString();
    expect(sync.status, sync.stderr.toString()).toBe(0);
    expect(out).toContain('91330681MA2T4Y1C7F: 2 certificate(s) revoked');
    expect(out).toMatch(/9 registry event\(s\) since 2024-01-01T00:00:00.000Z: 1 legal person\(s\) revoked/);
    expect(sync.stderr.toString()).toContain('revoking 撤销中: 1/1');
    const history = yz(['history', '91330681MA2T4Y1C7F']);
    expect(history.stdout.match(/revoked\s+\S+ → \S+\s+\(cessationOfOperation\)/g)).toHaveLength(2);
  });
});
