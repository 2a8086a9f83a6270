/**
 * Accessibility of every page in the catalogue (issue 6 quality bar; R30), in headless Debian
 * `chromium` against `yizheng serve` with real data, no mocks:
 *  - axe-core with the WCAG 2.1 A/AA rules: no serious or critical violation;
 *  - keyboard reach: Tab reaches every visible interactive element, each shows where focus is,
 *    the order has no positive tabindex and focus never gets trapped;
 *  - 200 % zoom (a 640×380 CSS px viewport at device scale 2, i.e. 1280×760 device pixels): the
 *    document does not scroll sideways and the page's main actions stay visible and reachable.
 * Pages come from page-catalogue.ts, so a page added there gets the same checks.
 */
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANGZHOU, NINGBO, type WebHarness, csr, startWebHarness } from './browser-harness.js';
import {
  CATALOGUE_ACCOUNTS,
  type CatalogueLogin,
  type CataloguePage,
  PAGE_CATALOGUE,
} from './page-catalogue.js';

/*
 * The browser's globals the functions given to page.evaluate use: they run in the page, on its DOM,
 * but are type-checked here, in a project without the DOM lib (it would leak into Node's tests).
 */
interface DomElement {
  readonly tagName: string;
  readonly innerText: string;
  readonly id: string;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: Iterable<string>;
  readonly parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { top: number; right: number; bottom: number; left: number; width: number };
  checkVisibility(options: Record<string, boolean>): boolean;
  closest(selector: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  blur(): void;
}
declare const document: {
  readonly activeElement: DomElement | null;
  readonly body: DomElement;
  readonly documentElement: { readonly scrollWidth: number };
  querySelectorAll(selector: string): Iterable<DomElement>;
};
declare const window: {
  readonly innerWidth: number;
  readonly innerHeight: number;
  /** Set by markInteractive, used by tabThrough: how an element and its wrapper look. */
  yzFocusLook: (element: DomElement) => string;
  /** Set by markInteractive: how an element is named in a failure message. */
  yzName: (element: DomElement) => string;
};
declare const localStorage: { setItem(key: string, value: string): void };
declare function getComputedStyle(element: DomElement): Record<string, string>;

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DESKTOP: BrowserContextOptions = { viewport: { width: 1200, height: 760 }, locale: 'zh-CN' };
// 1280×760 device pixels shown at 200 %: what a user zooming in on a small laptop sees
const ZOOMED: BrowserContextOptions = {
  viewport: { width: 640, height: 380 },
  deviceScaleFactor: 2,
  locale: 'zh-CN',
};

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** One focus stop while tabbing: which element, whether it shows focus, where it is. */
interface FocusStop {
  readonly index: number | null;
  readonly tag: string;
  readonly name: string;
  readonly indicated: boolean;
  readonly inView: boolean;
}

const AGENT = { name: '王五', idType: 'resident-id', idNumber: '330106199003070022', phone: '13800138000' };

describe('issue 6 accessibility of every catalogued page (R30)', () => {
  let web: WebHarness;
  const sessions = new Map<CatalogueLogin, string>();

  beforeAll(async () => {
    web = await startWebHarness('yz-a11y-');
    const admin = await web.tokenOf('admin', web.adminPassword);
    const branch = { id: 'a11y-01', name: '无障碍网点', regionCode: '330106', address: '杭州市西湖区' };
    expect((await web.api('POST', '/branches', admin, branch)).status).toBe(201);
    for (const account of Object.values(CATALOGUE_ACCOUNTS)) {
      if (!account) continue;
      const body = { ...account, roles: [...account.roles], branchId: branch.id };
      expect((await web.api('POST', '/operators', admin, body)).status).toBe(201);
    }
    // one issued pair (the counter's look-up has tables to show) and one application in review
    const counter = await web.tokenOf(CATALOGUE_ACCOUNTS.counter.login, CATALOGUE_ACCOUNTS.counter.password);
    const issued = await web.api('POST', '/applications', counter, {
      csr: csr(HANGZHOU.name),
      legalPerson: HANGZHOU,
      agent: AGENT,
    });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    // the agent's portal session: SMS code from the simulator's outbox, as the portal's page does
    const sent = await web.api('POST', '/portal/sms-code', null, { uscc: HANGZHOU.uscc, phone: AGENT.phone });
    expect(sent.status, JSON.stringify(sent.json)).toBe(202);
    const outbox = (await web.api('GET', `/dev/sms-outbox?phone=${AGENT.phone}`, null)).json as unknown as {
      text: string;
    }[];
    const code = /(\d{6})/.exec(outbox[0]!.text)![1]!;
    const grant = await web.api('POST', '/portal/session/sms', null, {
      uscc: HANGZHOU.uscc,
      phone: AGENT.phone,
      code,
    });
    expect(grant.status, JSON.stringify(grant.json)).toBe(200);
    // what the SMS login page keeps: the session and who the agent is
    sessions.set(
      'agent',
      JSON.stringify({
        'yizheng.session': JSON.stringify(grant.json),
        'yizheng.portal.agent': JSON.stringify(grant.json.agent),
      }),
    );
    const waiting = await web.api('POST', '/applications', counter, {
      csr: csr(NINGBO.name),
      legalPerson: NINGBO,
    });
    expect(waiting.status, JSON.stringify(waiting.json)).toBe(202);
  });
  afterAll(async () => {
    await web?.close();
  });

  /** A fresh context on the catalogued page, logged in by keyboard when it needs it, ready. */
  async function openReady(entry: CataloguePage, options: BrowserContextOptions): Promise<Page> {
    const browser: Browser = web.browser;
    const context = await browser.newContext(options);
    const stored = entry.login ? sessions.get(entry.login) : undefined;
    // an account's first page logs in by keyboard; later ones reuse its session (the server
    // limits password logins per address, and one keyboard login per account proves the point)
    if (stored)
      await context.addInitScript(
        `Object.entries(${stored}).forEach(([k, v]) => sessionStorage.setItem(k, v))`,
      );
    const page = await context.newPage();
    await page.goto(`${web.running.url}${entry.path}`);
    if (entry.login && !stored) {
      await page.waitForURL(new RegExp(`/${entry.face}/login$`));
      const account = CATALOGUE_ACCOUNTS[entry.login];
      await web.logIn(page, account?.login ?? 'admin', account?.password ?? web.adminPassword);
      await page.waitForURL((url) => url.pathname === entry.path);
      sessions.set(
        entry.login,
        await page.evaluate('JSON.stringify(Object.fromEntries(Object.entries(sessionStorage)))'),
      );
    }
    await page.locator(entry.ready).first().waitFor();
    // and its data: no spinner left in the page
    await page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached' });
    await entry.prepare?.(page);
    return page;
  }

  for (const entry of PAGE_CATALOGUE) {
    describe(`${entry.path} (${entry.face}${entry.login ? `, as ${entry.login}` : ''})`, () => {
      it('ok/axe-core finds no serious or critical WCAG 2.1 A/AA violation', async () => {
        const page = await openReady(entry, DESKTOP);
        await page.addScriptTag({ path: AXE_PATH });
        const violations = await page.evaluate(async (tags) => {
          const axe = (
            window as unknown as {
              axe: { run: (...args: unknown[]) => Promise<{ violations: AxeViolation[] }> };
            }
          ).axe;
          const results = await axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
          });
          return results.violations.map(({ id, impact, help, nodes }) => ({
            id,
            impact,
            help,
            nodes: nodes.map(({ target }) => ({ target })),
          }));
        }, WCAG_21_AA);
        const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const described = grave.map(
          (v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
        expect(described, `axe on ${entry.path}:\n${described.join('\n')}`).toEqual([]);
        expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
        // landmarks: the shell's banner and navigation, one main region holding the page
        expect(await page.locator('header').count(), 'one header').toBe(1);
        expect(await page.locator('main').count(), 'one main').toBe(1);
        // every data table says what it holds (a caption or an aria-label on <table>); antd's
        // Descriptions (a key/value list whose rows are headed by <th>) cannot take one and is left out
        const unnamed = await page
          .locator('table:not(.ant-descriptions table)')
          .evaluateAll(
            (tables) =>
              tables.filter(
                (table) =>
                  !table.querySelector('caption') &&
                  !table.getAttribute('aria-label') &&
                  !table.getAttribute('aria-labelledby'),
              ).length,
          );
        expect(unnamed, 'tables without a caption or aria-label').toBe(0);
        const menus = await page.locator('[role="menu"]').count();
        expect(await page.locator('nav [role="menu"]').count(), 'menus inside nav').toBe(menus);
        await page.context().close();
      });

      it('ok/Tab reaches every interactive element with a visible focus and no trap', async () => {
        const page = await openReady(entry, DESKTOP);
        const expected = await markInteractive(page);
        expect(expected.length, 'interactive elements').toBeGreaterThan(0);
        const stops = await tabThrough(page, expected.length * 2 + 6);
        const reached = new Set(stops.map((s) => s.index).filter((i) => i !== null));
        const missed = expected.filter((e) => !reached.has(e.index)).map((e) => e.name);
        expect(missed, `not reachable by Tab on ${entry.path}`).toEqual([]);
        const unseen = stops
          .filter((s) => s.index !== null && (!s.indicated || !s.inView))
          .map((s) => s.name);
        expect(unseen, `focus not visible on ${entry.path}`).toEqual([]);
        expect(await page.locator('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])').count()).toBe(0);
        await page.context().close();
      });

      it('ok/at 200 % zoom nothing scrolls sideways and the main actions stay reachable', async () => {
        const page = await openReady(entry, ZOOMED);
        const widths = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
          // the outermost elements sticking out on the right, to say what to fix
          wide: [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter((el) => !(el.parentElement!.getBoundingClientRect().right > window.innerWidth + 1))
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
            .slice(0, 5),
        }));
        expect(
          widths.scroll,
          `horizontal scrolling on ${entry.path}: ${widths.wide.join(', ')}`,
        ).toBeLessThanOrEqual(widths.inner);
        for (const action of entry.actions) {
          const element = page.locator(action);
          await element.scrollIntoViewIfNeeded();
          expect(await element.isVisible(), `${action} on ${entry.path}`).toBe(true);
          const box = (await element.boundingBox())!;
          expect(box.x >= 0 && box.x + box.width <= widths.inner, `${action} inside the width`).toBe(true);
        }
        // English words are longer than Chinese ones: the same page in English must fit too
        await page.evaluate(() => localStorage.setItem('yizheng.language', 'en'));
        await page.reload();
        await page.locator(entry.ready).first().waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        const english = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(english, `horizontal scrolling on ${entry.path} in English`).toBeLessThanOrEqual(0);
        await page.context().close();
      });
    });
  }
});

/**
 * Numbers every visible, enabled, tabbable element (in DOM order) and remembers how it looks
 * without focus, so tabbing can tell whether focus shows. Returns them.
 */
async function markInteractive(page: Page): Promise<{ index: number; name: string }[]> {
  return page.evaluate(() => {
    document.activeElement?.blur();
    const selector =
      'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
    const visible = (el: DomElement) =>
      el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
      el.getBoundingClientRect().width > 0 &&
      !el.closest('[aria-hidden="true"], [inert]');
    window.yzFocusLook = look;
    window.yzName = (el) =>
      `${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('aria-label') || el.id || '').trim()}"`;
    const found = [...document.querySelectorAll(selector)].filter(visible);
    return found.map((el, index) => {
      el.dataset.a11yIndex = String(index);
      el.dataset.a11yLook = look(el);
      return { index, name: window.yzName(el) };
    });
    function look(el: DomElement): string {
      // focus may show on the element or on the antd wrappers around it (affix and number inputs)
      return [el, el.parentElement!, el.parentElement!.parentElement!]
        .map((node) => {
          const s = getComputedStyle(node);
          return [
            s.outlineStyle,
            s.outlineWidth,
            s.outlineColor,
            s.boxShadow,
            s.borderColor,
            s.backgroundColor,
            s.color,
            s.textDecorationLine,
          ].join('|');
        })
        .join('#');
    }
  });
}

/** Presses Tab `presses` times and records each focus stop (after markInteractive). */
async function tabThrough(page: Page, presses: number): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  for (let i = 0; i < presses; i += 1) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body)
          return { index: null, tag: 'body', name: '', indicated: true, inView: true };
        const now = window.yzFocusLook(el);
        const rect = el.getBoundingClientRect();
        return {
          index: el.dataset.a11yIndex === undefined ? null : Number(el.dataset.a11yIndex),
          tag: el.tagName.toLowerCase(),
          name: window.yzName(el),
          indicated: el.dataset.a11yLook !== now,
          inView:
            rect.bottom > 0 &&
            rect.top < window.innerHeight &&
            rect.right > 0 &&
            rect.left < window.innerWidth,
        };
      }),
    );
  }
  return stops;
}
