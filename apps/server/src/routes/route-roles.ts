/**
 * Who may call the business routes (issue 5 "Role-based access"; docs/api.md "Why these roles"
 * explains each set). Named once here so that routes of the same kind cannot drift apart:
 *
 * - legal persons (`applicant`) act on their own USCC only — routes open to them call
 *   `requireOwnUscc` with the USCC of the object they reach;
 * - the counter (`branch-operator`, and the `branch-manager` who stands in for it) takes
 *   applications and lifecycle steps, media and unlocks;
 * - `reviewer` decides applications in review and may revoke, suspend or resume on a notice;
 * - `ca-admin` runs profiles, fees, policy and batch revocation; `kmc-officer` approves key
 *   recoveries; `auditor` reads everything and verifies the audit trail, changing nothing (the
 *   CA administrator may read the audit trail too — it answers for the platform — but an
 *   auditor never administers);
 * - `regulator` reads statistics only; `app-department` API keys query and verify certificates and
 *   read statistics, each under its scope.
 */
import type { Role } from '@yizheng/core';

/** The counter: takes applications and lifecycle steps for legal persons. */
export const COUNTER: readonly Role[] = ['branch-operator', 'branch-manager'];

/** Staff who look up certificates, legal persons and applications in their daily work. */
export const STAFF_READERS: readonly Role[] = [
  'branch-operator',
  'reviewer',
  'branch-manager',
  'ca-admin',
  'kmc-officer',
  'auditor',
];

/** Apply (新办), renew, change, reissue: the holder online or the counter. */
export const APPLY: readonly Role[] = ['applicant', ...COUNTER];

/** Revoke and suspend: the holder (its own), or staff acting on a request with its reference. */
export const STATUS_STAFF: readonly Role[] = ['branch-operator', 'reviewer', 'branch-manager', 'ca-admin'];

/** Read applications: the holder (its own), the counter, reviewers, the auditor. */
export const APPLICATION_READERS: readonly Role[] = ['applicant', ...COUNTER, 'reviewer', 'auditor'];

/** Certificate queries: the holder (its own), staff, application departments (`certificates:query`). */
export const CERTIFICATE_READERS: readonly Role[] = ['applicant', ...STAFF_READERS, 'app-department'];

/** Business statistics (R4, R25). */
export const STATISTICS_READERS: readonly Role[] = [
  'branch-manager',
  'ca-admin',
  'auditor',
  'regulator',
  'app-department',
];

/** The audit trail viewer and its chain check (R3): the auditor, and the CA administrator. */
export const AUDIT_READERS: readonly Role[] = ['auditor', 'ca-admin'];
