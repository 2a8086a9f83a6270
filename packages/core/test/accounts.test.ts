/**
 * Accounts (issue 5 "Authentication" and "Role-based access"; R33 branches, R37 back office and
 * work badges, R39 application departments), on SQLite and PostgreSQL: the password hash and
 * policy, branches, operators with the role rules and who may manage whom, API clients. Every
 * change is audited in its transaction; refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountActor,
  type AccountContext,
  FixedClock,
  SCRYPT_PARAMETERS,
  authenticateApiClient,
  authenticateSession,
  checkPasswordPolicy,
  createApiClient,
  createBranch,
  createOperator,
  ensureInitialAdmin,
  generatePassword,
  hashPassword,
  loginWithPassword,
  resetOperatorPassword,
  revokeApiClient,
  updateBranch,
  updateOperator,
  verifyPassword,
  workBadgeKeyHash,
} from '../src/index.js';
import { makeLeaf, makeRoot } from '../../../tools/test-support/pki-fixtures.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';

const ADMIN: AccountActor = { name: 'operator:admin', roles: ['ca-admin'], branchId: null };
const XIHU_MANAGER: AccountActor = {
  name: 'operator:chen',
  roles: ['branch-manager'],
  branchId: 'hz-xihu-01',
};

describe('password hash and policy', () => {
  it('ok/scrypt N=2^15 with a per-password salt; the right password matches, others do not', async () => {
    const first = await hashPassword('Xihu-counter-2026');
    const second = await hashPassword('Xihu-counter-2026');
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(SCRYPT_PARAMETERS.ln).toBeGreaterThanOrEqual(15);
    expect(first).not.toBe(second); // fresh salt
    expect(await verifyPassword('Xihu-counter-2026', first)).toBe(true);
    expect(await verifyPassword('Xihu-counter-2027', first)).toBe(false);
    expect(await verifyPassword('Xihu-counter-2026', second)).toBe(true);
  });

  it('error/a stored hash with weakened parameters or a foreign format never matches', async () => {
    const stored = await hashPassword('Xihu-counter-2026');
    expect(await verifyPassword('Xihu-counter-2026', stored.replace('ln=15', 'ln=10'))).toBe(false);
    expect(await verifyPassword('Xihu-counter-2026', stored.replace('ln=15', 'ln=30'))).toBe(false);
    expect(await verifyPassword('Xihu-counter-2026', 'Xihu-counter-2026')).toBe(false);
  });

  it.each([
    ['error/too short', 'Ab3defgh', /at least 10/],
    ['error/all lower case', 'abcdefghijkl', /one kind/],
    ['error/all digits', '202603011234', /one kind/],
    ['error/contains the login', 'Wangxiaoming-2026', /contains the login/],
    ['error/too long', `Aa1${'x'.repeat(130)}`, /at most 128/],
  ])('%s', (_name, password, message) => {
    expect(() => checkPasswordPolicy(password, 'wangxiaoming')).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_PASSWORD_POLICY', message: expect.stringMatching(message) }),
    );
  });

  it('ok/policy accepts two kinds, Chinese included; generated passwords pass it', () => {
    expect(() => checkPasswordPolicy('西湖区网点受理员2026', 'wang')).not.toThrow();
    expect(() => checkPasswordPolicy('counter-desk-two', 'wang')).not.toThrow();
    for (let i = 0; i < 20; i++) {
      const password = generatePassword();
      expect(password).toHaveLength(16);
      expect(() => checkPasswordPolicy(password, 'wang')).not.toThrow();
    }
  });
});

describe.each(STORE_KINDS)('accounts on %s', (kind) => {
  let t: TestStore;
  let context: AccountContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = { store: t.store, clock };
    await createBranch(
      context,
      { id: 'hz-xihu-01', name: '西湖区网点', regionCode: '330106', address: '杭州市西湖区某某路 1 号' },
      ADMIN,
    );
    await createBranch(
      context,
      { id: 'nb-haishu-01', name: '海曙区网点', regionCode: '330203', address: '宁波市海曙区某某街 8 号' },
      ADMIN,
    );
  });
  afterAll(async () => t?.dispose());

  const auditCount = async () => (await t.store.read.auditEntries(1)).length;
  const lastAudit = async () => (await t.store.read.auditEntries(1)).at(-1)!;

  it('ok/first run: ensureInitialAdmin creates admin (ca-admin) once, with a password that logs in', async () => {
    const first = await ensureInitialAdmin(context, 'system:first-run');
    expect(first).toMatchObject({ login: 'admin', password: expect.stringMatching(/^.{16}$/) });
    expect(await lastAudit()).toMatchObject({
      actor: 'system:first-run',
      action: 'operator.create',
      object: 'operator:admin',
    });
    expect(await ensureInitialAdmin(context, 'system:first-run')).toBeUndefined();
    const grant = await loginWithPassword(context, { login: 'admin', password: first!.password });
    expect(grant.principal).toMatchObject({ kind: 'operator', id: 'admin', roles: ['ca-admin'] });
  });

  it('ok/branches: created, renamed and closed, each audited', async () => {
    await createBranch(
      context,
      { id: 'wz-lucheng-01', name: '鹿城区网点', regionCode: '330302', address: '温州市鹿城区某某路 3 号' },
      ADMIN,
    );
    const closed = await updateBranch(
      context,
      'wz-lucheng-01',
      { name: '鹿城区网点（旧址）', active: false },
      ADMIN,
    );
    expect(closed).toMatchObject({ name: '鹿城区网点（旧址）', active: false });
    expect(await t.store.read.getBranch('wz-lucheng-01')).toEqual(closed);
    expect(await lastAudit()).toMatchObject({
      action: 'branch.update',
      object: 'branch:wz-lucheng-01',
      detail: { name: '鹿城区网点（旧址）', active: false },
    });
  });

  it.each([
    ['error/duplicate id', { id: 'hz-xihu-01' }, 'YZ_ERR_ACCOUNT_EXISTS'],
    ['error/region code not GB/T 2260', { id: 'hz-x', regionCode: '33010' }, 'YZ_ERR_INPUT'],
    ['error/id with upper case', { id: 'HZ-Xihu' }, 'YZ_ERR_INPUT'],
    ['error/empty name', { id: 'hz-y', name: ' ' }, 'YZ_ERR_INPUT'],
  ])('%s: the branch is refused and nothing is written', async (_name, change, code) => {
    const before = [await auditCount(), (await t.store.read.listBranches()).length];
    const input = { name: '某网点', regionCode: '330106', address: '某地址', ...change };
    await expect(createBranch(context, input, ADMIN)).rejects.toMatchObject({ code });
    expect([await auditCount(), (await t.store.read.listBranches()).length]).toEqual(before);
  });

  it('ok/operator with a given password; the hash is stored, never the password', async () => {
    const { operator, generatedPassword } = await createOperator(
      context,
      {
        login: 'wang',
        name: '王某某',
        roles: ['branch-operator'],
        branchId: 'hz-xihu-01',
        password: 'Xihu-counter-2026',
      },
      ADMIN,
    );
    expect(generatedPassword).toBeUndefined();
    expect(operator).toMatchObject({
      status: 'active',
      failedLogins: 0,
      lockedUntil: null,
      badgeKeyHash: null,
    });
    const stored = await t.store.read.getOperator('wang');
    expect(stored!.passwordHash).toMatch(/^\$scrypt\$/);
    const entry = await lastAudit();
    expect(entry).toMatchObject({
      action: 'operator.create',
      detail: { roles: ['branch-operator'], branchId: 'hz-xihu-01' },
    });
    expect(JSON.stringify(entry)).not.toContain('Xihu-counter-2026');
  });

  it.each([
    ['error/unknown role', { roles: ['superuser'] }, 'YZ_ERR_INPUT', /superuser/],
    ['error/a role only legal persons hold', { roles: ['applicant'] }, 'YZ_ERR_INPUT', /applicant/],
    ['error/no role', { roles: [] }, 'YZ_ERR_INPUT', /at least one role/],
    [
      'error/counter role without a branch',
      { roles: ['branch-operator'], branchId: null },
      'YZ_ERR_INPUT',
      /need a branch/,
    ],
    [
      'error/auditor and CA administrator at once',
      { roles: ['auditor', 'ca-admin'] },
      'YZ_ERR_INPUT',
      /separation of duties/,
    ],
    ['error/unknown branch', { branchId: 'sx-yuecheng-01' }, 'YZ_ERR_ACCOUNT_NOT_FOUND', /sx-yuecheng-01/],
    ['error/closed branch', { branchId: 'wz-lucheng-01' }, 'YZ_ERR_STATE', /closed/],
    ['error/weak password', { password: 'password' }, 'YZ_ERR_PASSWORD_POLICY', /at least 10/],
    ['error/login taken', { login: 'wang' }, 'YZ_ERR_ACCOUNT_EXISTS', /wang/],
    ['error/login with upper case', { login: 'Zhang' }, 'YZ_ERR_INPUT', /login/],
  ])('%s: the operator is refused and nothing is written', async (_name, change, code, message) => {
    const before = [await auditCount(), (await t.store.read.listOperators()).length];
    const input = { login: 'zhang', name: '张某', roles: ['reviewer'], branchId: 'hz-xihu-01', ...change };
    await expect(createOperator(context, input, ADMIN)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect([await auditCount(), (await t.store.read.listOperators()).length]).toEqual(before);
  });

  it('ok/a branch manager manages its own branch with branch-level roles', async () => {
    const { generatedPassword } = await createOperator(
      context,
      { login: 'sun', name: '孙某某', roles: ['reviewer'], branchId: 'hz-xihu-01' },
      XIHU_MANAGER,
    );
    expect(generatedPassword).toHaveLength(16);
    const updated = await updateOperator(
      context,
      'sun',
      { roles: ['reviewer', 'branch-operator'] },
      XIHU_MANAGER,
    );
    expect(updated.roles).toEqual(['reviewer', 'branch-operator']);
    expect(await lastAudit()).toMatchObject({
      actor: 'operator:chen',
      action: 'operator.update',
      detail: { changed: { roles: { from: ['reviewer'], to: ['reviewer', 'branch-operator'] } } },
    });
  });

  it.each([
    ['error/another branch', { branchId: 'nb-haishu-01' }],
    ['error/granting CA administrator', { roles: ['ca-admin'], branchId: 'hz-xihu-01' }],
    ['error/granting KMC officer', { roles: ['kmc-officer'], branchId: 'hz-xihu-01' }],
    ['error/granting auditor', { roles: ['auditor'], branchId: 'hz-xihu-01' }],
  ])("%s: out of a branch manager's scope, nothing is written", async (_name, change) => {
    const before = await auditCount();
    const input = {
      login: 'zhou',
      name: '周某',
      roles: ['branch-operator'],
      ...change,
    };
    await expect(createOperator(context, input, XIHU_MANAGER)).rejects.toMatchObject({
      code: 'YZ_ERR_OUT_OF_SCOPE',
    });
    expect(await auditCount()).toBe(before);
    expect(await t.store.read.getOperator('zhou')).toBeUndefined();
  });

  it('error/a branch manager may not touch a CA administrator, move an operator away, or act without the role', async () => {
    await createOperator(
      context,
      { login: 'qian', name: '钱某', roles: ['ca-admin', 'branch-operator'], branchId: 'hz-xihu-01' },
      ADMIN,
    );
    await expect(updateOperator(context, 'qian', { name: '钱某某' }, XIHU_MANAGER)).rejects.toMatchObject({
      code: 'YZ_ERR_OUT_OF_SCOPE',
    });
    await expect(
      updateOperator(context, 'sun', { branchId: 'nb-haishu-01' }, XIHU_MANAGER),
    ).rejects.toMatchObject({ code: 'YZ_ERR_OUT_OF_SCOPE' });
    const reviewer: AccountActor = { name: 'operator:sun', roles: ['reviewer'], branchId: 'hz-xihu-01' };
    await expect(updateOperator(context, 'wang', { name: '王某' }, reviewer)).rejects.toMatchObject({
      code: 'YZ_ERR_OUT_OF_SCOPE',
    });
    await expect(resetOperatorPassword(context, { login: 'wang' }, reviewer)).rejects.toMatchObject({
      code: 'YZ_ERR_OUT_OF_SCOPE',
    });
    expect((await t.store.read.getOperator('sun'))!.branchId).toBe('hz-xihu-01');
  });

  it('ok/changing roles or disabling ends the sessions; the last active CA administrator stays', async () => {
    const { generatedPassword } = await createOperator(
      context,
      { login: 'li', name: '李某', roles: ['ca-admin'] },
      ADMIN,
    );
    const grant = await loginWithPassword(context, { login: 'li', password: generatedPassword! });
    expect(await authenticateSession(context, grant.token)).toBeDefined();
    await updateOperator(context, 'li', { roles: ['ca-admin', 'kmc-officer'] }, ADMIN);
    expect(await authenticateSession(context, grant.token)).toBeUndefined();
    expect(await lastAudit()).toMatchObject({ action: 'operator.update', detail: { sessionsEnded: 1 } });
    // admin, qian and li are CA administrators: two may go, the third may not
    await updateOperator(context, 'qian', { status: 'disabled' }, ADMIN);
    await updateOperator(context, 'admin', { roles: ['kmc-officer'] }, ADMIN);
    const before = await auditCount();
    await expect(updateOperator(context, 'li', { status: 'disabled' }, ADMIN)).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
      message: expect.stringMatching(/last active CA administrator/),
    });
    await expect(updateOperator(context, 'li', { roles: ['auditor'] }, ADMIN)).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
    });
    expect(await auditCount()).toBe(before);
    await updateOperator(context, 'admin', { roles: ['ca-admin'] }, ADMIN);
  });

  it('ok/work badge: the SM2 key of a certificate, one operator each; removable', async () => {
    const staffCa = makeRoot('某某省数字证书认证中心员工CA', 10, clock.now());
    const badge = makeLeaf(staffCa, {
      subject: 'C=CN,O=某某省数字证书认证中心,CN=王某某',
      now: clock.now(),
      extensions: [],
    });
    const updated = await updateOperator(context, 'wang', { workBadge: badge.cert.der }, ADMIN);
    expect(updated.badgeKeyHash).toBe(workBadgeKeyHash(badge.cert.der));
    expect((await t.store.read.findOperatorByBadge(updated.badgeKeyHash!))!.login).toBe('wang');
    await expect(updateOperator(context, 'sun', { workBadge: badge.cert.der }, ADMIN)).rejects.toMatchObject({
      code: 'YZ_ERR_ACCOUNT_EXISTS',
    });
    await expect(
      updateOperator(context, 'sun', { workBadge: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }, ADMIN),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/^YZ_ERR_DER|YZ_ERR_CERTIFICATE/),
    });
    expect((await updateOperator(context, 'wang', { workBadge: null }, ADMIN)).badgeKeyHash).toBeNull();
    await updateOperator(context, 'wang', { workBadge: badge.cert.der }, ADMIN);
  });

  it('ok/API client: the key works until the client is revoked; the secret is not stored', async () => {
    const { client, key } = await createApiClient(
      context,
      {
        name: '电子招投标平台',
        department: '浙江省公共资源交易中心',
        scopes: ['certificates:query', 'certificates:verify'],
      },
      ADMIN,
    );
    expect(key).toMatch(new RegExp(`^yzk_${client.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(JSON.stringify(await t.store.read.getApiClient(client.id))).not.toContain(key.split('.')[1]);
    expect(await authenticateApiClient(context, key)).toMatchObject({
      kind: 'client',
      id: client.id,
      roles: ['app-department'],
      scopes: ['certificates:query', 'certificates:verify'],
    });
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await authenticateApiClient(context, wrong)).toBeUndefined();
    expect(await authenticateApiClient(context, 'yzk_nonsense')).toBeUndefined();
    await revokeApiClient(context, client.id, ADMIN);
    expect(await authenticateApiClient(context, key)).toBeUndefined();
    expect(await lastAudit()).toMatchObject({ action: 'client.revoke', object: `client:${client.id}` });
    await expect(revokeApiClient(context, client.id, ADMIN)).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });
    await expect(revokeApiClient(context, '000000000000', ADMIN)).rejects.toMatchObject({
      code: 'YZ_ERR_ACCOUNT_NOT_FOUND',
    });
  });

  it('error/API client with an unknown scope or no scope is refused', async () => {
    const before = await auditCount();
    for (const scopes of [['certificates:issue'], []])
      await expect(
        createApiClient(context, { name: '某系统', department: '某部门', scopes }, ADMIN),
      ).rejects.toMatchObject({
        code: 'YZ_ERR_INPUT',
      });
    expect(await auditCount()).toBe(before);
  });
});
