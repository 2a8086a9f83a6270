/**
 * The one error class of the low layers (gm, and later pki): a precise, coded format error.
 *
 * Design §6b: low layers throw built-in errors for programming mistakes (TypeError, RangeError)
 * and `GmError` for bad input that a user or peer can send (truncated DER, wrong PEM label,
 * point off the curve, wrong password). Each code is a `YZ_ERR_*` name listed in
 * `GM_ERROR_CODES`, which `docs/errors.md` mirrors (a test keeps the two in step).
 */

/** Every code a gm error can carry, with its one-line meaning (the registry for this layer). */
export const GM_ERROR_CODES = {
  YZ_ERR_DER_TRUNCATED: 'DER input ends before the encoded length',
  YZ_ERR_DER_LENGTH: 'DER length is not minimal, indefinite, or absurd',
  YZ_ERR_DER_TAG: 'DER tag is not the one the structure requires',
  YZ_ERR_DER_TRAILING: 'bytes follow the end of a DER structure',
  YZ_ERR_DER_VALUE: 'DER value is malformed (non-minimal integer, bad OID, bad time, bad string)',
  YZ_ERR_PEM: 'PEM text is malformed or carries an unexpected label',
  YZ_ERR_KEY_FORMAT: 'key structure or algorithm is not an SM2 key in a supported format',
  YZ_ERR_KEY_PASSWORD: 'the password does not decrypt the private key (or none was given)',
  YZ_ERR_KEY_RANGE: 'SM2 private key is outside [1, n-2]',
  YZ_ERR_POINT_INVALID: 'public key point is not on the SM2 curve, or is infinity',
  YZ_ERR_SIGNATURE_FORMAT: 'signature is not DER SEQUENCE{r,s} or raw 64-byte r||s, or r/s is out of range',
  YZ_ERR_CIPHERTEXT: 'SM2 ciphertext is malformed or fails its integrity check',
  YZ_ERR_SM4_KEY: 'SM4 key or IV has the wrong length',
  YZ_ERR_SM4_PADDING: 'SM4 padding is invalid (wrong key, or corrupted data)',
  YZ_ERR_SM4_TAG: 'SM4-GCM authentication tag does not match',
  YZ_ERR_KEY_EXCHANGE: 'SM2 key exchange failed (invalid point or confirmation mismatch)',
  YZ_ERR_ID_LENGTH: 'SM2 signer ID is longer than 8191 bytes',
  YZ_ERR_NAME: 'distinguished name text or attribute value is invalid (pki)',
  YZ_ERR_ALGORITHM: 'algorithm identifier is not one this structure accepts, e.g. not SM2-with-SM3 (pki)',
  YZ_ERR_SERIAL: 'serial number is zero, negative, shorter than 4 or longer than 20 octets (pki)',
  YZ_ERR_EXTENSION: 'extension is duplicated, malformed, or unknown and critical (pki)',
  YZ_ERR_SIGNATURE_INVALID: 'signature does not verify under the issuer or signer public key (pki)',
  YZ_ERR_CERTIFICATE: 'certificate fields are inconsistent or break the GM/T 0015 profile (pki)',
  YZ_ERR_CSR: 'certification request is malformed or its proof of possession fails (pki)',
  YZ_ERR_CRL: 'CRL is malformed or breaks the profile, e.g. no nextUpdate (pki)',
  YZ_ERR_OCSP: 'OCSP request or response is malformed or unsupported (pki)',
  YZ_ERR_CMS: 'CMS or GM/T 0010 message is malformed, unsupported, or its content does not match (pki)',
  YZ_ERR_ENVELOPE:
    'enveloped key (GM/T 0009, GM/T 0092, SKF blob) is malformed or its key pair does not match (pki)',
} as const;

/** A `YZ_ERR_*` code of the gm layer. */
export type GmErrorCode = keyof typeof GM_ERROR_CODES;

/** Bad input to a gm function: `code` says which kind, `message` names the field. */
export class GmError extends Error {
  override readonly name = 'GmError';
  constructor(
    readonly code: GmErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** True for a GmError, whatever realm it was thrown in. */
export function isGmError(value: unknown): value is GmError {
  return value instanceof Error && (value as { name?: string }).name === 'GmError' && 'code' in value;
}
