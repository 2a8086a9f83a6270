/**
 * What every browser journey of issue 6 needs: `yizheng serve` (startServer) on a temporary data
 * directory with the built web UI, headless Debian `chromium` driven by playwright-core, a small
 * REST client for setting up data through the real API, and screenshots — kept in the temp dir
 * as the journey's artifacts and, with YIZHENG_UPDATE_SCREENSHOTS=1, one per main page in
 * docs/screenshots/ for the README (so an ordinary run leaves the work tree clean).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { Sm2PrivateKey, encodePem } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import { DEFAULT_CONFIG, type RunningServer, startServer } from '@yizheng/server';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('../../../', import.meta.url).pathname;
const shots = join(root, 'docs', 'screenshots');

/** The seeded registry's legal persons (packages/connectors simulator) the journeys use. */
export const HANGZHOU = {
  uscc: '91330106MA2B3C4D5D',
  name: '杭州某某科技有限公司',
  legalRepresentative: '张三',
};
// the registry has 李四 as Ningbo's representative: applying with 王五 waits in review (R26)
export const NINGBO = {
  uscc: '91330201MA2C3D4E55',
  name: '宁波某某贸易有限公司',
  legalRepresentative: '王五',
};

/** A PEM PKCS#10 request for `CN=name` with a fresh SM2 key. */
export function csr(name: string): string {
  const der = buildCertificationRequest(
    { subject: parseName(`C=CN,CN=${name}`) },
    Sm2PrivateKey.generate(),
  ).der;
  return encodePem('CERTIFICATE REQUEST', der);
}

export interface ApiAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export interface WebHarness {
  readonly running: RunningServer;
  readonly browser: Browser;
  /** The first-run `admin` operator's password (printed once by the server). */
  readonly adminPassword: string;
  /** The first-run demo counter operator `counter`'s password (printed once beside admin's). */
  readonly counterPassword: string;
  /** What the server printed on start (the first-run lines among them). */
  readonly lines: readonly string[];
  /** The temp dir: data directory and the journeys' screenshots. */
  readonly dir: string;
  api(method: string, path: string, token: string | null, body?: unknown): Promise<ApiAnswer>;
  tokenOf(login: string, password: string): Promise<string>;
  /** A session of the seeded demo counter operator `counter` of branch `hz-xihu`. */
  counterToken(): Promise<string>;
  /** A fresh browser context (its own sessionStorage and IndexedDB) on `path`, in the language given. */
  open(path: string, language?: 'zh-CN' | 'en'): Promise<Page>;
  /** Screenshot as the journey's artifact; `main` pages also to docs/screenshots on request. */
  shoot(page: Page, name: string, main?: boolean): Promise<void>;
  /** Logs in on the face's login page with the keyboard only: type, Tab, type, Enter. */
  logIn(page: Page, login: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server and the browser; call `close()` in afterAll. */
export async function startWebHarness(prefix = 'yz-web-'): Promise<WebHarness> {
  if (!existsSync(CHROMIUM))
    throw new Error('chromium is missing: npm test installs it (apt-get install chromium)');
  if (!existsSync(join(root, 'apps/web/dist/index.html')))
    expect(
      spawnSync('npm', ['run', 'build', '-w', '@yizheng/web'], { cwd: root, stdio: 'inherit' }).status,
    ).toBe(0);
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const lines: string[] = [];
  const running = await startServer(
    { ...DEFAULT_CONFIG, httpPort: 0, ldapPort: 0, dataDir: join(dir, 'data'), logLevel: 'silent' },
    { print: (line) => lines.push(line), logger: false, env: {} },
  );
  expect(running.web).toBe(true);
  const adminPassword = /password \(shown once\): (\S+)/.exec(lines.join('\n'))![1]!;
  // the first run seeds the demo branch hz-xihu with its counter operator `counter` (issue 6 "Done when")
  const counterPassword = /operator counter .*?password \(shown once\): (\S+)/.exec(lines.join('\n'))![1]!;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });

  const api = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const tokenOf = async (login: string, password: string) =>
    (await api('POST', '/session/password', null, { login, password })).json.token as string;
  return {
    running,
    browser,
    adminPassword,
    counterPassword,
    lines,
    dir,
    api,
    tokenOf,
    counterToken: async () => tokenOf('counter', counterPassword),
    open: async (path, language = 'zh-CN') => {
      const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, locale: 'zh-CN' });
      const page = await context.newPage();
      if (language === 'en')
        await page.addInitScript(
          "localStorage.getItem('yizheng.language') ?? localStorage.setItem('yizheng.language', 'en')",
        );
      await page.goto(`${running.url}${path}`);
      return page;
    },
    shoot: async (page, name, main = false) => {
      await page.screenshot({ path: join(dir, `${name}.png`) });
      if (main && process.env.YIZHENG_UPDATE_SCREENSHOTS === '1')
        await page.screenshot({ path: join(shots, `${name}.png`) });
    },
    logIn: async (page, login, password) => {
      await page.getByLabel('登录名').waitFor();
      await page.getByLabel('登录名').focus();
      await page.keyboard.type(login);
      await page.keyboard.press('Tab');
      await page.keyboard.type(password);
      await page.keyboard.press('Enter');
    },
    close: async () => {
      await browser.close();
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
