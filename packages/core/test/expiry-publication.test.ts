/**
 * The expiry sweep for the external directory (R7: expired certificates leave the directories,
 * stay on record), on SQLite and PostgreSQL: a legal person's valid certificate whose notAfter has
 * passed gets one `publish.status` job (reason expired), in batches, once; revoked certificates
 * (already removed by their own job) and unexpired ones get none; two nodes on one PostgreSQL
 * schema sweep one at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  type Store,
  revokeCertificate,
  sweepExpiredCertificates,
} from '../src/index.js';
import { openStore } from '@yizheng/store';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';
import { demoContext, issueTestPair } from '../../../tools/test-support/core-context.js';
import { holdSingletonLock } from '../../../tools/test-support/singleton-lock.js';

const DAY = 86_400_000;

describe.each(STORE_KINDS)('expiry sweep on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let early: IssuedPair;
  let later: IssuedPair;
  let revoked: IssuedPair;

  const issue = (): Promise<IssuedPair> => issueTestPair(context);
  /** Serials of the expiry jobs pending, sorted. */
  const expiryJobs = async (): Promise<string[]> =>
    (await t.store.read.pendingOutboxOf(['publish.status'], 1000))
      .filter((j) => (j.payload as { reason?: string }).reason === 'expired')
      .map((j) => (j.payload as { serial: string }).serial)
      .sort();

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    early = await issue();
    revoked = await issue();
    await revokeCertificate(context, { serial: revoked.sign.serial, reason: 'superseded', actor: 'op' });
    clock.set(new Date(clock.now().getTime() + 100 * DAY));
    later = await issue();
  });
  afterAll(async () => t?.dispose());

  it('ok/R7 expired valid certificates get one job each, in batches; revoked and unexpired ones none; a second sweep adds nothing', async () => {
    expect(await sweepExpiredCertificates(context)).toEqual({ status: 'swept', enqueued: 0 });
    clock.set(new Date(early.sign.notAfter.getTime() + 1000));
    expect(await sweepExpiredCertificates(context, { batchSize: 1 })).toEqual({
      status: 'swept',
      enqueued: 2,
    });
    expect(await expiryJobs()).toEqual([early.sign.serial, early.enc.serial].sort());
    expect(await sweepExpiredCertificates(context)).toEqual({ status: 'swept', enqueued: 0 });
    clock.set(new Date(later.sign.notAfter.getTime()));
    expect(await sweepExpiredCertificates(context)).toEqual({ status: 'swept', enqueued: 2 });
    expect(await expiryJobs()).toEqual(
      [early.sign.serial, early.enc.serial, later.sign.serial, later.enc.serial].sort(),
    );
    expect(await expiryJobs()).not.toContain(revoked.sign.serial);
  });
});

describe('two nodes on one PostgreSQL schema', () => {
  let t: TestStore;
  let second: Store;
  const clock = new FixedClock('2026-05-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore('postgres');
    await demoContext(t.store, clock);
    second = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: t.where });
  });
  afterAll(async () => {
    await second?.close();
    await t?.dispose();
  });

  it('ok/one node at a time: busy while the other holds the sweep lock, then it sweeps', async () => {
    const lock = await holdSingletonLock(t.store, 'ldap-expiry-sweep');
    try {
      expect(lock.locked).toBe(true);
      expect(await sweepExpiredCertificates({ store: second, clock })).toEqual({ status: 'busy' });
    } finally {
      await lock.release();
    }
    expect(await sweepExpiredCertificates({ store: second, clock })).toEqual({
      status: 'swept',
      enqueued: 0,
    });
  });
});
