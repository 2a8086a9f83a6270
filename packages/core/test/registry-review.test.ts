/**
 * The registry check and manual review (R26), and registry events into batch revocation (R23), on
 * SQLite and PostgreSQL. The registry here is a table behind the port (the HTTP adapter and the
 * seeded simulator are tested in @yizheng/connectors): a match issues at once, a mismatch, an
 * unknown code or a registry outage goes to review with the differences, a deregistered legal
 * person is refused, and review decisions follow the four-eyes rule and are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationContext,
  CoreError,
  FixedClock,
  type LegalPersonRegistry,
  type RegistryEvent,
  type RegistryRecord,
  approveReview,
  compareWithRegistry,
  normaliseRegisteredName,
  rejectReview,
  reviewData,
  reviewQueue,
  submitApplication,
  syncRegistryEvents,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';

/** The registry as a table; `down` makes it answer like a gateway that timed out. */
class TableRegistry implements LegalPersonRegistry {
  readonly records = new Map<string, RegistryRecord>();
  readonly published: RegistryEvent[] = [];
  down = false;
  async lookup(uscc: string): Promise<RegistryRecord | undefined> {
    if (this.down)
      throw new CoreError('YZ_ERR_REGISTRY_UNAVAILABLE', 'gateway did not answer within 2000 ms');
    return this.records.get(uscc);
  }
  async events(since: Date): Promise<RegistryEvent[]> {
    return this.published.filter((e) => e.at >= since);
  }
  add(uscc: string, name: string, legalRepresentative: string, status: RegistryRecord['status'] = 'active') {
    const at = new Date('2019-05-20T00:00:00+08:00');
    this.records.set(uscc, { uscc, name, legalRepresentative, status, registeredAt: at, updatedAt: at });
  }
}

const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };
const GROUP = { uscc: '91330000MA2D0A1B2L', name: '浙江示例（集团）有限公司', legalRepresentative: '陈建国' };
const NINGBO = { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司', legalRepresentative: '李四' };
const HUZHOU = { uscc: '91330502MA2Q9W6A3X', name: '湖州示例竹木制品有限公司', legalRepresentative: '蒋涛' };
const ZHOUSHAN = {
  uscc: '91330902MA2Y3D9G5L',
  name: '舟山示例海洋渔业有限公司',
  legalRepresentative: '许亮',
};
const YIWU = {
  uscc: '91330782MA2W8B5E14',
  name: '义乌市示例小商品贸易有限公司',
  legalRepresentative: '朱红',
};
const UNKNOWN = '91330108MA27XK3P14';

const csr = () => csrDer('杭州某某科技有限公司');

describe('registry comparison (R26)', () => {
  const record: RegistryRecord = {
    ...GROUP,
    status: 'active',
    registeredAt: new Date('2003-11-04T00:00:00+08:00'),
    updatedAt: new Date('2003-11-04T00:00:00+08:00'),
  };
  it.each([
    ['half-width brackets', '浙江示例(集团)有限公司'],
    ['spaces and an ideographic space', '浙江示例 （集团）\u3000有限公司'],
    ['full-width brackets as registered', '浙江示例（集团）有限公司'],
  ])('ok/name with %s matches', (_, name) => {
    expect(compareWithRegistry({ name, legalRepresentative: '陈建国' }, record)).toEqual([]);
  });
  it('ok/middle dots of a transliterated name are one character', () => {
    expect(normaliseRegisteredName('阿依古丽•买买提')).toBe(normaliseRegisteredName('阿依古丽·买买提'));
  });
  it('mismatch/a different word in the name, and the representative, are differences', () => {
    expect(
      compareWithRegistry({ name: '浙江示例集团有限公司', legalRepresentative: '陈国建' }, record),
    ).toEqual([
      { field: 'name', applied: '浙江示例集团有限公司', registry: '浙江示例（集团）有限公司' },
      { field: 'legalRepresentative', applied: '陈国建', registry: '陈建国' },
    ]);
  });
});

describe.each(STORE_KINDS)('registry check and review on %s (R26)', (kind) => {
  let t: TestStore;
  let context: ApplicationContext;
  const registry = new TableRegistry();
  const clock = new FixedClock('2026-03-01T02:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = { ...(await demoContext(t.store, clock)), registry };
    registry.add(HANGZHOU.uscc, HANGZHOU.name, HANGZHOU.legalRepresentative);
    registry.add(GROUP.uscc, GROUP.name, GROUP.legalRepresentative);
    registry.add(NINGBO.uscc, NINGBO.name, NINGBO.legalRepresentative);
    registry.add(HUZHOU.uscc, HUZHOU.name, HUZHOU.legalRepresentative, 'deregistered');
    registry.add(ZHOUSHAN.uscc, ZHOUSHAN.name, ZHOUSHAN.legalRepresentative);
    registry.add(YIWU.uscc, YIWU.name, YIWU.legalRepresentative);
  });
  afterAll(async () => t?.dispose());

  const submit = (legalPerson: typeof HANGZHOU, actor = 'counter-op-1') =>
    submitApplication(context, {
      businessType: 'new',
      request: csr(),
      legalPerson,
      channel: 'counter',
      actor,
    });

  async function counts() {
    return {
      certificates: (await t.store.read.queryCertificates({})).length,
      audit: (await t.store.read.auditEntries(1)).length,
    };
  }

  it('ok/match issues at once; the check is kept with the application, the registry status recorded', async () => {
    const result = await submit({ ...GROUP, name: '浙江示例(集团)有限公司' });
    expect(result.state).toBe('completed');
    if (result.state !== 'completed') return;
    expect(result.check).toEqual({ outcome: 'match', differences: [], registryStatus: 'active' });
    const application = await t.store.read.getApplication(result.pair.applicationId);
    expect(application).toMatchObject({ state: 'completed', businessType: 'new' });
    expect(application?.data.registryCheck).toEqual({
      outcome: 'match',
      differences: [],
      registryStatus: 'active',
      checkedAt: '2026-03-01T02:00:00.000Z',
    });
    expect((await t.store.read.getLegalPerson(GROUP.uscc))?.registryStatus).toBe('active');
    expect(result.pair.sign.applicationId).toBe(application?.id);
  });

  it('review/a name that differs goes to review with the differences and the CSR; nothing is issued', async () => {
    const before = await counts();
    const result = await submit({ ...HANGZHOU, name: '杭州某某信息科技有限公司' });
    expect(result.state).toBe('review');
    if (result.state !== 'review') return;
    expect(result.check.outcome).toBe('mismatch');
    expect(result.check.differences).toEqual([
      { field: 'name', applied: '杭州某某信息科技有限公司', registry: '杭州某某科技有限公司' },
    ]);
    const review = reviewData(result.application);
    expect(review.request).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(review.submittedBy).toBe('counter-op-1');
    expect(review.registryCheck.differences).toEqual(result.check.differences);
    const after = await counts();
    expect(after.certificates).toBe(before.certificates);
    const last = (await t.store.read.auditEntries(after.audit)).at(-1);
    expect(last).toMatchObject({
      action: 'application.submit',
      object: `application:${result.application.id}`,
    });
    expect((await reviewQueue(t.store)).map((a) => a.id)).toContain(result.application.id);
  });

  it('review/a code the registry does not hold goes to review as not-found', async () => {
    const result = await submit({
      uscc: UNKNOWN,
      name: '杭州示例网络技术有限公司',
      legalRepresentative: '王芳',
    });
    expect(result).toMatchObject({ state: 'review', check: { outcome: 'not-found', differences: [] } });
  });

  it('review/a registry outage goes to review with the reason, not to a refusal', async () => {
    registry.down = true;
    try {
      const result = await submit(NINGBO);
      expect(result).toMatchObject({
        state: 'review',
        check: { outcome: 'unavailable', reason: 'gateway did not answer within 2000 ms' },
      });
    } finally {
      registry.down = false;
    }
  });

  it('error/a deregistered legal person is refused with a code and nothing is stored', async () => {
    const before = await counts();
    await expect(submit(HUZHOU)).rejects.toMatchObject({
      code: 'YZ_ERR_LEGAL_PERSON_INACTIVE',
      message: expect.stringMatching(/注销 deregistered/),
    });
    expect(await counts()).toEqual(before);
    expect(await t.store.read.listApplications(HUZHOU.uscc)).toEqual([]);
  });

  it('error/bad input is refused before the registry is asked', async () => {
    await expect(submit({ ...HANGZHOU, uscc: '91330106MA2B3C4D5X' })).rejects.toMatchObject({
      code: 'YZ_ERR_USCC',
    });
    await expect(submit({ ...HANGZHOU, legalRepresentative: ' ' })).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
  });

  it('error/the submitter cannot approve their own application; nothing changes', async () => {
    const result = await submit({ ...HANGZHOU, legalRepresentative: '张珊' }, 'counter-op-2');
    if (result.state !== 'review') throw new Error('expected review');
    const before = await counts();
    await expect(
      approveReview(context, { applicationId: result.application.id, reviewer: 'counter-op-2' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_STATE', message: expect.stringMatching(/submitter/) });
    expect(await counts()).toEqual(before);
    expect((await t.store.read.getApplication(result.application.id))?.state).toBe('review');
  });

  it('ok/approval by another reviewer issues, completes the application and is audited', async () => {
    const result = await submit({ ...NINGBO, name: '宁波某某贸易有限公司（已更名）' }, 'counter-op-3');
    if (result.state !== 'review') throw new Error('expected review');
    const id = result.application.id;
    clock.set('2026-03-02T01:00:00Z');
    const pair = await approveReview(context, {
      applicationId: id,
      reviewer: 'reviewer-9',
      note: '营业执照原件已核',
    });
    expect(pair.applicationId).toBe(id);
    expect(pair.sign.notBefore).toEqual(new Date('2026-03-02T01:00:00Z'));
    const application = await t.store.read.getApplication(id);
    expect(application).toMatchObject({ state: 'completed', actor: 'reviewer-9' });
    expect(application?.data.review).toMatchObject({
      decision: 'approved',
      by: 'reviewer-9',
      note: '营业执照原件已核',
    });
    expect(application?.data.registryCheck).toMatchObject({ outcome: 'mismatch' });
    expect(
      (await t.store.read.queryCertificates({ pairId: pair.pairId })).map((c) => c.applicationId),
    ).toEqual([id, id]);
    const entries = await t.store.read.auditEntries(1);
    expect(entries.find((e) => e.action === 'application.review.approve')).toMatchObject({
      actor: 'reviewer-9',
      object: `application:${id}`,
      reason: '营业执照原件已核',
      detail: { submittedBy: 'counter-op-3', outcome: 'mismatch' },
    });
    await expect(approveReview(context, { applicationId: id, reviewer: 'reviewer-8' })).rejects.toMatchObject(
      {
        code: 'YZ_ERR_STATE',
      },
    );
    expect((await reviewQueue(t.store)).map((a) => a.id)).not.toContain(id);
  });

  it('ok/rejection closes the application with the reason, audited; it can no longer be approved', async () => {
    const result = await submit({ ...HANGZHOU, name: '杭州某某科技股份有限公司' });
    if (result.state !== 'review') throw new Error('expected review');
    const id = result.application.id;
    await expect(rejectReview(context, { applicationId: id, reviewer: 'reviewer-9' })).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
    const rejected = await rejectReview(context, {
      applicationId: id,
      reviewer: 'reviewer-9',
      note: '名称与营业执照不符',
    });
    expect(rejected).toMatchObject({ state: 'rejected', actor: 'reviewer-9' });
    expect(rejected.data.review).toMatchObject({ decision: 'rejected', note: '名称与营业执照不符' });
    const entries = await t.store.read.auditEntries(1);
    expect(entries.find((e) => e.action === 'application.review.reject')).toMatchObject({
      object: `application:${id}`,
      reason: '名称与营业执照不符',
    });
    await expect(approveReview(context, { applicationId: id, reviewer: 'reviewer-8' })).rejects.toMatchObject(
      {
        code: 'YZ_ERR_STATE',
      },
    );
    await expect(
      approveReview(context, { applicationId: 'app-none', reviewer: 'reviewer-8' }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
  });

  it('ok/registry events revoke the certificates of deregistered and revoked legal persons; applying them again changes nothing (R23)', async () => {
    const yiwu = await submit(YIWU);
    const zhoushan = await submit(ZHOUSHAN);
    if (yiwu.state !== 'completed' || zhoushan.state !== 'completed') throw new Error('expected issuance');
    const day = (d: string) => new Date(`${d}T00:00:00+08:00`);
    registry.published.push(
      {
        id: 'RE-20260305-1',
        uscc: YIWU.uscc,
        type: 'deregistration',
        at: day('2026-03-05'),
        note: '义乌市市场监督管理局 注销登记',
      },
      {
        id: 'RE-20260306-2',
        uscc: ZHOUSHAN.uscc,
        type: 'revocation',
        at: day('2026-03-06'),
        note: '吊销营业执照',
      },
      {
        id: 'RE-20260307-3',
        uscc: GROUP.uscc,
        type: 'change',
        at: day('2026-03-07'),
        changes: [{ field: 'legalRepresentative', from: '陈建国', to: '陈立' }],
      },
      { id: 'RE-20260308-4', uscc: UNKNOWN, type: 'change', at: day('2026-03-08') },
      { id: 'RE-20260309-5', uscc: '91330602MA2R2X8B59', type: 'deregistration', at: day('2026-03-09') },
    );
    clock.set('2026-03-10T01:00:00Z');
    const progress: number[] = [];
    const first = await syncRegistryEvents(context, {
      since: day('2026-03-01'),
      actor: 'registry-sync',
      onProgress: (done) => progress.push(done),
    });
    expect(first.events).toBe(5);
    expect(first.revocations).toEqual([
      { uscc: YIWU.uscc, ok: true, revoked: 2 },
      { uscc: ZHOUSHAN.uscc, ok: true, revoked: 2 },
    ]);
    expect(progress).toEqual([1, 2]);
    expect(first.changes.map((c) => c.id)).toEqual(['RE-20260307-3']);
    expect(first.skipped).toBe(1 + 1);
    const reasons = async (uscc: string) =>
      (await t.store.read.queryCertificates({ uscc })).map((c) => [c.status, c.revocationReason]);
    expect(await reasons(YIWU.uscc)).toEqual([
      ['revoked', 'cessationOfOperation'],
      ['revoked', 'cessationOfOperation'],
    ]);
    expect(await reasons(ZHOUSHAN.uscc)).toEqual([
      ['revoked', 'privilegeWithdrawn'],
      ['revoked', 'privilegeWithdrawn'],
    ]);
    expect((await t.store.read.getLegalPerson(YIWU.uscc))?.registryStatus).toBe('deregistered');
    expect((await t.store.read.getLegalPerson(ZHOUSHAN.uscc))?.registryStatus).toBe('revoked');
    const audit = (await counts()).audit;
    const again = await syncRegistryEvents(context, { since: day('2026-03-01'), actor: 'registry-sync' });
    expect(again.revocations).toEqual([]);
    expect(again.skipped).toBe(4);
    expect((await counts()).audit).toBe(audit);
  });
});
