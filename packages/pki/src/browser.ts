/**
 * The part of @yizheng/pki a web page needs (R34 soft certificates, issue 6): names,
 * certificates (parse), PKCS#10 requests, and the GM/T 0009 / GM/T 0092 key envelopes. It leaves
 * out what needs Node (CRL files, OCSP/CMS hashing with node:crypto, path validation with Buffer),
 * so a Vite browser bundle imports `@yizheng/pki/browser` and carries no node: import.
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
export * from './gmt0092-csr-response.js';
export * from './rfc2986-pkcs10.js';
