/**
 * Sealing secrets at rest (design §5; R3 "protected CA and KMC keys"): SM4-GCM under a key
 * derived with PBKDF2-HMAC-SM3 from a master secret (an operator passphrase or
 * `YIZHENG_MASTER_KEY` for the vault, `YIZHENG_KMC_MASTER_KEY` for the KMC). National
 * algorithms only. The record id goes in as associated data, so a sealed blob cannot be moved
 * onto another record.
 *
 * Format: "YZS1" ‖ salt (16) ‖ iv (12) ‖ SM4-GCM ciphertext ‖ tag (16).
 */
import { pbkdf2Sm3, randomBytes, sm4Decrypt, sm4Encrypt, utf8 } from '@yizheng/gm';
import { CoreError } from './errors.js';

const MAGIC = utf8('YZS1');
/** PBKDF2 work: derived once per salt and cached, so the cost is paid at start-up only. */
const ITERATIONS = 100_000;

export class Sealer {
  readonly #secret: Uint8Array;
  readonly #purpose: string;
  readonly #salt = randomBytes(16);
  readonly #keys = new Map<string, Uint8Array>();

  /** `purpose` separates key spaces ('vault', 'kmc', 'so-pin'): one secret never yields two uses' keys. */
  constructor(secret: string | Uint8Array, purpose: string) {
    const bytes = utf8(secret);
    if (bytes.length < 8)
      throw new CoreError('YZ_ERR_VAULT_LOCKED', `${purpose} master secret must be at least 8 bytes`);
    this.#secret = bytes;
    this.#purpose = purpose;
  }

  #key(salt: Uint8Array): Uint8Array {
    const id = Buffer.from(salt).toString('hex');
    let key = this.#keys.get(id);
    if (!key) {
      key = pbkdf2Sm3(this.#secret, new Uint8Array([...salt, ...utf8(this.#purpose)]), ITERATIONS, 16);
      this.#keys.set(id, key);
    }
    return key;
  }

  /** Seals `plaintext` bound to `recordId`. */
  seal(plaintext: Uint8Array, recordId: string): Uint8Array {
    const iv = randomBytes(12);
    const body = sm4Encrypt('gcm', plaintext, { key: this.#key(this.#salt), iv, aad: utf8(recordId) });
    return new Uint8Array([...MAGIC, ...this.#salt, ...iv, ...body]);
  }

  /** Opens what `seal` made for `recordId`; a wrong secret, record or tampering is `failCode`. */
  open(sealed: Uint8Array, recordId: string, failCode: 'YZ_ERR_VAULT_KEY' | 'YZ_ERR_KMC_UNSEAL'): Uint8Array {
    if (sealed.length < 4 + 16 + 12 + 16 || !MAGIC.every((b, i) => sealed[i] === b))
      throw new CoreError(failCode, `sealed record ${recordId} has an unknown format`);
    const salt = sealed.subarray(4, 20);
    const iv = sealed.subarray(20, 32);
    try {
      return sm4Decrypt('gcm', sealed.subarray(32), { key: this.#key(salt), iv, aad: utf8(recordId) });
    } catch {
      throw new CoreError(failCode, `sealed record ${recordId} does not open with this master secret`);
    }
  }
}
