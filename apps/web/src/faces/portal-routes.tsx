/**
 * The online self-service portal's pages (法人门户, issue 6; R34, R27) under `/portal`: the agent's
 * SMS login, home, the online new application and its authorisation letter, lifecycle steps,
 * fees, records, messages and help. New pages add a route below (and a menu entry in
 * pages/portal-frame.tsx).
 */
import type { ReactNode } from 'react';
import { Route } from 'react-router';
import { PortalApplyPage } from '../pages/portal-apply.js';
import { PortalFrame } from '../pages/portal-frame.js';
import { PortalHelpPage } from '../pages/portal-help.js';
import { PortalHomePage } from '../pages/portal-home.js';
import { PortalLetterPage } from '../pages/portal-letter.js';
import { PortalLifecyclePage } from '../pages/portal-lifecycle.js';
import { PortalPaymentsPage } from '../pages/portal-payments.js';
import { PortalHistoryPage, PortalMessagesPage } from '../pages/portal-records.js';
import { PortalSmsLoginPage } from '../pages/portal-sms-login.js';
import { PortalUnlockPage } from '../pages/portal-unlock.js';

const portal = (page: ReactNode, open = false) => <PortalFrame open={open}>{page}</PortalFrame>;

export function portalRoutes() {
  return (
    <>
      <Route path="/portal/sms-login" element={<PortalSmsLoginPage />} />
      <Route path="/portal" element={portal(<PortalHomePage />)} />
      <Route path="/portal/apply" element={portal(<PortalApplyPage />)} />
      <Route path="/portal/letters/:id" element={portal(<PortalLetterPage />)} />
      <Route path="/portal/certificates/:serial/:step" element={portal(<PortalLifecyclePage />)} />
      <Route path="/portal/unlock" element={portal(<PortalUnlockPage />)} />
      <Route path="/portal/payments" element={portal(<PortalPaymentsPage />)} />
      <Route path="/portal/history" element={portal(<PortalHistoryPage />)} />
      <Route path="/portal/messages" element={portal(<PortalMessagesPage />)} />
      <Route path="/portal/help" element={portal(<PortalHelpPage />, true)} />
    </>
  );
}
