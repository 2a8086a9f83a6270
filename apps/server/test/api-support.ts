/**
 * A platform and server for the business API tests (issue 5): the embedded default as `npm start`
 * makes it (demo CA, profiles, fee schedule, KMC pool) on a fixed clock, an administrator, and
 * helpers that log in for real — operators with their passwords, legal persons with an SM2
 * signature of their signing certificate over the server's challenge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Role, FixedClock, bootstrapDemo, createOperator } from '@yizheng/core';
import { Sm2PrivateKey, encodePem, utf8 } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  DEFAULT_CONFIG,
  type Platform,
  type YizhengServer,
  buildServer,
  openPlatform,
} from '../src/index.js';

export const ADMIN_PASSWORD = 'Xihu-platform-2026';
export const HANGZHOU = {
  uscc: '91330106MA2B3C4D5D',
  name: '杭州某某科技有限公司',
  legalRepresentative: '张三',
};
export const NINGBO = {
  uscc: '91330201MA2C3D4E55',
  name: '宁波某某贸易有限公司',
  legalRepresentative: '李四',
};

export interface Call {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly token?: string;
  readonly payload?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiHarness {
  readonly platform: Platform;
  readonly server: YizhengServer;
  readonly clock: FixedClock;
  call(options: Call): Promise<LightMyRequestResponse>;
  /** A session token of a new operator holding `roles` (in branch hz-xihu-01 when it needs one). */
  operator(login: string, roles: readonly Role[]): Promise<string>;
  /** A session token of the legal person holding `signCertificatePem`, signed with `key`. */
  legalPerson(signCertificatePem: string, key: Sm2PrivateKey): Promise<string>;
  readonly adminToken: string;
  auditCount(): Promise<number>;
  close(): Promise<void>;
}

/** A holder's PKCS#10 request for `name`, PEM, made with `key` (the device's signing key). */
export function csrPem(key: Sm2PrivateKey, name = HANGZHOU.name): string {
  const request = buildCertificationRequest({ subject: parseName(`C=CN,O=${name},CN=${name}`) }, key);
  return encodePem('CERTIFICATE REQUEST', request.der);
}

/** The same request as base64 of its DER (the other form the API takes). */
export function csrBase64(key: Sm2PrivateKey, name = HANGZHOU.name): string {
  const request = buildCertificationRequest({ subject: parseName(`C=CN,O=${name},CN=${name}`) }, key);
  return Buffer.from(request.der).toString('base64');
}

/** Opens the platform, bootstraps it, makes the operator `admin` and a branch, builds the server. */
export async function openApiHarness(prefix: string): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const clock = new FixedClock('2026-03-01T08:00:00Z');
  const platform = await openPlatform({ dataDir, note: () => undefined, clock });
  await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 4 });
  await createOperator(
    platform,
    { login: 'admin', name: '管理员', roles: ['ca-admin'], password: ADMIN_PASSWORD },
    { name: 'system:test', roles: ['ca-admin'], branchId: null },
  );
  const server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
  const call = (options: Call): Promise<LightMyRequestResponse> =>
    server.app.inject({
      method: options.method,
      url: options.url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.payload !== undefined ? { payload: options.payload as string } : {}),
    });
  const login = async (name: string, password: string): Promise<string> => {
    const response = await call({
      method: 'POST',
      url: '/api/v1/session/password',
      payload: { login: name, password },
    });
    if (response.statusCode !== 200) throw new Error(`login ${name}: ${response.body}`);
    return response.json().token;
  };
  const adminToken = await login('admin', ADMIN_PASSWORD);
  const branch = await call({
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
  if (branch.statusCode !== 201) throw new Error(`branch: ${branch.body}`);
  return {
    platform,
    server,
    clock,
    call,
    adminToken,
    async operator(loginName, roles) {
      const password = `Desk-${[...loginName].reverse().join('')}-2026`;
      const needsBranch = roles.includes('branch-operator') || roles.includes('branch-manager');
      const created = await call({
        method: 'POST',
        url: '/api/v1/operators',
        token: adminToken,
        payload: {
          login: loginName,
          name: `${loginName} 某某`,
          roles,
          password,
          ...(needsBranch ? { branchId: 'hz-xihu-01' } : {}),
        },
      });
      if (created.statusCode !== 201) throw new Error(`operator ${loginName}: ${created.body}`);
      return login(loginName, password);
    },
    async legalPerson(signCertificatePem, key) {
      const challenge = (await call({ method: 'POST', url: '/api/v1/session/challenge' })).json();
      const response = await call({
        method: 'POST',
        url: '/api/v1/session/certificate',
        payload: {
          as: 'legal-person',
          nonce: challenge.nonce,
          certificate: signCertificatePem,
          signature: Buffer.from(key.sign(utf8(challenge.message))).toString('base64'),
        },
      });
      if (response.statusCode !== 200) throw new Error(`legal-person login: ${response.body}`);
      return response.json().token;
    },
    auditCount: async () => (await platform.store.read.auditEntries(1)).length,
    async close() {
      await server.app.close();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
