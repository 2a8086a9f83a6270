/**
 * RFC 2696 — the Simple Paged Results control (1.2.840.113556.1.4.319): the client asks for
 * pages of `size` entries and hands back the server's opaque cookie for the next page; an empty
 * cookie from the server means the last page. `ldapsearch -E pr=100/noprompt` uses it (R5).
 *
 *   realSearchControlValue ::= SEQUENCE {
 *           size            INTEGER (0..maxInt),
 *                                   -- requested page size from client
 *                                   -- result set size estimate from server
 *           cookie          OCTET STRING }
 */
import { LdapError } from './errors.js';
import { BerReader, ber, encodeBer } from './rfc4511-ber.js';
import { MAX_INT } from './rfc4511-message.js';

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

/** The control's value: page size (or the server's estimate) and cookie. */
export interface PagedResultsValue {
  readonly size: number;
  readonly cookie: Uint8Array;
}

/** Decodes a paged-results control value; a malformed one is a protocol error. */
export function decodePagedResultsValue(value: Uint8Array | undefined): PagedResultsValue {
  if (value === undefined)
    throw new LdapError('YZ_ERR_LDAP_PROTOCOL', 'paged results control without a value');
  const reader = new BerReader(value).sequence('realSearchControlValue');
  const size = reader.integer('size');
  if (size < 0 || size > MAX_INT)
    throw new LdapError('YZ_ERR_LDAP_PROTOCOL', `page size ${size} is out of range`);
  return { size, cookie: reader.octets('cookie') };
}

/** Encodes a paged-results control value. */
export function encodePagedResultsValue(value: PagedResultsValue): Uint8Array {
  return encodeBer(ber.sequence([ber.integer(value.size), ber.octets(value.cookie)]));
}
