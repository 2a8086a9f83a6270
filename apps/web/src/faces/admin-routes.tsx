/**
 * The back office's pages (后台管理, issue 6; R4, R25, R37) under `/admin`, each behind an operator
 * session. New pages add a menu entry here and a route below.
 */
import type { ReactNode } from 'react';
import { Route } from 'react-router';
import { DashboardPage } from '../pages/dashboard.js';
import { LoginPage } from '../pages/login.js';
import { ReviewPage } from '../pages/review.js';
import { type NavItem, RequireOperator, Shell } from '../shell.js';

const ADMIN_NAV: readonly NavItem[] = [
  { path: '/admin', label: 'nav.dashboard' },
  { path: '/admin/review', label: 'nav.review' },
];

function admin(page: ReactNode) {
  return (
    <RequireOperator face="admin">
      <Shell nav={ADMIN_NAV}>{page}</Shell>
    </RequireOperator>
  );
}

export function adminRoutes() {
  return (
    <>
      <Route path="/admin/login" element={<LoginPage face="admin" />} />
      <Route path="/admin" element={admin(<DashboardPage />)} />
      <Route path="/admin/review" element={admin(<ReviewPage />)} />
    </>
  );
}
