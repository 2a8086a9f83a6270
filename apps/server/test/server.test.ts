/**
 * The service skeleton (issue 5 "Start-up"): configuration checked at start, health and
 * readiness, CA certificate publication, problem+json errors with codes, metrics and the OpenAPI
 * document — through `app.inject` on a platform opened the way `npm start` opens it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, bootstrapDemo } from '@yizheng/core';
import { encodePem } from '@yizheng/gm';
import { parseCertificate, parseCertificates } from '@yizheng/pki';
import {
  DEFAULT_CONFIG,
  type Platform,
  type YizhengServer,
  buildServer,
  loadConfig,
  openPlatform,
} from '../src/index.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-server-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('configuration', () => {
  it('ok/defaults, then file, then environment, then options', () => {
    const file = join(tempDir(), 'yizheng.json');
    writeFileSync(file, JSON.stringify({ httpPort: 9000, crl: { deltaIntervalMinutes: 2 } }));
    const config = loadConfig({
      file,
      env: { YIZHENG_HTTP_PORT: '9001', YIZHENG_LDAP_PORT: '1390' },
      options: { host: '0.0.0.0' },
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 9001,
      ldapPort: 1390,
      crl: { fullIntervalMinutes: DEFAULT_CONFIG.crl.fullIntervalMinutes, deltaIntervalMinutes: 2 },
    });
  });

  it('error/every problem is reported at once, by field', () => {
    let message = '';
    try {
      loadConfig({
        env: { YIZHENG_HTTP_PORT: 'eighty', YIZHENG_BASE_URL: 'ftp://x', DATABASE_URL: 'mysql://db' },
      });
    } catch (error) {
      expect(error).toMatchObject({ code: 'YZ_ERR_CONFIG' });
      message = (error as Error).message;
    }
    expect(message).toMatch(/\/httpPort/);
    expect(message).toMatch(/\/baseUrl/);
    expect(message).toMatch(/\/databaseUrl/);
  });

  it('error/an unknown key or a file that is not JSON', () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, JSON.stringify({ htpPort: 1 }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/htpPort|additional/i);
    writeFileSync(file, '{ not json');
    expect(() => loadConfig({ file, env: {} })).toThrow(expect.objectContaining({ code: 'YZ_ERR_CONFIG' }));
  });
});

describe('HTTP service', () => {
  let platform: Platform;
  let server: YizhengServer;
  let caId: string;

  beforeAll(async () => {
    platform = await openPlatform({
      dataDir: tempDir(),
      note: () => undefined,
      clock: new FixedClock('2026-03-01T00:00:00Z'),
    });
    server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
  });
  afterAll(async () => {
    await server?.app.close();
    await platform?.close();
  });

  it('ok/healthz always; readyz only once an issuing CA is installed', async () => {
    expect((await server.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const before = await server.app.inject('/readyz');
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ status: 'not ready', checks: { database: 'ok' } });
    caId = (await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 2 })).ca
      .record.id;
    const after = await server.app.inject('/readyz');
    expect([after.statusCode, after.json()]).toEqual([
      200,
      { status: 'ready', checks: { database: 'ok', ca: 'ok' } },
    ]);
  });

  it('ok/CA certificates are published as DER and a PEM chain that verifies with OpenSSL', async () => {
    const list = (await server.app.inject('/ca')).json() as {
      id: string;
      sm3Fingerprint: string;
      certificate: string;
    }[];
    expect(list).toContainEqual(expect.objectContaining({ id: caId, certificate: `/ca/${caId}.crt` }));
    const der = await server.app.inject(`/ca/${caId}.crt`);
    expect(der.headers['content-type']).toBe('application/pkix-cert');
    expect(der.headers['cache-control']).toMatch(/max-age/);
    const ca = parseCertificate(der.rawPayload);
    const pem = await server.app.inject(`/ca/${caId}.pem`);
    const [first, root] = parseCertificates(pem.body);
    expect(first!.der).toEqual(ca.der);
    const scratch = new Scratch();
    try {
      const verified = openssl([
        'verify',
        '-partial_chain',
        '-vfyopt',
        'distid:1234567812345678',
        '-CAfile',
        scratch.write('root.pem', encodePem('CERTIFICATE', root!.der)),
        scratch.write('ca.pem', encodePem('CERTIFICATE', ca.der)),
      ]);
      expect(verified.stdout.toString()).toContain(': OK');
    } finally {
      scratch.cleanup();
    }
  });

  it('error/unknown CA, unknown route and a bad parameter answer problem+json with a code and request id', async () => {
    const missing = await server.app.inject('/ca/nope.crt');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({
      code: 'YZ_ERR_NOT_FOUND',
      status: 404,
      requestId: missing.headers['x-request-id'],
    });
    const route = await server.app.inject('/no/such/route');
    expect(route.json()).toMatchObject({ code: 'YZ_ERR_NOT_FOUND', detail: 'GET /no/such/route' });
    const bad = await server.app.inject('/ca/x.exe');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'YZ_ERR_INPUT']);
    const traced = await server.app.inject({ url: '/healthz', headers: { 'x-request-id': 'proxy-42' } });
    expect(traced.headers['x-request-id']).toBe('proxy-42');
  });

  it('ok/metrics count requests by route; the OpenAPI document lists the routes', async () => {
    const metrics = (await server.app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /yizheng_http_requests_total\{method="GET",route="\/ca\/:file",status="200"\} \d+/,
    );
    expect(metrics).toMatch(/yizheng_http_request_duration_seconds_bucket/);
    const doc = (await server.app.inject('/docs/json')).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/ca', '/ca/{file}']));
    expect((await server.app.inject('/docs/')).statusCode).toBe(200);
  });
});
