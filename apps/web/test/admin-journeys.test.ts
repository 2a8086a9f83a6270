/**
 * The back office in a real browser (issue 6; R25, R37, R3): headless chromium against `yizheng
 * serve` on a temporary data directory, data set up through the real API. Journeys: the
 * administrator's statistics page shows the operations done in the set-up (issued, renewed,
 * revoked — the same figures the API gives) and downloads them as CSV and Excel (files read
 * back); the auditor's audit viewer shows the chain verified and finds the revocation; a
 * regulator sees the statistics only and is refused the audit trail and operator management;
 * the administrator opens a branch and appoints an operator who can then log in, and issues and
 * withdraws the operator's electronic work badge; the fee schedule gets a new version from its page;
 * a reviewer sees the registry differences highlighted and claims an application.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANGZHOU, NINGBO, type WebHarness, csr, startWebHarness } from './browser-harness.js';

const PASSWORDS = {
  teller: 'Xihu-Desk-2026',
  jian: 'Regulator-2026',
  shen: 'Auditor-Desk-2026',
  wang: 'Review-Desk-2026',
};

describe('issue 6 back office in a browser (R25, R37, R3)', () => {
  let web: WebHarness;
  let admin = '';
  let revokedSerial = '';
  let reviewId = '';
  const api: WebHarness['api'] = (...args) => web.api(...args);

  /** The page's figure in the card `testId`. */
  const figure = async (page: Page, testId: string) =>
    Number(
      (await page.getByTestId(testId).locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''),
    );

  /** Clicks `button` and returns the downloaded file's name and bytes. */
  async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const path = join(web.dir, file.suggestedFilename());
    await file.saveAs(path);
    return { name: file.suggestedFilename(), bytes: readFileSync(path) };
  }

  async function logInAs(login: string, password: string): Promise<Page> {
    const page = await web.open('/admin/login');
    await web.logIn(page, login, password);
    await page.waitForURL(/\/admin$/);
    return page;
  }

  beforeAll(async () => {
    web = await startWebHarness('yz-web-admin-');
    admin = await web.tokenOf('admin', web.adminPassword);
    const branch = {
      id: 'hz-01',
      name: '西湖区网点',
      regionCode: '330106',
      address: '杭州市西湖区某某路 1 号',
    };
    expect((await api('POST', '/branches', admin, branch)).status).toBe(201);
    for (const operator of [
      { login: 'teller', name: '受理员 某某', roles: ['branch-operator'], branchId: 'hz-01' },
      { login: 'jian', name: '监管员 简某', roles: ['regulator'] },
      { login: 'shen', name: '审计员 沈某', roles: ['auditor'] },
      { login: 'wang', name: '审核员 王某', roles: ['reviewer'] },
    ] as const)
      expect(
        (await api('POST', '/operators', admin, { ...operator, password: PASSWORDS[operator.login] })).status,
      ).toBe(201);
    const counter = await web.tokenOf('teller', PASSWORDS.teller);
    const issue = async (legalPerson: typeof HANGZHOU) => {
      const issued = await api('POST', '/applications', counter, { csr: csr(legalPerson.name), legalPerson });
      expect(issued.status, JSON.stringify(issued.json)).toBe(201);
      return (issued.json.pair as { sign: { serial: string } }).sign.serial;
    };
    const hangzhou = await issue(HANGZHOU);
    const ningbo = await issue({ ...NINGBO, legalRepresentative: '李四' }); // as the registry has it
    expect((await api('PATCH', '/policy', admin, { renewalWindowDays: 400 })).status).toBe(200);
    const renewed = await api('POST', `/certificates/${hangzhou}/renew`, counter, {
      csr: csr(HANGZHOU.name),
    });
    expect(renewed.status, JSON.stringify(renewed.json)).toBe(201);
    const revoked = await api('POST', `/certificates/${ningbo}/revoke`, counter, {
      reason: 'cessationOfOperation',
      requestedBy: 'holder',
      note: '注销申请 2026-07',
    });
    expect(revoked.status, JSON.stringify(revoked.json)).toBe(200);
    revokedSerial = ningbo;
    // the registry has 李四 as Ningbo's representative: applying with 王五 waits in review (R26)
    const waiting = await api('POST', '/applications', counter, {
      csr: csr(NINGBO.name),
      legalPerson: NINGBO,
    });
    expect(waiting.status, JSON.stringify(waiting.json)).toBe(202);
    reviewId = (waiting.json.application as { id: string }).id;
  });
  afterAll(async () => {
    await web?.close();
  });

  it('ok/R25 the statistics page shows the operations done, downloads them as CSV and Excel, and lists and downloads the expiring certificates', async () => {
    const page = await logInAs('admin', web.adminPassword);
    await page.getByRole('link', { name: '业务量统计' }).click();
    await page.getByTestId('total-new').waitFor();
    // the figures of this month so far, as the API counts them — and as the set-up did them
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const query = `from=${today.slice(0, 8)}01&to=${today}&granularity=day&groupBy=businessType`;
    const stats = (await api('GET', `/statistics/operations?${query}`, admin)).json as {
      totals: Record<string, number>;
    };
    expect(stats.totals).toMatchObject({ new: 2, renew: 1, revoke: 1, change: 0, reissue: 0, unlock: 0 });
    for (const type of ['new', 'renew', 'change', 'reissue', 'unlock', 'revoke'])
      expect(await figure(page, `total-${type}`), type).toBe(stats.totals[type]);
    await page.getByRole('img', { name: '各期业务量' }).locator('canvas').waitFor();
    expect(await page.getByTestId('expiring-count').innerText()).toBe('30 天内到期：0 张');
    await web.shoot(page, 'admin-statistics', true);

    // by branch: the counter's branch took both issuances
    await page.locator('.ant-radio-button-wrapper').filter({ hasText: '网点' }).click();
    await page.getByRole('button', { name: '开始统计' }).click();
    await page.getByRole('columnheader', { name: '网点' }).waitFor();
    await page.getByRole('cell', { name: 'hz-01' }).first().waitFor();

    const form = page.locator('form').first();
    const csvFile = await download(page, form.getByRole('button', { name: '导出 CSV' }));
    expect(csvFile.name).toMatch(/\.csv$/);
    expect([...csvFile.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csvFile.bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('期间 period,业务类型 business type,网点 branch,数量 count');
    const sum = (type: string) =>
      lines.filter((l) => l.split(',')[1] === type).reduce((n, l) => n + Number(l.split(',')[3]), 0);
    expect([sum('新办 new'), sum('更新 renew'), sum('撤销 revoke')]).toEqual([2, 1, 1]);
    expect(
      lines.filter((l) => l.split(',')[1] === '新办 new').every((l) => l.includes('西湖区网点 (hz-01)')),
    ).toBe(true);

    const xlsxFile = await download(page, form.getByRole('button', { name: '导出 Excel' }));
    expect(xlsxFile.name).toMatch(/\.xlsx$/);
    const path = join(web.dir, xlsxFile.name);
    expect(execFileSync('unzip', ['-t', path], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const totals = execFileSync('unzip', ['-p', path, 'xl/worksheets/sheet2.xml'], { encoding: 'utf8' });
    for (const [name, count] of [
      ['新办 new', 2],
      ['更新 renew', 1],
      ['撤销 revoke', 1],
    ] as const)
      expect(totals).toMatch(
        new RegExp(`<t xml:space="preserve">${name}</t></is></c><c r="B\\d+"><v>${count}</v>`),
      );

    // the certificates expiring within 400 days: Hangzhou's first pair (renewed, still valid)
    const expiring = page.locator('.ant-card').filter({ hasText: '即将到期的证书' });
    await expiring.getByRole('spinbutton').fill('400');
    await expiring.getByRole('button', { name: '刷新列表' }).click();
    await page.getByTestId('expiring-count').filter({ hasText: '400 天内到期：1 张' }).waitFor();
    await expiring.getByRole('cell', { name: HANGZHOU.uscc }).waitFor();
    const expiringCsv = await download(page, expiring.getByRole('button', { name: '导出 CSV' }));
    expect(expiringCsv.name).toBe('yizheng-expiring-400d.csv');
    const expiringLines = expiringCsv.bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(expiringLines).toHaveLength(2);
    expect(expiringLines[1]!.startsWith(`${HANGZHOU.uscc},`)).toBe(true);
    await page.context().close();
  });

  it('ok/R3 the audit viewer shows the chain verified and finds the revocation', async () => {
    const auditor = await web.tokenOf('shen', PASSWORDS.shen); // before the page's own login
    const page = await logInAs('shen', PASSWORDS.shen);
    await page.getByRole('link', { name: '审计日志' }).click();
    const chain = page.getByTestId('audit-chain');
    await chain.getByText('审计链校验通过').waitFor();
    const verified = (await api('GET', '/audit/verify', auditor)).json;
    expect(await chain.innerText()).toContain(`共 ${verified.entries as number} 条`);
    await page.getByLabel('操作', { exact: true }).fill('certificate.revoke');
    await page.getByLabel('USCC / 序列号 / 对象').fill(revokedSerial);
    await page.getByRole('button', { name: '查询日志' }).click();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await rows.filter({ hasText: revokedSerial }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toMatch(
      /operator:teller[\s\S]*certificate\.revoke[\s\S]*注销申请 2026-07/,
    );
    await web.shoot(page, 'admin-audit', true);
    await page.context().close();
  });

  it('refused/a regulator sees the statistics only (in Chinese and English): the audit trail and operator management are refused', async () => {
    const page = await logInAs('jian', PASSWORDS.jian);
    const menu = page.locator('.ant-menu');
    await menu.getByText('业务量统计').waitFor();
    expect(await menu.innerText()).not.toMatch(/审计日志|操作员管理|网点管理|审核队列/);
    for (const path of ['/admin/audit', '/admin/operators']) {
      await page.goto(`${web.running.url}${path}`);
      await page.getByText('无权访问').waitFor();
      expect(await page.getByRole('alert').innerText()).toBe('您的角色无权使用此功能 (YZ_ERR_FORBIDDEN)');
    }
    // in English too: the menu and the statistics page
    await page.getByRole('button', { name: 'English' }).click();
    expect(await menu.innerText()).toMatch(/Statistics[\s\S]*Operations/);
    await menu.getByText('Operations').click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    await page.getByRole('button', { name: 'Export Excel' }).first().waitFor();
    await page.getByTestId('total-new').getByText('new').waitFor();
    // and the API says the same to its session
    const regulator = await web.tokenOf('jian', PASSWORDS.jian);
    expect((await api('GET', '/audit', regulator)).json.code).toBe('YZ_ERR_FORBIDDEN');
    expect((await api('GET', '/operators', regulator)).json.code).toBe('YZ_ERR_FORBIDDEN');
    await page.context().close();
  });

  it('ok/R37 the administrator opens a branch, appoints an operator there who can log in, and issues and withdraws its work badge', async () => {
    const page = await logInAs('admin', web.adminPassword);
    await page.getByRole('link', { name: '网点管理' }).click();
    await page.getByLabel('网点编号').fill('nb-01');
    await page.getByLabel('网点名称').fill('鄞州区网点');
    await page.getByLabel('行政区划代码').fill('330212');
    await page.getByLabel('地址').fill('宁波市鄞州区某某路 8 号');
    await page.getByRole('button', { name: '新建网点' }).click();
    await page.getByRole('cell', { name: '鄞州区网点' }).waitFor();
    const branches = (await api('GET', '/branches', admin)).json as unknown as {
      id: string;
      active: boolean;
    }[];
    expect(branches.find((b) => b.id === 'nb-01')).toMatchObject({ active: true });

    await page.goto(`${web.running.url}/admin/operators`); // the menu may fold it under … at this width
    await page.getByLabel('登录名').fill('li');
    await page.getByLabel('姓名').fill('受理员 李某');
    await page.getByRole('combobox', { name: '所属网点' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'nb-01' }).click();
    await page.getByLabel('初始口令（留空则自动生成）').fill('Ningbo-Desk-2026');
    // the form may still re-render from its data load right after it appears (seen on a busy CI
    // machine: the click landed and the box stayed clear), so check until it shows checked
    const role = page.getByRole('checkbox', { name: '网点受理员' });
    await expect
      .poll(async () => {
        if (!(await role.isChecked())) await role.click();
        return role.isChecked();
      })
      .toBe(true);
    await page.getByRole('button', { name: '新建操作员' }).click();
    await page.getByRole('cell', { name: '受理员 李某' }).waitFor();
    await page.waitForFunction("document.querySelectorAll('.ant-message-notice').length === 0"); // toasts gone
    await web.shoot(page, 'admin-operators', true);
    const operators = (await api('GET', '/operators', admin)).json as unknown as {
      login: string;
      branchId: string;
      roles: string[];
    }[];
    expect(operators.find((o) => o.login === 'li')).toMatchObject({
      branchId: 'nb-01',
      roles: ['branch-operator'],
    });
    expect(await web.tokenOf('li', 'Ningbo-Desk-2026')).toMatch(/.+/);

    // 电子工作证: issued from a CSR pasted in, then withdrawn
    const row = page.locator('tr.ant-table-row').filter({ hasText: '受理员 李某' });
    await row.getByRole('button', { name: '签发工作证' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill(csr('李某'));
    await dialog.getByRole('button', { name: '签发工作证' }).click();
    await row.getByText('已绑定').waitFor();
    const badge = await api('GET', '/operators/li/badge', admin);
    expect(badge.json).toMatchObject({ role: 'badge', status: 'valid' });
    await row.getByRole('button', { name: '收回工作证' }).click();
    await row.getByText('未绑定').waitFor();
    const withdrawn = (await api('GET', `/certificates/${badge.json.serial as string}`, admin)).json;
    expect(withdrawn).toMatchObject({ status: 'revoked', revocationReason: 'cessationOfOperation' });
    await page.context().close();
  });

  it('ok/R4 R17 the administrator sees every profile version and publishes a new fee schedule version', async () => {
    const page = await logInAs('admin', web.adminPassword);
    await page.goto(`${web.running.url}/admin/catalogue`);
    await page.getByRole('cell', { name: 'work-badge', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'legal-person-sign', exact: true }).first().waitFor();
    const before = (await api('GET', '/fees/versions', null)).json as unknown as { version: number }[];
    await page.getByRole('button', { name: '发布新收费标准' }).click();
    const dialog = page.getByRole('dialog');
    const amount = dialog.getByRole('spinbutton').first();
    await amount.fill('88.50');
    await dialog.getByRole('button', { name: '确认发布' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const after = (await api('GET', '/fees/versions', null)).json as unknown as {
      version: number;
      items: { amountFen: number }[];
    }[];
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.items[0]!.amountFen).toBe(8850);
    await page
      .getByRole('cell', { name: String(after[0]!.version), exact: true })
      .first()
      .waitFor();
    await page.context().close();
  });

  it('ok/R26 the review queue highlights the registry differences; a reviewer claims the application', async () => {
    const page = await logInAs('wang', PASSWORDS.wang);
    await page.getByRole('link', { name: '审核队列' }).click();
    const differences = page.getByTestId(`differences-${reviewId}`);
    await differences.waitFor();
    expect(await differences.locator('mark').allInnerTexts()).toEqual(['王五', '李四']);
    expect(await differences.innerText()).toContain('法定代表人');
    const row = page.locator('tr.ant-table-row').filter({ hasText: reviewId });
    await row.getByRole('button', { name: '我来审核' }).click();
    await row.locator('.ant-tag').filter({ hasText: 'wang' }).waitFor();
    await page.locator('.ant-radio-button-wrapper').filter({ hasText: '分派给我的' }).click();
    await page.locator('tr.ant-table-row').filter({ hasText: reviewId }).waitFor();
    await page.locator('.ant-radio-button-wrapper').filter({ hasText: '未分派' }).click();
    await page.locator('.ant-empty-description').filter({ hasText: '暂无数据' }).first().waitFor();
    const application = (
      await api('GET', `/applications/${reviewId}`, await web.tokenOf('wang', PASSWORDS.wang))
    ).json;
    expect((application.data as { assignment: unknown }).assignment).toMatchObject({
      reviewer: 'wang',
      by: 'operator:wang',
    });
    await web.shoot(page, 'admin-review-assigned');
    await page.context().close();
  });
});
