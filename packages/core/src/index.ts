/**
 * @yizheng/core — the certificate authority core (issue 4): CA, KMC, lifecycle, profiles, audit.
 * It declares its ports (store, key vault, clock, registry) and never imports SQL or HTTP.
 */
export * from './model.js';
export * from './errors.js';
export * from './ports/store.js';
export * from './ports/service-store.js';
export * from './service-model.js';
export * from './ports/clock.js';
export * from './ports/key-vault.js';
export * from './sealing.js';
export * from './store-key-vault.js';
export * from './audit.js';
export * from './profiles.js';
export * from './profile-admin.js';
export * from './kmc.js';
export * from './ca.js';
export * from './issuance.js';
export * from './revocation.js';
export * from './lifecycle.js';
export * from './kmc-recovery.js';
export * from './history.js';
export * from './batch-revocation.js';
export * from './crl-issuance.js';
export * from './service-policy.js';
export * from './fees.js';
export * from './eligibility.js';
export * from './unlock-schemes.js';
export * from './media.js';
export * from './unlock.js';
export * from './retention.js';
export * from './stock-certificate.js';
export * from './stock-manifest.js';
export * from './stock-import.js';
export * from './kmc-pool-refill.js';
export * from './ports/legal-person-registry.js';
export * from './registry-check.js';
export * from './application-review.js';
export * from './registry-sync.js';
export * from './applicant.js';
export * from './demo-bootstrap.js';
export * from './roles.js';
export * from './account-model.js';
export * from './ports/account-store.js';
