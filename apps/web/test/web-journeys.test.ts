/**
 * Issue 6 first slice (R4, R25, R33), in a real browser: headless Debian `chromium` driven by
 * playwright-core against `yizheng serve` (startServer) on a temporary data directory, no mock
 * data. Journeys: the administrator logs in by keyboard and sees the statistics the API gives; a
 * reviewer rejects an application from the review queue; the counter refuses a mistyped USCC in
 * the form and finds the legal person with its certificate; a regulator sees statistics but is
 * refused the review queue; zh-CN by default, English after switching. Screenshots go to the
 * test's temp dir (the journey's artifacts); with YIZHENG_UPDATE_SCREENSHOTS=1 also, one per main
 * page, to docs/screenshots/ for the README (so an ordinary run leaves the work tree clean).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidUscc } from '@yizheng/pki';
import { HANGZHOU, NINGBO, type WebHarness, csr, startWebHarness } from './browser-harness.js';

// a well-formed USCC (its check character computed) of no legal person on record
const UNKNOWN_USCC = [...'0123456789ABCDEFGHJKLMNPQRTUWXY']
  .map((check) => `91330110MA2H7K8L9${check}`)
  .find((code) => isValidUscc(code))!;
const PASSWORDS = { teller: 'Xihu-Desk-2026', wang: 'Review-Desk-2026', jian: 'Regulator-2026' };

describe('issue 6 web platform in a browser (R4, R25, R33)', () => {
  let web: WebHarness;
  let adminPassword = '';
  let serial = '';
  const api: WebHarness['api'] = (...args) => web.api(...args);
  const tokenOf: WebHarness['tokenOf'] = (...args) => web.tokenOf(...args);
  const open: WebHarness['open'] = (...args) => web.open(...args);
  const shoot: WebHarness['shoot'] = (...args) => web.shoot(...args);
  const logIn: WebHarness['logIn'] = (...args) => web.logIn(...args);

  beforeAll(async () => {
    web = await startWebHarness();
    adminPassword = web.adminPassword;
    const admin = await tokenOf('admin', adminPassword);
    const branch = {
      id: 'hz-01',
      name: '西湖区网点',
      regionCode: '330106',
      address: '杭州市西湖区某某路 1 号',
    };
    expect((await api('POST', '/branches', admin, branch)).status).toBe(201);
    const operators = [
      { login: 'teller', name: '受理员 某某', roles: ['branch-operator'], branchId: 'hz-01' },
      { login: 'wang', name: '审核员 王某', roles: ['reviewer'], branchId: 'hz-01' },
      { login: 'jian', name: '监管员 简某', roles: ['regulator'] },
    ] as const;
    for (const operator of operators)
      expect(
        (await api('POST', '/operators', admin, { ...operator, password: PASSWORDS[operator.login] })).status,
      ).toBe(201);
    const counter = await tokenOf('teller', PASSWORDS.teller);
    const issued = await api('POST', '/applications', counter, {
      csr: csr(HANGZHOU.name),
      legalPerson: HANGZHOU,
    });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    serial = (issued.json.pair as { sign: { serial: string } }).sign.serial;
    const waiting = await api('POST', '/applications', counter, {
      csr: csr(NINGBO.name),
      legalPerson: NINGBO,
    });
    expect(waiting.status, JSON.stringify(waiting.json)).toBe(202);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('ok/the landing page is in zh-CN by default and in English after switching', async () => {
    const page = await open('/');
    await page.getByText('法人门户').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await shoot(page, 'landing', true);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Legal-person portal').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await page.getByText('Branch counter').first().waitFor();
    await shoot(page, 'landing-en');
    await page.context().close();
  });

  it('ok/R4 R25 the administrator logs in by keyboard and sees the statistics the API gives', async () => {
    const page = await open('/admin');
    await page.waitForURL(/\/admin\/login$/);
    await logIn(page, 'admin', 'wrong-password-1');
    await page.getByRole('alert').filter({ hasText: 'YZ_ERR_LOGIN_FAILED' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'YZ_ERR_LOGIN_FAILED' }).innerText()).toContain(
      '登录名或口令不正确',
    );
    await page.getByLabel('登录名').fill('');
    await logIn(page, 'admin', adminPassword);
    await page.waitForURL(/\/admin$/);
    const stats = (await api('GET', '/statistics', await tokenOf('admin', adminPassword))).json;
    const card = page.locator('.ant-statistic').filter({ hasText: '法人数' });
    await card.waitFor();
    expect(await card.locator('.ant-statistic-content-value').innerText()).toBe(String(stats.legalPersons));
    expect(stats.legalPersons).toBeGreaterThanOrEqual(1);
    await page.getByRole('img', { name: '按业务类型的申请' }).locator('canvas').waitFor();
    // both applications came through the counter: the channel table says so, in words
    const byChannel = stats.applicationsByChannel as Record<string, number>;
    expect(byChannel.counter).toBe(2);
    const channelRow = page.getByRole('row').filter({ hasText: '网点柜台' });
    expect(await channelRow.getByRole('cell').allInnerTexts()).toEqual([
      '网点柜台',
      String(byChannel.counter),
    ]);
    await shoot(page, 'admin-dashboard', true);
    await page.context().close();
  });

  it('ok/a reviewer rejects an application in the review queue with a reason', async () => {
    const page = await open('/admin/login');
    await logIn(page, 'wang', PASSWORDS.wang);
    await page.waitForURL(/\/admin$/);
    await page.getByRole('link', { name: '审核队列' }).click();
    const row = page.getByRole('row').filter({ hasText: NINGBO.uscc });
    await row.waitFor();
    await shoot(page, 'admin-review', true);
    await row.getByRole('button', { name: '不通过' }).click();
    await page.getByLabel('不通过的理由').fill('法定代表人与法人库不一致');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /不通过/ })
      .click();
    await page.locator('.ant-empty-description', { hasText: '暂无数据' }).waitFor();
    const reviewer = await tokenOf('wang', PASSWORDS.wang);
    const rejected = (await api('GET', `/applications?uscc=${NINGBO.uscc}`, reviewer)).json as unknown as {
      state: string;
    }[];
    expect(rejected.map((a) => a.state)).toEqual(['rejected']);
    await page.context().close();
  });

  it('ok/R33 the counter refuses a mistyped USCC in the form, then finds the legal person and its certificate', async () => {
    const page = await open('/counter');
    await page.waitForURL(/\/counter\/login$/);
    await logIn(page, 'teller', PASSWORDS.teller);
    await page.waitForURL(/\/counter$/);
    const lookUps: string[] = [];
    page.on('request', (request) => request.url().includes('/legal-persons/') && lookUps.push(request.url()));
    await page.getByLabel('统一社会信用代码').fill('91330106MA2B3C4D5X');
    await page.keyboard.press('Enter');
    await page.getByText('统一社会信用代码校验不通过（GB 32100），请核对').waitFor();
    expect(lookUps).toEqual([]);
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc.toLowerCase());
    await page.keyboard.press('Enter');
    const row = page.getByRole('row').filter({ hasText: serial });
    await row.waitFor();
    expect(lookUps).toHaveLength(1);
    await expect(page.getByText(HANGZHOU.name).first().isVisible()).resolves.toBe(true);
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(1, 3)).toEqual(['签名证书', '有效']);
    expect(Number(cells[4])).toBeGreaterThan(300);
    await shoot(page, 'counter-lookup', true);
    await page.getByLabel('统一社会信用代码').fill(UNKNOWN_USCC);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: '未找到该记录 (YZ_ERR_NOT_FOUND)' }).waitFor();
    await page.getByRole('button', { name: /重\s?试/ }).waitFor();
    await page.context().close();
  });

  it('refused/a regulator sees the statistics but the review queue says YZ_ERR_FORBIDDEN in plain words', async () => {
    const page = await open('/admin/login', 'en');
    await page.getByLabel('Login').waitFor();
    await page.getByRole('button', { name: '简体中文' }).click();
    await logIn(page, 'jian', PASSWORDS.jian);
    await page.waitForURL(/\/admin$/);
    await page.locator('.ant-statistic').filter({ hasText: '法人数' }).waitFor();
    await page.goto(`${web.running.url}/admin/review`);
    const refusal = page.getByRole('alert').filter({ hasText: 'YZ_ERR_FORBIDDEN' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe('您的角色无权使用此功能 (YZ_ERR_FORBIDDEN)');
    await page.getByText('无权访问').waitFor();
    await shoot(page, 'admin-refused');
    await page.context().close();
  });
});
