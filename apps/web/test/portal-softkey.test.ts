/**
 * Soft certificates (软证书) in the browser (R34, issue 6), in headless chromium against
 * `yizheng serve`: on /portal/keys a legal person makes an SM2 key under a PIN and a PKCS#10
 * request in the page (our gm/pki browser build); the request passes `openssl req -verify` with
 * distid 1234567812345678 and @yizheng/pki; an operator issues the dual pair for 杭州某某科技 with
 * it through the API; the issuance result (pair + KMC-encrypted encryption key) is imported into
 * the soft key in the page, which opens the GM/T 0009 envelope with the signing key and shows
 * "加密密钥已就绪" only when the opened key's public point equals the encryption certificate's;
 * after a reload, /portal/login with a wrong PIN is refused in plain Chinese (YZ_ERR_PIN, attempts
 * left) and with the right one the session is the legal person's (GET /me: its USCC).
 * Then six wrong PINs lock another key (YZ_ERR_PIN_LOCKED) while the first still works.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCertificate,
  parseCertificationRequest,
  verifyCertificationRequest,
  certificatePublicKey,
  readExtension,
} from '@yizheng/pki';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { HANGZHOU, type WebHarness, csr, startWebHarness } from './browser-harness.js';

const PIN = '246810';

describe('soft certificates in the browser: key, CSR, issuance, envelope, certificate login (R34)', () => {
  let web: WebHarness;
  let page: Page;
  let counter = '';
  let csrPem = '';
  let issued: Record<string, unknown> = {};
  const scratch = new Scratch();

  beforeAll(async () => {
    web = await startWebHarness('yz-softkey-');
    counter = await web.counterToken();
    page = await web.open('/portal/keys');
  });
  afterAll(async () => {
    scratch.cleanup();
    await web?.close();
  });

  async function createKey(label: string, pin: string) {
    await page.getByLabel('名称').fill(label);
    await page.getByLabel('PIN 码（6–16 位）').fill(pin);
    await page.getByLabel('再次输入 PIN 码').fill(pin);
    await page.getByRole('button', { name: '生成密钥' }).click();
    await page.getByRole('cell', { name: label, exact: true }).waitFor();
  }

  function row(label: string) {
    return page.getByRole('row').filter({ has: page.getByRole('cell', { name: label, exact: true }) });
  }

  it('ok/a key is made under a PIN and its CSR, made in the page, verifies with OpenSSL and @yizheng/pki', async () => {
    await page.getByRole('heading', { name: '证书管理（软证书）' }).waitFor();
    // the two PINs must agree before anything is made
    await page.getByLabel('名称').fill('杭州软证书');
    await page.getByLabel('PIN 码（6–16 位）').fill(PIN);
    await page.getByLabel('再次输入 PIN 码').fill('246811');
    await page.getByRole('button', { name: '生成密钥' }).click();
    await page.getByText('两次输入的 PIN 码不一致').waitFor();
    await createKey('杭州软证书', PIN);
    await row('杭州软证书').getByText('尚未导入证书').waitFor();

    await row('杭州软证书').getByRole('button', { name: '生成证书请求' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('通用名（CN，单位名称）').fill(HANGZHOU.name);
    await dialog.getByLabel('单位（O）').fill(HANGZHOU.name);
    await dialog.getByLabel('统一社会信用代码（可选）').fill(HANGZHOU.uscc);
    await dialog.getByLabel('PIN 码').fill(PIN);
    await dialog.getByRole('button', { name: /^生\s?成$/ }).click();
    const text = dialog.getByLabel('证书请求（PKCS#10）');
    await text.waitFor();
    csrPem = await text.inputValue();
    await web.shoot(page, 'portal-keys-csr');
    await dialog.getByRole('button', { name: 'Close' }).click();

    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    const r = openssl([
      'req',
      '-in',
      scratch.write('softkey.csr', csrPem),
      '-verify',
      '-vfyopt',
      'distid:1234567812345678',
      '-noout',
      '-subject',
      '-nameopt',
      'utf8,sep_comma_plus',
    ]);
    expect(r.stderr + r.stdout.toString()).toMatch(/verify OK/);
    expect(r.stdout.toString()).toContain(`CN=${HANGZHOU.name}`);
    const request = parseCertificationRequest(csrPem);
    expect(verifyCertificationRequest(request).toBytes().length).toBe(65);
    expect(readExtension(request.extensions, 'unifiedSocialCreditCode')).toBe(HANGZHOU.uscc);
  });

  it('ok/the operator issues the pair; importing it opens the KMC envelope and the encryption key matches', async () => {
    const answer = await web.api('POST', '/applications', counter, { csr: csrPem, legalPerson: HANGZHOU });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    issued = answer.json;
    const pair = issued.pair as { signCertificate: string; encCertificate: string; sign: { serial: string } };
    // the signing certificate is for the page's key
    const requested = verifyCertificationRequest(parseCertificationRequest(csrPem));
    expect(certificatePublicKey(parseCertificate(pair.signCertificate)).equals(requested)).toBe(true);

    // a wrong PIN refuses the import and changes nothing
    await row('杭州软证书').getByRole('button', { name: '导入证书' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').first().fill(JSON.stringify(issued));
    await dialog.getByLabel('PIN 码').fill('135790');
    await dialog.getByRole('button', { name: '导入证书' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'YZ_ERR_PIN' }).waitFor();
    expect(await dialog.getByRole('alert').innerText()).toContain('PIN 码不正确');

    await dialog.getByLabel('PIN 码').fill(PIN);
    await dialog.getByRole('button', { name: '导入证书' }).click();
    await dialog.waitFor({ state: 'detached' });
    const installed = row('杭州软证书');
    await installed.getByText('加密密钥已就绪').waitFor();
    expect(await installed.innerText()).toContain(pair.sign.serial);
    expect(await installed.innerText()).toContain(HANGZHOU.name);
    await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
    await web.shoot(page, 'portal-keys', true);
  });

  it('ok/the GM/T 0092 CSRResponse opens the same way; a certificate for another key is refused', async () => {
    const pair = issued.pair as { signCertificate: string; encCertificate: string; csrResponse: string };
    const importJson = async (json: unknown) => {
      await row('杭州软证书').getByRole('button', { name: '导入证书' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox').first().fill(JSON.stringify(json));
      await dialog.getByLabel('PIN 码').fill(PIN);
      await dialog.getByRole('button', { name: '导入证书' }).click();
      return dialog;
    };
    // another legal person's certificate (another key) must not go into this soft key
    const other = await web.api('POST', '/applications', counter, {
      csr: csr(HANGZHOU.name),
      legalPerson: HANGZHOU,
    });
    expect(other.status).toBe(201);
    let dialog = await importJson(other.json);
    await dialog.getByRole('alert').filter({ hasText: 'YZ_ERR_SOFTKEY_CERT_MISMATCH' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    dialog = await importJson({
      signCertificate: pair.signCertificate,
      encCertificate: pair.encCertificate,
      encryptedKey: pair.csrResponse,
    });
    await dialog.waitFor({ state: 'detached' });
    await row('杭州软证书').getByText('加密密钥已就绪').waitFor();
  });

  it('ok/after a reload, certificate login: a wrong PIN is refused in Chinese, the right one logs the legal person in', async () => {
    await page.reload();
    await page.goto(page.url().replace('/portal/keys', '/portal/login'));
    await page.getByRole('heading', { name: '法人证书登录' }).waitFor();
    await page.getByLabel('PIN 码').fill('111111x');
    await page.getByRole('button', { name: /^登\s?录$/ }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'YZ_ERR_PIN' }).waitFor();
    expect(await alert.innerText()).toMatch(/PIN 码不正确.*还可尝试 \d 次/s);
    expect(await page.evaluate<string | null>("sessionStorage.getItem('yizheng.session')")).toBeNull();

    await page.getByLabel('PIN 码').fill(PIN);
    await page.getByRole('button', { name: /^登\s?录$/ }).click();
    await page.waitForURL(/\/portal$/);
    await page.getByText(HANGZHOU.name).first().waitFor();
    const session = JSON.parse(
      (await page.evaluate<string | null>("sessionStorage.getItem('yizheng.session')"))!,
    ) as {
      token: string;
    };
    const me = await web.api('GET', '/me', session.token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ kind: 'legal-person', uscc: HANGZHOU.uscc });
    await web.shoot(page, 'portal-login-done');
  });

  it('bad/six wrong PINs lock a key (YZ_ERR_PIN_LOCKED); the other key still works', async () => {
    await page.goto(page.url().replace(/\/portal$/, '/portal/keys'));
    await createKey('试验密钥', '975310');
    for (let attempt = 1; attempt <= 6; attempt++) {
      await row('试验密钥').getByRole('button', { name: '生成证书请求' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('通用名（CN，单位名称）').fill('试验');
      await dialog.getByLabel('PIN 码').fill(`00000${attempt}`);
      await dialog.getByRole('button', { name: /^生\s?成$/ }).click();
      const code = attempt < 6 ? 'YZ_ERR_PIN)' : 'YZ_ERR_PIN_LOCKED';
      await dialog.getByRole('alert').filter({ hasText: code }).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
    }
    // locked: even the right PIN is refused now
    await row('试验密钥').getByRole('button', { name: '生成证书请求' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('通用名（CN，单位名称）').fill('试验');
    await dialog.getByLabel('PIN 码').fill('975310');
    await dialog.getByRole('button', { name: /^生\s?成$/ }).click();
    await dialog.getByRole('alert').filter({ hasText: 'YZ_ERR_PIN_LOCKED' }).waitFor();
    expect(await dialog.getByRole('alert').innerText()).toContain('已锁定');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await row('杭州软证书').getByRole('button', { name: '生成证书请求' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('通用名（CN，单位名称）').fill(HANGZHOU.name);
    await dialog.getByLabel('PIN 码').fill(PIN);
    await dialog.getByRole('button', { name: /^生\s?成$/ }).click();
    await dialog.getByLabel('证书请求（PKCS#10）').waitFor();
  });

  it('ok/the certificate pages speak English on request', async () => {
    const english = await web.open('/portal/login', 'en');
    await english.getByRole('heading', { name: 'Legal-person certificate login' }).waitFor();
    await english.getByText('This browser has no soft certificate').waitFor();
    await english.getByRole('link', { name: 'Certificates', exact: true }).click();
    await english.getByRole('heading', { name: 'Certificates (soft certificates)' }).waitFor();
    await english.getByText('No soft certificate in this browser yet').waitFor();
    await english.context().close();
  });

  it('ok/the built web bundle imports nothing from node: (gm and pki took their browser builds)', () => {
    const assets = join(fileURLToPath(new URL('../dist/assets/', import.meta.url)));
    const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const name of scripts) {
      const code = readFileSync(join(assets, name), 'utf8');
      expect(code).not.toMatch(/(?:from|import|require)\s*\(?\s*["']node:/);
      expect(code).not.toContain('__vite-browser-external');
      expect(code).not.toContain('createRequire');
    }
  });
});
