/**
 * Materials management (物资管理, R33) and the walk-in counter issue onto a USB-KEY from stock, on
 * SQLite and PostgreSQL: receipt by model and batch into a branch, transfers (out → transit → in),
 * returns, scrapping, the movement log, queries, low-stock warnings, and the refusals that change
 * nothing (scrap an issued key, transfer to the same branch, unknown branch, another branch's key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  type AccountActor,
  type ChecklistMaterial,
  CoreError,
  FIRST_CERTIFICATE_FREE,
  FixedClock,
  type IssuanceContext,
  type LegalPersonRegistry,
  type MediaContext,
  type RegistryRecord,
  counterReceipt,
  createBranch,
  issueAtCounter,
  serviceAtCounter,
  lowStockWarnings,
  receiveMedia,
  receiveTransfer,
  receivingBranch,
  returnMedium,
  scrapMedium,
  setStockThreshold,
  transferMedia,
  verifyAudit,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const ADMIN: AccountActor = { name: 'operator:admin', roles: ['ca-admin'], branchId: null };
const XIHU: AccountActor = { name: 'operator:xihu-op', roles: ['branch-operator'], branchId: 'hz-xihu' };
const YINZHOU: AccountActor = { name: 'operator:nb-op', roles: ['branch-operator'], branchId: 'nb-yinzhou' };
const MODEL = 'FT-ePass3000GM';
const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };

class OneRecordRegistry implements LegalPersonRegistry {
  async lookup(uscc: string): Promise<RegistryRecord | undefined> {
    const at = new Date('2019-05-20T00:00:00+08:00');
    return uscc === HANGZHOU.uscc
      ? { ...HANGZHOU, status: 'active', registeredAt: at, updatedAt: at }
      : undefined;
  }
  async events() {
    return [];
  }
}

const csr = () =>
  buildCertificationRequest({ subject: parseName('C=CN,CN=杭州某某科技有限公司') }, Sm2PrivateKey.generate())
    .der;

const scan = (item: string, kind: ChecklistMaterial['kind']): ChecklistMaterial => ({
  item,
  kind,
  fileName: `${item}.pdf`,
  size: 1024,
  sm3: 'ab'.repeat(32),
});

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoreError);
  expect((error as CoreError).code).toBe(code);
}

describe.each(STORE_KINDS)('materials management on %s (R33)', (kind) => {
  let t: TestStore;
  let context: IssuanceContext & MediaContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    await createBranch(
      context,
      { id: 'hz-xihu', name: '西湖网点', regionCode: '330106', address: '杭州市西湖区' },
      ADMIN,
    );
    await createBranch(
      context,
      { id: 'nb-yinzhou', name: '鄞州网点', regionCode: '330212', address: '宁波市鄞州区' },
      ADMIN,
    );
    await receiveMedia(context, {
      serials: ['XH-0001', 'XH-0002', 'XH-0003', 'XH-0004'],
      model: MODEL,
      batch: 'B2026-03',
      branchId: receivingBranch(XIHU, undefined),
      actor: XIHU.name,
    });
  });
  afterAll(async () => t?.dispose());

  const snapshot = async () => ({
    media: await t.store.read.queryMedia({ limit: 100 }),
    movements: await t.store.read.listMovements({ limit: 1000 }),
  });

  it('ok/receipt puts media in the branch stock with model and batch, one movement each', async () => {
    const media = await t.store.read.queryMedia({
      branchId: 'hz-xihu',
      state: 'stock',
      batch: 'B2026-03',
      limit: 10,
    });
    expect(media.map((m) => m.serial)).toEqual(['XH-0001', 'XH-0002', 'XH-0003', 'XH-0004']);
    expect(media[0]).toMatchObject({ model: MODEL, batch: 'B2026-03', branchId: 'hz-xihu', state: 'stock' });
    const [receipt] = await t.store.read.listMovements({ mediumSerial: 'XH-0001', limit: 5 });
    expect(receipt).toMatchObject({
      kind: 'receive',
      toBranch: 'hz-xihu',
      toState: 'stock',
      actor: XIHU.name,
    });
  });

  it('error/bad moves are refused with a code and change nothing', async () => {
    const before = await snapshot();
    await refused(
      transferMedia(context, { serials: ['XH-0001'], toBranch: 'hz-xihu' }, XIHU),
      'YZ_ERR_MEDIUM_MOVE',
    );
    await refused(
      transferMedia(context, { serials: ['XH-0001'], toBranch: 'nowhere' }, XIHU),
      'YZ_ERR_ACCOUNT_NOT_FOUND',
    );
    await refused(
      transferMedia(context, { serials: ['XH-0001'], toBranch: 'hz-xihu' }, YINZHOU),
      'YZ_ERR_OUT_OF_SCOPE',
    );
    // all or none: the second serial is another branch's, so the first does not move either
    await refused(
      transferMedia(context, { serials: ['XH-0002', 'NO-SUCH-KEY'], toBranch: 'nb-yinzhou' }, XIHU),
      'YZ_ERR_MEDIUM_NOT_FOUND',
    );
    await refused(scrapMedium(context, { serial: 'XH-0001', reason: '' }, XIHU), 'YZ_ERR_INPUT');
    await refused(
      scrapMedium(context, { serial: 'XH-0001', reason: 'cracked' }, YINZHOU),
      'YZ_ERR_OUT_OF_SCOPE',
    );
    await refused(
      receiveMedia(context, { serials: ['NB-0001'], model: MODEL, branchId: 'nowhere', actor: 'op' }),
      'YZ_ERR_ACCOUNT_NOT_FOUND',
    );
    expect(() => receivingBranch(XIHU, 'nb-yinzhou')).toThrow(CoreError);
    expect(await snapshot()).toEqual(before);
  });

  it('ok/transfer goes out into transit and in at the other branch, both recorded', async () => {
    const out = await transferMedia(
      context,
      { serials: ['XH-0004'], toBranch: 'nb-yinzhou', reason: '鄞州缺货' },
      XIHU,
    );
    expect(out[0]).toMatchObject({ state: 'transit', branchId: 'nb-yinzhou' });
    await refused(receiveTransfer(context, { serials: ['XH-0004'] }, XIHU), 'YZ_ERR_OUT_OF_SCOPE');
    await refused(scrapMedium(context, { serial: 'XH-0004', reason: 'x' }, YINZHOU), 'YZ_ERR_MEDIUM_STATE');
    const [received] = await receiveTransfer(context, { serials: ['XH-0004'] }, YINZHOU);
    expect(received).toMatchObject({ state: 'stock', branchId: 'nb-yinzhou' });
    const moves = await t.store.read.listMovements({ mediumSerial: 'XH-0004', limit: 10 });
    expect(moves.map((m) => [m.kind, m.fromBranch, m.toBranch, m.toState])).toEqual([
      ['transfer-in', 'hz-xihu', 'nb-yinzhou', 'stock'],
      ['transfer-out', 'hz-xihu', 'nb-yinzhou', 'transit'],
      ['receive', null, 'hz-xihu', 'stock'],
    ]);
    expect(moves[1]!.reason).toBe('鄞州缺货');
    const yinzhou = await t.store.read.listMovements({ branchId: 'nb-yinzhou', limit: 10 });
    expect(yinzhou.map((m) => m.kind)).toEqual(['transfer-in', 'transfer-out']);
  });

  it('ok/counter issue takes the key from the branch stock, charges, binds it to the pair', async () => {
    const counter = { ...context, registry: new OneRecordRegistry() };
    const materials = [
      scan('application-form', 'application-form'),
      scan('business-licence', 'business-licence'),
      scan('representative-id', 'id-card'),
    ];
    const agent = { name: '王五', idType: 'resident-id' as const, idNumber: '330106199003070022' };
    const input = {
      legalPerson: HANGZHOU,
      request: csr(),
      materials,
      mediumSerial: 'XH-0001',
      paymentMethod: 'cash' as const,
    };
    const before = await snapshot();
    // an agent who is not the legal representative needs the authorisation letter and their ID
    await refused(issueAtCounter(counter, { ...input, agent }, XIHU), 'YZ_ERR_CHECKLIST');
    // the key must be on this counter's shelf
    await refused(issueAtCounter(counter, input, YINZHOU), 'YZ_ERR_OUT_OF_SCOPE');
    expect(await snapshot()).toEqual(before);

    const result = await issueAtCounter(counter, input, XIHU);
    if (result.state !== 'completed') throw new Error('expected issued at once');
    expect(result.medium).toMatchObject({
      serial: 'XH-0001',
      state: 'issued',
      uscc: HANGZHOU.uscc,
      pairId: result.pair.pairId,
    });
    expect(result.soPin).toMatch(/^[0-9A-F]{16}$/);
    expect(result.charge).toMatchObject({ status: 'waived', amountFen: 0, note: FIRST_CERTIFICATE_FREE });
    const application = await t.store.read.getApplication(result.pair.applicationId);
    expect(application?.channel).toBe('counter');
    expect(application?.data.counter).toEqual({
      branchId: 'hz-xihu',
      operator: XIHU.name,
      mediumSerial: 'XH-0001',
      paymentMethod: 'cash',
    });
    expect(application?.data.materials).toHaveLength(3);
    const bound = await t.store.read.queryMedia({ uscc: HANGZHOU.uscc, limit: 5 });
    expect(bound.map((m) => m.serial)).toEqual(['XH-0001']);
    const [issue] = await t.store.read.listMovements({ mediumSerial: 'XH-0001', limit: 1 });
    expect(issue).toMatchObject({ kind: 'issue', fromState: 'stock', toState: 'issued' });
    expect(issue!.detail).toMatchObject({
      applicationId: result.pair.applicationId,
      pairId: result.pair.pairId,
    });

    // a second certificate pays the medium fee, taken at the counter
    const second = await issueAtCounter(
      counter,
      { ...input, request: csr(), mediumSerial: 'XH-0002', paymentMethod: 'wechat' },
      XIHU,
    );
    if (second.state !== 'completed') throw new Error('expected issued at once');
    expect(second.charge).toMatchObject({ status: 'paid', amountFen: 8000 });
    expect(second.charge.note).toContain('paid at the counter (wechat)');
    // and a key already issued is not issued again
    await refused(issueAtCounter(counter, { ...input, request: csr() }, XIHU), 'YZ_ERR_MEDIUM_STATE');
  });

  it('ok/scrap, return and their refusals', async () => {
    await refused(scrapMedium(context, { serial: 'XH-0001', reason: 'worn' }, XIHU), 'YZ_ERR_MEDIUM_STATE');
    const scrapped = await scrapMedium(context, { serial: 'XH-0003', reason: '外壳破损 cracked case' }, XIHU);
    expect(scrapped.state).toBe('retired');
    await refused(
      returnMedium(context, { serial: 'XH-0003', to: 'vendor', reason: 'x' }, XIHU),
      'YZ_ERR_MEDIUM_STATE',
    );
    // the holder of XH-0002 brings it back unused at the other branch: it joins that stock, unbound
    const back = await returnMedium(
      context,
      { serial: 'XH-0002', to: 'stock', reason: '客户退回 unused' },
      YINZHOU,
    );
    expect(back).toMatchObject({
      state: 'stock',
      branchId: 'nb-yinzhou',
      uscc: null,
      pairId: null,
      soPinSealed: null,
    });
    const vendor = await returnMedium(
      context,
      { serial: 'XH-0002', to: 'vendor', reason: '自检失败 self-test failed' },
      YINZHOU,
    );
    expect(vendor.state).toBe('returned');
    const [scrap] = await t.store.read.listMovements({ mediumSerial: 'XH-0003', limit: 1 });
    expect(scrap).toMatchObject({ kind: 'scrap', reason: '外壳破损 cracked case', actor: XIHU.name });
  });

  it('ok/low-stock warnings follow the per-branch thresholds', async () => {
    await refused(
      setStockThreshold(context, { branchId: 'hz-xihu', model: MODEL, minimum: 2 }, YINZHOU),
      'YZ_ERR_OUT_OF_SCOPE',
    );
    await setStockThreshold(context, { branchId: 'hz-xihu', model: MODEL, minimum: 2 }, XIHU);
    await setStockThreshold(context, { branchId: 'nb-yinzhou', model: MODEL, minimum: 1 }, ADMIN);
    // hz-xihu has nothing left in stock; nb-yinzhou holds XH-0004
    expect(await lowStockWarnings(t.store)).toEqual([
      { branchId: 'hz-xihu', model: MODEL, minimum: 2, inStock: 0 },
    ]);
    await receiveMedia(context, {
      serials: ['XH-0005', 'XH-0006'],
      model: MODEL,
      branchId: 'hz-xihu',
      actor: XIHU.name,
    });
    expect(await lowStockWarnings(t.store, 'hz-xihu')).toEqual([]);
    await setStockThreshold(context, { branchId: 'hz-xihu', model: MODEL, minimum: 3 }, XIHU);
    expect(await lowStockWarnings(t.store, 'hz-xihu')).toEqual([
      { branchId: 'hz-xihu', model: MODEL, minimum: 3, inStock: 2 },
    ]);
    const counts = await t.store.read.stockCounts('hz-xihu');
    expect(counts).toContainEqual({ branchId: 'hz-xihu', model: MODEL, state: 'retired', count: 1 });
  });

  it('ok/a reissue at the counter writes the new pair onto a key from stock; the lost key is marked', async () => {
    const [old] = await t.store.read.queryMedia({ serial: 'XH-0001', limit: 1 });
    const [oldSign] = await t.store.read.queryCertificates({ pairId: old!.pairId!, role: 'sign' });
    const materials = [
      scan('application-form', 'application-form'),
      scan('business-licence', 'business-licence'),
    ];
    const input = {
      businessType: 'reissue' as const,
      serial: oldSign!.serial,
      request: csr(),
      materials,
      mediumSerial: 'XH-0005',
      paymentMethod: 'bank-card' as const,
    };
    const before = await snapshot();
    await refused(serviceAtCounter(context, { ...input, materials: [] }, XIHU), 'YZ_ERR_CHECKLIST');
    await refused(serviceAtCounter(context, input, YINZHOU), 'YZ_ERR_OUT_OF_SCOPE');
    await refused(
      serviceAtCounter(context, { ...input, businessType: 'renew', mediumSerial: 'XH-0005' }, XIHU),
      'YZ_ERR_INPUT',
    );
    expect(await snapshot()).toEqual(before);
    const { pair, soPin } = await serviceAtCounter(context, input, XIHU);
    expect(soPin).toMatch(/^[0-9A-F]{16}$/);
    const [lost, fresh] = await Promise.all([
      t.store.read.getMedium('XH-0001'),
      t.store.read.getMedium('XH-0005'),
    ]);
    expect(lost!.state).toBe('lost');
    expect(fresh).toMatchObject({ state: 'issued', pairId: pair.pairId, uscc: HANGZHOU.uscc });
    const charges = (await t.store.read.listCharges(HANGZHOU.uscc)).filter(
      (c) => c.applicationId === pair.applicationId,
    );
    expect(charges).toMatchObject([{ status: 'paid', amountFen: 8000 }]);
    const receipt = await counterReceipt(t.store, pair.applicationId);
    expect(receipt).toMatchObject({
      paymentMethod: 'bank-card',
      operator: XIHU.name,
      branch: { id: 'hz-xihu' },
    });
    expect(receipt.medium?.serial).toBe('XH-0005');
    expect(receipt.certificates).toHaveLength(2);
  });

  it('ok/every movement is in the audit chain, which verifies', async () => {
    const result = await verifyAudit(t.store);
    expect(result.valid).toBe(true);
    const entries = await t.store.read.auditEntries(1);
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      'medium.receive',
      'medium.transfer-out',
      'medium.transfer-in',
      'medium.personalise',
      'medium.return',
      'medium.scrap',
      'stock.threshold',
    ])
      expect(actions).toContain(action);
  });
});
