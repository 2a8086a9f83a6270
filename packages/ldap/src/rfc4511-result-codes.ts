/**
 * RFC 4511 §4.1.9 (and Appendix A) result codes, named as in the standard. Only the codes this
 * read-only directory can send, or that a client (the tests, the publisher writing to an external
 * directory) must recognise, are listed.
 */
export const ResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  noSuchAttribute: 16,
  attributeOrValueExists: 20,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  objectClassViolation: 65,
  entryAlreadyExists: 68,
  other: 80,
} as const;

/** Name of a result code for messages and logs, e.g. `resultCodeName(53)` → `'unwillingToPerform'`. */
export function resultCodeName(code: number): string {
  for (const [name, value] of Object.entries(ResultCode)) if (value === code) return name;
  return `resultCode ${code}`;
}
