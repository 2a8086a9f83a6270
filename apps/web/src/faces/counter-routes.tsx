/**
 * The branch counter's pages (网点柜台, issue 6; R33) under `/counter`, each behind an operator
 * session. New pages add a menu entry here and a route below; the header menu has room for about
 * five, so 证书服务 leads to every business on an issued pair or key (renew … resume, unlock).
 */
import type { ReactNode } from 'react';
import { Route } from 'react-router';
import { CounterIdentityPage } from '../pages/counter-identity.js';
import { CounterMaterialsPage } from '../pages/counter-materials.js';
import { CounterNewPage, CounterServicePage } from '../pages/counter-new.js';
import { CounterReceiptPage } from '../pages/counter-receipt.js';
import { CounterUnlockPage } from '../pages/counter-unlock.js';
import { LoginPage } from '../pages/login.js';
import { LookupPage } from '../pages/lookup.js';
import { type NavItem, RequireOperator, Shell } from '../shell.js';

const COUNTER_NAV: readonly NavItem[] = [
  { path: '/counter', label: 'nav.lookup' },
  { path: '/counter/new', label: 'nav.new' },
  { path: '/counter/service/renew', label: 'nav.service' },
  { path: '/counter/identity', label: 'nav.identity' },
  { path: '/counter/materials', label: 'nav.materials' },
];

function counter(page: ReactNode) {
  return (
    <RequireOperator face="counter">
      <Shell nav={COUNTER_NAV}>{page}</Shell>
    </RequireOperator>
  );
}

export function counterRoutes() {
  return (
    <>
      <Route path="/counter/login" element={<LoginPage face="counter" />} />
      <Route path="/counter" element={counter(<LookupPage />)} />
      <Route path="/counter/new" element={counter(<CounterNewPage />)} />
      <Route path="/counter/service/:type" element={counter(<CounterServicePage />)} />
      <Route path="/counter/unlock" element={counter(<CounterUnlockPage />)} />
      <Route path="/counter/identity" element={counter(<CounterIdentityPage />)} />
      <Route path="/counter/materials" element={counter(<CounterMaterialsPage />)} />
      <Route path="/counter/receipt/:applicationId" element={counter(<CounterReceiptPage />)} />
    </>
  );
}
