/**
 * Materials management and the walk-in counter over the API (R33): receipt with batch into the
 * caller's branch, queries, transfer to another branch and signing for it, scrap and return,
 * thresholds and low-stock warnings, the counter new certificate onto a key from stock with its
 * checklist, fee and receipt — and the refusals (coded, nothing changed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { type ApiHarness, HANGZHOU, NINGBO, csrPem, openApiHarness } from './api-support.js';

let api: ApiHarness;
let xihu: string;
let manager: string;
let yinzhou: string;
let firstSignSerial = '';

const send = (method: 'POST' | 'PUT', url: string, token: string, payload: unknown = {}) =>
  api.call({ method, url, token, payload });
const post = (url: string, token: string, payload: unknown = {}) => send('POST', url, token, payload);
const get = (url: string, token: string) => api.call({ method: 'GET', url, token });
const scan = (item: string, kind: string) => ({
  item,
  kind,
  fileName: `${item}.png`,
  content: Buffer.from(`scan of ${item}`).toString('base64'),
});

beforeAll(async () => {
  api = await openApiHarness('yz-api-materials-');
  const branch = await post('/api/v1/branches', api.adminToken, {
    id: 'nb-yinzhou',
    name: '鄞州网点',
    regionCode: '330212',
    address: '宁波市鄞州区某某路 2 号',
  });
  expect(branch.statusCode).toBe(201);
  xihu = await api.operator('xihu-op', ['branch-operator']);
  manager = await api.operator('xihu-boss', ['branch-manager']);
  const created = await post('/api/v1/operators', api.adminToken, {
    login: 'nb-op',
    name: '鄞州受理员',
    roles: ['branch-operator'],
    branchId: 'nb-yinzhou',
    password: 'Yinzhou-desk-2026',
  });
  expect(created.statusCode).toBe(201);
  const login = await post('/api/v1/session/password', '', { login: 'nb-op', password: 'Yinzhou-desk-2026' });
  yinzhou = login.json().token;
});
afterAll(async () => api?.close());

describe('materials over the API (R33)', () => {
  it('ok/receive into the branch with a batch, then query by branch, state, model and batch', async () => {
    const received = await post('/api/v1/media', xihu, {
      model: 'FT-ePass3000GM',
      batch: 'B2026-03',
      serials: ['API-0001', 'API-0002', 'API-0003'],
    });
    expect(received.statusCode).toBe(201);
    expect(received.json()[0]).toMatchObject({ branchId: 'hz-xihu-01', batch: 'B2026-03', state: 'stock' });
    const listed = await get(
      '/api/v1/media?branch=hz-xihu-01&state=stock&model=FT-ePass3000GM&batch=B2026-03',
      xihu,
    );
    expect(listed.json().map((m: { serial: string }) => m.serial)).toEqual([
      'API-0001',
      'API-0002',
      'API-0003',
    ]);
    // an operator cannot receive into another branch
    const elsewhere = await post('/api/v1/media', xihu, {
      model: 'X',
      serials: ['API-9999'],
      branchId: 'nb-yinzhou',
    });
    expect([elsewhere.statusCode, elsewhere.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
  });

  it('error/bad moves answer a code and change nothing', async () => {
    const audit = await api.auditCount();
    const cases: [string, unknown, string, number, string][] = [
      [
        '/api/v1/media/transfers',
        { serials: ['API-0001'], toBranch: 'hz-xihu-01' },
        xihu,
        409,
        'YZ_ERR_MEDIUM_MOVE',
      ],
      [
        '/api/v1/media/transfers',
        { serials: ['API-0001'], toBranch: 'nowhere' },
        xihu,
        404,
        'YZ_ERR_ACCOUNT_NOT_FOUND',
      ],
      [
        '/api/v1/media/transfers',
        { serials: ['API-0001'], toBranch: 'hz-xihu-01' },
        yinzhou,
        403,
        'YZ_ERR_OUT_OF_SCOPE',
      ],
      ['/api/v1/media/API-0001/scrap', { reason: 'cracked' }, yinzhou, 403, 'YZ_ERR_OUT_OF_SCOPE'],
      [
        '/api/v1/media/API-0001/personalise',
        { certificateSerial: 'AB' },
        yinzhou,
        403,
        'YZ_ERR_OUT_OF_SCOPE',
      ],
    ];
    for (const [url, body, token, status, code] of cases) {
      const response = await post(url, token, body);
      expect([url, response.statusCode, response.json().code]).toEqual([url, status, code]);
    }
    expect(await api.auditCount()).toBe(audit);
    const still = await get('/api/v1/media/API-0001', xihu);
    expect(still.json().medium).toMatchObject({ state: 'stock', branchId: 'hz-xihu-01' });
  });

  it('ok/counter new certificate takes a key from stock; receipt; stock and movement follow', async () => {
    const checklists = (await get('/api/v1/counter/checklists', xihu)).json();
    expect(checklists.new.map((i: { id: string }) => i.id)).toContain('business-licence');
    const registry = await get(`/api/v1/counter/registry/${HANGZHOU.uscc}`, xihu);
    expect(registry.json()).toMatchObject({
      name: HANGZHOU.name,
      legalRepresentative: '张三',
      status: 'active',
    });
    const body = {
      csr: csrPem(Sm2PrivateKey.generate()),
      legalPerson: HANGZHOU,
      materials: [scan('application-form', 'application-form'), scan('business-licence', 'business-licence')],
      mediumSerial: 'API-0001',
      paymentMethod: 'cash',
    };
    const missing = await post('/api/v1/counter/applications', xihu, body);
    expect([missing.statusCode, missing.json().code]).toEqual([400, 'YZ_ERR_CHECKLIST']);
    const issued = await post('/api/v1/counter/applications', xihu, {
      ...body,
      materials: [...body.materials, scan('representative-id', 'id-card')],
    });
    expect(issued.statusCode).toBe(201);
    const { pair, medium, soPin, charge } = issued.json();
    firstSignSerial = pair.sign.serial;
    expect(medium).toMatchObject({
      serial: 'API-0001',
      state: 'issued',
      uscc: HANGZHOU.uscc,
      pairId: pair.pairId,
    });
    expect(soPin).toMatch(/^[0-9A-F]{16}$/);
    expect(charge.status).toBe('waived');
    const receipt = (await get(`/api/v1/counter/receipts/${pair.applicationId}`, xihu)).json();
    expect(receipt.medium.serial).toBe('API-0001');
    expect(receipt.branch.id).toBe('hz-xihu-01');
    expect(receipt.operator).toBe('operator:xihu-op');
    expect(receipt.certificates.map((c: { serial: string }) => c.serial).sort()).toEqual(
      [pair.sign.serial, pair.enc.serial].sort(),
    );
    const bound = (await get(`/api/v1/media?uscc=${HANGZHOU.uscc}`, xihu)).json();
    expect(bound.map((m: { serial: string }) => m.serial)).toEqual(['API-0001']);
    const log = (await get('/api/v1/stock/movements?branch=hz-xihu-01&limit=1', xihu)).json();
    expect(log[0]).toMatchObject({ mediumSerial: 'API-0001', kind: 'issue', toState: 'issued' });
    // an issued key is not scrapped
    const scrapIssued = await post('/api/v1/media/API-0001/scrap', xihu, { reason: 'worn' });
    expect([scrapIssued.statusCode, scrapIssued.json().code]).toEqual([409, 'YZ_ERR_MEDIUM_STATE']);
  });

  it('ok/transfer, sign for, scrap, thresholds and low-stock warnings', async () => {
    const out = await post('/api/v1/media/transfers', xihu, {
      serials: ['API-0002'],
      toBranch: 'nb-yinzhou',
    });
    expect(out.json()[0]).toMatchObject({ state: 'transit', branchId: 'nb-yinzhou' });
    const signed = await post('/api/v1/media/transfers/receive', yinzhou, { serials: ['API-0002'] });
    expect(signed.json()[0]).toMatchObject({ state: 'stock', branchId: 'nb-yinzhou' });
    const scrapped = await post('/api/v1/media/API-0003/scrap', xihu, { reason: '外壳破损' });
    expect(scrapped.json().state).toBe('retired');
    const refused = await send('PUT', '/api/v1/stock/thresholds', xihu, {
      branchId: 'hz-xihu-01',
      model: 'FT-ePass3000GM',
      minimum: 2,
    });
    expect(refused.statusCode).toBe(403);
    const set = await send('PUT', '/api/v1/stock/thresholds', manager, {
      branchId: 'hz-xihu-01',
      model: 'FT-ePass3000GM',
      minimum: 2,
    });
    expect(set.statusCode).toBe(200);
    const warnings = (await get('/api/v1/stock/warnings?branch=hz-xihu-01', xihu)).json();
    expect(warnings).toEqual([{ branchId: 'hz-xihu-01', model: 'FT-ePass3000GM', minimum: 2, inStock: 0 }]);
    const stock = (await get('/api/v1/stock?branch=hz-xihu-01', xihu)).json();
    expect(stock.counts).toContainEqual({
      branchId: 'hz-xihu-01',
      model: 'FT-ePass3000GM',
      state: 'retired',
      count: 1,
    });
    const history = (await get('/api/v1/media/API-0002', yinzhou)).json();
    expect(history.movements.map((m: { kind: string }) => m.kind)).toEqual([
      'transfer-in',
      'transfer-out',
      'receive',
    ]);
  });

  it('ok/a reissue at the counter puts the new pair on a key from stock; the lost one is marked', async () => {
    expect(
      (await post('/api/v1/media', xihu, { model: 'FT-ePass3000GM', serials: ['API-0004'] })).statusCode,
    ).toBe(201);
    const body = {
      businessType: 'reissue',
      serial: firstSignSerial,
      csr: csrPem(Sm2PrivateKey.generate()),
      materials: [scan('application-form', 'application-form'), scan('business-licence', 'business-licence')],
      mediumSerial: 'API-0004',
      paymentMethod: 'alipay',
    };
    const refused = await post('/api/v1/counter/services', yinzhou, body);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_OUT_OF_SCOPE']);
    const reissued = await post('/api/v1/counter/services', xihu, body);
    expect(reissued.statusCode, reissued.body).toBe(201);
    const { pair, medium, soPin } = reissued.json();
    expect(medium).toMatchObject({ serial: 'API-0004', state: 'issued', pairId: pair.pairId });
    expect(soPin).toMatch(/^[0-9A-F]{16}$/);
    expect((await get('/api/v1/media/API-0001', xihu)).json().medium.state).toBe('lost');
    const receipt = (await get(`/api/v1/counter/receipts/${pair.applicationId}`, xihu)).json();
    expect(receipt.application.businessType).toBe('reissue');
    expect(receipt.charges).toMatchObject([{ status: 'paid', amountFen: 8000 }]);
    expect(receipt.paymentMethod).toBe('alipay');
  });

  it('ok/a remote application whose identity check failed waits, then is verified at the counter', async () => {
    const waiting = await post('/api/v1/applications', xihu, {
      csr: csrPem(Sm2PrivateKey.generate(), NINGBO.name),
      legalPerson: NINGBO,
      channel: 'mobile',
      identityCheck: { outcome: 'failed', method: 'face', reference: 'face-0001' },
    });
    expect(waiting.statusCode, waiting.body).toBe(202);
    const { application } = waiting.json();
    expect(application.state).toBe('identity-check');
    const queue = (await get('/api/v1/applications?state=identity-check', xihu)).json();
    expect(queue.map((a: { id: string }) => a.id)).toContain(application.id);
    const url = `/api/v1/counter/identity-checks/${application.id}`;
    const incomplete = await post(url, xihu, { materials: [scan('application-form', 'application-form')] });
    expect([incomplete.statusCode, incomplete.json().code]).toEqual([400, 'YZ_ERR_CHECKLIST']);
    const materials = [
      scan('application-form', 'application-form'),
      scan('business-licence', 'business-licence'),
      scan('representative-id', 'id-card'),
    ];
    const verified = await post(url, xihu, { materials });
    expect(verified.statusCode, verified.body).toBe(201);
    expect(verified.json().pair.applicationId).toBe(application.id);
    const again = await post(url, xihu, { materials });
    expect([again.statusCode, again.json().code]).toEqual([409, 'YZ_ERR_STATE']);
  });
});
