/**
 * The route walk (issue 5 "a test walks every route with every role and asserts the allowed
 * set"): every route the app registers under /api/ — including routes added after this test was
 * written — is called anonymously and with a session (or API key) of each role:
 *
 * - anonymous: 401 `YZ_ERR_UNAUTHENTICATED`, unless the route is public;
 * - a role outside the declared set: 403 `YZ_ERR_FORBIDDEN`;
 * - a role inside it: anything but 401 and `YZ_ERR_FORBIDDEN` (the probe's made-up parameters
 *   and empty bodies may well be 400 or 404, and an object out of the role's reach 403
 *   `YZ_ERR_OUT_OF_SCOPE` — the role itself was let through);
 * - a refusal changes nothing: the audit trail has not grown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALL_ROLES,
  API_SCOPES,
  type ApiScope,
  FixedClock,
  type Role,
  createApiClient,
  openSession,
} from '@yizheng/core';
import { DEFAULT_CONFIG, type DeclaredRoute, buildServer, openPlatform } from '../src/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'yz-walk-'));
const clock = new FixedClock('2026-03-01T08:00:00Z');
const platform = await openPlatform({ dataDir, note: () => undefined, clock });
const server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
afterAll(async () => {
  await server.app.close();
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** An API key with every scope: an application department reaches whatever its role allows. */
const { key: clientKey } = await createApiClient(
  platform,
  { name: '路由巡检应用', department: '测试部门', scopes: Object.keys(API_SCOPES) as ApiScope[] },
  { name: 'test:walk', roles: ['ca-admin'], branchId: null },
);

/** A fresh credential of `role` for each call (a logout route ends the session it is called with). */
async function credentialOf(role: Role): Promise<string> {
  if (role === 'app-department') return clientKey;
  const legalPerson = role === 'applicant';
  const grant = await platform.store.transaction((tx) =>
    openSession(tx, clock.now(), {
      kind: legalPerson ? 'legal-person' : 'operator',
      subject: legalPerson ? '91330106MA2B3C4D5D' : `walk-${role}`,
      roles: [role],
      branchId: legalPerson ? null : 'hz-xihu-01',
      uscc: legalPerson ? '91330106MA2B3C4D5D' : null,
    }),
  );
  return grant.token;
}

/** The route's URL with every parameter filled by a probe value. */
const probeUrl = (url: string) => url.replace(/:(\w+)/g, 'walk-probe');

async function call(route: DeclaredRoute, credential: string | undefined) {
  const response = await server.app.inject({
    method: route.method as 'GET',
    url: probeUrl(route.url),
    ...(credential ? { headers: { authorization: `Bearer ${credential}` } } : {}),
    ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
  });
  const code = String(response.headers['content-type']).startsWith('application/problem+json')
    ? (response.json() as { code: string }).code
    : undefined;
  return { status: response.statusCode, code };
}

const auditLength = async () => (await platform.store.read.auditEntries(1)).length;

const routes = [...server.apiRoutes].sort((a, b) =>
  `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`),
);

describe('route walk', () => {
  it('ok/the walk has routes to walk, all under /api/v1, each declared once', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(routes.every((r) => r.url.startsWith('/api/v1/'))).toBe(true);
    expect(new Set(routes.map((r) => `${r.method} ${r.url}`)).size).toBe(routes.length);
  });

  describe.each(routes.map((route) => [`${route.method} ${route.url}`, route] as const))(
    '%s',
    (_name, route) => {
      it('ok/anonymous: 401 unless public, and nothing changes', async () => {
        const before = await auditLength();
        const { status, code } = await call(route, undefined);
        if (route.access === 'public') {
          expect(status).not.toBe(401);
          expect(code).not.toBe('YZ_ERR_FORBIDDEN');
        } else {
          expect([status, code]).toEqual([401, 'YZ_ERR_UNAUTHENTICATED']);
          expect(await auditLength()).toBe(before);
        }
      });

      it.each(ALL_ROLES)('ok/role %s: allowed exactly when declared', async (role) => {
        const before = await auditLength();
        const { status, code } = await call(route, await credentialOf(role));
        const allowed = route.access === 'public' || route.access.roles.includes(role);
        if (allowed) {
          expect(status).not.toBe(401);
          expect(code).not.toBe('YZ_ERR_FORBIDDEN');
        } else {
          expect([status, code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
          expect(await auditLength()).toBe(before);
        }
      });
    },
  );
});
