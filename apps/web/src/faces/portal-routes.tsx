/**
 * The online self-service portal's pages (法人门户, issue 6; R34, R27) under `/portal`.
 * New pages add a route below.
 */
import { Route } from 'react-router';
import { PortalPage } from '../pages/landing.js';

export function portalRoutes() {
  return (
    <>
      <Route path="/portal/*" element={<PortalPage />} />
    </>
  );
}
