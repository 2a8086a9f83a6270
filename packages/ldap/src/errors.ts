/**
 * The error registry of the LDAP layer (design §6b): every way a client can send something the
 * directory refuses, with the RFC 4511 resultCode the server answers with. `docs/errors.md`
 * mirrors it under test (packages/ldap/test/errors-doc.test.ts).
 */
import { ResultCode } from './rfc4511-result-codes.js';

/** Code → [meaning, LDAP resultCode sent to the client]. */
export const LDAP_ERROR_CODES = {
  YZ_ERR_LDAP_BER: [
    'LDAP message is not valid BER (indefinite or absurd length, truncated, too large or too deep)',
    ResultCode.protocolError,
  ],
  YZ_ERR_LDAP_PROTOCOL: [
    'LDAP message breaks RFC 4511 (unknown operation, missing or malformed field, LDAP version not 3)',
    ResultCode.protocolError,
  ],
  YZ_ERR_LDAP_FILTER: [
    'LDAP search filter is malformed or exceeds the nesting and size limits (RFC 4511 §4.5.1.7, RFC 4515)',
    ResultCode.protocolError,
  ],
  YZ_ERR_LDAP_DN: ['distinguished name is not a valid RFC 4514 string', ResultCode.invalidDNSyntax],
  YZ_ERR_LDAP_NO_SUCH_OBJECT: ['the search base is not an entry of this directory', ResultCode.noSuchObject],
  YZ_ERR_LDAP_CONTROL: [
    'a critical control is not supported, or a control value is malformed, e.g. an unknown paged-results cookie',
    ResultCode.unavailableCriticalExtension,
  ],
  YZ_ERR_LDAP_ADMIN_LIMIT: [
    'an unindexed search examined more entries without a match than the server allows (R6)',
    ResultCode.adminLimitExceeded,
  ],
} as const satisfies Record<string, readonly [string, number]>;

/** A `YZ_ERR_LDAP_*` code. */
export type LdapErrorCode = keyof typeof LDAP_ERROR_CODES;

/** Bad LDAP input: `code` says which kind, `message` says where; `resultCode` is what the client gets. */
export class LdapError extends Error {
  override readonly name = 'LdapError';
  readonly resultCode: number;
  constructor(
    readonly code: LdapErrorCode,
    message: string,
    resultCode?: number,
  ) {
    super(message);
    this.resultCode = resultCode ?? LDAP_ERROR_CODES[code][1];
  }
}

/** True for an LdapError, whatever realm it was thrown in. */
export function isLdapError(value: unknown): value is LdapError {
  return value instanceof Error && (value as { name?: string }).name === 'LdapError' && 'code' in value;
}
