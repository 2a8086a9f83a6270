/**
 * The online self-service portal's pages (法人门户, issue 6; R34, R27) under `/portal`.
 * New pages add a route below; legal-person pages go inside `RequireLegalPerson` (portal-guard.tsx).
 */
import { Route } from 'react-router';
import { PortalPage } from '../pages/landing.js';
import { PortalKeysPage } from '../pages/portal-keys.js';
import { PortalLoginPage } from '../pages/portal-login.js';

export function portalRoutes() {
  return (
    <>
      <Route path="/portal/login" element={<PortalLoginPage />} />
      <Route path="/portal/keys" element={<PortalKeysPage />} />
      <Route path="/portal/*" element={<PortalPage />} />
    </>
  );
}
