/**
 * The branch counter in a browser (R33 walk-in business and materials management): headless
 * chromium against `yizheng serve` on a temp directory, no mock data. Journeys: an operator
 * receives three USB-KEYs into the branch on the stock page; "a counter new certificate that takes
 * a USB-KEY from stock" — look-up with the registry data, the document checklist with scans, the
 * fee, a key picked from this branch's stock, the CSR the key's vendor tool would make (made here
 * with @yizheng/gm standing in for the key) — then the printable receipt with the serials; the
 * stock page shows one fewer in stock and the movement; a transfer to another branch and a scrap
 * with a reason; and the low-stock warning once the branch manager sets a threshold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANGZHOU, type WebHarness, csr, startWebHarness } from './browser-harness.js';

const PASSWORDS = { desk: 'Xihu-Desk-2026', boss: 'Xihu-Manager-2026' };
const KEYS = ['CK-0001', 'CK-0002', 'CK-0003'];
const scan = (name: string) => ({ name, mimeType: 'image/png', buffer: Buffer.from(`scan ${name}`) });

interface MediumView {
  readonly serial: string;
  readonly state: string;
  readonly branchId: string | null;
  readonly uscc: string | null;
}

describe('the branch counter in a browser (R33)', () => {
  let web: WebHarness;
  let desk = '';
  let applicationId = '';

  beforeAll(async () => {
    web = await startWebHarness('yz-counter-web-');
    const admin = await web.tokenOf('admin', web.adminPassword);
    for (const branch of [
      { id: 'hz-01', name: '西湖区网点', regionCode: '330106', address: '杭州市西湖区某某路 1 号' },
      { id: 'nb-01', name: '鄞州区网点', regionCode: '330212', address: '宁波市鄞州区某某路 2 号' },
    ])
      expect((await web.api('POST', '/branches', admin, branch)).status).toBe(201);
    for (const operator of [
      {
        login: 'chen',
        name: '受理员 陈某',
        roles: ['branch-operator'],
        branchId: 'hz-01',
        password: PASSWORDS.desk,
      },
      {
        login: 'zhou',
        name: '网点负责人 周某',
        roles: ['branch-manager'],
        branchId: 'hz-01',
        password: PASSWORDS.boss,
      },
    ])
      expect((await web.api('POST', '/operators', admin, operator)).status).toBe(201);
    desk = await web.tokenOf('chen', PASSWORDS.desk);
  });
  afterAll(async () => {
    await web?.close();
  });

  const media = async (): Promise<MediumView[]> =>
    (await web.api('GET', '/media?batch=B2026-11', desk)).json as unknown as MediumView[];

  it('ok/a counter new certificate that takes a USB-KEY from stock', async () => {
    const page = await web.open('/counter/materials');
    await page.waitForURL(/\/counter\/login$/);
    await web.logIn(page, 'chen', PASSWORDS.desk);
    await page.waitForURL(/\/counter\/materials$/);
    // 入库: three keys of one batch into this branch, on the stock page
    const receiveCard = page.locator('.ant-card').filter({ hasText: '介质入库' });
    await receiveCard.getByLabel('批次号').fill('B2026-11');
    await page.getByLabel('介质序列号（每行一个）').fill(KEYS.join('\n'));
    await page
      .getByRole('button', { name: '入 库' })
      .or(page.getByRole('button', { name: '入库' }))
      .click();
    await page.getByText('已入库 3 个').waitFor();
    expect((await media()).map((m) => [m.serial, m.state, m.branchId])).toEqual(
      KEYS.map((serial) => [serial, 'stock', 'hz-01']),
    );

    // 柜台新办: look-up with registry data
    await page.getByRole('link', { name: '柜台新办' }).click();
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.keyboard.press('Enter');
    await page.getByText('张三').waitFor();
    await page.getByText('本平台尚无该法人的证书（首次办理）').waitFor();
    await page.getByRole('button', { name: /下一步/ }).click();
    // the checklist: the legal representative in person needs form, licence and their ID
    await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
    await page.getByLabel('营业执照复印件（加盖公章）').setInputFiles(scan('licence.png'));
    await expect(page.getByRole('button', { name: /下一步/ }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('法定代表人身份证复印件').setInputFiles(scan('id.png'));
    await page.getByText('已上传：id.png').waitFor();
    await page.getByRole('button', { name: /下一步/ }).click();
    // the fee (first certificate free) and a key from this branch's stock
    await page.getByText('首张证书免费（政府购买服务）').waitFor();
    await page.getByRole('radio', { name: /CK-0001/ }).check();
    await page.getByRole('radio', { name: '微信' }).check();
    await page.getByRole('button', { name: /下一步/ }).click();
    // the CSR the key's vendor tool exports (made here with @yizheng/gm in its place)
    await page.getByLabel(/证书请求（CSR/).fill(csr(HANGZHOU.name));
    await page.getByRole('button', { name: /提交并制证/ }).click();
    await page.getByText('已制证：证书已写入介质 CK-0001').waitFor();
    await page.getByText(/介质 SO PIN（仅显示一次/).waitFor();
    await page.getByRole('button', { name: /打印受理单/ }).click();
    await page.waitForURL(/\/counter\/receipt\/app-/);
    applicationId = page.url().split('/').pop()!;

    // the receipt: serials, medium, legal person, branch, operator, a print button
    const receipt = (await web.api('GET', `/counter/receipts/${applicationId}`, desk)).json as {
      certificates: { serial: string }[];
    };
    expect(receipt.certificates).toHaveLength(2);
    for (const { serial } of receipt.certificates) await page.getByText(serial).waitFor();
    for (const text of [
      HANGZHOU.name,
      HANGZHOU.uscc,
      'CK-0001（FT-ePass3000GM）',
      '西湖区网点',
      'operator:chen',
      '微信',
      '新办',
    ])
      await page.getByText(text, { exact: false }).first().waitFor();
    await page.getByRole('button', { name: /打\s?印/ }).waitFor();
    await web.shoot(page, 'counter-receipt', true);
    // on paper only the form: the header and the print button are hidden by @media print
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.ant-layout-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /打\s?印/ }).isVisible()).toBe(false);
    expect(await page.getByText(receipt.certificates[0]!.serial).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // the stock page: one fewer in stock, the key issued to the legal person, the movement logged
    await page.getByRole('link', { name: '物资管理' }).click();
    const issuedRow = page
      .getByRole('row')
      .filter({ hasText: 'CK-0001' })
      .filter({ hasText: '发放（制证）' });
    await issuedRow.waitFor();
    const stockRow = page
      .getByRole('row')
      .filter({ hasText: 'FT-ePass3000GM' })
      .filter({ hasText: /^.*库存.*$/ });
    expect(await stockRow.first().getByRole('cell').allInnerTexts()).toEqual(['FT-ePass3000GM', '库存', '2']);
    const bound = (await media()).find((m) => m.serial === 'CK-0001');
    expect(bound).toMatchObject({ state: 'issued', uscc: HANGZHOU.uscc });
    await page.context().close();
  });

  it('ok/transfer a key to another branch, scrap one with a reason, then the low-stock warning', async () => {
    const page = await web.open('/counter/login');
    await web.logIn(page, 'chen', PASSWORDS.desk);
    await page.waitForURL(/\/counter$/);
    await page.getByRole('link', { name: '物资管理' }).click();
    // 调拨 CK-0002 to the Yinzhou branch
    await page
      .getByRole('row')
      .filter({ hasText: 'CK-0002' })
      .getByRole('button', { name: /调\s?拨/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /鄞州区网点/ }).check();
    await dialog.getByLabel('原因').fill('鄞州网点缺货');
    await dialog.getByRole('button', { name: /确\s?定/ }).click();
    await page.getByRole('row').filter({ hasText: 'CK-0002' }).filter({ hasText: '调拨出库' }).waitFor();
    // 报废 CK-0003: the reason is required
    await page
      .getByRole('row')
      .filter({ hasText: 'CK-0003' })
      .getByRole('button', { name: /报\s?废/ })
      .click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s?定/ })
      .click();
    await page.getByText('请填写原因').waitFor();
    await page.getByRole('dialog').getByLabel('原因').fill('外壳破损');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s?定/ })
      .click();
    await page.getByRole('row').filter({ hasText: 'CK-0003' }).filter({ hasText: '外壳破损' }).waitFor();
    expect((await media()).map((m) => [m.serial, m.state, m.branchId])).toEqual([
      ['CK-0001', 'issued', 'hz-01'],
      ['CK-0002', 'transit', 'nb-01'],
      ['CK-0003', 'retired', 'hz-01'],
    ]);
    // the stock query across branches: the batch, where each key is, and a key's movements
    const search = page.locator('.ant-card').filter({ hasText: '库存查询（全部网点）' });
    await search.getByLabel('批次号').fill('B2026-11');
    await search.getByRole('button', { name: /查\s?询/ }).click();
    const transit = search.getByRole('row').filter({ hasText: 'nb-01' }).filter({ hasText: '调拨在途' });
    await transit.getByRole('button', { name: 'CK-0002' }).click();
    await search.getByText('CK-0002 的物资流水').waitFor();
    await search
      .getByRole('row')
      .filter({ hasText: '调拨出库' })
      .filter({ hasText: '鄞州网点缺货' })
      .waitFor();
    // an issued key is not scrapped: the API refuses with its code, nothing changes
    const refused = await web.api('POST', '/media/CK-0001/scrap', desk, { reason: 'x' });
    expect([refused.status, refused.json.code]).toEqual([409, 'YZ_ERR_MEDIUM_STATE']);

    // the branch manager sets a minimum of 2; nothing is left in stock, so the banner appears
    const boss = await web.tokenOf('zhou', PASSWORDS.boss);
    const set = await web.api('PUT', '/stock/thresholds', boss, {
      branchId: 'hz-01',
      model: 'FT-ePass3000GM',
      minimum: 2,
    });
    expect(set.status).toBe(200);
    await page.reload();
    const banner = page.getByRole('alert').filter({ hasText: '低库存预警' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('FT-ePass3000GM 库存 0 个，低于预警值 2 个');
    await web.shoot(page, 'counter-materials', true);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Low stock: 0 FT-ePass3000GM in stock, below the minimum of 2').waitFor();
    await page.context().close();
  });

  it('ok/a reissue at the counter writes the new pair onto a key from stock and marks the lost one', async () => {
    expect(
      (
        await web.api('POST', '/media', desk, {
          model: 'FT-ePass3000GM',
          batch: 'B2026-11',
          serials: ['CK-0004'],
        })
      ).status,
    ).toBe(201);
    const page = await web.open('/counter/login');
    await web.logIn(page, 'chen', PASSWORDS.desk);
    await page.waitForURL(/\/counter$/);
    await page.getByRole('link', { name: '证书服务' }).click();
    await page.getByText('补办', { exact: true }).click();
    await page.waitForURL(/\/counter\/service\/reissue$/);
    // the flow for reissue is mounted (a new one per business type) once its choice shows as checked
    await page.locator('.ant-radio-button-wrapper-checked', { hasText: '补办' }).waitFor();
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.keyboard.press('Enter');
    await page.getByText('选择要办理的证书').waitFor();
    const [old] = (await web.api('GET', `/certificates?uscc=${HANGZHOU.uscc}&role=sign`, desk))
      .json as unknown as {
      serial: string;
    }[];
    await page.getByRole('radio', { name: new RegExp(old!.serial) }).check();
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
    await page.getByLabel('营业执照复印件（加盖公章）').setInputFiles(scan('licence.png'));
    await page.getByText('已上传：licence.png').waitFor();
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.getByText(/USB-KEY 介质费 80\.00 元/).waitFor();
    await page.getByRole('radio', { name: /CK-0004/ }).check();
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.getByLabel(/证书请求（CSR/).fill(csr(HANGZHOU.name));
    await page.getByRole('button', { name: /提交并制证/ }).click();
    await page.getByText('已制证：证书已写入介质 CK-0004').waitFor();
    await page.getByRole('button', { name: /打印受理单/ }).click();
    await page.waitForURL(/\/counter\/receipt\/app-/);
    await page.getByText('补办').first().waitFor();
    await page.getByText('80.00 元').waitFor();
    const keys = await media();
    expect(keys.find((m) => m.serial === 'CK-0001')?.state).toBe('lost');
    expect(keys.find((m) => m.serial === 'CK-0004')).toMatchObject({ state: 'issued', uscc: HANGZHOU.uscc });
    // 退回: a faulty key of the delivery goes back to the vendor, with a reason
    expect(
      (
        await web.api('POST', '/media', desk, {
          model: 'FT-ePass3000GM',
          batch: 'B2026-11',
          serials: ['CK-0005'],
        })
      ).status,
    ).toBe(201);
    await page.getByRole('link', { name: '物资管理' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'CK-0005' })
      .getByRole('button', { name: /退\s?回/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: /厂商/ }).check();
    await dialog.getByLabel('原因').fill('自检失败');
    await dialog.getByRole('button', { name: /确\s?定/ }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'CK-0005' })
      .filter({ hasText: '已退厂' })
      .first()
      .waitFor();
    expect((await media()).find((m) => m.serial === 'CK-0005')?.state).toBe('returned');
    await page.context().close();
  });

  it('ok/a mobile application whose online identity check failed is verified at the counter and issued', async () => {
    const waiting = await web.api('POST', '/applications', desk, {
      csr: csr(HANGZHOU.name),
      legalPerson: HANGZHOU,
      channel: 'mobile',
      identityCheck: { outcome: 'failed', method: 'face', reference: 'face-20261126-0042' },
    });
    expect(waiting.status, JSON.stringify(waiting.json)).toBe(202);
    const id = (waiting.json.application as { id: string }).id;
    const page = await web.open('/counter/login');
    await web.logIn(page, 'chen', PASSWORDS.desk);
    await page.waitForURL(/\/counter$/);
    await page.getByRole('link', { name: '身份核验' }).click();
    const row = page.getByRole('row').filter({ hasText: id });
    await row.filter({ hasText: 'face' }).waitFor();
    await row.getByRole('button', { name: /核\s?验/ }).click();
    await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
    await page.getByLabel('营业执照复印件（加盖公章）').setInputFiles(scan('licence.png'));
    await page.getByLabel('法定代表人身份证复印件').setInputFiles(scan('id.png'));
    await page.getByText('已上传：id.png').waitFor();
    await page.getByRole('button', { name: /下一步/ }).click();
    await page.getByText(`核验通过，证书已签发（${id}）`).waitFor();
    const application = (await web.api('GET', `/applications/${id}`, desk)).json as {
      state: string;
      channel: string;
    };
    expect([application.state, application.channel]).toEqual(['completed', 'mobile']);
    await page.getByRole('row').filter({ hasText: id }).waitFor({ state: 'detached' });
    await page.context().close();
  });
});
