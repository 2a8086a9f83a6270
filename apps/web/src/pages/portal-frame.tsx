/**
 * The frame of the portal's pages (法人门户, R34): the portal menu, and a legal-person session —
 * without one, the SMS login page (coming back here after it). The certificate login and its
 * guard come with the soft key work (`faces/portal-guard.tsx`); this frame only needs to know
 * that the tab's session is a legal person's.
 */
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { currentSession } from '../api.js';
import { type NavItem, Shell } from '../shell.js';

export const PORTAL_NAV: readonly NavItem[] = [
  { path: '/portal', label: 'portal.nav.home' },
  { path: '/portal/apply', label: 'portal.nav.apply' },
  { path: '/portal/unlock', label: 'portal.nav.unlock' },
  { path: '/portal/payments', label: 'portal.nav.payments' },
  { path: '/portal/history', label: 'portal.nav.history' },
  { path: '/portal/messages', label: 'portal.nav.messages' },
  { path: '/portal/help', label: 'portal.nav.help' },
];

export function PortalFrame({
  children,
  open = false,
}: {
  readonly children: ReactNode;
  readonly open?: boolean;
}) {
  const location = useLocation();
  const session = currentSession();
  if (!open && session?.principal.kind !== 'legal-person')
    return <Navigate to="/portal/sms-login" replace state={{ from: location.pathname }} />;
  return <Shell nav={PORTAL_NAV}>{children}</Shell>;
}
