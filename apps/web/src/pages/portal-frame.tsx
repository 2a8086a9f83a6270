/**
 * The frame of the portal's business pages (法人门户, R34): the portal menu around the page. Who
 * may see a page is decided by `RequireLegalPerson` (faces/portal-guard.tsx) in the routes.
 */
import type { ReactNode } from 'react';
import { type NavItem, Shell } from '../shell.js';

export const PORTAL_NAV: readonly NavItem[] = [
  { path: '/portal', label: 'portal.nav.home' },
  { path: '/portal/apply', label: 'portal.nav.apply' },
  { path: '/portal/unlock', label: 'portal.nav.unlock' },
  { path: '/portal/payments', label: 'portal.nav.payments' },
  { path: '/portal/history', label: 'portal.nav.history' },
  { path: '/portal/messages', label: 'portal.nav.messages' },
  { path: '/portal/keys', label: 'portal.nav.keys' },
  { path: '/portal/help', label: 'portal.nav.help' },
];

export function PortalFrame({ children }: { readonly children: ReactNode }) {
  return <Shell nav={PORTAL_NAV}>{children}</Shell>;
}
