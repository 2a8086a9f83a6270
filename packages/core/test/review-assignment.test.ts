/**
 * Review assignment 审核分派 (R26, R37), on SQLite and PostgreSQL: an application in review is
 * claimed by a reviewer, handed to another, audited each time; an inactive or non-reviewer, the
 * submitter, or an application not in review are refused and change nothing; the assignment does
 * not stop another reviewer deciding (four eyes binds, not the assignment).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  type AccountActor,
  type ApplicationContext,
  FixedClock,
  approveReview,
  assignReview,
  assignmentOf,
  createOperator,
  submitApplication,
  updateOperator,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const ADMIN: AccountActor = { name: 'operator:admin', roles: ['ca-admin'], branchId: null };
const NINGBO = { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司', legalRepresentative: '李四' };
const reviewer = (login: string): AccountActor => ({
  name: `operator:${login}`,
  roles: ['reviewer'],
  branchId: null,
});

describe.each(STORE_KINDS)('review assignment on %s', (kind) => {
  let t: TestStore;
  let context: ApplicationContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');
  let id = '';

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = {
      ...(await demoContext(t.store, clock)),
      registry: {
        lookup: async (uscc) =>
          uscc === NINGBO.uscc
            ? { ...NINGBO, status: 'active', registeredAt: clock.now(), updatedAt: clock.now() }
            : undefined,
        events: async () => [],
      },
    };
    for (const login of ['wang', 'zhao', 'qian'])
      await createOperator(
        context,
        { login, name: login, roles: ['reviewer'], password: 'Review-desk-2026' },
        ADMIN,
      );
    await createOperator(
      context,
      { login: 'shen', name: 'shen', roles: ['auditor'], password: 'Audit-desk-2026' },
      ADMIN,
    );
    await updateOperator(context, 'qian', { status: 'disabled' }, ADMIN);
    const submitted = await submitApplication(context, {
      businessType: 'new',
      request: buildCertificationRequest({ subject: parseName('C=CN,CN=宁波') }, Sm2PrivateKey.generate())
        .der,
      legalPerson: { ...NINGBO, legalRepresentative: '王五' },
      channel: 'counter',
      actor: 'operator:zhao',
    });
    if (submitted.state !== 'review') throw new Error('expected review');
    id = submitted.application.id;
  });
  afterAll(async () => t?.dispose());

  const audit = async () => t.store.read.auditEntries(1);

  it('ok/claimed, then handed on; each audited; the review data stays whole', async () => {
    const claimed = await assignReview(context, { applicationId: id, actor: reviewer('wang') });
    expect(assignmentOf(claimed)).toEqual({
      reviewer: 'wang',
      by: 'operator:wang',
      at: clock.now().toISOString(),
    });
    expect((claimed.data as { registryCheck: { outcome: string } }).registryCheck.outcome).toBe('mismatch');
    clock.advance(60_000);
    const handed = await assignReview(context, { applicationId: id, reviewer: 'wang', actor: ADMIN });
    expect(assignmentOf(handed)).toMatchObject({ reviewer: 'wang', by: 'operator:admin' });
    const entries = (await audit()).filter((e) => e.action === 'application.review.assign');
    expect(entries.map((e) => [e.actor, e.detail.reviewer, e.detail.previous])).toEqual([
      ['operator:wang', 'wang', null],
      ['operator:admin', 'wang', 'wang'],
    ]);
  });

  it.each([
    ['error/a disabled reviewer', 'qian'],
    ['error/an operator who is no reviewer', 'shen'],
    ['error/the submitter', 'zhao'],
    ['error/nobody by that login', 'nobody'],
  ])('%s is refused (YZ_ERR_STATE) and nothing changes', async (_name, login) => {
    const before = (await audit()).length;
    await expect(
      assignReview(context, { applicationId: id, reviewer: login, actor: ADMIN }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
    });
    expect((await audit()).length).toBe(before);
    expect(assignmentOf((await t.store.read.getApplication(id))!)?.reviewer).toBe('wang');
  });

  it('ok/another reviewer may still decide; then the application is no longer assignable', async () => {
    await approveReview(context, { applicationId: id, reviewer: 'operator:zhao-not-submitter' });
    await expect(assignReview(context, { applicationId: id, actor: reviewer('wang') })).rejects.toMatchObject(
      {
        code: 'YZ_ERR_STATE',
      },
    );
  });
});
