/**
 * @yizheng/pki — PKI structures on SM2 (issue 3): the OID table, X.501 names, certificates
 * (GM/T 0015), PKCS#10, CRL, OCSP, CMS and key envelopes.
 */
// what a web page can load too (names, certificates, PKCS#10, key envelopes), then the Node-only rest
export * from './browser.js';
export * from './gmt0016-skf-blobs.js';
export * from './rfc5280-path-validation.js';
export * from './rfc6960-ocsp.js';
export * from './rfc5280-crl.js';
export * from './display.js';
export * from './rfc5652-cms.js';
export * from './gmt0010-cms.js';
export * from './rfc5280-crl-builder.js';
export * from './revocation-sources.js';
export * from './gmt0015-issuer.js';
