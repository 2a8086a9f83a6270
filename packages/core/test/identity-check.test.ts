/**
 * The counter's identity check of remote applications whose online check failed (R33), on SQLite
 * and PostgreSQL: the application waits in `identity-check` with nothing issued; at a counter the
 * checklist is required, then the registry decides — a match issues and completes the same
 * application, a mismatch goes to review (and a reviewer can approve it), a revoked legal person
 * is refused and the application rejected; a second verification of the same one is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  type AccountActor,
  type ApplicationContext,
  type ChecklistMaterial,
  FixedClock,
  type LegalPersonRegistry,
  type RegistryRecord,
  approveReview,
  holdForIdentityCheck,
  verifyIdentityAtCounter,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const XIHU: AccountActor = { name: 'operator:xihu-op', roles: ['branch-operator'], branchId: 'hz-xihu' };
const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };
const NINGBO = { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司', legalRepresentative: '李四' };
const HUZHOU = { uscc: '91330502MA2Q9W6A3X', name: '湖州示例竹木制品有限公司', legalRepresentative: '蒋涛' };

class Registry implements LegalPersonRegistry {
  async lookup(uscc: string): Promise<RegistryRecord | undefined> {
    const at = new Date('2019-05-20T00:00:00+08:00');
    const person = [HANGZHOU, NINGBO, HUZHOU].find((p) => p.uscc === uscc);
    if (!person) return undefined;
    // the registry has 王五 for Ningbo: applying with 李四 is a mismatch
    const legalRepresentative = person === NINGBO ? '王五' : person.legalRepresentative;
    const status = person === HUZHOU ? 'revoked' : 'active';
    return { ...person, legalRepresentative, status, registeredAt: at, updatedAt: at };
  }
  async events() {
    return [];
  }
}

const csr = (name: string) =>
  buildCertificationRequest({ subject: parseName(`C=CN,CN=${name}`) }, Sm2PrivateKey.generate()).der;
const scans: ChecklistMaterial[] = (
  [
    ['application-form', 'application-form'],
    ['business-licence', 'business-licence'],
    ['representative-id', 'id-card'],
  ] as const
).map(([item, kind]) => ({ item, kind, fileName: `${item}.png`, size: 10, sm3: 'cd'.repeat(32) }));

/** A coded refusal of the core (nothing changed is asserted where it matters). */
const refused = (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toMatchObject({ name: 'CoreError', code });

describe.each(STORE_KINDS)('identity check at the counter on %s (R33)', (kind) => {
  let t: TestStore;
  let context: ApplicationContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = { ...(await demoContext(t.store, clock)), registry: new Registry() };
  });
  afterAll(async () => t?.dispose());

  const hold = (person: typeof HANGZHOU) =>
    holdForIdentityCheck(context, {
      businessType: 'new',
      request: csr(person.name),
      legalPerson: person,
      channel: 'mobile',
      actor: `legal-person:${person.uscc}`,
      identityCheck: { outcome: 'failed', method: 'face', reference: 'face-20260301-0001' },
    });

  it('ok/a failed online check waits for the counter; a match then issues the same application', async () => {
    const waiting = await hold(HANGZHOU);
    expect(waiting.state).toBe('identity-check');
    expect(await t.store.read.queryCertificates({ uscc: HANGZHOU.uscc })).toEqual([]);
    await refused(
      verifyIdentityAtCounter(context, { applicationId: waiting.id, materials: scans.slice(0, 2) }, XIHU),
      'YZ_ERR_CHECKLIST',
    );
    expect((await t.store.read.getApplication(waiting.id))?.state).toBe('identity-check');
    const result = await verifyIdentityAtCounter(
      context,
      { applicationId: waiting.id, materials: scans },
      XIHU,
    );
    if (result.state !== 'completed') throw new Error('expected issued');
    expect(result.pair.applicationId).toBe(waiting.id);
    const done = await t.store.read.getApplication(waiting.id);
    expect(done?.state).toBe('completed');
    expect(done?.channel).toBe('mobile');
    expect(done?.data.counterVerification).toMatchObject({ branchId: 'hz-xihu', operator: XIHU.name });
    await refused(
      verifyIdentityAtCounter(context, { applicationId: waiting.id, materials: scans }, XIHU),
      'YZ_ERR_STATE',
    );
  });

  it('ok/a registry mismatch goes to review, where a reviewer approves it', async () => {
    const waiting = await hold(NINGBO);
    const result = await verifyIdentityAtCounter(
      context,
      { applicationId: waiting.id, materials: scans },
      XIHU,
    );
    expect(result.state).toBe('review');
    const pair = await approveReview(context, { applicationId: waiting.id, reviewer: 'operator:reviewer' });
    expect(pair.applicationId).toBe(waiting.id);
  });

  it('refused/a revoked legal person: the application is rejected, nothing issued', async () => {
    const waiting = await hold(HUZHOU);
    await refused(
      verifyIdentityAtCounter(context, { applicationId: waiting.id, materials: scans }, XIHU),
      'YZ_ERR_LEGAL_PERSON_INACTIVE',
    );
    expect((await t.store.read.getApplication(waiting.id))?.state).toBe('rejected');
    expect(await t.store.read.queryCertificates({ uscc: HUZHOU.uscc })).toEqual([]);
  });
});
