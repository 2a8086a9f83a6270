/**
 * Unlock response schemes (R22; reference domain-practice.md §(b)): how a medium's COS checks an
 * SO-PIN authentication and takes a new user PIN. Each COS differs, so a scheme is a small
 * adapter chosen per medium model; the platform computes the responses from the SO PIN it keeps
 * sealed per medium, and the medium's single-use random makes each response good for one unlock.
 *
 * `skf-sha1-sm4` is the vendor scheme documented in the reference (§(b), SKF VerifyPIN /
 * UnblockPIN on the wire):
 *   K  = first16(SHA1(pad16(SO_PIN)))
 *   R1 = SM4-ECB(K, pad16(random))        — proves knowledge of the SO PIN to the key
 *   R2 = SM4-ECB(K, pad16(newUserPIN))    — the new user PIN, readable only by the key
 * `skf-sm3-sm4` is the same with K from SM3, for COSes that avoid SHA-1.
 * pad16 is ISO/IEC 9797-1 padding method 2 (0x80 then zeros) to a 16-byte multiple.
 */
import { createHash } from 'node:crypto';
import { sm3, sm4Encrypt, utf8 } from '@yizheng/gm';
import { CoreError } from './errors.js';

export interface UnlockResponse {
  /** R1: the SO-PIN authentication cryptogram for the medium's challenge. */
  readonly authentication: Uint8Array;
  /** R2: the new user PIN under the SO-PIN key. */
  readonly pinCryptogram: Uint8Array;
}

export interface UnlockScheme {
  readonly id: string;
  readonly description: string;
  respond(soPin: string, random: Uint8Array, newUserPin: string): UnlockResponse;
}

/** ISO/IEC 9797-1 method 2 to a multiple of 16 bytes. */
export function pad16(data: Uint8Array): Uint8Array {
  const length = (Math.floor(data.length / 16) + 1) * 16;
  const out = new Uint8Array(length);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

function sm4Scheme(id: string, description: string, digest: (data: Uint8Array) => Uint8Array): UnlockScheme {
  return {
    id,
    description,
    respond(soPin, random, newUserPin) {
      const key = digest(pad16(utf8(soPin))).subarray(0, 16);
      const ecb = (data: Uint8Array) => sm4Encrypt('ecb', data, { key, padding: 'none' });
      return { authentication: ecb(pad16(random)), pinCryptogram: ecb(pad16(utf8(newUserPin))) };
    },
  };
}

export const UNLOCK_SCHEMES: Readonly<Record<string, UnlockScheme>> = {
  'skf-sha1-sm4': sm4Scheme(
    'skf-sha1-sm4',
    'SKF COS: K = SHA-1 of the padded SO PIN, SM4-ECB cryptograms (reference §(b))',
    (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  ),
  'skf-sm3-sm4': sm4Scheme('skf-sm3-sm4', 'SKF COS: K = SM3 of the padded SO PIN, SM4-ECB cryptograms', sm3),
};

export function unlockScheme(id: string): UnlockScheme {
  const scheme = UNLOCK_SCHEMES[id];
  if (!scheme)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `unknown unlock scheme ${JSON.stringify(id)} (known: ${Object.keys(UNLOCK_SCHEMES).join(', ')})`,
    );
  return scheme;
}
