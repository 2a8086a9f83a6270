/**
 * The online self-service portal's pages (法人门户, issue 6; R34, R27) under `/portal`: the two
 * logins (certificate login with a soft certificate, the agent's SMS login), certificate management
 * (soft certificates), and — behind `RequireLegalPerson` (portal-guard.tsx) in the portal frame —
 * home, the online new application and its authorisation letter, lifecycle steps, unlock, fees,
 * records, messages; help is open to everyone. New pages add a route below (and a menu entry in
 * pages/portal-frame.tsx or pages/portal-nav.ts).
 */
import type { ReactNode } from 'react';
import { Route } from 'react-router';
import { PortalApplyPage } from '../pages/portal-apply.js';
import { PortalFrame } from '../pages/portal-frame.js';
import { PortalHelpPage } from '../pages/portal-help.js';
import { PortalHomePage } from '../pages/portal-home.js';
import { PortalKeysPage } from '../pages/portal-keys.js';
import { PortalLetterPage } from '../pages/portal-letter.js';
import { PortalLifecyclePage } from '../pages/portal-lifecycle.js';
import { PortalLoginPage } from '../pages/portal-login.js';
import { PortalPaymentsPage } from '../pages/portal-payments.js';
import { PortalHistoryPage, PortalMessagesPage } from '../pages/portal-records.js';
import { PortalSmsLoginPage } from '../pages/portal-sms-login.js';
import { PortalUnlockPage } from '../pages/portal-unlock.js';
import { RequireLegalPerson } from './portal-guard.js';

const portal = (page: ReactNode) => (
  <RequireLegalPerson>
    <PortalFrame>{page}</PortalFrame>
  </RequireLegalPerson>
);

export function portalRoutes() {
  return (
    <>
      <Route path="/portal/login" element={<PortalLoginPage />} />
      <Route path="/portal/sms-login" element={<PortalSmsLoginPage />} />
      <Route path="/portal/keys" element={<PortalKeysPage />} />
      <Route path="/portal/help" element={<PortalFrame>{<PortalHelpPage />}</PortalFrame>} />
      <Route path="/portal" element={portal(<PortalHomePage />)} />
      <Route path="/portal/apply" element={portal(<PortalApplyPage />)} />
      <Route path="/portal/letters/:id" element={portal(<PortalLetterPage />)} />
      <Route path="/portal/certificates/:serial/:step" element={portal(<PortalLifecyclePage />)} />
      <Route path="/portal/unlock" element={portal(<PortalUnlockPage />)} />
      <Route path="/portal/payments" element={portal(<PortalPaymentsPage />)} />
      <Route path="/portal/history" element={portal(<PortalHistoryPage />)} />
      <Route path="/portal/messages" element={portal(<PortalMessagesPage />)} />
    </>
  );
}
