/**
 * The back office's statistics and audit routes (issue 6; R25, R37, R3) through `app.inject`
 * with real logins: the counter of branch hz-xihu-01 issues two pairs, renews one and revokes the
 * other; the statistics by branch, business type and channel count exactly those (the revocation
 * at that branch and counter); the CSV export
 * parses back to the same counts (with its BOM) and the xlsx export unzips (`unzip`, an
 * independent reader) to worksheets holding them; the audit search finds the revocation; a
 * regulator reads statistics but not the audit trail; the CA administrator issues an auditor an
 * electronic work badge (电子工作证) that logs in until it is revoked.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, utf8 } from '@yizheng/gm';
import { type ApiHarness, HANGZHOU, NINGBO, csrPem, openApiHarness } from './api-support.js';

let api: ApiHarness;
const tokens: Record<string, string> = {};
const DAY = '2026-03-01';
const range = `from=${DAY}&to=${DAY}&granularity=day`;
let revokedSerial = '';

const get = (url: string, token: string) => api.call({ method: 'GET', url, token });
const post = (url: string, token: string, payload: unknown) =>
  api.call({ method: 'POST', url, token, payload });

beforeAll(async () => {
  api = await openApiHarness('yz-api-back-office-');
  tokens.counter = await api.operator('sun', ['branch-operator']);
  tokens.regulator = await api.operator('jian', ['regulator']);
  tokens.auditor = await api.operator('shen', ['auditor']);
  const issue = async (legalPerson: typeof HANGZHOU) => {
    const response = await post('/api/v1/applications', tokens.counter!, {
      csr: csrPem(Sm2PrivateKey.generate(), legalPerson.name),
      legalPerson,
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json().pair as { sign: { serial: string } };
  };
  const hangzhou = await issue(HANGZHOU);
  const ningbo = await issue(NINGBO);
  await api.call({
    method: 'PATCH',
    url: '/api/v1/policy',
    token: api.adminToken,
    payload: { renewalWindowDays: 400 },
  });
  const renewed = await post(`/api/v1/certificates/${hangzhou.sign.serial}/renew`, tokens.counter!, {
    csr: csrPem(Sm2PrivateKey.generate()),
  });
  if (renewed.statusCode !== 201) throw new Error(renewed.body);
  const revoked = await post(`/api/v1/certificates/${ningbo.sign.serial}/revoke`, tokens.counter!, {
    reason: 'cessationOfOperation',
    requestedBy: 'holder',
    note: '申请表 2026-001',
  });
  if (revoked.statusCode !== 200) throw new Error(revoked.body);
  revokedSerial = ningbo.sign.serial;
});
afterAll(async () => api?.close());

/** RFC 4180 rows of a CSV text (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  const field = /"((?:[^"]|"")*)"|([^,\r\n]*)/y;
  let at = 0;
  while (at < text.length) {
    field.lastIndex = at;
    const match = field.exec(text)!;
    rows[rows.length - 1]!.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!);
    at = field.lastIndex;
    if (text[at] === ',') at += 1;
    else if (text.startsWith('\r\n', at)) {
      at += 2;
      if (at < text.length) rows.push([]);
    }
  }
  return rows;
}

describe('back-office statistics and audit (/api/v1)', () => {
  it('ok/R25 operations by branch: two issued, one renewed and one revoked at hz-xihu-01', async () => {
    const response = await get(`/api/v1/statistics/operations?${range}&groupBy=branch`, tokens.regulator!);
    expect(response.statusCode).toBe(200);
    const stats = response.json();
    expect(stats.periods).toEqual([DAY]);
    expect(stats.rows).toEqual([
      { period: DAY, businessType: 'new', group: 'hz-xihu-01', count: 2 },
      { period: DAY, businessType: 'renew', group: 'hz-xihu-01', count: 1 },
      { period: DAY, businessType: 'revoke', group: 'hz-xihu-01', count: 1 },
    ]);
    expect(stats.totals).toMatchObject({ new: 2, renew: 1, revoke: 1, change: 0, reissue: 0, unlock: 0 });
    const byChannel = (
      await get(`/api/v1/statistics/operations?${range}&groupBy=channel`, tokens.regulator!)
    ).json();
    expect(byChannel.rows.find((r: { businessType: string }) => r.businessType === 'new')).toMatchObject({
      group: 'counter',
      count: 2,
    });
    // the revocation is counted where it was done: the counter (migration 0016)
    expect(byChannel.rows.find((r: { businessType: string }) => r.businessType === 'revoke')).toMatchObject({
      group: 'counter',
      count: 1,
    });
  });

  it('error/a bad range is 400 YZ_ERR_INPUT', async () => {
    const response = await get(
      '/api/v1/statistics/operations?from=2026-03-02&to=2026-03-01',
      tokens.regulator!,
    );
    expect([response.statusCode, response.json().code]).toEqual([400, 'YZ_ERR_INPUT']);
  });

  it('ok/R25 CSV export: BOM, parses back to the counts, the branch by name', async () => {
    const response = await get(
      `/api/v1/statistics/operations/export?${range}&groupBy=branch&format=csv`,
      tokens.regulator!,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename=".*\.csv"/);
    expect([...response.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(response.rawPayload.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['期间 period', '业务类型 business type', '网点 branch', '数量 count']);
    expect(rows.slice(1, 4)).toEqual([
      [DAY, '新办 new', '西湖区网点 (hz-xihu-01)', '2'],
      [DAY, '更新 renew', '西湖区网点 (hz-xihu-01)', '1'],
      [DAY, '撤销 revoke', '西湖区网点 (hz-xihu-01)', '1'],
    ]);
    expect(rows).toContainEqual(['售后合计 after-sales', '0']);
  });

  it('ok/R25 xlsx export: a valid zip whose worksheets hold the counts', async () => {
    const response = await get(
      `/api/v1/statistics/operations/export?${range}&groupBy=businessType&format=xlsx`,
      tokens.regulator!,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const dir = mkdtempSync(join(tmpdir(), 'yz-xlsx-'));
    try {
      const file = join(dir, 'report.xlsx');
      writeFileSync(file, response.rawPayload);
      expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toMatch(/No errors detected/);
      const read = (part: string) => execFileSync('unzip', ['-p', file, part], { encoding: 'utf8' });
      expect(read('xl/workbook.xml')).toContain('<sheet name="业务量 operations" sheetId="1" r:id="rId1"/>');
      const sheet = read('xl/worksheets/sheet1.xml');
      const cells = [...sheet.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)].map(([, , row]) =>
        [
          ...row!.matchAll(
            /<c r="[A-Z]+\d+"(?: t="inlineStr")?>(?:<is><t xml:space="preserve">(.*?)<\/t><\/is>|<v>(.*?)<\/v>)<\/c>/g,
          ),
        ].map(([, text, number]) => (number !== undefined ? Number(number) : text)),
      );
      expect(cells).toEqual([
        ['期间 period', '业务类型 business type', '业务类型 business type', '数量 count'],
        [DAY, '新办 new', '新办 new', 2],
        [DAY, '更新 renew', '更新 renew', 1],
        [DAY, '撤销 revoke', '撤销 revoke', 1],
      ]);
      expect(read('xl/worksheets/sheet2.xml')).toContain('<v>2</v>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ok/R25 expiring: the valid signing certificates within the horizon', async () => {
    const none = (await get('/api/v1/statistics/expiring?days=30', tokens.regulator!)).json();
    expect(none.total).toBe(0);
    const year = (await get('/api/v1/statistics/expiring?days=400&limit=1', tokens.regulator!)).json();
    // the renewed pair (old one still valid until its end), the renewal, and not the revoked one
    expect(year.total).toBe(1);
    expect(year.certificates).toHaveLength(1);
    expect(year.certificates[0]).toMatchObject({ role: 'sign', status: 'valid', uscc: HANGZHOU.uscc });
    const csv = await get('/api/v1/statistics/expiring/export?days=400&format=csv', tokens.regulator!);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="yizheng-expiring-400d.csv"');
    const rows = parseCsv(csv.rawPayload.subarray(3).toString('utf8'));
    expect(rows).toEqual([
      ['统一社会信用代码 USCC', '证书主题 subject', '序列号 serial', '有效期至 notAfter (UTC)'],
      [
        HANGZHOU.uscc,
        year.certificates[0].subject,
        year.certificates[0].serial,
        year.certificates[0].notAfter,
      ],
    ]);
  });

  it('ok/R3 the audit search finds the revocation by serial; paged newest first', async () => {
    const found = (
      await get(`/api/v1/audit?action=certificate.revoke&text=${revokedSerial}`, tokens.auditor!)
    ).json();
    expect(found.entries).toHaveLength(1);
    expect(found.entries[0]).toMatchObject({
      actor: 'operator:sun',
      reason: expect.stringContaining('申请表 2026-001'),
    });
    const first = (await get('/api/v1/audit?limit=2', api.adminToken)).json();
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0].seq).toBeGreaterThan(first.entries[1].seq);
    const second = (await get(`/api/v1/audit?limit=2&before=${first.next}`, api.adminToken)).json();
    expect(second.entries[0].seq).toBe(first.entries[1].seq - 1);
  });

  it('error/a regulator is refused the audit trail and its check', async () => {
    for (const url of ['/api/v1/audit', '/api/v1/audit/verify']) {
      const response = await get(url, tokens.regulator!);
      expect([response.statusCode, response.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    }
  });

  it('ok/R37 a work badge: issued from a CSR, logs in, revoked, logs in no more', async () => {
    const key = Sm2PrivateKey.generate();
    const badgeLogin = async (certificate: string) => {
      const challenge = (await api.call({ method: 'POST', url: '/api/v1/session/challenge' })).json();
      return api.call({
        method: 'POST',
        url: '/api/v1/session/certificate',
        payload: {
          as: 'operator',
          nonce: challenge.nonce,
          certificate,
          signature: Buffer.from(key.sign(utf8(challenge.message))).toString('base64'),
        },
      });
    };
    const refused = await post('/api/v1/operators/shen/badge', tokens.regulator!, {
      csr: csrPem(key, '沈某'),
    });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    const issued = await post('/api/v1/operators/shen/badge', api.adminToken, { csr: csrPem(key, '沈某') });
    expect(issued.statusCode).toBe(201);
    expect(issued.json()).toMatchObject({ role: 'badge', uscc: null, status: 'valid' });
    const shown = await get('/api/v1/operators/shen/badge', tokens.auditor!);
    expect(shown.json().serial).toBe(issued.json().serial);
    const login = await badgeLogin(issued.json().pem);
    expect(login.statusCode).toBe(200);
    expect(login.json().principal).toMatchObject({ kind: 'operator', id: 'shen', roles: ['auditor'] });
    const revoked = await post('/api/v1/operators/shen/badge/revoke', api.adminToken, { note: '调岗 moved' });
    expect(revoked.json()).toEqual({ revoked: issued.json().serial });
    const after = await badgeLogin(issued.json().pem);
    expect([after.statusCode, after.json().code]).toEqual([401, 'YZ_ERR_LOGIN_FAILED']);
    const gone = await get('/api/v1/operators/shen/badge', api.adminToken);
    expect([gone.statusCode, gone.json().code]).toEqual([404, 'YZ_ERR_NOT_FOUND']);
  });

  it('ok/R17 R4 fee schedule versions: a new one published, both listed newest first, to anyone', async () => {
    const before = (await api.call({ method: 'GET', url: '/api/v1/fees/versions' })).json();
    const current = (await api.call({ method: 'GET', url: '/api/v1/fees' })).json();
    const items = current.items.map((item: { amountFen: number }) => ({
      ...item,
      amountFen: item.amountFen + 100,
    }));
    const published = await post('/api/v1/fees', api.adminToken, { items });
    expect(published.statusCode).toBe(201);
    const versions = (await api.call({ method: 'GET', url: '/api/v1/fees/versions' })).json();
    expect(versions.map((v: { version: number }) => v.version)).toEqual([
      published.json().version,
      ...before.map((v: { version: number }) => v.version),
    ]);
    expect(versions[1]).toEqual(current);
    const refused = await post('/api/v1/fees', tokens.regulator!, { items });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
  });

  it('ok/R26 R37 review assignment: claimed, handed on, the queue filtered mine/unassigned, differences kept', async () => {
    tokens.wang = await api.operator('wang', ['reviewer']);
    tokens.zhao = await api.operator('zhao', ['reviewer']);
    const submitted = await post('/api/v1/applications', tokens.counter!, {
      csr: csrPem(Sm2PrivateKey.generate(), NINGBO.name),
      legalPerson: { ...NINGBO, legalRepresentative: '王五' },
    });
    expect(submitted.statusCode).toBe(202);
    const id = submitted.json().application.id as string;
    const ids = async (token: string, assigned: string) =>
      (await get(`/api/v1/applications?state=review&assigned=${assigned}`, token))
        .json()
        .map((a: { id: string }) => a.id);
    expect(await ids(tokens.wang!, 'unassigned')).toContain(id);
    const claimed = await post(`/api/v1/applications/${id}/assign`, tokens.wang!, {});
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json().data.assignment).toMatchObject({ reviewer: 'wang', by: 'operator:wang' });
    expect(claimed.json().data.registryCheck.differences).toEqual([
      { field: 'legalRepresentative', applied: '王五', registry: '李四' },
    ]);
    expect(await ids(tokens.wang!, 'mine')).toEqual([id]);
    expect(await ids(tokens.zhao!, 'mine')).toEqual([]);
    expect(await ids(tokens.zhao!, 'unassigned')).not.toContain(id);
    await post(`/api/v1/applications/${id}/assign`, tokens.wang!, { reviewer: 'zhao' });
    expect(await ids(tokens.zhao!, 'mine')).toEqual([id]);
    const before = await api.auditCount();
    const refused = await post(`/api/v1/applications/${id}/assign`, tokens.wang!, { reviewer: 'sun' });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'YZ_ERR_STATE']);
    expect(await api.auditCount()).toBe(before);
    const entries = (
      await get(`/api/v1/audit?action=application.review.assign&text=${id}`, api.adminToken)
    ).json();
    expect(entries.entries.map((e: { detail: { reviewer: string } }) => e.detail.reviewer)).toEqual([
      'zhao',
      'wang',
    ]);
    const approved = await post(`/api/v1/applications/${id}/approve`, tokens.zhao!, {});
    expect(approved.statusCode).toBe(201);
  });
});
