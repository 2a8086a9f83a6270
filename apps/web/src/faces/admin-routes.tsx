/**
 * The back office's pages (后台管理, issue 6; R4, R25, R37, R3) under `/admin`, each behind an
 * operator session. Each page names the roles that may use it — the same sets the API declares
 * (docs/api.md "Why these roles") — so the menu shows a role only its pages (a regulator sees the
 * statistics only), and a page opened by address says "refused" without asking the API. The API
 * refuses anyway; this is what the user sees, not the protection.
 */
import type { ReactNode } from 'react';
import { Route } from 'react-router';
import { ApiError, currentSession } from '../api.js';
import type { MessageKey } from '../i18n.js';
import { ErrorState } from '../load.js';
import { AuditPage } from '../pages/admin-audit.js';
import { BranchesPage } from '../pages/admin-branches.js';
import { CataloguePage } from '../pages/admin-catalogue.js';
import { OperatorsPage } from '../pages/admin-operators.js';
import { StatisticsPage } from '../pages/admin-statistics.js';
import { DashboardPage } from '../pages/dashboard.js';
import { LoginPage } from '../pages/login.js';
import { ReviewPage } from '../pages/review.js';
import { RequireOperator, Shell } from '../shell.js';

const STATISTICS_READERS = ['branch-manager', 'ca-admin', 'auditor', 'regulator'];

interface AdminPage {
  readonly path: string;
  readonly label: MessageKey;
  readonly roles: readonly string[];
  readonly page: () => ReactNode;
}

const PAGES: readonly AdminPage[] = [
  { path: '/admin', label: 'nav.dashboard', roles: STATISTICS_READERS, page: () => <DashboardPage /> },
  {
    path: '/admin/statistics',
    label: 'nav.statistics',
    roles: STATISTICS_READERS,
    page: () => <StatisticsPage />,
  },
  { path: '/admin/review', label: 'nav.review', roles: ['reviewer'], page: () => <ReviewPage /> },
  { path: '/admin/audit', label: 'nav.audit', roles: ['auditor', 'ca-admin'], page: () => <AuditPage /> },
  {
    path: '/admin/branches',
    label: 'nav.branches',
    roles: ['ca-admin', 'auditor'],
    page: () => <BranchesPage />,
  },
  {
    path: '/admin/operators',
    label: 'nav.operators',
    roles: ['ca-admin', 'branch-manager', 'auditor'],
    page: () => <OperatorsPage />,
  },
  {
    path: '/admin/catalogue',
    label: 'nav.catalogue',
    roles: ['ca-admin', 'branch-manager', 'auditor'],
    page: () => <CataloguePage />,
  },
];

function mayUse(page: AdminPage): boolean {
  const roles = currentSession()?.principal.roles ?? [];
  return page.roles.some((role) => roles.includes(role));
}

function AdminFrame({ page }: { readonly page: AdminPage }) {
  const nav = PAGES.filter(mayUse).map(({ path, label }) => ({ path, label }));
  return (
    <Shell nav={nav}>
      {mayUse(page) ? page.page() : <ErrorState error={new ApiError(403, 'YZ_ERR_FORBIDDEN', '')} />}
    </Shell>
  );
}

export function adminRoutes() {
  return (
    <>
      <Route path="/admin/login" element={<LoginPage face="admin" />} />
      {PAGES.map((page) => (
        <Route
          key={page.path}
          path={page.path}
          element={
            <RequireOperator face="admin">
              <AdminFrame page={page} />
            </RequireOperator>
          }
        />
      ))}
    </>
  );
}
