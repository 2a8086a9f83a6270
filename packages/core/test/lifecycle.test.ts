/**
 * The steps that replace a dual pair (docs/lifecycle.md; R19 renew +1 year, R20 change keeps the
 * expiry and supersedes, R21 reissue keeps the expiry, revokes and charges the medium fee), on
 * SQLite and PostgreSQL. Refused steps change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatName } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  changePair,
  issueDual,
  legalPersonHistory,
  platformStatistics,
  plusOneYear,
  reissuePair,
  renewPair,
  revokeCertificate,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';

const USCC = '91330106MA2B3C4D5D';
const DAY = 86_400_000;
const csr = () => csrDer('杭州某某科技有限公司');

describe.each(STORE_KINDS)('lifecycle on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
  });
  afterAll(async () => t?.dispose());

  async function newPair(at: string) {
    clock.set(at);
    return issueDual(context, {
      request: csr(),
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司', legalRepresentative: '张三' },
      channel: 'counter',
      actor: 'op',
    });
  }

  it('ok/renew keeps +1 year: the new pair ends one year after the old one, the old stays valid', async () => {
    const old = await newPair('2026-03-01T00:00:00Z');
    clock.set(new Date(old.sign.notAfter.getTime() - 30 * DAY));
    const renewed = await renewPair(context, {
      serial: old.sign.serial,
      request: csr(),
      channel: 'online',
      actor: 'holder',
    });
    expect(renewed.sign.notAfter).toEqual(plusOneYear(old.sign.notAfter));
    expect(renewed.enc.notAfter).toEqual(plusOneYear(old.sign.notAfter));
    expect(renewed.sign.predecessorPairId).toBe(old.pairId);
    const oldNow = await t.store.read.queryCertificates({ pairId: old.pairId });
    expect(oldNow.every((c) => c.status === 'valid')).toBe(true);
    // both escrowed encryption keys stay with the KMC (documents encrypted to either still open)
    const escrowed = (await t.store.read.listEscrowedKeys(USCC)).map((k) => k.id);
    expect(escrowed).toEqual(expect.arrayContaining([old.enc.escrowId, renewed.enc.escrowId]));
  });

  it('error/renew before the window opens, or of a revoked pair, is refused and issues nothing', async () => {
    const old = await newPair('2026-03-02T00:00:00Z');
    const count = (await t.store.read.queryCertificates({})).length;
    clock.set('2026-06-01T00:00:00Z');
    await expect(
      renewPair(context, { serial: old.sign.serial, request: csr(), channel: 'online', actor: 'holder' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_STATE', message: expect.stringMatching(/renewal opens/) });
    await revokeCertificate(context, { serial: old.sign.serial, actor: 'op' });
    clock.set(new Date(old.sign.notAfter.getTime() - 10 * DAY));
    await expect(
      renewPair(context, { serial: old.enc.serial, request: csr(), channel: 'online', actor: 'holder' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_STATE', message: expect.stringMatching(/revoked/) });
    expect((await t.store.read.queryCertificates({})).length).toBe(count);
  });

  it('ok/change keeps the expiry, writes the new name and supersedes the old pair', async () => {
    const old = await newPair('2026-03-03T00:00:00Z');
    clock.set('2026-08-01T00:00:00Z');
    const changed = await changePair(context, {
      serial: old.sign.serial,
      request: csr(),
      legalPerson: { uscc: USCC, name: '杭州某某数字科技有限公司', legalRepresentative: '李四' },
      channel: 'counter',
      actor: 'op',
    });
    expect(changed.sign.notAfter).toEqual(old.sign.notAfter);
    expect(formatName(changed.signCertificate.tbs.subject)).toContain('O=杭州某某数字科技有限公司');
    const oldNow = await t.store.read.queryCertificates({ pairId: old.pairId });
    expect(oldNow.map((c) => [c.status, c.revocationReason])).toEqual([
      ['revoked', 'superseded'],
      ['revoked', 'superseded'],
    ]);
    expect((await t.store.read.getLegalPerson(USCC))?.name).toBe('杭州某某数字科技有限公司');
  });

  it('error/change of an expired pair or to another USCC is refused', async () => {
    const old = await newPair('2026-03-04T00:00:00Z');
    clock.set(new Date(old.sign.notAfter.getTime() + DAY));
    const base = { serial: old.sign.serial, request: csr(), channel: 'counter' as const, actor: 'op' };
    await expect(
      changePair(context, { ...base, legalPerson: { uscc: USCC, name: '新名称有限公司' } }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });
    clock.set('2026-05-01T00:00:00Z');
    await expect(
      changePair(context, { ...base, legalPerson: { uscc: '91110000100000000X', name: 'x' } }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
  });

  it('ok/reissue keeps the expiry, revokes the old pair (keyCompromise) and records the medium fee', async () => {
    const old = await newPair('2026-03-05T00:00:00Z');
    clock.set('2026-09-01T00:00:00Z');
    const counter = await reissuePair(context, {
      serial: old.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'op',
    });
    expect(counter.sign.notAfter).toEqual(old.sign.notAfter);
    const oldNow = await t.store.read.queryCertificates({ pairId: old.pairId });
    expect(oldNow.every((c) => c.status === 'revoked' && c.revocationReason === 'keyCompromise')).toBe(true);
    const charges = () => t.store.read.listCharges(USCC);
    expect((await charges()).find((c) => c.applicationId === counter.applicationId)).toMatchObject({
      code: 'medium.usbkey',
      amountFen: 8000,
      status: 'due',
      scheduleVersion: 1,
    });
    const mobile = await reissuePair(context, {
      serial: counter.sign.serial,
      request: csr(),
      channel: 'mobile',
      actor: 'holder',
    });
    expect((await charges()).find((c) => c.applicationId === mobile.applicationId)).toMatchObject({
      code: 'medium.usbkey',
      amountFen: 0,
      status: 'waived',
      note: expect.stringMatching(/^R21 mobile/),
    });
  });
  it('ok/history lists every step of the legal person; statistics count them by type and status', async () => {
    const h = await legalPersonHistory(t.store, USCC);
    expect(h.legalPerson.name).toBe('杭州某某科技有限公司'); // the later 新办 applications wrote the name back
    const types = h.applications.map((a) => a.businessType);
    expect(types.filter((x) => x === 'new')).toHaveLength(5);
    expect(types).toEqual(expect.arrayContaining(['renew', 'change', 'reissue']));
    expect(h.applications.every((a, i, all) => i === 0 || all[i - 1]!.createdAt <= a.createdAt)).toBe(true);
    expect(h.certificates).toHaveLength(2 * h.applications.length);

    clock.set('2026-09-02T00:00:00Z');
    const all = await platformStatistics(t.store, { at: clock.now(), expiringWithinDays: 365 });
    expect(all.legalPersons).toBe(1);
    expect(all.applicationsByBusinessType).toEqual({ new: 5, renew: 1, change: 1, reissue: 2 });
    expect(all.afterSales).toEqual({ reissue: 2, unlock: 0, recover: 0 });
    expect(all.certificatesByRole).toEqual({ sign: 9, enc: 9 });
    const revoked = h.certificates.filter((c) => c.status === 'revoked').length;
    expect(all.certificatesByStatus.revoked).toBe(revoked);
    const expiring = h.certificates.filter(
      (c) => c.status === 'valid' && c.notAfter >= clock.now() && +c.notAfter < +clock.now() + 365 * DAY,
    ).length;
    expect(all.expiring).toBe(expiring);
    const march = await platformStatistics(t.store, {
      at: clock.now(),
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-04T00:00:00Z'),
    });
    expect(march.applicationsByBusinessType).toEqual({ new: 3 });
    await expect(legalPersonHistory(t.store, '123')).rejects.toMatchObject({ code: 'YZ_ERR_USCC' });
  });
});
