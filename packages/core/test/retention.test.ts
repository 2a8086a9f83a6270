/**
 * Retention (R7): nothing about a certificate is deleted until five years after it expired or was
 * revoked; the purge respects that, keeps the business history, and is audited (SQLite and
 * PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FixedClock,
  type IssuanceContext,
  issueDual,
  legalPersonHistory,
  purgeExpired,
  retentionCutoff,
  revokeCertificate,
  updateServicePolicy,
  verifyAudit,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const csr = () => csrDer('温州某某机械有限公司');

describe.each(STORE_KINDS)('retention on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
  });
  afterAll(async () => t?.dispose());

  it('ok/retentionCutoff counts calendar years', () => {
    expect(retentionCutoff(new Date('2032-02-29T12:00:00Z'), 5)).toEqual(new Date('2027-03-01T12:00:00Z'));
    expect(retentionCutoff(new Date('2031-06-01T00:00:00Z'), 5)).toEqual(new Date('2026-06-01T00:00:00Z'));
  });

  it('ok/purge deletes only certificates ended more than five years ago, audits each batch, keeps the history', async () => {
    const uscc = testUscc(7001);
    const issue = () =>
      issueDual(context, {
        request: csr(),
        legalPerson: { uscc, name: '温州某某机械有限公司', legalRepresentative: '王五' },
        channel: 'counter',
        actor: 'op',
      });
    clock.set('2026-03-01T00:00:00Z');
    const expiring = await issue(); // ends 2027-03-01
    const revoked = await issue(); // revoked 2026-06-01, ends 2027-03-01
    clock.set('2026-06-01T00:00:00Z');
    await revokeCertificate(context, {
      serial: revoked.sign.serial,
      actor: 'op',
      reason: 'cessationOfOperation',
    });
    const recent = await issue(); // ends 2027-06-01

    // five years after the first expiry, less a day: nothing may go
    clock.set('2032-02-28T00:00:00Z');
    expect((await purgeExpired(context, { actor: 'admin', dryRun: true })).deleted).toBe(0);

    clock.set('2032-03-15T00:00:00Z');
    const dry = await purgeExpired(context, { actor: 'admin', dryRun: true });
    expect(dry.deleted).toBe(4);
    expect((await t.store.read.queryCertificates({ uscc })).length).toBe(6); // a dry run deletes nothing

    const progress: number[] = [];
    const done = await purgeExpired(context, {
      actor: 'admin',
      batchSize: 3,
      onProgress: (n) => progress.push(n),
    });
    expect(done).toMatchObject({ deleted: 4, dryRun: false });
    expect(progress).toEqual([3, 4]);
    expect(new Set(done.sample)).toEqual(
      new Set([expiring.sign, expiring.enc, revoked.sign, revoked.enc].map((c) => `${c.caId}:${c.serial}`)),
    );
    const left = await t.store.read.queryCertificates({ uscc });
    expect(left.map((c) => c.pairId)).toEqual([recent.pairId, recent.pairId]);
    // applications, the legal person and the audit chain stay (R27, R3)
    const history = await legalPersonHistory(t.store, uscc);
    expect(history.applications.filter((a) => a.businessType === 'new')).toHaveLength(3);
    const purges = (await t.store.read.auditEntries(1)).filter((e) => e.action === 'certificate.purge');
    expect(purges).toHaveLength(2);
    expect(
      purges.flatMap((e) => (e.detail.certificates as { serial: string }[]).map((c) => c.serial)).sort(),
    ).toEqual([expiring.sign, expiring.enc, revoked.sign, revoked.enc].map((c) => c.serial).sort());
    expect((await verifyAudit(t.store)).valid).toBe(true);
  });

  it('error/a retention period below five years is refused and the policy is unchanged', async () => {
    await expect(updateServicePolicy(context, { retentionYears: 4 }, 'admin')).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
    await updateServicePolicy(context, { retentionYears: 7 }, 'admin');
    clock.set('2033-01-01T00:00:00Z');
    const dry = await purgeExpired(context, { actor: 'admin', dryRun: true });
    expect(dry.cutoff).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(dry.deleted).toBe(0);
  });
});
