/**
 * @yizheng/ldap — the embedded read-only LDAPv3 server that publishes certificates and CRLs
 * (R5, R6), independent of the database: a `DirectoryBackend` port supplies entries, the server
 * does the protocol (RFC 4511 BER and messages, RFC 4515 filters, RFC 4514 DNs, RFC 2696 paging).
 *
 * @example
 * const directory = new InMemoryDirectory(['o=Yizheng Demo CA,c=CN']);
 * const server = new LdapServer({ backend: directory });
 * await server.listen(1389);
 */
export * from './errors.js';
export * from './rfc4511-result-codes.js';
export * from './rfc4511-ber.js';
export {
  ProtocolOp,
  REQUEST_TAGS,
  RESPONSE_TAGS,
  decodeControls,
  decodeEnvelope,
  encodeMessage,
  type Control,
  type Envelope,
  type LdapResult,
} from './rfc4511-message.js';
export * from './rfc4511-requests.js';
export * from './rfc4511-responses.js';
export * from './filter.js';
export * from './rfc4515-filter-string.js';
export * from './rfc4514-dn.js';
export * from './rfc2696-paged-results.js';
export * from './schema.js';
export * from './directory.js';
export { PreparedEntry, prepareEntry } from './entry.js';
export { equalityTerms, evaluateFilter, matchesFilter, type Truth } from './matching.js';
export { InMemoryDirectory } from './in-memory-directory.js';
export { WHO_AM_I_OID } from './root-dse.js';
export { LdapServer, type LdapServerOptions } from './server.js';
export type { LdapServerEvent } from './connection.js';
export * from './client.js';
