/**
 * Issue 5 "kill the server during a batch of issuances and restart — no duplicate serial, no half
 * record" (R3, R6): `yizheng serve` on the embedded default takes concurrent applications through
 * the API from a counter operator and is killed with SIGKILL while requests are in flight; a new
 * process on the same data directory must find every pair a client was told about (201), each
 * complete — both certificates, the application, the escrowed key assigned to the encryption
 * certificate, the audit entries — and nothing partial from the requests cut off; serials are
 * unique, `yizheng audit verify` passes, and the restarted service issues again.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CertificateRecord } from '@yizheng/core';
import { Sm2PrivateKey, encodePem } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import { openStore } from '@yizheng/store';
import { Scratch } from '../../../tools/test-support/openssl.js';
import { type ServeProcess, counterOperator, login, startServeProcess } from './serve-process.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
/** Legal persons of the registry simulator (a match is issued at once); several pairs each. */
const LEGAL_PERSONS = [
  { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' },
  { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司', legalRepresentative: '李四' },
];
const APPLICATIONS = 240;
const CLIENTS = 12;
/** Kill once this many pairs were answered 201: the batch is well under way, most still to come. */
const KILL_AFTER = 25;
const scratch = new Scratch();
const dataDir = scratch.path('data');
const servers: ServeProcess[] = [];

afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  scratch.cleanup();
});

/** One application: a holder's CSR (its device's key) for one of the legal persons. */
function application(i: number): { csr: string; legalPerson: (typeof LEGAL_PERSONS)[number] } {
  const legalPerson = LEGAL_PERSONS[i % LEGAL_PERSONS.length]!;
  const request = buildCertificationRequest(
    { subject: parseName(`C=CN,O=${legalPerson.name},CN=${legalPerson.name}`) },
    Sm2PrivateKey.generate(),
  );
  return { csr: encodePem('CERTIFICATE REQUEST', request.der), legalPerson };
}

interface Received {
  readonly applicationId: string;
  readonly pairId: string;
  readonly sign: string;
  readonly enc: string;
}

describe('R6 SIGKILL during a batch of issuances, then a restart on the same data', () => {
  const received: Received[] = [];
  let cutOff = 0;
  let inFlightAtKill = 0;
  let adminPassword = '';

  it('ok/the server is killed with applications in flight; the clients see 201s, then cut connections', async () => {
    const server = await startServeProcess(dataDir, {});
    servers.push(server);
    adminPassword = server.firstRunPassword!;
    expect(adminPassword).toBeDefined();
    // beside admin, the demo counter (issue 6): its own password, printed once too
    expect(server.output()).toMatch(
      /demo counter operator counter \(branch-operator, branch hz-xihu.*\(shown once\): \S+/,
    );
    const token = await counterOperator(server, await login(server, 'admin', adminPassword));
    const bodies = Array.from({ length: APPLICATIONS }, (_, i) => application(i));
    let next = 0;
    let inFlight = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (!killed && next < bodies.length) {
          const body = bodies[next++]!;
          inFlight++;
          try {
            const answer = await server.call('POST', '/api/v1/applications', { token, body });
            expect(answer.status, JSON.stringify(answer.json)).toBe(201);
            const pair = answer.json.pair as {
              applicationId: string;
              pairId: string;
              sign: { serial: string };
              enc: { serial: string };
            };
            received.push({
              applicationId: pair.applicationId,
              pairId: pair.pairId,
              sign: pair.sign.serial,
              enc: pair.enc.serial,
            });
          } catch (error) {
            if (!killed) throw error;
            cutOff++; // in flight when the server died: the client cannot know what happened
          } finally {
            inFlight--;
          }
          if (!killed && received.length >= KILL_AFTER) {
            killed = true;
            inFlightAtKill = inFlight;
            server.child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(await server.exited).toBe('SIGKILL');
    expect(received.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(received.length).toBeLessThan(APPLICATIONS / 2);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(cutOff).toBeGreaterThan(0);
    expect(cutOff).toBeLessThanOrEqual(inFlightAtKill);
  }, 120_000);

  it('ok/restarted on the same data: no second first run, it serves, looks up and issues again', async () => {
    const server = await startServeProcess(dataDir, {});
    servers.push(server);
    expect(server.firstRunPassword).toBeUndefined();
    expect(server.output()).not.toMatch(/first run/);
    expect((await server.call('GET', '/readyz')).status).toBe(200);
    const adminToken = await login(server, 'admin', adminPassword);
    const token = await login(server, 'teller', 'Xihu-Desk-2026');
    expect(adminToken).toMatch(/^yzs_/);
    for (const pair of received.slice(0, 5)) {
      const found = await server.call('GET', `/api/v1/certificates/${pair.sign}`, { token });
      expect([found.status, found.json.status]).toEqual([200, 'valid']);
    }
    const again = await server.call('POST', '/api/v1/applications', { token, body: application(0) });
    expect(again.status, JSON.stringify(again.json)).toBe(201);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('ok/yizheng audit verify passes over the entries written up to the kill and after', () => {
    const verified = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--data', dataDir], {
      env: { ...process.env, DATABASE_URL: '', YIZHENG_MASTER_KEY: '', YIZHENG_KMC_MASTER_KEY: '' },
    });
    expect(verified.stderr.toString()).toBe('');
    expect(verified.status).toBe(0);
    expect(verified.stdout.toString()).toMatch(/^audit OK/);
  });

  it('ok/every 201 is on record, every pair complete, nothing half-written, serials unique', async () => {
    const store = await openStore({ dataDir });
    try {
      const certificates: CertificateRecord[] = [];
      for (const { uscc } of LEGAL_PERSONS)
        for (const role of ['sign', 'enc'] as const)
          certificates.push(...(await store.read.queryCertificates({ uscc, role, limit: 10_000 })));
      const bySerial = new Map(certificates.map((c) => [c.serial, c]));
      expect(bySerial.size).toBe(certificates.length); // no serial twice

      // every pair a client was told about is there, as it was told
      for (const pair of received) {
        expect(bySerial.get(pair.sign)).toMatchObject({ role: 'sign', pairId: pair.pairId, status: 'valid' });
        expect(bySerial.get(pair.enc)).toMatchObject({ role: 'enc', pairId: pair.pairId, status: 'valid' });
        expect(bySerial.get(pair.sign)!.applicationId).toBe(pair.applicationId);
      }
      // at least those, plus the one after the restart; the cut-off requests add whole pairs or nothing
      const pairs = new Map<string, CertificateRecord[]>();
      for (const c of certificates) pairs.set(c.pairId, [...(pairs.get(c.pairId) ?? []), c]);
      expect(pairs.size).toBeGreaterThanOrEqual(received.length + 1);
      expect(pairs.size).toBeLessThanOrEqual(received.length + cutOff + 1);

      const audit = await store.read.auditEntries(1);
      const usccs = new Set(LEGAL_PERSONS.map((p) => p.uscc));
      const issueAudited = new Set(
        audit
          .filter((e) => e.action === 'certificate.issue' && usccs.has(String(e.detail.uscc)))
          .map((e) => e.object),
      );
      const assignAudited = new Set(audit.filter((e) => e.action === 'kmc.key.assign').map((e) => e.object));
      for (const [pairId, members] of pairs) {
        expect(members.map((c) => c.role).sort(), pairId).toEqual(['enc', 'sign']);
        const [sign, enc] = [members.find((c) => c.role === 'sign')!, members.find((c) => c.role === 'enc')!];
        expect(enc.applicationId).toBe(sign.applicationId);
        const applicationRecord = await store.read.getApplication(sign.applicationId!);
        expect(applicationRecord).toMatchObject({ state: 'completed', uscc: sign.uscc });
        const escrow = await store.read.getEscrowedKey(enc.escrowId!);
        expect(escrow).toMatchObject({ state: 'assigned', uscc: enc.uscc, certificateSerial: enc.serial });
        for (const cert of members)
          expect(issueAudited.has(`certificate:${cert.caId}:${cert.serial}`)).toBe(true);
        expect(assignAudited.has(`escrow:${escrow!.id}`)).toBe(true);
      }
      // and no application, escrow assignment or issuance entry without its pair
      for (const { uscc } of LEGAL_PERSONS)
        for (const record of await store.read.listApplications(uscc))
          expect(certificates.filter((c) => c.applicationId === record.id)).toHaveLength(2);
      for (const { uscc } of LEGAL_PERSONS)
        for (const key of await store.read.listEscrowedKeys(uscc))
          expect(bySerial.get(key.certificateSerial ?? '')?.escrowId).toBe(key.id);
      expect(issueAudited.size).toBe(certificates.length);
    } finally {
      await store.close();
    }
  });
});
