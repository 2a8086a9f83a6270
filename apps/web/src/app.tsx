/**
 * The web platform's routes (issue 6): `/` landing, `/portal` legal persons, `/counter` branches,
 * `/admin` back office. antd follows the chosen language (its own zh_CN / en_US texts).
 */
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { I18nProvider, useI18n } from './i18n.js';
import { DashboardPage } from './pages/dashboard.js';
import { LandingPage, PortalPage } from './pages/landing.js';
import { LoginPage } from './pages/login.js';
import { LookupPage } from './pages/lookup.js';
import { ReviewPage } from './pages/review.js';
import { type NavItem, RequireOperator, Shell } from './shell.js';

const ADMIN_NAV: readonly NavItem[] = [
  { path: '/admin', label: 'nav.dashboard' },
  { path: '/admin/review', label: 'nav.review' },
];
const COUNTER_NAV: readonly NavItem[] = [{ path: '/counter', label: 'nav.lookup' }];

function Routed() {
  const { language } = useI18n();
  const admin = (page: ReactNode) => (
    <RequireOperator face="admin">
      <Shell nav={ADMIN_NAV}>{page}</Shell>
    </RequireOperator>
  );
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN}>
      <AntApp>
        <BrowserRouter>
          <Routes>
            <Route path="/" element={<LandingPage />} />
            <Route path="/portal/*" element={<PortalPage />} />
            <Route path="/counter/login" element={<LoginPage face="counter" />} />
            <Route
              path="/counter"
              element={
                <RequireOperator face="counter">
                  <Shell nav={COUNTER_NAV}>
                    <LookupPage />
                  </Shell>
                </RequireOperator>
              }
            />
            <Route path="/admin/login" element={<LoginPage face="admin" />} />
            <Route path="/admin" element={admin(<DashboardPage />)} />
            <Route path="/admin/review" element={admin(<ReviewPage />)} />
            <Route path="*" element={<LandingPage />} />
          </Routes>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Routed />
    </I18nProvider>
  );
}
