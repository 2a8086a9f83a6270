/**
 * Issue 6 portal journeys (R34, R27, R17), in a real browser against `yizheng serve` on a
 * temporary data directory: the agent registered at the counter logs in with phone + SMS code
 * (the code read from the SMS simulator's outbox, as a developer would); applies online for a new
 * certificate, which the legal representative's electronic authorisation letter approves without
 * manual review; the home page lists the certificates with days to expiry and the renewal prompt;
 * the certificate is renewed online; a reissue's medium fee is paid through the payment simulator.
 *
 * The legal representative's certificate and the agent's new key are soft certificates of the
 * browser (`src/softkey/`, made under 证书管理): the online request is made with `softKeyCsr` and
 * the letter signed with `softKeySign` in the page. The renewal and reissue requests are made in
 * Node and pasted, the path of a USB-KEY tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Sm2PrivateKey, encodePem } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import { HANGZHOU, type WebHarness, startWebHarness } from './browser-harness.js';

const REP_PIN = '135792';
const AGENT_PIN = '246813';
const AGENT = { name: '王五', idType: 'resident-id', idNumber: '330106199003070022', phone: '13800138000' };

function csrOf(key: Sm2PrivateKey): string {
  const name = HANGZHOU.name;
  return encodePem(
    'CERTIFICATE REQUEST',
    buildCertificationRequest({ subject: parseName(`C=CN,O=${name},CN=${name}`) }, key).der,
  );
}

describe('issue 6 portal in a browser (R34)', () => {
  let web: WebHarness;
  let page: Page;
  let desk = '';

  beforeAll(async () => {
    web = await startWebHarness('yz-portal-web-');
    desk = await web.counterToken();
    const admin = await web.tokenOf('admin', web.adminPassword);
    // a renewal window longer than a new certificate's year, so the home page prompts at once
    expect((await web.api('PATCH', '/policy', admin, { renewalWindowDays: 400 })).status).toBe(200);
  });
  afterAll(async () => {
    await web?.close();
  });

  /** Makes a soft key on 证书管理 (the page must be there). */
  async function createKey(label: string, pin: string) {
    await page.getByLabel('名称').fill(label);
    await page.getByLabel('PIN 码（6–16 位）').fill(pin);
    await page.getByLabel('再次输入 PIN 码').fill(pin);
    await page.getByRole('button', { name: '生成密钥' }).click();
    await page.getByRole('cell', { name: label, exact: true }).waitFor();
  }
  const row = (label: string) =>
    page.getByRole('row').filter({ has: page.getByRole('cell', { name: label, exact: true }) });

  it('ok/the representative’s soft certificate: key made in the browser, pair issued at the counter, imported', async () => {
    page = await web.open('/portal/keys');
    await createKey('法定代表人 张三', REP_PIN);
    await row('法定代表人 张三').getByRole('button', { name: '生成证书请求' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('通用名（CN，单位名称）').fill(HANGZHOU.name);
    await dialog.getByLabel('单位（O）').fill(HANGZHOU.name);
    await dialog.getByLabel('统一社会信用代码（可选）').fill(HANGZHOU.uscc);
    await dialog.getByLabel('PIN 码').fill(REP_PIN);
    await dialog.getByRole('button', { name: /^生\s?成$/ }).click();
    const request = await dialog.getByLabel('证书请求（PKCS#10）').inputValue();
    await dialog.getByRole('button', { name: 'Close' }).click();
    // the counter issues the first pair and registers the agent with the application
    const issued = await web.api('POST', '/applications', desk, {
      csr: request,
      legalPerson: HANGZHOU,
      agent: AGENT,
    });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    await row('法定代表人 张三').getByRole('button', { name: '导入证书' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').first().fill(JSON.stringify(issued.json));
    await dialog.getByLabel('PIN 码').fill(REP_PIN);
    await dialog.getByRole('button', { name: '导入证书' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('法定代表人 张三').getByText('加密密钥已就绪').waitFor();
    // and personalises the representative's USB-KEY with it
    const serial = (issued.json.pair as { sign: { serial: string } }).sign.serial;
    expect(
      (await web.api('POST', '/media', desk, { model: 'FT-ePass3000GM', serials: ['FT2026112600001'] }))
        .status,
    ).toBe(201);
    const personalised = await web.api('POST', '/media/FT2026112600001/personalise', desk, {
      certificateSerial: serial,
    });
    expect(personalised.status, JSON.stringify(personalised.json)).toBe(200);
  });

  it('ok/the agent logs in with phone and the SMS code; the home shows certificates with days to expiry', async () => {
    // without a session the portal asks for the certificate login, which offers the SMS login
    await page.goto(`${web.running.url}/portal`);
    await page.getByRole('heading', { name: '法人证书登录' }).waitFor();
    await page.getByRole('menuitem', { name: '短信登录' }).click();
    await page.getByRole('heading', { name: '经办人短信登录' }).waitFor();
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.getByLabel('经办人手机号').fill('13700137000');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('该手机号未登记为本单位的经办人 (YZ_ERR_AGENT_NOT_REGISTERED)').waitFor();
    await page.getByLabel('经办人手机号').fill(AGENT.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送至 138****8000').waitFor();
    await web.shoot(page, 'portal-sms-login', true);
    const outbox = await web.api('GET', `/dev/sms-outbox?phone=${AGENT.phone}`, null);
    const text = (outbox.json as unknown as { text: string }[])[0]!.text;
    const code = /验证码为 (\d{6})/.exec(text)![1]!;
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '登 录' }).click();
    await page.getByRole('heading', { name: '门户首页' }).waitFor();
    await page.getByText('经办人：王五').waitFor();
    await page.getByText(HANGZHOU.name).first().waitFor();
    expect(await page.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(2);
    await page.getByText('365 天').first().waitFor();
    await page.getByText('已进入更新期').first().waitFor();
    await page.getByText('电子印章将在后续版本提供').waitFor();
    await web.shoot(page, 'portal-home', true);
  });

  it('ok/an online new certificate is approved by the electronic authorisation letter (no manual review)', async () => {
    // the agent's new key, made in this browser
    await page.goto(`${web.running.url}/portal/keys`);
    await createKey('经办人 王五', AGENT_PIN);
    await page.goto(`${web.running.url}/portal/apply`);
    await page.getByRole('heading', { name: '在线新办数字证书' }).waitFor();
    await page.getByLabel('PIN 码').fill(AGENT_PIN);
    await page.getByRole('button', { name: '用软证书生成请求' }).click();
    await expect
      .poll(() => page.getByLabel('证书请求（PKCS#10，PEM）').inputValue(), { timeout: 30_000 })
      .toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    await page.getByLabel('申请材料（仅保存 SM3 摘要）').setInputFiles({
      name: '营业执照.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 营业执照'),
    });
    await page.getByRole('button', { name: '提交申请并生成授权书' }).click();
    await page.getByRole('heading', { name: '电子授权书' }).waitFor();
    await page.getByText('待法定代表人签署').waitFor();
    const letter = await page.getByTestId('letter-text').innerText();
    expect(letter).toContain('经办人 agent: 王五');
    expect(letter).toContain('法定代表人 legal representative: 张三');
    // the legal representative signs the text with the enterprise's soft certificate (softKeySign)
    await page.getByLabel('PIN 码').fill(REP_PIN);
    await page.getByRole('button', { name: '用软证书签署' }).click();
    await page.getByText('授权书核验通过，新证书已签发').waitFor();
    await page.getByText('核验通过，已自动审核通过').waitFor();
    await page.getByText('法人库核验（法定代表人）').waitFor();
    await page.getByText('一致', { exact: true }).waitFor();
    await page.mouse.wheel(0, -5000);
    await web.shoot(page, 'portal-letter', true);
    await page.getByRole('menuitem', { name: '门户首页' }).click();
    await page.getByRole('heading', { name: '门户首页' }).waitFor();
    await expect.poll(() => page.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(4);
    await page.getByRole('menuitem', { name: '站内消息' }).click();
    await page.getByText('您的新办申请（网上办理）已办结').waitFor();
  });

  it('ok/the certificate is renewed online from the renewal prompt', async () => {
    await page.getByRole('menuitem', { name: '门户首页' }).click();
    await page.getByRole('link', { name: '在线更新' }).first().click();
    await page.getByRole('heading', { name: /更新证书/ }).waitFor();
    await page.getByLabel('证书请求（PKCS#10，PEM）').fill(csrOf(Sm2PrivateKey.generate()));
    await page.getByRole('button', { name: '提 交' }).click();
    await page.getByText('新证书已签发').waitFor();
    await web.shoot(page, 'portal-renew', true);
    await page.getByRole('menuitem', { name: '业务记录' }).click();
    await expect.poll(() => page.getByText('更新').count()).toBeGreaterThan(0);
  });

  it('ok/a reissue’s medium fee is paid online (payment simulator, verified callback)', async () => {
    await page.getByRole('menuitem', { name: '门户首页' }).click();
    await page.getByRole('heading', { name: '门户首页' }).waitFor();
    await page.getByRole('link', { name: '补办' }).first().click();
    await page.getByLabel('证书请求（PKCS#10，PEM）').fill(csrOf(Sm2PrivateKey.generate()));
    await page.getByRole('button', { name: '提 交' }).click();
    await page.getByText('新证书已签发').waitFor();
    await page.getByRole('menuitem', { name: '费用支付' }).click();
    await page.getByText('待支付').waitFor();
    await page.getByRole('button', { name: '支 付' }).click();
    await page.getByText(/应付 80\.00 元（收费标准第 1 版）/).waitFor();
    await page.getByRole('button', { name: '模拟支付（开发环境）' }).click();
    await page.getByText(/支付成功，交易流水号 SIM/).waitFor();
    await page.getByText('已支付').waitFor();
    await web.shoot(page, 'portal-payments', true);
  });

  it('ok/a locked USB-KEY of the legal person is unlocked online (challenge → answer)', async () => {
    await page.getByRole('menuitem', { name: '解锁' }).click();
    await page.getByRole('heading', { name: 'USB-KEY 在线解锁' }).waitFor();
    await page.getByLabel('USB-KEY 序列号').click();
    await page.getByText('FT2026112600001 · FT-ePass3000GM').click();
    await page.getByLabel('解锁挑战码（客户端显示的 16 或 32 位十六进制）').fill('0123456789ABCDEF');
    await page.getByLabel('新用户口令（可选）').fill('Xihu2026');
    await page.getByRole('button', { name: '获取解锁应答' }).click();
    await page.getByText('解锁应答（由客户端写入 USB-KEY）').waitFor();
    expect(await page.locator('.ant-descriptions-item-content code').first().innerText()).toMatch(
      /^[0-9A-F]+$/i,
    );
    await web.shoot(page, 'portal-unlock');
    await page.context().close();
  });

  it('ok/the help page is in English after switching', async () => {
    const help = await web.open('/portal/help', 'en');
    await help.getByRole('heading', { name: 'Help and FAQ' }).waitFor();
    await help.getByText('What is the electronic authorisation letter?').waitFor();
    await help.context().close();
  });
});
