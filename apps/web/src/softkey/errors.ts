/** The coded errors of the soft certificate (软证书) module (R34); listed in docs/errors.md. */

/** The registry of the web layer's own codes (apps/web/test/softkey-errors-doc.test.ts checks docs/errors.md). */
export const SOFTKEY_ERROR_CODES = {
  YZ_ERR_PIN: 'the PIN does not open the soft key',
  YZ_ERR_PIN_LOCKED: 'the soft key is locked after too many wrong PINs',
  YZ_ERR_PIN_RULE: 'a new PIN breaks the PIN rules',
  YZ_ERR_SOFTKEY_NOT_FOUND: 'no such soft key in this browser',
  YZ_ERR_SOFTKEY_INPUT: 'bad input to a soft-key operation',
  YZ_ERR_SOFTKEY_CERT_MISMATCH: 'a certificate or opened key does not belong to the soft key',
  YZ_ERR_SOFTKEY_NO_CERTIFICATE: 'the soft key has no certificate yet',
  YZ_ERR_SOFTKEY_STORAGE: 'the browser storage (IndexedDB) failed',
} as const;

export type SoftKeyErrorCode = keyof typeof SOFTKEY_ERROR_CODES;

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
