/**
 * Issue 5 "Done when", over real sockets as a new user meets it: the service started as
 * `npm start` starts it (first run: demo CA, OCSP responder, the `admin` password printed once),
 * a dual certificate issued through the API from a CSR, found with `ldapsearch`, checked with
 * `openssl ocsp`, the CRL downloaded; then revoked through the API and the new status seen in
 * OCSP, the delta CRL and LDAP within a minute (the issue's bound; in practice seconds).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, encodePem } from '@yizheng/gm';
import { buildCertificationRequest, parseCertificate, parseCrl, parseName } from '@yizheng/pki';
import { DEFAULT_CONFIG, type RunningServer, startServer } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'yz-done-when-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };
const SUFFIX = 'o=Yizheng Demo CA,c=CN';

function run(command: string, args: readonly string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, LDAPNOINIT: '1' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout }));
  });
}

/** Polls `check` until it holds or `ms` pass; returns the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(200);
  }
  return Date.now() - start;
}

describe('issue 5 done-when: npm start, issue through the API, LDAP, OCSP, CRL, revoke', () => {
  let running: RunningServer;
  const lines: string[] = [];
  let http = '';
  let ldap = '';
  let token = '';
  let serial = '';
  const files = { chain: join(dir, 'chain.pem'), sign: join(dir, 'sign.pem') };

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${http}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const ocsp = () =>
    run('openssl', [
      'ocsp',
      '-issuer',
      files.chain,
      '-cert',
      files.sign,
      '-url',
      `${http}/ocsp`,
      '-noverify',
      '-resp_text',
    ]);
  const ldapsearch = () =>
    run('ldapsearch', ['-x', '-H', ldap, '-LLL', '-b', SUFFIX, `(uscc=${HANGZHOU.uscc})`, 'serialNumber']);

  beforeAll(async () => {
    running = await startServer(
      { ...DEFAULT_CONFIG, httpPort: 0, ldapPort: 0, dataDir: join(dir, 'data'), logLevel: 'silent' },
      { print: (line) => lines.push(line), logger: false, env: {} },
    );
    http = running.url;
    ldap = running.ldap!.url;
  });
  afterAll(async () => running?.close());

  it('ok/the first run prints the admin password; a counter operator issues a pair through the API', async () => {
    const password = /password \(shown once\): (\S+)/.exec(lines.join('\n'))?.[1];
    expect(password).toBeDefined();
    token =
      ((await api('POST', '/api/v1/session/password', { login: 'admin', password })).json.token as string) ??
      '';
    expect(token).toMatch(/^yzs_/);
    expect(
      (
        await api('POST', '/api/v1/branches', {
          id: 'hz-01',
          name: '西湖区网点',
          regionCode: '330106',
          address: '杭州市西湖区某某路 1 号',
        })
      ).status,
    ).toBe(201);
    const counterPassword = 'Xihu-Desk-2026';
    expect(
      (
        await api('POST', '/api/v1/operators', {
          login: 'teller',
          name: '受理员 某某',
          roles: ['branch-operator'],
          password: counterPassword,
          branchId: 'hz-01',
        })
      ).status,
    ).toBe(201);
    token = (await api('POST', '/api/v1/session/password', { login: 'teller', password: counterPassword }))
      .json.token as string;

    const holder = Sm2PrivateKey.generate();
    const csr = encodePem(
      'CERTIFICATE REQUEST',
      buildCertificationRequest({ subject: parseName(`C=CN,CN=${HANGZHOU.name}`) }, holder).der,
    );
    const applied = await api('POST', '/api/v1/applications', { csr, legalPerson: HANGZHOU });
    expect(applied.status, JSON.stringify(applied.json)).toBe(201);
    const pair = applied.json.pair as { sign: { serial: string }; signCertificate: string };
    serial = pair.sign.serial;
    writeFileSync(files.sign, pair.signCertificate);
    const chain = await fetch(
      `${http}/ca/${((await (await fetch(`${http}/ca`)).json()) as { id: string }[])[0]!.id}.pem`,
    );
    writeFileSync(
      files.chain,
      (await chain.text()).split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
    );
    expect(parseCertificate(pair.signCertificate).tbs.serialNumber.toString(16).toUpperCase()).toBe(serial);
  });

  it('ok/found with ldapsearch, good in openssl ocsp, the CRL downloads and parses', async () => {
    const found = await ldapsearch();
    expect(found.status).toBe(0);
    expect(found.stdout).toContain(`serialNumber: ${serial}`);
    const good = await ocsp();
    expect(good.stdout).toMatch(/Cert Status: good/);
    const list = (await (await fetch(`${http}/ca`)).json()) as { id: string }[];
    const crl = await fetch(`${http}/crl/${list[0]!.id}.crl`);
    expect([crl.status, crl.headers.get('content-type')]).toEqual([200, 'application/pkix-crl']);
    expect(parseCrl(new Uint8Array(await crl.arrayBuffer())).tbs.entries).toEqual([]);
  });

  it('ok/revoked through the API: OCSP, the delta CRL and LDAP show it within a minute', async () => {
    const revoked = await api('POST', `/api/v1/certificates/${serial}/revoke`, {
      reason: 'keyCompromise',
      requestedBy: 'holder',
      note: '持有人申请 2026-001',
    });
    expect(revoked.status).toBe(200);
    const caId = ((await (await fetch(`${http}/ca`)).json()) as { id: string }[])[0]!.id;
    const ocspMs = await within(60_000, async () => /Cert Status: revoked/.test((await ocsp()).stdout));
    const deltaMs = await within(60_000, async () => {
      const delta = await fetch(`${http}/crl/${caId}-delta.crl`);
      if (delta.status !== 200) return false;
      const entries = parseCrl(new Uint8Array(await delta.arrayBuffer())).tbs.entries;
      return entries.some((e) => e.serialNumber.toString(16).toUpperCase() === serial);
    });
    const ldapMs = await within(60_000, async () => !(await ldapsearch()).stdout.includes(serial));
    expect(Math.max(ocspMs, deltaMs, ldapMs)).toBeLessThan(60_000);
  });
});
