/**
 * Sealing a private key under the user's PIN (软证书 口令保护, R34), like a USB key's PIN:
 *
 * - KDF: PBKDF2-HMAC-SM3 (RFC 8018 §5.2 with the GB/T 32905 hash) over the UTF-8 PIN, a random
 *   16-byte salt per key, {@link PIN_ITERATIONS} iterations, 16 bytes out → the SM4 key.
 *   600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256, and one HMAC-SM3 costs
 *   about what one HMAC-SHA256 does; our pure-TypeScript SM3 (two compressions per iteration)
 *   derives it in about half a second on a desktop, which a person unlocking a key once per
 *   login does not notice, while an offline guesser pays the same per PIN tried.
 * - Cipher: SM4-GCM (GB/T 32907, NIST SP 800-38D / RFC 8998) with a fresh 12-byte IV per seal
 *   and the key id + purpose ("sign"/"enc") as additional data, so a sealed key cannot be moved
 *   to another record; a wrong PIN fails the 16-byte tag: YZ_ERR_PIN, never a garbage key.
 * - Lockout: {@link MAX_PIN_ATTEMPTS} wrong PINs in a row lock the key (YZ_ERR_PIN_LOCKED); a right
 *   one resets the count. The count is kept in the same IndexedDB record, so it stops guessing
 *   through this page; someone who copies the browser profile can guess offline, slowed only by
 *   the KDF — a soft key is weaker than a hardware token, which docs/web.md says plainly.
 */
import { fromHex, pbkdf2Sm3, randomBytes, sm4Decrypt, sm4Encrypt, toHex, utf8 } from '@yizheng/gm';

/** A private key sealed under the PIN: SM4-GCM of d (32 bytes) with a fresh 12-byte IV. */
export interface SealedKey {
  readonly iv: string; // hex
  readonly sealed: string; // hex: ciphertext ‖ 16-byte tag
}

/** PBKDF2-HMAC-SM3 iterations for new keys (see the header for why). */
export const PIN_ITERATIONS = 600_000;

/** Wrong PINs in a row that lock a key, like the retry counter of a USB key. */
export const MAX_PIN_ATTEMPTS = 6;

/** The SM4 key of `pin` under `salt` (hex). */
export function pinKey(pin: string, saltHex: string, iterations: number): Uint8Array {
  return pbkdf2Sm3(utf8(pin), fromHex(saltHex), iterations, 16);
}

/** A fresh salt (hex) for a new key. */
export function newSalt(): string {
  return toHex(randomBytes(16));
}

function aad(id: string, purpose: 'sign' | 'enc'): Uint8Array {
  return utf8(`yizheng-softkey:${id}:${purpose}`);
}

/** Seals the 32-byte private scalar `d`. */
export function seal(key: Uint8Array, id: string, purpose: 'sign' | 'enc', d: Uint8Array): SealedKey {
  const iv = randomBytes(12);
  return { iv: toHex(iv), sealed: toHex(sm4Encrypt('gcm', d, { key, iv, aad: aad(id, purpose) })) };
}

/** Opens a sealed key; null when the tag does not match (a wrong PIN). */
export function open(
  key: Uint8Array,
  id: string,
  purpose: 'sign' | 'enc',
  box: SealedKey,
): Uint8Array | null {
  try {
    return sm4Decrypt('gcm', fromHex(box.sealed), { key, iv: fromHex(box.iv), aad: aad(id, purpose) });
  } catch {
    return null;
  }
}
