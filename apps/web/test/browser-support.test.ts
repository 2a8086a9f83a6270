/**
 * Browser support (R30, issue 6; docs/web.md "Browsers"): the built page tells a browser that is
 * too old — Internet Explorer, 360's IE compatibility mode, old Chromium cores — in plain Chinese
 * and English why nothing else appears, through a small ES5 check that runs where the app's ES
 * module cannot; a supported browser never sees it. CI drives Chromium only (Debian `chromium`),
 * so an old browser is stood in for by taking away what the check looks for.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebHarness, startWebHarness } from './browser-harness.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('issue 6 browser support (R30)', () => {
  let web: WebHarness;
  beforeAll(async () => {
    web = await startWebHarness('yz-browsers-');
  });
  afterAll(async () => {
    await web?.close();
  });

  it('ok/the built page loads the app as an ES module and carries the ES5 check and its message', () => {
    const html = readFileSync(`${root}apps/web/dist/index.html`, 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    expect(html).toContain('<meta name="renderer" content="webkit" />');
    const check = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    // ES5 only: no arrow functions, let/const, classes or template literals in the check itself
    expect(check).not.toMatch(/=>|\blet\b|\bconst\b|\bclass\b|`/);
    expect(html).toContain('您的浏览器版本过旧，无法使用一证');
    expect(html).toContain('Your browser is too old for Yizheng');
  });

  it('ok/a current Chromium sees the app and not the message', async () => {
    const page = await web.open('/');
    await page.locator('main h2').waitFor();
    expect(await page.locator('#browser-too-old').isVisible()).toBe(false);
    await page.context().close();
  });

  it('refused/a browser without ES modules sees the message in Chinese and English', async () => {
    const context = await web.browser.newContext({ locale: 'zh-CN' });
    // what IE 11 and 360's IE mode lack: module scripts (noModule) and fetch
    await context.addInitScript('delete HTMLScriptElement.prototype.noModule; delete window.fetch;');
    const page = await context.newPage();
    await page.goto(`${web.running.url}/`);
    const message = page.getByRole('alert').filter({ hasText: '浏览器版本过旧' });
    await message.waitFor();
    expect(await message.innerText()).toContain('Internet Explorer is not supported');
    await context.close();
  });
});
