/**
 * @yizheng/pki — PKI structures on SM2 (issue 3): the OID table, X.501 names, certificates
 * (GM/T 0015), PKCS#10, CRL, OCSP, CMS and key envelopes.
 */
export * from './oids.js';
export * from './name.js';
export * from './algorithm.js';
export * from './rfc5280-general-name.js';
export * from './rfc5280-extensions.js';
export * from './gmt0015-identity.js';
export * from './gmt0015-certificate.js';
export {
  SM2EnvelopedKey,
  decodeEnvelopedKey,
  envelopeKey,
  openEnvelopedKey,
  type EnvelopeOptions,
  type EnvelopedKeyInfo,
  type EnvelopedKeyPair,
} from './gmt0009-enveloped-key.js';
export * from './gmt0016-skf-blobs.js';
export * from './gmt0092-csr-response.js';
export * from './rfc2986-pkcs10.js';
export * from './rfc5280-path-validation.js';
export * from './rfc6960-ocsp.js';
export * from './rfc5280-crl.js';
export * from './display.js';
export * from './rfc5652-cms.js';
export * from './gmt0010-cms.js';
export * from './rfc5280-crl-builder.js';
export * from './revocation-sources.js';
export * from './gmt0015-issuer.js';
