/**
 * SHA-1 for RFC 5280 §4.2.1.2 key identifiers, on Node through node:crypto. package.json
 * `imports` "#sha1-impl" selects `sha1-pure.ts` in a browser bundle (R34 soft certificates),
 * where node:crypto does not exist.
 */
import { hash } from 'node:crypto';

/** SHA-1 digest of `data` (identification only, never protection). */
export function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha1', data, 'buffer'));
}
