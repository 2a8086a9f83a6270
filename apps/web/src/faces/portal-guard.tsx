/**
 * Legal-person pages of the portal (R34): without a legal person's session (certificate login),
 * `/portal/login`, coming back to the page after it.
 */
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { currentSession } from '../api.js';

export function RequireLegalPerson({ children }: { readonly children: ReactNode }) {
  const location = useLocation();
  if (currentSession()?.principal.kind !== 'legal-person')
    return <Navigate to="/portal/login" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}
