/**
 * The error registry of the core (design §6b): every refusal a user, an operator or a peer can
 * cause, with its HTTP status for the API of issue 5. `docs/errors.md` mirrors it under test.
 */

/** Code → [meaning, HTTP status]. */
export const CORE_ERROR_CODES = {
  YZ_ERR_VAULT_KEY: ['the key vault has no such key, or the master key does not unseal it', 500],
  YZ_ERR_VAULT_LOCKED: [
    'the key vault master secret is missing (set YIZHENG_MASTER_KEY or a passphrase)',
    500,
  ],
  YZ_ERR_CA_NOT_FOUND: ['no such CA, or it has no certificate yet', 404],
  YZ_ERR_CA_STATE: ['the CA cannot do this in its current state (retired, certificate pending)', 409],
  YZ_ERR_PROFILE: ['the certificate profile is missing or invalid', 400],
  YZ_ERR_USCC: [
    'the unified social credit code is not 18 characters with a valid GB 32100 check character',
    400,
  ],
  YZ_ERR_KEY_ALREADY_CERTIFIED: ['the requested public key is already in a certificate', 409],
  YZ_ERR_CERT_NOT_FOUND: ['no such certificate', 404],
  YZ_ERR_STATE: ['the lifecycle step is not allowed from the current state', 409],
  YZ_ERR_KMC_POOL: ['the KMC key pool is empty and could not be refilled', 503],
  YZ_ERR_KMC_UNSEAL: ['an escrowed key could not be unsealed with the KMC master key', 500],
  YZ_ERR_AUDIT: ['the audit entry could not be written or the chain does not verify', 500],
  YZ_ERR_INPUT: ['a request field is missing or malformed', 400],
  YZ_ERR_NOT_ELIGIBLE: [
    'the service is not provided for this certificate now (R24: service period or validity)',
    403,
  ],
  YZ_ERR_FEE: ['the published fee schedule has no item for this charge', 409],
  YZ_ERR_MEDIUM_NOT_FOUND: ['no such medium (USB-KEY serial)', 404],
  YZ_ERR_MEDIUM_STATE: ['the medium cannot do this in its current state (stock, issued, lost, retired)', 409],
  YZ_ERR_UNLOCK_REPLAY: ['this unlock challenge was already answered; read a fresh one from the key', 409],
  YZ_ERR_RATE_LIMITED: ['too many requests of this kind for this object; try again later', 429],
  YZ_ERR_UNKNOWN_ISSUER: [
    'the certificate was not issued by a CA of this platform (no CA has its issuer name)',
    400,
  ],
  YZ_ERR_CERT_SIGNATURE: ["the certificate's signature does not verify with its issuing CA's key", 400],
  YZ_ERR_SERIAL_CONFLICT: ['a different certificate with this CA and serial is already on record', 409],
  YZ_ERR_REGISTRY_UNAVAILABLE: [
    'the legal-person registry (法人综合库) did not answer, timed out or answered outside its contract',
    503,
  ],
  YZ_ERR_BUSY: [
    'another node is doing this one-at-a-time task (CRL issuance, responder renewal) now; try again shortly',
    503,
  ],
  YZ_ERR_LEGAL_PERSON_INACTIVE: [
    'the registry lists the legal person as deregistered (注销) or revoked (吊销): no new certificate',
    409,
  ],
  YZ_ERR_LOGIN_FAILED: [
    'the login, password, certificate or signature is wrong, or the account is locked or disabled',
    401,
  ],
  YZ_ERR_OUT_OF_SCOPE: [
    "the caller's role covers this operation but not this object (another branch, a role it may not grant, another legal person)",
    403,
  ],
  YZ_ERR_PASSWORD_POLICY: [
    'the password is too weak: at least 10 characters of at least two kinds (lower case, upper case, digits, others), not containing the login',
    400,
  ],
  YZ_ERR_ACCOUNT_NOT_FOUND: ['no such branch, operator or API client', 404],
  YZ_ERR_ACCOUNT_EXISTS: [
    'a branch, operator or API client with this id already exists, or the work badge is already in use',
    409,
  ],
  YZ_ERR_AGENT_NOT_REGISTERED: [
    'no agent (经办人) with this mobile number is registered for this legal person',
    403,
  ],
  YZ_ERR_SMS_CODE: ['the SMS code is wrong, expired or used; ask for a new one', 401],
  YZ_ERR_SMS_UNAVAILABLE: ['the SMS provider could not deliver the code; try again later', 503],
  YZ_ERR_LETTER_NOT_FOUND: ['no such authorisation letter (电子授权书) for this legal person', 404],
  YZ_ERR_LETTER_REPLAY: ['this authorisation letter (its nonce) was signed before: a letter works once', 409],
  YZ_ERR_LETTER_EXPIRED: ['the authorisation letter is outside its validity window', 409],
  YZ_ERR_LETTER_SIGNER: [
    "the letter's signer certificate is not a signing certificate this platform issued to the legal person",
    403,
  ],
  YZ_ERR_LETTER_CERTIFICATE: [
    "the letter's signer certificate is revoked, suspended or outside its validity period",
    403,
  ],
  YZ_ERR_LETTER_SIGNATURE: ['the signature does not verify over the authorisation letter text', 400],
  YZ_ERR_PAYMENT: [
    'the payment order cannot do this (unknown, already paid, or the confirmation does not verify)',
    409,
  ],
} as const satisfies Record<string, readonly [string, number]>;

export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;

/** A refusal of the core: `code` says which, `message` says what and why. Nothing was changed. */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
  ) {
    super(message);
  }
  /** The HTTP status the API answers with. */
  get httpStatus(): number {
    return CORE_ERROR_CODES[this.code][1];
  }
}

/** True for a CoreError from any realm. */
export function isCoreError(value: unknown): value is CoreError {
  return value instanceof Error && (value as { name?: string }).name === 'CoreError' && 'code' in value;
}
