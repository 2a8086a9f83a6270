/**
 * The branch counter's status changes and unlock in a browser (R33 walk-in flows; R23 revoke, R22
 * unlock): headless chromium against `yizheng serve` on a temp directory, no mock data. Set-up
 * through the API: three pairs for 杭州某某科技有限公司 issued at the counter, each onto its own
 * USB-KEY. Journeys: a revocation with reason keyCompromise on `/counter/service/revoke` (checklist
 * scans, reason, confirmation dialog, the record) — then the OCSP responder, asked with an
 * @yizheng/pki request, answers revoked (keyCompromise); a suspend and a resume of another pair;
 * an unlock of a personalised key whose answer a simulated key (the GM/T 0016 SKF scheme of
 * packages/core/test/unlock.test.ts, computed here independently from the SO PIN) accepts, and the
 * same challenge answered twice refused in words with its code.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { buildOcspRequest, parseCertificate, parseOcspResponse } from '@yizheng/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANGZHOU, type WebHarness, csr, startWebHarness } from './browser-harness.js';

const PASSWORD = 'Xihu-Desk-2026';
const scan = (name: string) => ({ name, mimeType: 'image/png', buffer: Buffer.from(`scan ${name}`) });
const material = (item: string, kind: string) => ({
  item,
  kind,
  fileName: `${item}.png`,
  content: Buffer.from(`scan ${item}`).toString('base64'),
});

interface Issued {
  readonly sign: string;
  readonly medium: string;
  readonly soPin: string;
}

/**
 * A USB-KEY that checks an unlock answer as the SKF COS does: the SO-PIN key is SHA-1 of the
 * 0x80-padded SO PIN, first 16 octets; R1 is SM4-ECB of the padded random; R2 the padded new PIN.
 */
class SimulatedKey {
  private random = Buffer.alloc(0);
  constructor(private readonly soPin: string) {}
  challenge(): string {
    this.random = randomBytes(8);
    return this.random.toString('hex').toUpperCase();
  }
  private static pad16(data: Buffer): Buffer {
    const out = Buffer.alloc((Math.floor(data.length / 16) + 1) * 16);
    data.copy(out);
    out[data.length] = 0x80;
    return out;
  }
  private key(): Buffer {
    return createHash('sha1')
      .update(SimulatedKey.pad16(Buffer.from(this.soPin)))
      .digest()
      .subarray(0, 16);
  }
  apply(authentication: string, pinCryptogram: string): { ok: boolean; pin?: string } {
    const enc = createCipheriv('sm4-ecb', this.key(), null).setAutoPadding(false);
    const expected = Buffer.concat([enc.update(SimulatedKey.pad16(this.random)), enc.final()]);
    if (expected.toString('hex').toUpperCase() !== authentication.toUpperCase()) return { ok: false };
    const dec = createDecipheriv('sm4-ecb', this.key(), null).setAutoPadding(false);
    const padded = Buffer.concat([dec.update(Buffer.from(pinCryptogram, 'hex')), dec.final()]);
    return { ok: true, pin: padded.subarray(0, padded.lastIndexOf(0x80)).toString() };
  }
}

describe('the branch counter: revoke, suspend, resume and unlock in a browser (R33, R23, R22)', () => {
  let web: WebHarness;
  let desk = '';
  const issued: Issued[] = [];

  beforeAll(async () => {
    web = await startWebHarness('yz-counter-service-web-');
    const admin = await web.tokenOf('admin', web.adminPassword);
    const branch = {
      id: 'hz-01',
      name: '西湖区网点',
      regionCode: '330106',
      address: '杭州市西湖区某某路 1 号',
    };
    expect((await web.api('POST', '/branches', admin, branch)).status).toBe(201);
    const operator = {
      login: 'chen',
      name: '受理员 陈某',
      roles: ['branch-operator'],
      branchId: 'hz-01',
      password: PASSWORD,
    };
    expect((await web.api('POST', '/operators', admin, operator)).status).toBe(201);
    desk = await web.tokenOf('chen', PASSWORD);
    const serials = ['SK-0001', 'SK-0002', 'SK-0003'];
    const received = await web.api('POST', '/media', desk, { model: 'FT-ePass3000GM', serials });
    expect(received.status).toBe(201);
    for (const mediumSerial of serials) {
      const answer = await web.api('POST', '/counter/applications', desk, {
        csr: csr(HANGZHOU.name),
        legalPerson: HANGZHOU,
        materials: [
          material('application-form', 'application-form'),
          material('business-licence', 'business-licence'),
          material('representative-id', 'id-card'),
        ],
        mediumSerial,
        paymentMethod: 'cash',
      });
      expect(answer.status, JSON.stringify(answer.json)).toBe(201);
      const { pair, soPin } = answer.json as { pair: { sign: { serial: string } }; soPin: string };
      issued.push({ sign: pair.sign.serial, medium: mediumSerial, soPin });
    }
  });
  afterAll(async () => {
    await web?.close();
  });

  const statusOf = async (serial: string) =>
    ((await web.api('GET', `/certificates/${serial}`, desk)).json as { status: string }).status;

  /** The OCSP responder's answer for a serial, asked and read with @yizheng/pki. */
  const ocsp = async (serial: string) => {
    const [ca] = await web.running.platform.store.read.listCas();
    const issuer = parseCertificate(ca!.certificateDer!);
    const answer = await fetch(`${web.running.url}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: Buffer.from(buildOcspRequest({ certs: [{ issuer, serialNumber: BigInt(`0x${serial}`) }] }).der),
    });
    const response = parseOcspResponse(new Uint8Array(await answer.arrayBuffer()));
    return response.basic!.responses[0]!.status;
  };
  /** The OCSP answer once it says `type` (publication is asynchronous; the bound is a minute). */
  const ocspSays = async (serial: string, type: string) => {
    for (let i = 0; i < 100; i++) {
      const status = await ocsp(serial);
      if (status.type === type) return status;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return ocsp(serial);
  };

  const logIn = async (path: string) => {
    const page = await web.open('/counter/login');
    await web.logIn(page, 'chen', PASSWORD);
    await page.waitForURL(/\/counter$/);
    await page.goto(`${web.running.url}${path}`);
    return page;
  };

  it('ok/a revocation at the counter (keyCompromise) is answered revoked by OCSP', async () => {
    const { sign } = issued[0]!;
    expect((await ocsp(sign)).type).toBe('good');
    const page = await logIn('/counter');
    await page.getByRole('link', { name: '证书服务' }).click();
    await page.getByText('撤销', { exact: true }).click();
    await page.waitForURL(/\/counter\/service\/revoke$/);
    // the flow for revoke is mounted (a new one per business type) once its choice shows as checked
    await page.locator('.ant-radio-button-wrapper-checked', { hasText: '撤销' }).waitFor();
    await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
    await page.keyboard.press('Enter');
    await page.getByText('选择要办理的证书').waitFor();
    await page.getByRole('radio', { name: new RegExp(sign) }).check();
    await page.getByRole('button', { name: /下一步/ }).click();
    // the revoke checklist: form and licence when the legal representative comes in person
    await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
    await expect(page.getByRole('button', { name: /下一步/ }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('营业执照复印件（加盖公章）').setInputFiles(scan('licence.png'));
    await page.getByText('已上传：licence.png').waitFor();
    await page.getByRole('button', { name: /下一步/ }).click();
    // the reason in words, the reference required, then the irreversible confirmation
    await page.getByRole('radio', { name: /密钥泄露/ }).check();
    await expect(page.getByRole('button', { name: '办理撤销' }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('备注（申请表编号等依据）').fill('撤销申请表 HZ-2026-0042，介质丢失');
    await page.getByRole('button', { name: '办理撤销' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('撤销不可恢复').waitFor();
    await page.waitForTimeout(400); // the dialog's opening animation, for the screenshot
    await web.shoot(page, 'counter-revoke', true);
    await dialog.getByRole('button', { name: '办理撤销' }).click();
    await page.getByText('已办结：撤销').waitFor();
    await page.getByText(sign).waitFor();
    await page.getByText('密钥泄露（介质丢失、被盗或私钥可能泄露）').waitFor();
    expect(await page.getByText('已撤销').count()).toBe(2);

    expect(await statusOf(sign)).toBe('revoked');
    const status = await ocspSays(sign, 'revoked');
    expect([status.type, 'reason' in status ? status.reason : undefined]).toEqual([
      'revoked',
      'keyCompromise',
    ]);
    await page.context().close();
  });

  it('ok/a suspend and then a resume of another pair at the counter', async () => {
    const { sign } = issued[1]!;
    const page = await logIn('/counter/service/suspend');
    const run = async (type: '暂停' | '恢复') => {
      await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
      await page.keyboard.press('Enter');
      await page.getByRole('radio', { name: new RegExp(sign) }).check();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
      await page.getByLabel('营业执照复印件（加盖公章）').setInputFiles(scan('licence.png'));
      await page.getByText('已上传：licence.png').waitFor();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.getByRole('button', { name: `办理${type}` }).click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: `办理${type}` })
        .click();
      await page.getByText(`已办结：${type}`).waitFor();
    };
    await run('暂停');
    expect(await statusOf(sign)).toBe('suspended');
    expect((await ocspSays(sign, 'revoked')).type).toBe('revoked'); // certificateHold
    await page.getByText('恢复', { exact: true }).click();
    await page.waitForURL(/\/counter\/service\/resume$/);
    // the flow for resume is mounted (a new one per business type) once its choice shows as checked
    await page.locator('.ant-radio-button-wrapper-checked', { hasText: '恢复' }).waitFor();
    await run('恢复');
    expect(await statusOf(sign)).toBe('valid');
    expect((await ocspSays(sign, 'good')).type).toBe('good');
    await page.context().close();
  });

  it('ok/an unlock at the counter: the simulated key accepts the answer; a challenge answers once', async () => {
    const { medium, soPin } = issued[2]!;
    const key = new SimulatedKey(soPin);
    const challenge = key.challenge();
    const unlock = async () => {
      const page = await logIn('/counter');
      await page.getByRole('link', { name: '证书服务' }).click();
      await page.getByText('解锁', { exact: true }).click();
      await page.waitForURL(/\/counter\/unlock$/);
      await page.getByLabel('统一社会信用代码').fill(HANGZHOU.uscc);
      await page.keyboard.press('Enter');
      await page.getByRole('radio', { name: new RegExp(medium) }).check();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.getByLabel('数字证书申请表（加盖公章）').setInputFiles(scan('form.png'));
      await page.getByText('已上传：form.png').waitFor();
      await page.getByRole('button', { name: /下一步/ }).click();
      await page.getByLabel(/挑战码/).fill('XYZ');
      await page.getByRole('button', { name: /生成解锁应答/ }).click();
      await page.getByText('挑战码应为 16 或 32 位十六进制数字').waitFor();
      await page.getByLabel(/挑战码/).fill(challenge);
      await page.getByLabel(/新用户 PIN/).fill('Pin-2026');
      await page.getByRole('button', { name: /生成解锁应答/ }).click();
      await page.getByText('用户 PIN 为 6–16 位字母或数字').waitFor();
      await page.getByLabel(/新用户 PIN/).fill('Pin202611');
      await page.getByRole('button', { name: /生成解锁应答/ }).click();
      return page;
    };
    const page = await unlock();
    await page.getByText('解锁应答：请在密钥客户端中输入（SKF_UnblockPIN）').waitFor();
    const value = (label: string) =>
      page.getByRole('row').filter({ hasText: label }).locator('.ant-typography').first().innerText();
    const authentication = (await value('认证码 R1')).trim();
    const pinCryptogram = (await value('PIN 密文 R2')).trim();
    expect(key.apply(authentication, pinCryptogram)).toEqual({ ok: true, pin: 'Pin202611' });
    await web.shoot(page, 'counter-unlock');
    await page.getByRole('button', { name: /打印受理单/ }).click();
    await page.waitForURL(/\/counter\/receipt\/app-/);
    await page.getByRole('row').filter({ hasText: '业务类型' }).filter({ hasText: '解锁' }).waitFor();
    await page.getByText(HANGZHOU.name).first().waitFor();
    await page.context().close();

    // the same challenge again: refused in words with its code, no answer shown
    const again = await unlock();
    await again.getByText('该挑战码已应答过，请在密钥客户端重新读取挑战码 (YZ_ERR_UNLOCK_REPLAY)').waitFor();
    expect(await again.getByText('解锁应答：请在密钥客户端中输入（SKF_UnblockPIN）').count()).toBe(0);
    await again.context().close();
  });
});
