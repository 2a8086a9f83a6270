/**
 * Credentials of a request (issue 5 "Authentication"): `Authorization: Bearer <token>` where the
 * token is a session token (`yzs_…`, from a login) or an application department's API key
 * (`yzk_<client id>.<secret>`). Anything else, or a token that is unknown, expired or revoked,
 * authenticates nobody.
 */
import { type Principal, authenticateApiClient, authenticateSession, isApiClientKey } from '@yizheng/core';
import type { Platform } from '../platform.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,256})$/;

/** The bearer credential of an Authorization header, or undefined. */
export function bearerCredential(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** The caller an Authorization header stands for, or undefined. */
export async function authenticate(
  platform: Platform,
  header: string | undefined,
): Promise<Principal | undefined> {
  const credential = bearerCredential(header);
  if (credential === undefined) return undefined;
  return isApiClientKey(credential)
    ? authenticateApiClient(platform, credential)
    : authenticateSession(platform, credential);
}
