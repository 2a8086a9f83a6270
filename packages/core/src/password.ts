/**
 * Operator passwords (issue 5 "password with a strong hash"): scrypt (RFC 7914) from Node's
 * OpenSSL with a fresh 16-byte salt per password and the cost parameters written into the hash
 * string, so the cost can be raised later without breaking stored hashes. The string is the PHC
 * form `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64 without padding). N = 2^15 with r = 8 costs
 * 32 MiB and tens of milliseconds per guess, which is what makes a stolen table expensive; a
 * password hash is not an SM3 use case (SM3 is fast by design). Comparison is constant-time.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';
import { randomBytes } from '@yizheng/gm';
import { CoreError } from './errors.js';

/** scrypt parameters for new hashes: N = 2^ln, block size r, parallelism p. */
export const SCRYPT_PARAMETERS = { ln: 15, r: 8, p: 1 } as const;

/** Bounds accepted when reading a stored hash: never weaker than today's, never a memory bomb. */
const LN_RANGE = [15, 20] as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const HASH_PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

/** Longest password accepted (bounds the work one request can cause). */
export const MAX_PASSWORD_LENGTH = 128;
export const MIN_PASSWORD_LENGTH = 10;

function derive(
  password: string,
  salt: Uint8Array,
  parameters: { ln: number; r: number; p: number },
): Promise<Buffer> {
  const N = 2 ** parameters.ln;
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      // maxmem above 128·N·r, which scrypt needs; Node's default is exactly that and refuses it
      { N, r: parameters.r, p: parameters.p, maxmem: 256 * N * parameters.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

const unpadded = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

/** Hashes a password for storage (the policy is checked by the caller, `checkPasswordPolicy`). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, SCRYPT_PARAMETERS);
  const { ln, r, p } = SCRYPT_PARAMETERS;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${unpadded(salt)}$${unpadded(key)}`;
}

/**
 * True when `password` matches `stored`. A stored string that is not a hash of this module (or
 * has parameters out of bounds) never matches; comparison of the keys is constant-time.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = HASH_PATTERN.exec(stored);
  if (!match || typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < LN_RANGE[0] || ln > LN_RANGE[1] || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  const key = await derive(password, Buffer.from(match[4]!, 'base64'), { ln, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, verified against for unknown logins so they take as long as known ones. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(`decoy:${unpadded(randomBytes(16))}`);
  return decoyHash;
}

function characterKinds(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((kind) => kind.test(password))
    .length;
}

/**
 * The password policy: 10 to 128 characters, at least two kinds among lower case, upper case,
 * digits and others, and not containing the login. Refusals are `YZ_ERR_PASSWORD_POLICY`.
 */
export function checkPasswordPolicy(password: string, login: string): void {
  const refuse = (why: string): never => {
    throw new CoreError('YZ_ERR_PASSWORD_POLICY', `the password ${why}`);
  };
  if (typeof password !== 'string') return refuse('is missing');
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) refuse(`has ${length} characters; at least ${MIN_PASSWORD_LENGTH}`);
  if (length > MAX_PASSWORD_LENGTH) refuse(`has ${length} characters; at most ${MAX_PASSWORD_LENGTH}`);
  if (characterKinds(password) < 2)
    refuse('is all one kind of character; mix lower case, upper case, digits or others');
  if (login.length > 0 && password.toLowerCase().includes(login.toLowerCase())) refuse('contains the login');
}

/** Letters and digits that cannot be misread (no 0/O, 1/l/I), for passwords read off a screen. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of 16 characters (≈ 93 bits) with lower case, upper case and digits. */
export function generatePassword(): string {
  for (;;) {
    // 256 is not a multiple of the alphabet size: bytes above the last whole multiple are dropped
    const limit = 256 - (256 % ALPHABET.length);
    const chars = [...randomBytes(48)].filter((b) => b < limit).map((b) => ALPHABET[b % ALPHABET.length]);
    const password = chars.slice(0, 16).join('');
    if (password.length === 16 && characterKinds(password) === 3) return password;
  }
}
