/**
 * The first run's demo counter (issue 6 "Done when", R33): on SQLite and PostgreSQL,
 * `ensureDemoCounter` opens the demo branch, makes its counter operator with a generated
 * password that logs in, and receives the demo USB-KEYs into the branch's stock — each step
 * audited; a second call changes nothing and returns nothing (no second password).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_COUNTER,
  FixedClock,
  type MediaContext,
  SoPinVault,
  ensureDemoCounter,
  loginWithPassword,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';

describe.each(STORE_KINDS)('the demo counter on %s', (kind) => {
  let t: TestStore;
  let context: MediaContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = { store: t.store, clock, soPins: new SoPinVault('vault master secret for tests') };
  });
  afterAll(async () => t?.dispose());

  it('ok/branch, operator with a once-returned password, demo keys in stock, all audited', async () => {
    const made = await ensureDemoCounter(context, 'system:first-run');
    expect(made).toMatchObject({ login: 'counter', branchId: 'hz-xihu', media: 5 });
    expect(await t.store.read.getOperator('counter')).toMatchObject({
      branchId: 'hz-xihu',
      roles: ['branch-operator'],
      status: 'active',
    });
    const session = await loginWithPassword(context, { login: 'counter', password: made!.password });
    expect(session.token).toMatch(/.+/);
    const media = await t.store.read.queryMedia({ branchId: 'hz-xihu', limit: 100 });
    expect(media.map((m) => [m.serial, m.model, m.batch, m.state])).toEqual(
      DEMO_COUNTER.serials.map((serial) => [serial, 'DEMO-ePass3000GM', 'DEMO-2026-01', 'stock']),
    );
    const actions = (await t.store.read.auditEntries(1)).map((e) => [e.actor, e.action]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['system:first-run', 'branch.create'],
        ['system:first-run', 'operator.create'],
        ['system:first-run', 'medium.receive'],
      ]),
    );
  });

  it('ok/a second call makes nothing and shows no password', async () => {
    const before = (await t.store.read.auditEntries(1)).length;
    expect(await ensureDemoCounter(context, 'system:first-run')).toBeUndefined();
    expect((await t.store.read.auditEntries(1)).length).toBe(before);
  });
});
