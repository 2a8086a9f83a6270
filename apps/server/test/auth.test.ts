/**
 * Authentication and account management over HTTP (issue 5 "Authentication", "Role-based
 * access"; R33, R34, R37, R39): password login with lockout and rate limits, certificate login of
 * a legal person (SM2 signature over a server nonce), sessions and logout, API client keys, the
 * account routes with their object scopes, the refusal to register an undeclared /api/ route,
 * and the first-run administrator. Through `app.inject` on a platform opened like `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { FixedClock, type IssuedPair, bootstrapDemo, createOperator, issueDual } from '@yizheng/core';
import { Sm2PrivateKey, encodePem, utf8 } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  DEFAULT_CONFIG,
  LOGIN_RATE_LIMITS,
  type Platform,
  type YizhengServer,
  buildServer,
  openPlatform,
  registerAccessControl,
  startServer,
} from '../src/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-auth-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ADMIN = { name: 'system:test', roles: ['ca-admin' as const], branchId: null };
const USCC = '91330106MA2B3C4D5D';
const ADMIN_PASSWORD = 'Xihu-platform-2026';

describe('authentication and accounts over HTTP', () => {
  let platform: Platform;
  let server: YizhengServer;
  const clock = new FixedClock('2026-03-01T08:00:00Z');
  let holderKey: Sm2PrivateKey;
  let pair: IssuedPair;
  let adminToken: string;

  const inject = (options: {
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: string;
    token?: string;
    payload?: unknown;
    remoteAddress?: string;
  }) =>
    server.app.inject({
      method: options.method,
      url: options.url,
      ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
      ...(options.payload !== undefined ? { payload: options.payload as object } : {}),
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    });

  const login = async (loginName: string, password: string, remoteAddress?: string) =>
    inject({
      method: 'POST',
      url: '/api/v1/session/password',
      payload: { login: loginName, password },
      ...(remoteAddress ? { remoteAddress } : {}),
    });

  const auditCount = async () => (await platform.store.read.auditEntries(1)).length;

  beforeAll(async () => {
    platform = await openPlatform({ dataDir: tempDir(), note: () => undefined, clock });
    await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 2 });
    await createOperator(
      platform,
      { login: 'admin', name: '管理员', roles: ['ca-admin'], password: ADMIN_PASSWORD },
      ADMIN,
    );
    holderKey = Sm2PrivateKey.generate();
    pair = await issueDual(platform, {
      request: buildCertificationRequest(
        { subject: parseName('C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司') },
        holderKey,
      ).der,
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司', legalRepresentative: '张三' },
      channel: 'online',
      actor: 'test',
    });
    server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
    adminToken = (await login('admin', ADMIN_PASSWORD)).json().token;
  });
  afterAll(async () => {
    await server?.app.close();
    await platform?.close();
  });

  it('ok/password login returns a token; /me tells who the caller is; logout ends it', async () => {
    const response = await login('admin', ADMIN_PASSWORD);
    expect(response.statusCode).toBe(200);
    const { token, expiresAt, principal } = response.json();
    expect(token).toMatch(/^yzs_/);
    expect(expiresAt).toBe('2026-03-01T16:00:00.000Z');
    expect(principal).toMatchObject({ kind: 'operator', id: 'admin', name: '管理员', roles: ['ca-admin'] });
    const me = await inject({ method: 'GET', url: '/api/v1/me', token });
    expect(me.json()).toMatchObject({ kind: 'operator', id: 'admin', roles: ['ca-admin'] });
    expect((await inject({ method: 'DELETE', url: '/api/v1/session', token })).statusCode).toBe(204);
    const after = await inject({ method: 'GET', url: '/api/v1/me', token });
    expect(after.statusCode).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(after.json()).toMatchObject({ code: 'YZ_ERR_UNAUTHENTICATED', status: 401 });
  });

  it('error/no, malformed or unknown credentials are 401 before the body is even looked at', async () => {
    for (const authorization of [
      undefined,
      'Basic YWRtaW46YWRtaW4=',
      'Bearer yzs_forged',
      'Bearer yzk_0123.x',
    ])
      expect(
        (
          await server.app.inject({
            method: 'POST',
            url: '/api/v1/branches',
            ...(authorization ? { headers: { authorization } } : {}),
            payload: 'not json at all',
          })
        ).json(),
      ).toMatchObject({ code: 'YZ_ERR_UNAUTHENTICATED' });
  });

  it('error/wrong passwords: 401 YZ_ERR_LOGIN_FAILED, the fifth locks; a locked account reads the same', async () => {
    await createOperator(
      platform,
      { login: 'wang', name: '王某某', roles: ['reviewer'], password: 'Reviewer-desk-2026' },
      ADMIN,
    );
    const bodies = [];
    for (let i = 0; i < 5; i++) bodies.push((await login('wang', `Wrong-guess-${i}`, '10.1.0.5')).json());
    const locked = await login('wang', 'Reviewer-desk-2026', '10.1.0.5');
    expect(locked.statusCode).toBe(401);
    expect(new Set([...bodies, locked.json()].map((b) => `${b.code} ${b.detail}`)).size).toBe(1);
    expect(locked.json().code).toBe('YZ_ERR_LOGIN_FAILED');
    const operators = await inject({ method: 'GET', url: '/api/v1/operators', token: adminToken });
    const wang = operators.json().find((o: { login: string }) => o.login === 'wang');
    expect(wang.lockedUntil).toBe('2026-03-01T08:15:00.000Z');
    expect(JSON.stringify(operators.json())).not.toMatch(/scrypt|passwordHash/);
  });

  it('error/rate limit per login: 429 YZ_ERR_RATE_LIMITED with Retry-After, then open again', async () => {
    const { limit, minutes } = LOGIN_RATE_LIMITS.perLogin;
    for (let i = 0; i < limit; i++) await login('zhao', `Wrong-guess-${i}`, `10.2.0.${i}`);
    const limited = await login('zhao', 'Wrong-guess', '10.2.0.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'YZ_ERR_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBe(minutes * 60);
    clock.advance(minutes * 60_000);
    expect((await login('zhao', 'Wrong-guess', '10.2.0.99')).statusCode).toBe(401);
  });

  it('ok/legal person: challenge, SM2 signature over the message, certificate login as applicant', async () => {
    const challenge = (await inject({ method: 'POST', url: '/api/v1/session/challenge' })).json();
    expect(challenge).toMatchObject({
      message: `yizheng-login:${challenge.nonce}`,
      signerId: '1234567812345678',
    });
    const response = await inject({
      method: 'POST',
      url: '/api/v1/session/certificate',
      payload: {
        as: 'legal-person',
        nonce: challenge.nonce,
        certificate: encodePem('CERTIFICATE', pair.signCertificate.der),
        signature: Buffer.from(holderKey.sign(utf8(challenge.message))).toString('base64'),
      },
    });
    expect(response.statusCode).toBe(200);
    const { token, principal } = response.json();
    expect(principal).toMatchObject({
      kind: 'legal-person',
      id: USCC,
      name: '杭州某某科技有限公司',
      roles: ['applicant'],
      uscc: USCC,
    });
    // an applicant reaches its own routes, not the back office
    expect((await inject({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(200);
    const refused = await inject({ method: 'GET', url: '/api/v1/operators', token });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    // the nonce was used
    const replay = await inject({
      method: 'POST',
      url: '/api/v1/session/certificate',
      payload: {
        as: 'legal-person',
        nonce: challenge.nonce,
        certificate: Buffer.from(pair.signCertificate.der).toString('base64'),
        signature: Buffer.from(holderKey.sign(utf8(challenge.message))).toString('base64'),
      },
    });
    expect([replay.statusCode, replay.json().code]).toEqual([401, 'YZ_ERR_LOGIN_FAILED']);
  });

  it('ok/branches and operators: a CA administrator opens a branch and appoints its manager', async () => {
    const branch = await inject({
      method: 'POST',
      url: '/api/v1/branches',
      token: adminToken,
      payload: {
        id: 'hz-xihu-01',
        name: '西湖区网点',
        regionCode: '330106',
        address: '杭州市西湖区某某路 1 号',
      },
    });
    expect(branch.statusCode).toBe(201);
    expect((await inject({ method: 'GET', url: '/api/v1/branches', token: adminToken })).json()).toEqual([
      branch.json(),
    ]);
    await inject({
      method: 'POST',
      url: '/api/v1/branches',
      token: adminToken,
      payload: {
        id: 'nb-haishu-01',
        name: '海曙区网点',
        regionCode: '330203',
        address: '宁波市海曙区某某街 8 号',
      },
    });
    const manager = await inject({
      method: 'POST',
      url: '/api/v1/operators',
      token: adminToken,
      payload: { login: 'chen', name: '陈某某', roles: ['branch-manager'], branchId: 'hz-xihu-01' },
    });
    expect(manager.statusCode).toBe(201);
    expect(manager.json()).toMatchObject({
      operator: { login: 'chen', roles: ['branch-manager'], status: 'active' },
      password: expect.stringMatching(/^.{16}$/),
    });
    const managerToken = (await login('chen', manager.json().password)).json().token;
    const clerk = await inject({
      method: 'POST',
      url: '/api/v1/operators',
      token: managerToken,
      payload: {
        login: 'sun',
        name: '孙某某',
        roles: ['branch-operator'],
        branchId: 'hz-xihu-01',
        password: 'Counter-desk-0001',
      },
    });
    expect([clerk.statusCode, clerk.json().password]).toEqual([201, null]);
    const mine = await inject({ method: 'GET', url: '/api/v1/operators', token: managerToken });
    expect(mine.json().map((o: { login: string }) => o.login)).toEqual(['chen', 'sun']);
    const before = await auditCount();
    for (const [payload, url] of [
      [{ login: 'zhou', name: '周某', roles: ['ca-admin'], branchId: 'hz-xihu-01' }, '/api/v1/operators'],
      [
        { login: 'zhou', name: '周某', roles: ['branch-operator'], branchId: 'nb-haishu-01' },
        '/api/v1/operators',
      ],
    ] as const) {
      const refused = await inject({ method: 'POST', url, token: managerToken, payload });
      expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
    }
    const other = await inject({
      method: 'GET',
      url: '/api/v1/operators?branch=nb-haishu-01',
      token: managerToken,
    });
    expect([other.statusCode, other.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
    const onAdmin = await inject({
      method: 'PATCH',
      url: '/api/v1/operators/admin',
      token: managerToken,
      payload: { name: 'x' },
    });
    expect([onAdmin.statusCode, onAdmin.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
    expect(await auditCount()).toBe(before);
  });

  it('ok/roles change ends sessions; own password change needs the old one; reset answers a generated one', async () => {
    const sunToken = (await login('sun', 'Counter-desk-0001')).json().token;
    const patched = await inject({
      method: 'PATCH',
      url: '/api/v1/operators/sun',
      token: adminToken,
      payload: { roles: ['branch-operator', 'reviewer'] },
    });
    expect(patched.json()).toMatchObject({ roles: ['branch-operator', 'reviewer'] });
    expect((await inject({ method: 'GET', url: '/api/v1/me', token: sunToken })).statusCode).toBe(401);
    const token = (await login('sun', 'Counter-desk-0001')).json().token;
    const noOld = await inject({
      method: 'POST',
      url: '/api/v1/operators/sun/password',
      token,
      payload: { newPassword: 'Counter-desk-0002' },
    });
    expect([noOld.statusCode, noOld.json().code]).toEqual([400, 'YZ_ERR_INPUT']);
    const own = await inject({
      method: 'POST',
      url: '/api/v1/operators/sun/password',
      token,
      payload: { oldPassword: 'Counter-desk-0001', newPassword: 'Counter-desk-0002' },
    });
    expect(own.json()).toEqual({ password: null });
    expect((await login('sun', 'Counter-desk-0002')).statusCode).toBe(200);
    // a reviewer may not reset a colleague's password
    const sunNow = (await login('sun', 'Counter-desk-0002')).json().token;
    const colleague = await inject({
      method: 'POST',
      url: '/api/v1/operators/chen/password',
      token: sunNow,
      payload: {},
    });
    expect([colleague.statusCode, colleague.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
    const reset = await inject({
      method: 'POST',
      url: '/api/v1/operators/sun/password',
      token: adminToken,
      payload: {},
    });
    expect(reset.json().password).toMatch(/^.{16}$/);
    expect((await login('sun', reset.json().password)).statusCode).toBe(200);
  });

  it('ok/API client: created with its key shown once; the key authenticates until revoked', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/clients',
      token: adminToken,
      payload: {
        name: '电子招投标平台',
        department: '浙江省公共资源交易中心',
        scopes: ['certificates:verify'],
      },
    });
    expect(created.statusCode).toBe(201);
    const { client, key } = created.json();
    expect(key).toMatch(new RegExp(`^yzk_${client.id}\\.`));
    const me = await inject({ method: 'GET', url: '/api/v1/me', token: key });
    expect(me.json()).toMatchObject({
      kind: 'client',
      id: client.id,
      roles: ['app-department'],
      scopes: ['certificates:verify'],
    });
    const list = await inject({ method: 'GET', url: '/api/v1/clients', token: adminToken });
    expect(JSON.stringify(list.json())).not.toContain(key.split('.')[1]);
    expect(
      (await inject({ method: 'DELETE', url: `/api/v1/clients/${client.id}`, token: adminToken })).json(),
    ).toMatchObject({
      status: 'revoked',
    });
    expect((await inject({ method: 'GET', url: '/api/v1/me', token: key })).statusCode).toBe(401);
  });

  it("ok/the OpenAPI document carries the bearer scheme and each route's roles", async () => {
    const doc = (await server.app.inject('/docs/json')).json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/operators'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/operators'].post.description).toMatch(/Roles: `ca-admin`, `branch-manager`/);
    expect(doc.paths['/api/v1/session/password'].post.security).toEqual([]);
  });
});

describe('route declarations', () => {
  it.each([
    ['error/no declaration', {}],
    ['error/empty role list', { access: { roles: [] } }],
    ['error/unknown role', { access: { roles: ['root'] } }],
    ['error/scope without app-department', { access: { roles: ['auditor'], scope: 'statistics:read' } }],
  ])('%s: an /api/ route is refused at registration', async (_name, config) => {
    const app = Fastify();
    registerAccessControl(app, {} as Platform);
    expect(() => app.get('/api/v1/forgotten', { config: config as object }, async () => 'x')).toThrow(
      /\/api\/v1\/forgotten/,
    );
  });

  it('ok/routes outside /api/ need no declaration; declared ones are tabled without HEAD', async () => {
    const app = Fastify();
    const table = registerAccessControl(app, {} as Platform);
    app.get('/healthz', async () => 'ok');
    app.get('/api/v1/thing', { config: { access: { roles: ['auditor'] } } }, async () => 'x');
    await app.ready();
    expect(table).toEqual([{ method: 'GET', url: '/api/v1/thing', access: { roles: ['auditor'] } }]);
  });
});

describe('first run', () => {
  it('ok/startServer on an empty embedded store prints the admin password once; it logs in', async () => {
    const lines: string[] = [];
    const dataDir = tempDir();
    const env = { DATABASE_URL: '', YIZHENG_MASTER_KEY: '', YIZHENG_KMC_MASTER_KEY: '' };
    const config = { ...DEFAULT_CONFIG, dataDir, httpPort: 0, ldapPort: 0, logLevel: 'silent' as const };
    const running = await startServer(config, { print: (l) => lines.push(l), env });
    try {
      const line = lines.find((l) => l.includes('operator admin'));
      const password = /password \(shown once\): (\S+)/.exec(line ?? '')?.[1];
      expect(password).toMatch(/^.{16}$/);
      const response = await fetch(`${running.url}/api/v1/session/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'admin', password }),
      });
      expect(response.status).toBe(200);
      expect(await running.platform.store.read.auditEntries(1)).toContainEqual(
        expect.objectContaining({
          actor: 'system:first-run',
          action: 'operator.create',
          object: 'operator:admin',
        }),
      );
    } finally {
      await running.close();
    }
    const again = await startServer(config, { print: (l) => lines.push(l), env });
    await again.close();
    expect(lines.filter((l) => l.includes('operator admin'))).toHaveLength(1);
  });
});
