/**
 * Accounts from the command line (issue 5 "Authentication"): `yizheng branch add`, `operator add`
 * (password printed once), `operator passwd` (new password, lockout cleared), `client add` (API
 * key printed once); the printed secrets work against the core, and refusals carry their codes.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AccountContext, authenticateApiClient, loginWithPassword, systemClock } from '@yizheng/core';
import { openStore } from '@yizheng/store';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const yz = cliRunner(scratch, 'cli:admin-zhang');

/** Runs `work` on the scratch directory's store (closed afterwards). */
async function withStore<T>(work: (context: AccountContext) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: join(scratch.dir, 'data') });
  try {
    return await work({ store, clock: systemClock });
  } finally {
    await store.close();
  }
}

const printed = (stdout: string, label: RegExp) => label.exec(stdout)?.[1];

describe('yizheng branch / operator / client', () => {
  let password: string | undefined;

  it('ok/a branch, then an operator of it whose printed password logs in', async () => {
    const branch = yz([
      'branch',
      'add',
      'hz-xihu-01',
      '--name',
      '西湖区网点',
      '--region',
      '330106',
      '--address',
      '杭州市西湖区某某路 1 号',
    ]);
    expect(branch.status, branch.stderr).toBe(0);
    expect(branch.stdout).toMatch(/branch hz-xihu-01 opened/);
    const added = yz([
      'operator',
      'add',
      'wang',
      '--name',
      '王某某',
      '--roles',
      'branch-operator,reviewer',
      '--branch',
      'hz-xihu-01',
    ]);
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(
      /operator wang created .*roles branch-operator, reviewer, branch hz-xihu-01/,
    );
    password = printed(added.stdout, /password \(shown once[^)]*\): (\S+)/);
    expect(password).toMatch(/^.{16}$/);
    await withStore(async (context) => {
      const grant = await loginWithPassword(context, { login: 'wang', password: password! });
      expect(grant.principal).toMatchObject({
        id: 'wang',
        roles: ['branch-operator', 'reviewer'],
        branchId: 'hz-xihu-01',
      });
      const created = (await context.store.read.auditEntries(1)).find((e) => e.action === 'operator.create');
      expect(created).toMatchObject({ actor: 'cli:admin-zhang', object: 'operator:wang' });
    });
  });

  it('ok/operator passwd prints a new password; the old one stops working', async () => {
    const reset = yz(['operator', 'passwd', 'wang']);
    expect(reset.status).toBe(0);
    const fresh = printed(reset.stdout, /password \(shown once\): (\S+)/);
    expect(fresh).toMatch(/^.{16}$/);
    expect(fresh).not.toBe(password);
    await withStore(async (context) => {
      await expect(loginWithPassword(context, { login: 'wang', password: password! })).rejects.toMatchObject({
        code: 'YZ_ERR_LOGIN_FAILED',
      });
      expect((await loginWithPassword(context, { login: 'wang', password: fresh! })).principal.id).toBe(
        'wang',
      );
    });
  });

  it('ok/client add prints a key that authenticates as app-department with its scopes', async () => {
    const added = yz([
      'client',
      'add',
      '电子招投标平台',
      '--department',
      '浙江省公共资源交易中心',
      '--scopes',
      'certificates:query,certificates:verify',
    ]);
    expect(added.status).toBe(0);
    const key = printed(added.stdout, /key \(shown once[^)]*\): (\S+)/);
    expect(key).toMatch(/^yzk_[0-9a-f]{12}\./);
    await withStore(async (context) => {
      expect(await authenticateApiClient(context, key!)).toMatchObject({
        kind: 'client',
        roles: ['app-department'],
        scopes: ['certificates:query', 'certificates:verify'],
      });
    });
  });

  it.each([
    ['error/unknown role', ['operator', 'add', 'li', '--name', '李某', '--roles', 'root'], 'YZ_ERR_INPUT'],
    [
      'error/counter role without a branch',
      ['operator', 'add', 'li', '--name', '李某', '--roles', 'branch-operator'],
      'YZ_ERR_INPUT',
    ],
    [
      'error/login taken',
      ['operator', 'add', 'wang', '--name', '王某', '--roles', 'reviewer'],
      'YZ_ERR_ACCOUNT_EXISTS',
    ],
    ['error/no --roles', ['operator', 'add', 'li', '--name', '李某'], 'YZ_ERR_USAGE'],
    ['error/no login', ['operator', 'passwd'], 'YZ_ERR_USAGE'],
    ['error/unknown operator', ['operator', 'passwd', 'nobody'], 'YZ_ERR_ACCOUNT_NOT_FOUND'],
    [
      'error/unknown scope',
      ['client', 'add', '某系统', '--department', '某部门', '--scopes', 'certificates:issue'],
      'YZ_ERR_INPUT',
    ],
    [
      'error/region code',
      ['branch', 'add', 'nb-01', '--name', '某网点', '--region', '3302', '--address', '某地'],
      'YZ_ERR_INPUT',
    ],
  ])('%s: exit 2 with the code', (_name, args, code) => {
    const run = yz(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^yizheng: ${code}: `));
  });
});
