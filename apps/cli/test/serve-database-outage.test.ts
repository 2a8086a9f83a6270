/**
 * Issue 5 "the database briefly unavailable — requests fail cleanly and the service recovers by
 * itself" (R6 7×24): `yizheng serve` on PostgreSQL, reached through a TCP relay this test controls.
 * The outage is what a database restart does to a client: the server's sessions are terminated
 * (`pg_terminate_backend`, the 57P01 admin_shutdown a shutdown sends) and new connections are
 * refused for a while. Meanwhile API requests answer 503 `YZ_ERR_UNAVAILABLE` problem+json at
 * once, /readyz names the database, OCSP answers what it holds in memory and `tryLater` for the
 * rest, CRL downloads 503 and LDAP searches resultCode other; the process stays up, and once the
 * database is back the same process serves again.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapDemo, createOperator } from '@yizheng/core';
import { Sm2PrivateKey, encodePem } from '@yizheng/gm';
import {
  buildCertificationRequest,
  buildOcspRequest,
  parseCertificate,
  parseName,
  parseOcspResponse,
} from '@yizheng/pki';
import { openPlatform } from '@yizheng/server';
import { Scratch } from '../../../tools/test-support/openssl.js';
import { TEST_DATABASE_URL } from '../../../tools/test-support/stores.js';
import { type ServeProcess, counterOperator, login, startServeProcess } from './serve-process.js';

const ADMIN_PASSWORD = 'Xihu-platform-2026';
const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };
const run = randomBytes(6).toString('hex');
const schema = `yz_outage_${run}`;
/** The server's connections carry this name, so the test terminates them and no one else's. */
const applicationName = `yizheng-outage-${run}`;
const secrets = {
  YIZHENG_MASTER_KEY: randomBytes(32).toString('hex'),
  YIZHENG_KMC_MASTER_KEY: randomBytes(32).toString('hex'),
};
const scratch = new Scratch();

/** A TCP relay to PostgreSQL that can stop accepting and drop what it carries. */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  async open(): Promise<void> {
    const target = new URL(TEST_DATABASE_URL);
    const server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.#sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.#sockets.delete(a);
          b.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** New connections are refused (nothing listens) until `open` again on the same port. */
  refuse(): void {
    // close() stops listening at once; its callback would wait for the relayed connections
    this.#server?.close();
    this.#server = undefined;
  }

  dropAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}

async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

function csr(): string {
  const request = buildCertificationRequest(
    { subject: parseName(`C=CN,O=${HANGZHOU.name},CN=${HANGZHOU.name}`) },
    Sm2PrivateKey.generate(),
  );
  return encodePem('CERTIFICATE REQUEST', request.der);
}

/** Polls `check` until it holds or `ms` pass; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(200);
  }
  return Date.now() - start;
}

describe('R6 database briefly unavailable: clean 503s, then the same process recovers', () => {
  const relay = new Relay();
  let server: ServeProcess;
  let token = '';
  let serial = '';
  let ocspGet = '';
  let ocspNonce: Buffer;
  let encNonce: Buffer;
  let caId = '';

  /**
   * `ldapsearch` by USCC against the server's directory (its URL is printed at start); spawned
   * asynchronously, because the relay to the database runs in this process.
   */
  const ldapsearch = () =>
    new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
      const url = /LDAP \(read-only\):\s+(ldap:\/\/\S+)/.exec(server.output())![1]!;
      const child = spawn(
        'ldapsearch',
        ['-x', '-H', url, '-LLL', '-b', 'o=Yizheng Demo CA,c=CN', `(uscc=${HANGZHOU.uscc})`, 'serialNumber'],
        { env: { ...process.env, LDAPNOINIT: '1' }, timeout: 15_000 },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout }));
    });

  beforeAll(async () => {
    // the CA, profiles and the first administrator, as `yizheng ca init` and `operator add` would
    const platform = await openPlatform({
      databaseUrl: TEST_DATABASE_URL,
      schema,
      masterKey: secrets.YIZHENG_MASTER_KEY,
      kmcMasterKey: secrets.YIZHENG_KMC_MASTER_KEY,
      note: () => undefined,
    });
    try {
      await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 4 });
      await createOperator(
        platform,
        { login: 'admin', name: '管理员', roles: ['ca-admin'], password: ADMIN_PASSWORD },
        { name: 'system:test', roles: ['ca-admin'], branchId: null },
      );
    } finally {
      await platform.close();
    }
    await relay.open();
    server = await startServeProcess(scratch.path('data'), {
      ...secrets,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${relay.port}/test?application_name=${applicationName}`,
      YIZHENG_DB_SCHEMA: schema,
      YIZHENG_REGISTRY_URL: 'sim',
      YIZHENG_LOG_LEVEL: 'warn',
    });
    token = await counterOperator(server, await login(server, 'admin', ADMIN_PASSWORD));
  }, 60_000);

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    relay.refuse();
    relay.dropAll();
    await sql(`drop schema if exists ${schema} cascade`);
    scratch.cleanup();
  });

  it('ok/before: a pair is issued, looked up and answered by OCSP (the answer kept in memory)', async () => {
    const applied = await server.call('POST', '/api/v1/applications', {
      token,
      body: { csr: csr(), legalPerson: HANGZHOU },
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const pair = applied.json.pair as {
      sign: { serial: string };
      enc: { serial: string };
      signCertificate: string;
    };
    serial = pair.sign.serial;
    const cas = (await server.call('GET', '/ca')).json as unknown as { id: string }[];
    caId = cas[0]!.id;
    const caPem = await (await fetch(`${server.url}/ca/${caId}.pem`)).text();
    const issuer = parseCertificate(
      caPem.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
    );
    const serialNumber = parseCertificate(pair.signCertificate).tbs.serialNumber;
    ocspGet = encodeURIComponent(
      Buffer.from(buildOcspRequest({ certs: [{ issuer, serialNumber }], hash: 'sm3' }).der).toString(
        'base64',
      ),
    );
    const withNonce = (n: bigint) =>
      Buffer.from(
        buildOcspRequest({ certs: [{ issuer, serialNumber: n }], hash: 'sm3', nonce: randomBytes(16) }).der,
      );
    ocspNonce = withNonce(serialNumber);
    encNonce = withNonce(BigInt(`0x${pair.enc.serial}`));
    expect((await ocspStatus('GET')).certStatus).toBe('good');
    expect((await server.call('GET', `/api/v1/certificates/${serial}`, { token })).status).toBe(200);
    const found = await ldapsearch();
    expect([found.status, found.stdout]).toEqual([0, expect.stringContaining(`serialNumber: ${serial}`)]);
  });

  /** The OCSP response status and the certificate's status in it. */
  async function ocspStatus(
    kind: 'GET' | 'nonce',
    body = ocspNonce,
  ): Promise<{ status: string; certStatus?: string }> {
    const response =
      kind === 'GET'
        ? await fetch(`${server.url}/ocsp/${ocspGet}`, { signal: AbortSignal.timeout(10_000) })
        : await fetch(`${server.url}/ocsp`, {
            method: 'POST',
            headers: { 'content-type': 'application/ocsp-request' },
            body,
            signal: AbortSignal.timeout(10_000),
          });
    expect(response.status).toBe(200);
    const parsed = parseOcspResponse(new Uint8Array(await response.arrayBuffer()));
    const certStatus = parsed.basic?.responses[0]?.status.type;
    return { status: parsed.status, ...(certStatus ? { certStatus } : {}) };
  }

  it('error/during the outage: 503 YZ_ERR_UNAVAILABLE problem+json at once (API, CRL), readyz names the database, OCSP from memory or tryLater, LDAP resultCode other', async () => {
    relay.refuse();
    const terminated = await sql(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    expect(terminated.rowCount).toBeGreaterThan(0);
    relay.dropAll();
    await sleep(500); // the pool notices its dead connections; the process must not die of it

    const started = Date.now();
    const lookup = await server.call('GET', `/api/v1/certificates/${serial}`, { token, timeoutMs: 15_000 });
    expect(lookup.status).toBe(503);
    expect(lookup.type).toMatch(/^application\/problem\+json/);
    expect(lookup.json).toMatchObject({ code: 'YZ_ERR_UNAVAILABLE', status: 503 });
    const applied = await server.call('POST', '/api/v1/applications', {
      token,
      body: { csr: csr(), legalPerson: HANGZHOU },
      timeoutMs: 15_000,
    });
    expect([applied.status, applied.json.code]).toEqual([503, 'YZ_ERR_UNAVAILABLE']);
    expect(Date.now() - started).toBeLessThan(10_000);

    const ready = await server.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect((ready.json.checks as { database: string }).database).toMatch(/^unreachable/);
    expect((await server.call('GET', '/healthz')).status).toBe(200);
    expect(await ocspStatus('GET')).toEqual({ status: 'successful', certStatus: 'good' });
    // a nonce for a certificate asked about before: signed from the status held in memory;
    // for one never asked about (the encryption certificate) the database is needed: tryLater
    expect(await ocspStatus('nonce')).toEqual({ status: 'successful', certStatus: 'good' });
    expect((await ocspStatus('nonce', encNonce)).status).toBe('tryLater');
    const crl = await server.call('GET', `/crl/${caId}.crl`);
    expect([crl.status, crl.json.code]).toEqual([503, 'YZ_ERR_UNAVAILABLE']);
    expect((await ldapsearch()).status).toBe(80); // resultCode other: the search failed, the directory answered
    await sleep(2000); // a while longer: the status watch and the scheduler keep failing meanwhile
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/Uncaught|unhandled/i);
  }, 60_000);

  it('ok/after: the same process serves again by itself — look-ups, issuance, readyz, OCSP, CRL, LDAP', async () => {
    const pid = server.child.pid;
    await relay.open(); // the same port: the server's configuration is unchanged
    const tookMs = await within(20_000, async () => (await server.call('GET', '/readyz')).status === 200);
    expect(tookMs).toBeLessThan(20_000);
    expect((await server.call('GET', `/api/v1/certificates/${serial}`, { token })).status).toBe(200);
    const applied = await server.call('POST', '/api/v1/applications', {
      token,
      body: { csr: csr(), legalPerson: HANGZHOU },
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    expect((await ocspStatus('nonce')).certStatus).toBe('good');
    expect((await fetch(`${server.url}/crl/${caId}.crl`)).status).toBe(200);
    const found = await ldapsearch();
    expect([found.status, found.stdout]).toEqual([0, expect.stringContaining(`serialNumber: ${serial}`)]);
    expect([server.child.pid, server.child.exitCode]).toEqual([pid, null]);
  }, 60_000);
});
