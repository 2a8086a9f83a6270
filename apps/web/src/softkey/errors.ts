/** The coded errors of the soft certificate (软证书) module (R34); listed in docs/errors.md. */

export type SoftKeyErrorCode =
  | 'YZ_ERR_PIN'
  | 'YZ_ERR_PIN_LOCKED'
  | 'YZ_ERR_PIN_RULE'
  | 'YZ_ERR_SOFTKEY_NOT_FOUND'
  | 'YZ_ERR_SOFTKEY_INPUT'
  | 'YZ_ERR_SOFTKEY_CERT_MISMATCH'
  | 'YZ_ERR_SOFTKEY_NO_CERTIFICATE'
  | 'YZ_ERR_SOFTKEY_STORAGE';

/** A refusal of the soft key: bad PIN, locked, unknown key, a certificate not for this key… */
export class SoftKeyError extends Error {
  constructor(
    readonly code: SoftKeyErrorCode,
    message: string,
    /** Wrong-PIN attempts left before the key locks (with YZ_ERR_PIN). */
    readonly attemptsLeft?: number,
  ) {
    super(message);
    this.name = 'SoftKeyError';
  }
}
