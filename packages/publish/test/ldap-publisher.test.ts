/**
 * The LDAP publisher against a real OpenLDAP `slapd` started by the test (R5: publication to a
 * deployment's own directory; R6: an outage of it never blocks issuance), on SQLite and
 * PostgreSQL: pairs issued by the core appear in the directory with their exact DER (read back
 * with OpenLDAP's ldapsearch), a revocation removes only the revoked values, CRLs land on the CA
 * entry, jobs run twice or out of order still leave the directory as the store says, a refused
 * bind keeps the job pending, and slapd killed in the middle of a batch only delays publication:
 * issuance goes on, the worker backs off, and after the restart everything is caught up.
 */
import { runLdapTool } from '../../../tools/test-support/ldap-utils.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  type OutboxJob,
  configureCrlPartitions,
  issueCrl,
  issueDual,
  latestCrl,
  partitionCrlKey,
  revokeCertificate,
  sweepExpiredCertificates,
} from '@yizheng/core';
import { LdapClient, ResultCode } from '@yizheng/ldap';
import {
  DirectoryTree,
  LDAP_PUBLISH_KINDS,
  LdapPublisher,
  OutboxWorker,
  type OutboxWorkerEvent,
  PublishError,
} from '../src/index.js';
import { Slapd } from '../../../tools/test-support/slapd.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';

const run = runLdapTool;

/** uscc → its serials and certificate DERs (hex), each sorted: one state, whoever holds it. */
type State = Map<string, { serials: string[]; ders: string[] }>;

describe.each(STORE_KINDS)('LdapPublisher and OutboxWorker with slapd, on %s', (kind) => {
  let slapd: Slapd;
  let t: TestStore;
  let context: IssuanceContext;
  let tree: DirectoryTree;
  let publisher: LdapPublisher;
  let drainer: OutboxWorker;
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let scratch: string;

  const issue = (uscc: string, name: string): Promise<IssuedPair> =>
    issueDual(context, {
      request: buildCertificationRequest({ subject: parseName(`C=CN,CN=${name}`) }, Sm2PrivateKey.generate())
        .der,
      legalPerson: { uscc, name, legalRepresentative: '张某某' },
      channel: 'counter',
      actor: 'op',
    });

  const worker = (options: Partial<ConstructorParameters<typeof OutboxWorker>[1]> = {}) =>
    new OutboxWorker(
      { store: t.store, clock },
      { kinds: LDAP_PUBLISH_KINDS, handle: (job) => publisher.publish(job), ...options },
    );

  /** Runs passes of this case's worker until nothing of ours is pending. */
  async function drain(): Promise<void> {
    for (let i = 0; (await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending > 0; i++) {
      expect(i).toBeLessThan(100);
      expect((await drainer.runOnce()).failed).toBe(false);
    }
  }

  /** What the directory holds, read as its administrator with our client. */
  async function directoryState(): Promise<State> {
    const client = await LdapClient.connect(slapd.port);
    try {
      expect((await client.bind(slapd.rootDn, slapd.rootPassword)).resultCode).toBe(ResultCode.success);
      const { entries, result } = await client.search({
        baseDn: tree.personsContainerDn,
        scope: 'one',
        filter: '(objectClass=yzLegalPerson)',
        attributes: ['uscc', 'serialNumber', 'userCertificate;binary'],
      });
      if (result.resultCode === ResultCode.noSuchObject) return new Map();
      expect(result.resultCode).toBe(ResultCode.success);
      const text = (values: readonly Uint8Array[] | undefined) =>
        (values ?? []).map((v) => new TextDecoder().decode(v));
      return new Map(
        entries.map((e) => [
          text(e.attributes.get('uscc'))[0]!,
          {
            serials: text(e.attributes.get('serialNumber')).sort(),
            ders: (e.attributes.get('userCertificate;binary') ?? []).map(toHex).sort(),
          },
        ]),
      );
    } finally {
      client.close();
    }
  }

  /** What the store says the directory should hold (legal persons with current certificates). */
  async function storeState(): Promise<State> {
    const persons = await t.store.read.directoryPersons({ by: 'all', limit: 10_000 }, clock.now());
    return new Map(
      persons
        .filter((p) => p.certificates.length > 0)
        .map((p) => [
          p.uscc,
          {
            serials: p.certificates.map((c) => c.serial).sort(),
            ders: p.certificates.map((c) => toHex(c.der)).sort(),
          },
        ]),
    );
  }

  /** The directory state without legal persons whose certificates are all gone. */
  const published = async (): Promise<State> =>
    new Map([...(await directoryState())].filter(([, v]) => v.serials.length > 0 || v.ders.length > 0));

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'yz-publish-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  // a fresh slapd and store per case: the publisher starts from an empty directory each time
  beforeEach(async () => {
    clock.set('2026-03-01T00:00:00Z');
    slapd = await Slapd.start();
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    tree = new DirectoryTree(slapd.suffix);
    publisher = new LdapPublisher(
      { store: t.store, clock },
      { url: slapd.url, bindDn: slapd.rootDn, password: slapd.rootPassword, tree, timeoutMs: 2000 },
    );
    drainer = worker();
  });
  afterEach(async () => {
    publisher?.close();
    await t?.dispose();
    await slapd?.dispose();
  });

  it('ok/R5 into an empty directory: the base, containers and entries are created; exact DER; a revocation removes only its values; CRLs land on the CA entry', async () => {
    const first = await issue(HANGZHOU, '杭州某某科技有限公司');
    const second = await issue(HANGZHOU, '杭州某某科技有限公司');
    await issue(NINGBO, '宁波某某贸易有限公司');
    await drain();
    expect(await published()).toEqual(await storeState());
    // OpenLDAP's own ldapsearch writes each certificate to a file: the exact DER the CA issued
    const found = await run('ldapsearch', [
      ...[
        '-x',
        '-H',
        slapd.url,
        '-D',
        slapd.rootDn,
        '-w',
        slapd.rootPassword,
        '-LLL',
        '-o',
        'ldif-wrap=no',
        '-t',
        '-T',
        scratch,
      ],
      ...['-b', tree.suffix, `(uscc=${HANGZHOU})`, 'userCertificate;binary', 'cn'],
    ]);
    expect(found.status).toBe(0);
    expect(found.stdout).toContain(`dn: ${tree.personDn(HANGZHOU)}`);
    const files = [...found.stdout.matchAll(/^userCertificate;binary:< file:\/\/(.+)$/gm)].map((m) =>
      toHex(readFileSync(m[1]!)),
    );
    expect(files.sort()).toEqual(
      [first.sign, first.enc, second.sign, second.enc].map((c) => toHex(c.der)).sort(),
    );

    await revokeCertificate(context, { serial: first.enc.serial, actor: 'op', reason: 'keyCompromise' });
    await drain();
    const after = await published();
    expect(after.get(HANGZHOU)!.serials).toEqual([second.sign.serial, second.enc.serial].sort());
    expect(after).toEqual(await storeState());

    const caId = first.sign.caId;
    const full = await issueCrl(context, { caId, actor: 'op' });
    const delta = await issueCrl(context, { caId, actor: 'op', kind: 'delta' });
    await drain();
    const client = await LdapClient.connect(slapd.port);
    const { entries } = await client.search({ baseDn: tree.caDn(caId), scope: 'base' });
    client.close();
    const value = (name: string) => toHex(entries[0]!.attributes.get(name)![0]!);
    expect(value('certificateRevocationList;binary')).toBe(toHex(full.der));
    expect(value('deltaRevocationList;binary')).toBe(toHex(delta.der));
    expect(value('cACertificate;binary')).toBe(toHex((await t.store.read.getCa(caId))!.certificateDer!));
  });

  it('ok/R5 CRL partitions: each partition’s newest CRL lands on cn=<ca>-p<n>,ou=CA (cRLDistributionPoint), replaced on the next issue', async () => {
    const caId = (await t.store.read.listCas())[0]!.id;
    await configureCrlPartitions(context, {
      caId,
      count: 2,
      urls: [`http://ca.example.cn/crl/${caId}-p{n}.crl`],
      actor: 'op',
    });
    const pair = await issue(HANGZHOU, '杭州某某科技有限公司');
    await issueCrl(context, { caId, actor: 'op' });
    await drain();
    await revokeCertificate(context, { serial: pair.sign.serial, actor: 'op', reason: 'keyCompromise' });
    clock.set('2026-03-01T00:05:00Z');
    await issueCrl(context, { caId, actor: 'op' });
    await drain();
    const client = await LdapClient.connect(slapd.port);
    try {
      for (const n of [0, 1]) {
        const { entries } = await client.search({ baseDn: tree.partitionDn(caId, n), scope: 'base' });
        const crl = (await latestCrl(t.store, partitionCrlKey(caId, n), 'full'))!;
        expect(entries[0]!.attributes.get('objectClass')!.map((v) => new TextDecoder().decode(v))).toContain(
          'cRLDistributionPoint',
        );
        expect(entries[0]!.attributes.get('certificateRevocationList;binary')!.map(toHex)).toEqual([
          toHex(crl.der),
        ]);
      }
    } finally {
      client.close();
    }
  });

  it('ok/R7 expired certificates leave the directory: the sweep enqueues their value deletions once; the holder’s current pair stays', async () => {
    const expiring = await issue(HANGZHOU, '杭州某某科技有限公司');
    clock.set('2027-01-01T00:00:00Z');
    const current = await issue(HANGZHOU, '杭州某某科技有限公司');
    await drain();
    expect((await published()).get(HANGZHOU)!.serials).toHaveLength(4);
    // nothing has expired yet: the sweep enqueues nothing
    expect(await sweepExpiredCertificates({ store: t.store, clock })).toEqual({
      status: 'swept',
      enqueued: 0,
    });
    clock.set(new Date(expiring.sign.notAfter.getTime() + 1000));
    expect(await sweepExpiredCertificates({ store: t.store, clock }, { batchSize: 1 })).toEqual({
      status: 'swept',
      enqueued: 2,
    });
    await drain();
    const after = await published();
    expect(after.get(HANGZHOU)!.serials).toEqual([current.sign.serial, current.enc.serial].sort());
    expect(after).toEqual(await storeState());
    // idempotent: a second sweep finds nothing new; the certificates stay on record (R7)
    expect(await sweepExpiredCertificates({ store: t.store, clock })).toEqual({
      status: 'swept',
      enqueued: 0,
    });
    expect((await t.store.read.getCertificate(expiring.sign.caId, expiring.sign.serial))?.status).toBe(
      'valid',
    );
  });

  it('ok/jobs run twice or out of order leave the directory as the store says', async () => {
    const pair = await issue(testUscc(11), '温州某某电子有限公司');
    const kept = await issue(testUscc(11), '温州某某电子有限公司');
    await revokeCertificate(context, { serial: pair.sign.serial, actor: 'op' });
    const jobs: OutboxJob[] = await t.store.read.pendingOutboxOf(LDAP_PUBLISH_KINDS, 100);
    expect(jobs.map((j) => j.kind).sort()).toEqual([
      ...Array<string>(4).fill('publish.certificate'),
      ...Array<string>(2).fill('publish.status'),
    ]);
    for (const job of [...jobs].reverse()) await publisher.publish(job);
    for (const job of jobs) await publisher.publish(job);
    expect((await published()).get(testUscc(11))!.serials).toEqual(
      [kept.sign.serial, kept.enc.serial].sort(),
    );
    expect(await published()).toEqual(await storeState());
  });

  it('error/a refused bind is a PublishError naming the result; the job stays pending', async () => {
    await issue(NINGBO, '宁波某某贸易有限公司');
    publisher = new LdapPublisher(
      { store: t.store, clock },
      { url: slapd.url, bindDn: slapd.rootDn, password: 'wrong', tree },
    );
    const events: OutboxWorkerEvent[] = [];
    const pass = await worker({ onEvent: (e) => events.push(e) }).runOnce();
    expect(pass).toEqual({ published: 0, drained: false, failed: true });
    expect(events[0]).toMatchObject({ type: 'failed', retryInMs: 1000 });
    const error = (events[0] as { error: unknown }).error;
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).reason).toBe('invalidCredentials');
    expect((await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending).toBe(2);
  });

  it('ok/R5 R6 slapd down in the middle of a batch: issuance goes on, publication backs off and catches up, nothing lost', async () => {
    for (let n = 1; n <= 6; n++) await issue(testUscc(100 + n), `丽水某某${n}号有限公司`);
    let handled = 0;
    const events: OutboxWorkerEvent[] = [];
    const outage = worker({
      batchSize: 5,
      pollMs: 50,
      retryMinMs: 50,
      retryMaxMs: 400,
      onEvent: (e) => events.push(e),
      handle: async (job) => {
        if (++handled === 8) await slapd.stop(); // the third batch finds the directory gone
        await publisher.publish(job);
      },
    });
    outage.start();
    try {
      for (let i = 0; outage.failures < 4; i++) {
        expect(i).toBeLessThan(400);
        await sleep(25);
      }
      // meanwhile the CA issues and revokes as usual, at its usual speed
      const started = Date.now();
      const late = await issue(testUscc(200), '衢州某某农业有限公司');
      await revokeCertificate(context, { serial: late.enc.serial, actor: 'op' });
      await issue(testUscc(201), '舟山某某海运有限公司');
      expect(Date.now() - started).toBeLessThan(3000);
      const waiting = await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS);
      expect(waiting.pending).toBeGreaterThan(12 - 7);
      const retries = events
        .filter((e) => e.type === 'failed')
        .map((e) => (e as { retryInMs: number }).retryInMs);
      expect(retries.slice(0, 4)).toEqual([50, 100, 200, 400]);
      await slapd.resume();
      for (let i = 0; (await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending > 0; i++) {
        expect(i).toBeLessThan(400);
        await sleep(25);
      }
    } finally {
      await outage.stop();
    }
    expect(await published()).toEqual(await storeState());
    expect((await published()).size).toBe(7);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(12 + 3 * 2);
  });
});
