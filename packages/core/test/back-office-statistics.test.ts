/**
 * The back office's statistics and audit search (R25, R37, R3), on SQLite and PostgreSQL: the
 * operations done here (新办 issue at two branches and online, 更新 renew, 变更 change, 补办
 * reissue, 撤销 revoke on different days) come back counted by day, week and month and by
 * branch, channel, profile and business type; the expiring list; the audit search's filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  changePair,
  createBranch,
  createOperator,
  expiringCertificates,
  issueDual,
  operationStatistics,
  reissuePair,
  renewPair,
  revokeCertificate,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const DAY = 86_400_000;
const ADMIN = { name: 'operator:admin', roles: ['ca-admin' as const], branchId: null };
const csr = () =>
  buildCertificationRequest({ subject: parseName('C=CN,CN=统计测试') }, Sm2PrivateKey.generate()).der;

describe.each(STORE_KINDS)('back-office statistics on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  // 2026-03-02 is a Monday; 08:00 local (UTC+8) is 00:00 UTC
  const clock = new FixedClock('2026-03-02T02:00:00Z');
  const issued: IssuedPair[] = [];
  let renewed: IssuedPair;

  async function issue(n: number, at: string, actor: string, channel: 'counter' | 'online') {
    clock.set(at);
    const pair = await issueDual(context, {
      request: csr(),
      legalPerson: { uscc: testUscc(n), name: `统计测试${n}`, legalRepresentative: '张三' },
      channel,
      actor,
    });
    issued.push(pair);
    return pair;
  }

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    for (const id of ['hz-xihu', 'nb-yinzhou'])
      await createBranch(context, { id, name: id, regionCode: '330106', address: '某路 1 号' }, ADMIN);
    await createOperator(
      context,
      {
        login: 'xihu',
        name: '西湖',
        roles: ['branch-operator'],
        branchId: 'hz-xihu',
        password: 'Counter-pass-1',
      },
      ADMIN,
    );
    await createOperator(
      context,
      {
        login: 'yinzhou',
        name: '鄞州',
        roles: ['branch-operator'],
        branchId: 'nb-yinzhou',
        password: 'Counter-pass-1',
      },
      ADMIN,
    );
    // Monday 2 March: two at 西湖, one online
    const a = await issue(1, '2026-03-02T02:00:00Z', 'operator:xihu', 'counter');
    const b = await issue(2, '2026-03-02T03:00:00Z', 'operator:xihu', 'counter');
    await issue(3, '2026-03-02T04:00:00Z', 'legal-person:x', 'online');
    // 23:30 UTC on 3 March is 07:30 on Wednesday 4 March in China: counted on the 4th
    const c = await issue(4, '2026-03-03T23:30:00Z', 'operator:yinzhou', 'counter');
    // the next week: change at 鄞州, reissue at 西湖, a revocation; in April a renewal
    clock.set('2026-03-10T02:00:00Z');
    await changePair(context, {
      serial: a.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'operator:yinzhou',
      legalPerson: { uscc: testUscc(1), name: '统计测试1改', legalRepresentative: '张三' },
    });
    clock.set('2026-03-11T02:00:00Z');
    await reissuePair(context, {
      serial: b.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'operator:xihu',
    });
    clock.set('2026-03-12T02:00:00Z');
    await revokeCertificate(context, {
      serial: c.sign.serial,
      actor: 'operator:yinzhou',
      reason: 'cessationOfOperation',
      // at the 鄞州 counter, as the API passes an operator's branch and channel
      branchId: 'nb-yinzhou',
      channel: 'counter',
    });
    const d = issued[2]!;
    clock.set(new Date(d.sign.notAfter.getTime() - 20 * DAY));
    renewed = await renewPair(context, {
      serial: d.sign.serial,
      request: csr(),
      channel: 'online',
      actor: 'legal-person:x',
    });
    // the legal person then revokes the renewed pair online (no branch)
    clock.set(new Date(renewed.sign.createdAt.getTime() + DAY));
    await revokeCertificate(context, {
      serial: renewed.sign.serial,
      actor: 'legal-person:x',
      reason: 'cessationOfOperation',
      channel: 'online',
      branchId: null,
    });
  });
  afterAll(async () => t?.dispose());

  it('ok/by day and business type: each operation on its local day, revocations apart from replacements', async () => {
    const stats = await operationStatistics(t.store, {
      from: '2026-03-01',
      to: '2026-03-14',
      granularity: 'day',
      groupBy: 'businessType',
    });
    expect(stats.periods).toHaveLength(14);
    const cell = (period: string, type: string) =>
      stats.rows
        .filter((r) => r.period === period && r.businessType === type)
        .reduce((n, r) => n + r.count, 0);
    expect(cell('2026-03-02', 'new')).toBe(3);
    expect(cell('2026-03-03', 'new')).toBe(0);
    expect(cell('2026-03-04', 'new')).toBe(1);
    expect(cell('2026-03-10', 'change')).toBe(1);
    expect(cell('2026-03-11', 'reissue')).toBe(1);
    // the change and the reissue revoked their old pairs too, but only the plain revocation counts
    expect(cell('2026-03-12', 'revoke')).toBe(1);
    expect(stats.totals).toMatchObject({ new: 4, change: 1, reissue: 1, revoke: 1, renew: 0, unlock: 0 });
    expect(stats.afterSales).toBe(2);
  });

  it('ok/by week (Monday) and month', async () => {
    const weeks = await operationStatistics(t.store, {
      from: '2026-03-01',
      to: '2026-03-31',
      granularity: 'week',
      groupBy: 'businessType',
    });
    expect(weeks.periods.slice(0, 3)).toEqual(['2026-02-23', '2026-03-02', '2026-03-09']);
    const sum = (rows: typeof weeks.rows, period: string) =>
      rows.filter((r) => r.period === period).reduce((n, r) => n + r.count, 0);
    expect(sum(weeks.rows, '2026-03-02')).toBe(4);
    expect(sum(weeks.rows, '2026-03-09')).toBe(3);
    const months = await operationStatistics(t.store, {
      from: '2026-01-01',
      to: '2027-12-31',
      granularity: 'month',
      groupBy: 'businessType',
    });
    expect(months.periods).toHaveLength(24);
    expect(sum(months.rows, '2026-03-01')).toBe(7);
    expect(months.totals.renew).toBe(1);
  });

  it('ok/by branch, channel and profile', async () => {
    const range = { from: '2026-03-01', to: '2026-03-31', granularity: 'month' as const };
    const byBranch = await operationStatistics(t.store, { ...range, groupBy: 'branch' });
    const of = (rows: typeof byBranch.rows, group: string, type: string) =>
      rows.find((r) => r.group === group && r.businessType === type)?.count ?? 0;
    expect(of(byBranch.rows, 'hz-xihu', 'new')).toBe(2);
    expect(of(byBranch.rows, 'hz-xihu', 'reissue')).toBe(1);
    expect(of(byBranch.rows, 'nb-yinzhou', 'new')).toBe(1);
    expect(of(byBranch.rows, 'nb-yinzhou', 'change')).toBe(1);
    expect(of(byBranch.rows, '', 'new')).toBe(1); // online: no branch
    const byChannel = await operationStatistics(t.store, { ...range, groupBy: 'channel' });
    expect(of(byChannel.rows, 'counter', 'new')).toBe(3);
    expect(of(byChannel.rows, 'online', 'new')).toBe(1);
    const byProfile = await operationStatistics(t.store, { ...range, groupBy: 'profile' });
    const profile = byProfile.rows.find((r) => r.businessType === 'new')!.group;
    expect(profile).not.toBe('');
    expect(of(byProfile.rows, profile, 'new')).toBe(4);
  });

  it('ok/revocations by branch, channel and profile: who revoked, the issuing profile', async () => {
    const range = { from: '2026-03-01', to: '2027-12-31', granularity: 'month' as const };
    const revokes = async (groupBy: 'branch' | 'channel' | 'profile') => {
      const stats = await operationStatistics(t.store, { ...range, groupBy });
      const counts: Record<string, number> = {};
      for (const r of stats.rows.filter((row) => row.businessType === 'revoke'))
        counts[r.group] = (counts[r.group] ?? 0) + r.count;
      return counts;
    };
    // the 鄞州 counter revocation and the online one; change and reissue count as themselves
    expect(await revokes('branch')).toEqual({ 'nb-yinzhou': 1, '': 1 });
    expect(await revokes('channel')).toEqual({ counter: 1, online: 1 });
    // both pairs were issued under the profile every issuance here used
    const issuedUnder = (await operationStatistics(t.store, { ...range, groupBy: 'profile' })).rows.find(
      (r) => r.businessType === 'new',
    )!.group;
    expect(issuedUnder).not.toBe('');
    expect(await revokes('profile')).toEqual({ [issuedUnder]: 2 });
  });

  it.each([
    ['error/not a date', '2026-02-30', '2026-03-01'],
    ['error/to before from', '2026-03-02', '2026-03-01'],
    ['error/too many periods', '2000-01-01', '2026-03-01'],
  ])('%s is refused', async (_name, from, to) => {
    await expect(
      operationStatistics(t.store, { from, to, granularity: 'day', groupBy: 'branch' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
  });

  it('ok/expiring: valid signing certificates within the horizon, soonest first', async () => {
    const firstExpiry = Math.min(...issued.map((p) => p.sign.notAfter.getTime()));
    const at = new Date(firstExpiry - 5 * DAY);
    const soon = await expiringCertificates(t.store, { at, days: 10, limit: 2 });
    const valid = (await t.store.read.queryCertificates({ role: 'sign', status: 'valid' })).filter(
      (c) => c.notAfter >= at && c.notAfter.getTime() < at.getTime() + 10 * DAY,
    );
    expect(soon.total).toBe(valid.length);
    expect(soon.total).toBeGreaterThan(0);
    expect(soon.certificates.every((c) => c.role === 'sign' && c.status === 'valid')).toBe(true);
    const times = soon.certificates.map((c) => c.notAfter.getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('ok/audit search: by action, actor, text and time, newest first, paged', async () => {
    const revoked = issued[3]!;
    const revocations = await t.store.read.queryAudit({
      action: 'certificate.revoke',
      text: revoked.sign.serial.toLowerCase(),
      limit: 10,
    });
    expect(revocations).toHaveLength(1);
    expect(revocations[0]!.actor).toBe('operator:yinzhou');
    const byUscc = await t.store.read.queryAudit({
      action: 'certificate.revoke',
      text: testUscc(4),
      limit: 10,
    });
    expect(byUscc.map((e) => e.object).sort()).toEqual(
      [
        `certificate:${revoked.sign.caId}:${revoked.sign.serial}`,
        `certificate:${revoked.enc.caId}:${revoked.enc.serial}`,
      ].sort(),
    );
    const mine = await t.store.read.queryAudit({ actor: 'operator:xihu', limit: 100 });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.actor === 'operator:xihu')).toBe(true);
    const seqs = mine.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    const page = await t.store.read.queryAudit({ actor: 'operator:xihu', beforeSeq: seqs[0], limit: 100 });
    expect(page.map((e) => e.seq)).toEqual(seqs.slice(1));
    const march12 = await t.store.read.queryAudit({
      from: new Date('2026-03-12T00:00:00Z'),
      to: new Date('2026-03-13T00:00:00Z'),
      limit: 100,
    });
    expect(march12.length).toBeGreaterThan(0);
    expect(march12.every((e) => e.action === 'certificate.revoke')).toBe(true);
    expect(await t.store.read.queryAudit({ text: '100%_none', limit: 10 })).toEqual([]);
  });
});
