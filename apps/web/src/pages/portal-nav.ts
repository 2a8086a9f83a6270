/** The portal's menu entries of the login and certificate pages (R34). */
import type { NavItem } from '../shell.js';

export const PORTAL_KEY_NAV: readonly NavItem[] = [
  { path: '/portal/login', label: 'portal.nav.login' },
  { path: '/portal/sms-login', label: 'portal.nav.smsLogin' },
  { path: '/portal/keys', label: 'portal.nav.keys' },
];
