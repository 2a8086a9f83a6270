/**
 * The store contract of accounts (migration `0008_accounts`, issue 5 "Authentication"), on SQLite
 * and PostgreSQL: branches, operators, API clients, sessions and login challenges round-trip field
 * by field; unique keys are `StoreConflictError`s; a login challenge is taken once however many
 * callers race for it; failure counters of one operator serialise.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiClientRecord,
  type BranchRecord,
  type OperatorRecord,
  type SessionRecord,
  type Store,
  StoreConflictError,
} from '@yizheng/core';
import { openStore } from '../src/index.js';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';

const T0 = new Date('2026-03-01T08:30:00.123Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);

function branch(id: string, extra: Partial<BranchRecord> = {}): BranchRecord {
  return {
    id,
    name: '杭州市西湖区政务服务中心网点',
    regionCode: '330106',
    address: '杭州市西湖区某某路 1 号',
    active: true,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function operator(login: string, extra: Partial<OperatorRecord> = {}): OperatorRecord {
  return {
    login,
    name: '王某某',
    branchId: 'hz-xihu-01',
    roles: ['branch-operator', 'reviewer'],
    passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
    badgeKeyHash: null,
    status: 'active',
    failedLogins: 0,
    lockedUntil: null,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

function client(id: string, createdAt: Date): ApiClientRecord {
  return {
    id,
    name: '电子招投标平台',
    department: '浙江省公共资源交易中心',
    scopes: ['certificates:query', 'certificates:verify'],
    secretHash: 'ab'.repeat(32),
    status: 'active',
    createdAt,
    updatedAt: createdAt,
  };
}

function session(tokenHash: string, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tokenHash,
    kind: 'operator',
    subject: 'wang',
    roles: ['branch-operator'],
    branchId: 'hz-xihu-01',
    uscc: null,
    createdAt: T0,
    expiresAt: at(480),
    ...extra,
  };
}

async function conflict(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  return (error as StoreConflictError).what;
}

describe.each(STORE_KINDS)('account store contract on %s', (kind) => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await openTestStore(kind);
    store = t.store;
  });
  afterEach(async () => t?.dispose());

  /** A second connection to the same database (PostgreSQL), for real concurrency. */
  async function parallelStores(): Promise<Store[]> {
    return kind === 'postgres'
      ? [store, await openStore({ databaseUrl: TEST_DATABASE_URL, schema: t.where })]
      : [store];
  }

  it('ok/round trip: branches, updateBranch, listBranches by id; duplicate id', async () => {
    await store.read.insertBranch(branch('nb-haishu-02', { active: false }));
    await store.read.insertBranch(branch('hz-xihu-01'));
    expect(await store.read.getBranch('nb-haishu-02')).toEqual(branch('nb-haishu-02', { active: false }));
    await store.read.updateBranch('hz-xihu-01', { name: '西湖网点', active: false, updatedAt: at(5) });
    expect(await store.read.getBranch('hz-xihu-01')).toEqual(
      branch('hz-xihu-01', { name: '西湖网点', active: false, updatedAt: at(5) }),
    );
    expect((await store.read.listBranches()).map((b) => b.id)).toEqual(['hz-xihu-01', 'nb-haishu-02']);
    expect(await store.read.getBranch('none')).toBeUndefined();
    expect(await conflict(store.read.insertBranch(branch('hz-xihu-01')))).toBe('branch');
  });

  it('ok/round trip: operators with every field set and with nulls; updateOperator; by branch, by badge', async () => {
    const full = operator('wang', { badgeKeyHash: 'cd'.repeat(32), failedLogins: 3, lockedUntil: at(15) });
    const bare = operator('li', { branchId: null, roles: ['ca-admin'], status: 'disabled' });
    await store.read.insertOperator(full);
    await store.read.insertOperator(bare);
    expect(await store.read.getOperator('wang')).toEqual(full);
    expect(await store.read.getOperator('li')).toEqual(bare);
    expect(await store.read.findOperatorByBadge('cd'.repeat(32))).toEqual(full);
    expect(await store.read.findOperatorByBadge('ef'.repeat(32))).toBeUndefined();
    await store.read.updateOperator('wang', {
      name: '王某',
      branchId: null,
      roles: ['auditor'],
      passwordHash: 'changed',
      badgeKeyHash: null,
      status: 'disabled',
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: at(1),
    });
    expect(await store.read.getOperator('wang')).toEqual({
      ...full,
      name: '王某',
      branchId: null,
      roles: ['auditor'],
      passwordHash: 'changed',
      badgeKeyHash: null,
      status: 'disabled',
      failedLogins: 0,
      lockedUntil: null,
      updatedAt: at(1),
    });
    await store.read.insertOperator(operator('zhao'));
    expect((await store.read.listOperators()).map((o) => o.login)).toEqual(['li', 'wang', 'zhao']);
    expect((await store.read.listOperators({ branchId: 'hz-xihu-01' })).map((o) => o.login)).toEqual([
      'zhao',
    ]);
  });

  it('error/duplicate login is what=operator, a badge in use what=badge; nothing is written', async () => {
    await store.read.insertOperator(operator('wang', { badgeKeyHash: 'cd'.repeat(32) }));
    expect(await conflict(store.read.insertOperator(operator('wang')))).toBe('operator');
    expect(
      await conflict(store.read.insertOperator(operator('qian', { badgeKeyHash: 'cd'.repeat(32) }))),
    ).toBe('badge');
    expect((await store.read.listOperators()).map((o) => o.login)).toEqual(['wang']);
  });

  it('ok/round trip: API clients, revocation, list by creation; duplicate id', async () => {
    await store.read.insertApiClient(client('0b1c2d3e4f5a', at(2)));
    await store.read.insertApiClient(client('9a8b7c6d5e4f', at(1)));
    expect(await store.read.getApiClient('0b1c2d3e4f5a')).toEqual(client('0b1c2d3e4f5a', at(2)));
    await store.read.updateApiClient('0b1c2d3e4f5a', { status: 'revoked', updatedAt: at(3) });
    expect(await store.read.getApiClient('0b1c2d3e4f5a')).toMatchObject({
      status: 'revoked',
      updatedAt: at(3),
    });
    expect((await store.read.listApiClients()).map((c) => c.id)).toEqual(['9a8b7c6d5e4f', '0b1c2d3e4f5a']);
    expect(await conflict(store.read.insertApiClient(client('9a8b7c6d5e4f', at(4))))).toBe('apiClient');
  });

  it('ok/sessions: get, delete one, delete all of one subject, sweep the expired', async () => {
    const legal = session('h4', {
      kind: 'legal-person',
      subject: '91330106MA2B3C4D5D',
      roles: ['applicant'],
      branchId: null,
      uscc: '91330106MA2B3C4D5D',
      expiresAt: at(60),
    });
    for (const s of [
      session('h1'),
      session('h2'),
      session('h3', { subject: 'li', expiresAt: at(10) }),
      legal,
    ])
      await store.read.insertSession(s);
    expect(await store.read.getSession('h4')).toEqual(legal);
    await store.read.deleteSession('h1');
    expect(await store.read.getSession('h1')).toBeUndefined();
    // the same subject under another kind is another account
    expect(await store.read.deleteSessionsOf('legal-person', 'wang')).toBe(0);
    expect(await store.read.deleteSessionsOf('operator', 'wang')).toBe(1);
    expect(await store.read.getSession('h3')).toBeDefined();
    // expiry is inclusive: a session whose end is now is over
    expect(await store.read.deleteExpiredSessions(at(10))).toBe(1);
    expect(await store.read.getSession('h3')).toBeUndefined();
    expect(await store.read.getSession('h4')).toEqual(legal);
  });

  it('ok/login challenges: taken once, then gone; expired ones swept', async () => {
    await store.read.insertLoginChallenge({ nonce: 'aa'.repeat(32), createdAt: T0, expiresAt: at(5) });
    await store.read.insertLoginChallenge({ nonce: 'bb'.repeat(32), createdAt: T0, expiresAt: at(1) });
    expect(await store.read.takeLoginChallenge('aa'.repeat(32))).toEqual({
      nonce: 'aa'.repeat(32),
      createdAt: T0,
      expiresAt: at(5),
    });
    expect(await store.read.takeLoginChallenge('aa'.repeat(32))).toBeUndefined();
    expect(await store.read.deleteExpiredLoginChallenges(at(1))).toBe(1);
    expect(await store.read.takeLoginChallenge('bb'.repeat(32))).toBeUndefined();
  });

  it('ok/concurrency: 8 parallel takers of one login challenge, exactly one gets it', async () => {
    await store.read.insertLoginChallenge({ nonce: 'cc'.repeat(32), createdAt: T0, expiresAt: at(5) });
    const stores = await parallelStores();
    try {
      const taken = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (stores[i % stores.length] as Store).transaction((tx) => tx.takeLoginChallenge('cc'.repeat(32))),
        ),
      );
      expect(taken.filter((c) => c !== undefined)).toHaveLength(1);
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
  });

  it('ok/concurrency: 6 parallel failure counts on one operator all count (the row is locked)', async () => {
    await store.read.insertOperator(operator('wang'));
    const stores = await parallelStores();
    try {
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (stores[i % stores.length] as Store).transaction(async (tx) => {
            const current = await tx.getOperator('wang');
            await new Promise((resolve) => setTimeout(resolve, 2));
            await tx.updateOperator('wang', { failedLogins: current!.failedLogins + 1 });
          }),
        ),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    expect((await store.read.getOperator('wang'))!.failedLogins).toBe(6);
  });
});
