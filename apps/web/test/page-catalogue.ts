/**
 * The catalogue of the web platform's pages (issue 6 quality bar, R30): one row per page the
 * accessibility test (accessibility.test.ts) opens and checks — axe-core WCAG 2.1 A/AA, keyboard
 * reach and 200 % zoom. A new page gets a row here (and, when it needs one, an account in
 * CATALOGUE_ACCOUNTS), so every face's pages meet the same checks without a test of their own.
 */
import type { Page } from 'playwright-core';

/** The operator accounts the catalogue's pages log in with; the test creates them through the API. */
export const CATALOGUE_ACCOUNTS = {
  admin: null, // the first-run administrator, whose password the server prints once
  // the legal person's agent, logged in by SMS code through the API (the portal's SMS login page
  // itself is catalogued without a session); its session is handed to the page
  agent: null,
  reviewer: {
    login: 'a11y-reviewer',
    name: '审核员 无障碍',
    roles: ['reviewer'],
    password: 'Review-A11y-2026',
  },
  counter: {
    login: 'a11y-counter',
    name: '受理员 无障碍',
    roles: ['branch-operator'],
    password: 'Counter-A11y-2026',
  },
} as const;

export type CatalogueLogin = keyof typeof CATALOGUE_ACCOUNTS;

export interface CataloguePage {
  /** Where the page lives; a page behind a login is reached through its face's login page. */
  readonly path: string;
  readonly face: 'landing' | 'portal' | 'counter' | 'admin';
  /** The account to log in with first (keyboard only, on `/{face}/login`), or null for none. */
  readonly login: CatalogueLogin | null;
  /** A selector that is there once the page has loaded its data: the checks wait for it. */
  readonly ready: string;
  /** The page's main actions (Playwright selectors) that must stay visible and reachable at 200 % zoom. */
  readonly actions: readonly string[];
  /** Steps that bring the page into the state worth checking (e.g. a look-up with its result tables). */
  readonly prepare?: (page: Page) => Promise<void>;
}

const LANGUAGE = 'role=button[name="English"]';

export const PAGE_CATALOGUE: readonly CataloguePage[] = [
  {
    path: '/',
    face: 'landing',
    login: null,
    ready: 'main h2',
    actions: [LANGUAGE, 'main a[href="/portal"]'],
  },
  {
    path: '/admin/login',
    face: 'admin',
    login: null,
    ready: 'form',
    actions: ['role=textbox[name=/登录名/]', 'role=button[name=/登\\s?录/]', LANGUAGE],
  },
  { path: '/admin', face: 'admin', login: 'admin', ready: '.ant-statistic', actions: [LANGUAGE] },
  {
    path: '/admin/review',
    face: 'admin',
    login: 'reviewer',
    ready: '.ant-table-row',
    actions: ['role=button[name=/不通过/] >> nth=0', LANGUAGE],
  },
  {
    path: '/counter/login',
    face: 'counter',
    login: null,
    ready: 'form',
    actions: ['role=textbox[name=/登录名/]', 'role=button[name=/登\\s?录/]', LANGUAGE],
  },
  {
    path: '/counter',
    face: 'counter',
    login: 'counter',
    ready: 'form',
    actions: ['role=textbox[name=/统一社会信用代码/]', 'role=button[name=/查\\s?询/]'],
    prepare: async (page) => {
      await page.getByLabel('统一社会信用代码').fill('91330106MA2B3C4D5D');
      await page.keyboard.press('Enter');
      await page.locator('.ant-table-row').first().waitFor();
    },
  },
  { path: '/admin/statistics', face: 'admin', login: 'admin', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/admin/audit', face: 'admin', login: 'admin', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/admin/branches', face: 'admin', login: 'admin', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/admin/catalogue', face: 'admin', login: 'admin', ready: 'main h2', actions: [LANGUAGE] },
  {
    path: '/admin/operators',
    face: 'admin',
    login: 'admin',
    ready: '.ant-table-row',
    actions: ['role=button[name=/新建操作员/]', LANGUAGE],
  },
  { path: '/portal/login', face: 'portal', login: null, ready: 'h1', actions: [LANGUAGE] },
  { path: '/portal', face: 'portal', login: 'agent', ready: '.ant-table-row', actions: [LANGUAGE] },
  { path: '/portal/apply', face: 'portal', login: 'agent', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/portal/unlock', face: 'portal', login: 'agent', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/portal/payments', face: 'portal', login: 'agent', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/portal/history', face: 'portal', login: 'agent', ready: 'main h2', actions: [LANGUAGE] },
  { path: '/portal/messages', face: 'portal', login: 'agent', ready: 'main h2', actions: [LANGUAGE] },
  {
    path: '/portal/sms-login',
    face: 'portal',
    login: null,
    ready: 'form',
    actions: ['role=button[name=/获取验证码/]', LANGUAGE],
  },
  { path: '/portal/keys', face: 'portal', login: null, ready: 'main h2', actions: [LANGUAGE] },
  { path: '/portal/help', face: 'portal', login: null, ready: 'main h2', actions: [LANGUAGE] },
];
