/** The portal's menu entries of the certificate pages (R34). */
import type { NavItem } from '../shell.js';

export const PORTAL_KEY_NAV: readonly NavItem[] = [
  { path: '/portal/login', label: 'portal.nav.login' },
  { path: '/portal/keys', label: 'portal.nav.keys' },
];
