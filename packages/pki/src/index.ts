/**
 * @yizheng/pki — PKI structures on SM2 (issue 3, in progress): the OID table and X.501 names so
 * far; certificates (GM/T 0015), PKCS#10, CRL, OCSP, CMS and key envelopes build on them.
 */
export * from './oids.js';
export * from './name.js';
