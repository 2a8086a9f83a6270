/**
 * Issue 6 "Done when", in one ordered journey a new user can repeat by hand after `npm start`,
 * with only the accounts the first run prints: the seeded demo counter operator `counter` (branch
 * hz-xihu, demo USB-KEYs in its stock) issues 杭州某某科技有限公司 its first certificate at the
 * counter onto a key from that stock, registering the agent's phone (R33); the materials page
 * shows one key fewer; the agent logs in at the portal with the SMS code from the dev outbox,
 * renews the certificate online and then revokes it (R34); OCSP answers "revoked" for it and the
 * delta CRL lists it within the minute bound (R23); the counter issues a second certificate,
 * renews it at the counter and revokes it from the look-up page; the admin's statistics page shows exactly the
 * operations this journey did (R25). Each step depends on the previous one.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseCrl } from '@yizheng/pki';
import { HANGZHOU, type WebHarness, csr, startWebHarness } from './browser-harness.js';

const AGENT = { name: '王五', idNumber: '330106199003070022', phone: '13800138000' };
const DEMO_MODEL = 'DEMO-ePass3000GM';
const scan = (name: string) => ({ name, mimeType: 'image/png', buffer: Buffer.from(`scan ${name}`) });

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

/** Polls `check` until it holds or `ms` pass; returns the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(250);
  }
  return Date.now() - start;
}

describe('issue 6 done-when: the seeded accounts carry certificates through new → renew → revoke', () => {
  let web: WebHarness;
  let desk: Page;
  /** What this journey did, by business type: the statistics must show the same. */
  const done = { new: 0, renew: 0, revoke: 0 };
  let renewedSerial = '';

  const signSerials = async (): Promise<{ serial: string; status: string }[]> =>
    (
      await web.api(
        'GET',
        `/certificates?uscc=${HANGZHOU.uscc}&role=sign`,
        await web.tokenOf('counter', web.counterPassword),
      )
    ).json as unknown as { serial: string; status: string }[];
  /** The demo model's 库存 figure on the materials page. */
  const inStock = async (page: Page) => {
    const row = page.getByRole('row').filter({ hasText: DEMO_MODEL }).filter({ hasText: '库存' }).first();
    await row.waitFor();
    return Number((await row.getByRole('cell').allInnerTexts())[2]);
  };
  /** Walks the counter's lookup → documents → fee and key → CSR steps on the current page. */
  async function counterSteps(page: Page, key: string | null) {
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.keyboard.press('Enter');
    await page.getByText(HANGZHOU.legalRepresentative).first().waitFor();
    if (await page.getByText('选择要办理的证书').isVisible()) {
      const valid = (await signSerials()).filter((c) => c.status === 'valid');
      await page.getByRole('radio', { name: new RegExp(valid[0]!.serial) }).check();
    }
    await page.getByRole('button', { name: /下一步/ }).click();
    return async () => {
      // every scan the checklist asks for (it asks more when an agent, not 张三, comes)
      const inputs = page.locator('input[type=file]');
      // the checklist arrives from the API: count its scan fields only once they are there
      await inputs.first().waitFor({ state: 'attached' });
      for (let i = 0; i < (await inputs.count()); i++)
        await inputs.nth(i).setInputFiles(scan(`doc-${i}.png`));
      await page.getByRole('button', { name: /下一步/ }).click();
      if (key) await page.getByRole('radio', { name: new RegExp(key) }).check();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.getByLabel(/证书请求（CSR/).fill(csr(HANGZHOU.name));
      await page.getByRole('button', { name: /提交并制证|提\s?交/ }).click();
    };
  }

  beforeAll(async () => {
    web = await startWebHarness('yz-done-when-web-');
    const printed = web.lines.join('\n');
    // the first run says what each account is for and where to go
    expect(printed).toMatch(/operator admin \(ca-admin\).*\/admin/);
    expect(printed).toMatch(
      /demo counter operator counter \(branch-operator, branch hz-xihu, 5 demo USB-KEYs/,
    );
    expect(printed).toMatch(/\/counter/);
    expect(printed).toMatch(/91330106MA2B3C4D5D.*\/portal/);
  });
  afterAll(async () => {
    await web?.close();
  });

  it('ok/the seeded counter operator issues the first certificate onto a seeded USB-KEY, with the agent’s phone', async () => {
    desk = await web.open('/counter/materials');
    await desk.waitForURL(/\/counter\/login$/);
    await web.logIn(desk, 'counter', web.counterPassword);
    await desk.waitForURL(/\/counter\/materials$/);
    expect(await inStock(desk)).toBe(5);
    await web.shoot(desk, 'done-when-stock-before');

    await desk.getByRole('link', { name: '柜台新办' }).click();
    const finish = await counterSteps(desk, 'DEMO-XH-0001');
    // the agent 王五 comes for the company: name, identity number and the phone the portal uses
    await desk.getByRole('checkbox').first().uncheck();
    await desk.getByLabel('经办人姓名').fill(AGENT.name);
    await desk.getByLabel('经办人身份证号').fill(AGENT.idNumber);
    await desk.getByLabel('经办人手机号（门户短信登录用）').fill(AGENT.phone);
    await finish();
    await desk.getByText('已制证：证书已写入介质 DEMO-XH-0001').waitFor();
    done.new++;
    await web.shoot(desk, 'done-when-counter-new');

    await desk.getByRole('link', { name: '物资管理' }).click();
    await desk
      .getByRole('row')
      .filter({ hasText: 'DEMO-XH-0001' })
      .filter({ hasText: '发放（制证）' })
      .waitFor();
    expect(await inStock(desk)).toBe(4);
    await web.shoot(desk, 'done-when-stock-after');
  });

  it('ok/the agent logs in at the portal with the SMS code and renews the certificate online', async () => {
    // renewal is offered inside the window: the seeded admin widens it so a new certificate qualifies
    const admin = await web.tokenOf('admin', web.adminPassword);
    expect((await web.api('PATCH', '/policy', admin, { renewalWindowDays: 400 })).status).toBe(200);
    const page = await web.open('/portal/sms-login');
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.getByLabel('经办人手机号').fill(AGENT.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送至 138****8000').waitFor();
    const outbox = (await web.api('GET', `/dev/sms-outbox?phone=${AGENT.phone}`, null)).json as unknown as {
      text: string;
    }[];
    await page.getByLabel('短信验证码').fill(/验证码为 (\d{6})/.exec(outbox[0]!.text)![1]!);
    await page.getByRole('button', { name: '登 录' }).click();
    await page.getByRole('heading', { name: '门户首页' }).waitFor();
    await page.getByText(`经办人：${AGENT.name}`).waitFor();
    const [first] = await signSerials();
    await page.getByRole('row').filter({ hasText: first!.serial }).waitFor();
    await web.shoot(page, 'done-when-portal-home');

    await page.getByRole('link', { name: '在线更新' }).first().click();
    await page.getByLabel('证书请求（PKCS#10，PEM）').fill(csr(HANGZHOU.name));
    await page.getByRole('button', { name: '提 交' }).click();
    await page.getByText('新证书已签发').waitFor();
    done.renew++;
    renewedSerial = /签名证书序列号 ([0-9A-F]+)/.exec(await page.getByText('新证书已签发').innerText())![1]!;
    expect((await signSerials()).find((c) => c.serial === renewedSerial)?.status).toBe('valid');
    await web.shoot(page, 'done-when-portal-renew');

    // then revokes the renewed certificate from the home page
    await page
      .getByRole('link', { name: /门户首页|Home/ })
      .first()
      .click();
    await page.getByRole('heading', { name: '门户首页' }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: renewedSerial })
      .getByRole('link', { name: '撤销', exact: true })
      .click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '提 交' }).click();
    await page.getByText('已办理完成').waitFor();
    done.revoke++;
    await web.shoot(page, 'done-when-portal-revoke');
    expect((await signSerials()).find((c) => c.serial === renewedSerial)?.status).toBe('revoked');
    await page.context().close();
  });

  it('ok/OCSP answers revoked for it, and the delta CRL lists it within a minute', async () => {
    const [ca] = (await (await fetch(`${web.running.url}/ca`)).json()) as { id: string }[];
    const issuer = join(web.dir, 'issuer.pem');
    writeFileSync(
      issuer,
      (await (await fetch(`${web.running.url}/ca/${ca!.id}.pem`)).text()).split(
        '-----END CERTIFICATE-----',
      )[0] + '-----END CERTIFICATE-----\n',
    );
    const ocsp = () =>
      run('openssl', [
        'ocsp',
        '-issuer',
        issuer,
        '-serial',
        `0x${renewedSerial}`,
        '-url',
        `${web.running.url}/ocsp`,
        '-noverify',
        '-resp_text',
      ]);
    const ocspMs = await within(60_000, async () => /Cert Status: revoked/.test(await ocsp()));
    const deltaMs = await within(60_000, async () => {
      const delta = await fetch(`${web.running.url}/crl/${ca!.id}-delta.crl`);
      if (delta.status !== 200) return false;
      return parseCrl(new Uint8Array(await delta.arrayBuffer())).tbs.entries.some(
        (e) => e.serialNumber.toString(16).toUpperCase() === renewedSerial,
      );
    });
    expect(Math.max(ocspMs, deltaMs)).toBeLessThan(60_000);
  });

  it('ok/the counter issues a second certificate, renews it at the counter and revokes it', async () => {
    await desk.getByRole('link', { name: '柜台新办' }).click();
    await (
      await counterSteps(desk, 'DEMO-XH-0002')
    )();
    await desk.getByText('已制证：证书已写入介质 DEMO-XH-0002').waitFor();
    done.new++;
    const second = (await signSerials()).find((c) => c.status === 'valid')!.serial;

    await desk.getByRole('link', { name: '证书服务' }).click();
    await desk.waitForURL(/\/counter\/service\/renew$/);
    // the flow for renew is mounted (a new one per business type) once its choice shows as checked
    await desk.locator('.ant-radio-button-wrapper-checked', { hasText: '更新' }).waitFor();
    await (
      await counterSteps(desk, null)
    )();
    await desk
      .getByText(/已制证|新证书已签发|办理完成/)
      .first()
      .waitFor();
    done.renew++;
    await web.shoot(desk, 'done-when-counter-renew');
    const renewed = (await signSerials()).find((c) => c.status === 'valid' && c.serial !== second)!.serial;

    // 撤销 at the counter: from the look-up page's certificate table, with the reason and the form's number
    await desk.getByRole('link', { name: '法人查询' }).click();
    await desk.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await desk.keyboard.press('Enter');
    await desk
      .getByRole('row')
      .filter({ hasText: renewed })
      .getByRole('button', { name: /撤\s?销/ })
      .click();
    const dialog = desk.getByRole('dialog');
    await dialog.getByRole('radio', { name: '停止使用' }).check();
    await dialog.getByRole('button', { name: /确\s?定/ }).click();
    await dialog.getByText('请填写申请表编号或说明').waitFor();
    await dialog.getByLabel('申请表编号或说明').fill('柜台撤销申请 XH-2026-001');
    await web.shoot(desk, 'done-when-counter-revoke');
    await dialog.getByRole('button', { name: /确\s?定/ }).click();
    await desk.getByRole('row').filter({ hasText: renewed }).getByText('已撤销').waitFor();
    expect((await signSerials()).find((c) => c.serial === renewed)?.status).toBe('revoked');
    done.revoke++;
    await desk.getByRole('link', { name: '物资管理' }).click();
    expect(await inStock(desk)).toBe(3);
    await desk.context().close();
  });

  it('ok/the admin’s statistics page shows the operations this journey did', async () => {
    const page = await web.open('/admin/login');
    await web.logIn(page, 'admin', web.adminPassword);
    await page.waitForURL(/\/admin$/);
    await page.goto(`${web.running.url}/admin/statistics`);
    await page.getByTestId('total-new').waitFor();
    const figure = async (type: string) =>
      Number(
        (await page.getByTestId(`total-${type}`).locator('.ant-statistic-content-value').innerText()).replace(
          /,/g,
          '',
        ),
      );
    await expect.poll(() => figure('new')).toBe(done.new);
    expect({
      new: await figure('new'),
      renew: await figure('renew'),
      revoke: await figure('revoke'),
    }).toEqual(done);
    expect(done).toEqual({ new: 2, renew: 2, revoke: 2 });
    await web.shoot(page, 'done-when-statistics');
    await page.context().close();
  });
});
