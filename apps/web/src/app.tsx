/**
 * The web platform's routes (issue 6): `/` landing, `/portal` legal persons, `/counter` branches,
 * `/admin` back office. antd follows the chosen language (its own zh_CN / en_US texts).
 */
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { BrowserRouter, Route, Routes } from 'react-router';
import { adminRoutes } from './faces/admin-routes.js';
import { counterRoutes } from './faces/counter-routes.js';
import { portalRoutes } from './faces/portal-routes.js';
import { I18nProvider, useI18n } from './i18n.js';
import { LandingPage } from './pages/landing.js';
import { ACCESSIBLE_THEME } from './theme.js';

function Routed() {
  const { language } = useI18n();
  return (
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={ACCESSIBLE_THEME}>
      <AntApp>
        <BrowserRouter>
          <Routes>
            <Route path="/" element={<LandingPage />} />
            {portalRoutes()}
            {counterRoutes()}
            {adminRoutes()}
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
