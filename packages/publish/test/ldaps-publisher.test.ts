/**
 * The LDAP publisher over TLS (ldaps://) to a real `slapd` whose TLS certificate the test makes
 * with `openssl req -x509` (EC P-256, subjectAltName IP:127.0.0.1): with that certificate as the
 * CA bundle the pair is published; with another CA (or none, the system's) the connection is
 * refused as `untrustedCertificate`, the job stays pending while issuance goes on, and once the
 * right bundle is configured publication catches up; the same with StartTLS on the ldap:// port.
 * TLS is transport only, so the store is SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@yizheng/gm';
import { FixedClock, type IssuanceContext, type IssuedPair } from '@yizheng/core';
import { LdapClient, ResultCode } from '@yizheng/ldap';
import {
  DirectoryTree,
  LDAP_PUBLISH_KINDS,
  LdapPublisher,
  OutboxWorker,
  type OutboxWorkerEvent,
  PublishError,
  parseLdapUrl,
} from '../src/index.js';
import { Slapd } from '../../../tools/test-support/slapd.js';
import { type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext, issueTestPair } from '../../../tools/test-support/core-context.js';
import { selfSignedTlsCertificate } from '../../../tools/test-support/openssl.js';

const HANGZHOU = '91330106MA2B3C4D5D';

describe('LdapPublisher over ldaps:// with slapd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-ldaps-'));
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let directoryTls: ReturnType<typeof selfSignedTlsCertificate>;
  let otherCa: ReturnType<typeof selfSignedTlsCertificate>;
  let slapd: Slapd;
  let t: TestStore;
  let context: IssuanceContext;
  let tree: DirectoryTree;

  beforeAll(async () => {
    directoryTls = selfSignedTlsCertificate(dir, 'directory');
    otherCa = selfSignedTlsCertificate(dir, 'someone-else');
    slapd = await Slapd.start({ tls: directoryTls });
    t = await openTestStore('sqlite');
    context = await demoContext(t.store, clock);
    tree = new DirectoryTree(slapd.suffix);
  });
  afterAll(async () => {
    await t?.dispose();
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const issue = (): Promise<IssuedPair> => issueTestPair(context);
  const publisherWith = (ca: string | undefined, startTls = false) =>
    new LdapPublisher(
      { store: t.store, clock },
      {
        url: startTls ? slapd.url : slapd.tlsUrl,
        ...(startTls ? { startTls } : {}),
        bindDn: slapd.rootDn,
        password: slapd.rootPassword,
        tree,
        timeoutMs: 3000,
        ...(ca === undefined ? {} : { ca }),
      },
    );
  /** One worker (it holds the publication lease) running passes with the publisher given. */
  let current: LdapPublisher | undefined;
  const events: OutboxWorkerEvent[] = [];
  let worker: OutboxWorker;
  const pass = async (publisher: LdapPublisher) => {
    current = publisher;
    events.length = 0;
    worker ??= new OutboxWorker(
      { store: t.store, clock },
      { kinds: LDAP_PUBLISH_KINDS, handle: (job) => current!.publish(job), onEvent: (e) => events.push(e) },
    );
    const result = await worker.runOnce();
    publisher.close();
    return { result, events: [...events] };
  };
  /** userCertificate;binary values of the legal person, read over TLS with the right CA. */
  const published = async (): Promise<string[]> => {
    const client = await LdapClient.connect(slapd.tlsPort!, '127.0.0.1', { tls: { ca: directoryTls.pem } });
    try {
      const { entries, result } = await client.search({ baseDn: tree.personDn(HANGZHOU), scope: 'base' });
      if (result.resultCode === ResultCode.noSuchObject) return [];
      return (entries[0]?.attributes.get('userCertificate;binary') ?? []).map(toHex).sort();
    } finally {
      client.close();
    }
  };

  it('ok/ldaps:// URLs: port 636 by default, TLS on; ldap:// stays plain on 389', () => {
    expect(parseLdapUrl('ldaps://ldap.example.cn')).toEqual({
      host: 'ldap.example.cn',
      port: 636,
      tls: true,
    });
    expect(parseLdapUrl('ldap://ldap.example.cn')).toEqual({
      host: 'ldap.example.cn',
      port: 389,
      tls: false,
    });
    expect(() => parseLdapUrl('ldapi://x')).toThrow(/ldaps:\/\/host/);
  });

  it('error/an untrusted directory certificate (another CA, or the system’s CAs): untrustedCertificate, the job stays pending, issuance goes on', async () => {
    const pair = await issue();
    for (const ca of [otherCa.pem, undefined]) {
      const { result, events } = await pass(publisherWith(ca));
      expect(result.failed).toBe(true);
      const error = (events[0] as { error: unknown }).error;
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).reason).toBe('untrustedCertificate');
      expect((error as PublishError).message).toMatch(
        /not trusted \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/,
      );
    }
    expect((await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending).toBe(2);
    // issuance is never blocked by the directory
    const next = await issue();
    expect(next.sign.status).toBe('valid');
    expect((await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending).toBe(4);
    expect(await published()).toEqual([]);

    // with the directory's CA in the bundle the retry publishes everything, oldest first
    const { result } = await pass(publisherWith(directoryTls.pem));
    expect(result.failed).toBe(false);
    expect((await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending).toBe(0);
    expect(await published()).toEqual(
      [pair.sign, pair.enc, next.sign, next.enc].map((c) => toHex(c.der)).sort(),
    );
  });

  it('ok/StartTLS on ldap://: published with the right CA; error/untrustedCertificate with another, the job pending', async () => {
    const before = await published();
    const pair = await issue();
    const refused = await pass(publisherWith(otherCa.pem, true));
    expect(refused.result.failed).toBe(true);
    expect(((refused.events[0] as { error: unknown }).error as PublishError).reason).toBe(
      'untrustedCertificate',
    );
    expect((await t.store.read.outboxBacklog(LDAP_PUBLISH_KINDS)).pending).toBe(2);
    const { result } = await pass(publisherWith(directoryTls.pem, true));
    expect(result.failed).toBe(false);
    expect(await published()).toEqual([...before, toHex(pair.sign.der), toHex(pair.enc.der)].sort());
  });
});
