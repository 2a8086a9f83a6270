/**
 * Logging in and out (issue 5 "Authentication"): `POST /api/v1/session/password` (operators),
 * `POST /api/v1/session/challenge` + `POST /api/v1/session/certificate` (an operator's work
 * badge, or a legal person's signing certificate — see `certificate-login.ts` in the core for
 * what is checked), `DELETE /api/v1/session`, and `GET /api/v1/me`. The login routes are public
 * and rate-limited per login and per client address; the core's lockout holds across nodes.
 */
import {
  ALL_ROLES,
  CHALLENGE_TTL_MINUTES,
  CoreError,
  type Principal,
  type SessionGrant,
  issueLoginChallenge,
  loginWithCertificate,
  loginWithPassword,
  logout,
} from '@yizheng/core';
import { SM2_DEFAULT_ID } from '@yizheng/gm';
import { Type } from 'typebox';
import { bearerCredential } from '../auth/credentials.js';
import { principalOf } from '../auth/principal.js';
import { RateLimiter } from '../auth/rate-limit.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { PrincipalView, principalView } from './account-views.js';

/** Login attempts allowed in a window of `minutes`, per login name and per client address. */
export const LOGIN_RATE_LIMITS = {
  perLogin: { limit: 10, minutes: 15 },
  perAddress: { limit: 100, minutes: 15 },
} as const;

const Grant = Type.Object({
  token: Type.String({ description: 'bearer token for Authorization: Bearer …; shown once' }),
  expiresAt: Type.String({ format: 'date-time' }),
  principal: PrincipalView,
});

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function base64(value: string, field: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new CoreError('YZ_ERR_INPUT', `${field} must be base64`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** The display name of a caller: operator or client name, or the legal person's registered name. */
async function nameOf(platform: Platform, principal: Principal): Promise<string | null> {
  const read = platform.store.read;
  if (principal.kind === 'operator') return (await read.getOperator(principal.id))?.name ?? null;
  if (principal.kind === 'client') return (await read.getApiClient(principal.id))?.name ?? null;
  return (await read.getLegalPerson(principal.id))?.name ?? null;
}

export async function grantView(platform: Platform, grant: SessionGrant) {
  return {
    token: grant.token,
    expiresAt: grant.expiresAt.toISOString(),
    principal: principalView(grant.principal, await nameOf(platform, grant.principal)),
  };
}

export function registerSessionRoutes(app: TypedApp, platform: Platform): void {
  const minutes = (m: number) => m * 60_000;
  const byLogin = new RateLimiter(
    platform.clock,
    LOGIN_RATE_LIMITS.perLogin.limit,
    minutes(LOGIN_RATE_LIMITS.perLogin.minutes),
  );
  const byAddress = new RateLimiter(
    platform.clock,
    LOGIN_RATE_LIMITS.perAddress.limit,
    minutes(LOGIN_RATE_LIMITS.perAddress.minutes),
  );

  app.post(
    '/session/password',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Operator login with password 口令登录',
        body: Type.Object(
          {
            login: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 128 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Grant },
      },
    },
    async (request, reply) => {
      byAddress.hit(reply, `address:${request.ip}`);
      byLogin.hit(reply, `login:${request.body.login.toLowerCase()}`);
      const grant = await loginWithPassword(platform, { ...request.body, from: request.ip });
      return grantView(platform, grant);
    },
  );

  app.post(
    '/session/challenge',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'A single-use nonce for certificate login 证书登录挑战',
        description: `Sign \`message\` (UTF-8) with SM2, signer ID ${SM2_DEFAULT_ID}, within ${CHALLENGE_TTL_MINUTES} minutes.`,
        response: {
          200: Type.Object({
            nonce: Type.String(),
            message: Type.String({ description: 'the exact text to sign' }),
            signerId: Type.String(),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
        },
      },
    },
    async (request, reply) => {
      byAddress.hit(reply, `address:${request.ip}`);
      const challenge = await issueLoginChallenge(platform);
      return { ...challenge, signerId: SM2_DEFAULT_ID, expiresAt: challenge.expiresAt.toISOString() };
    },
  );

  app.post(
    '/session/certificate',
    {
      config: { access: 'public' },
      schema: {
        tags: ['session'],
        summary: 'Certificate login: work badge or legal-person signing certificate 证书登录',
        body: Type.Object(
          {
            as: Type.Union([Type.Literal('operator'), Type.Literal('legal-person')]),
            nonce: Type.String({ pattern: '^[0-9a-f]{64}$' }),
            certificate: Type.String({
              minLength: 1,
              maxLength: 16384,
              description: 'PEM, or base64 of the DER',
            }),
            signature: Type.String({
              minLength: 1,
              maxLength: 256,
              description: 'base64 of a DER or raw r‖s SM2 signature',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Grant },
      },
    },
    async (request, reply) => {
      byAddress.hit(reply, `address:${request.ip}`);
      const { as, nonce, certificate, signature } = request.body;
      const grant = await loginWithCertificate(platform, {
        as,
        nonce,
        certificate: certificate.includes('-----BEGIN') ? certificate : base64(certificate, 'certificate'),
        signature: base64(signature, 'signature'),
        from: request.ip,
      });
      return grantView(platform, grant);
    },
  );

  app.delete(
    '/session',
    {
      // API clients have keys, not sessions
      config: { access: { roles: ALL_ROLES.filter((r) => r !== 'app-department') } },
      schema: { tags: ['session'], summary: 'Logout: ends this session 退出登录' },
    },
    async (request, reply) => {
      await logout(platform, bearerCredential(request.headers.authorization)!, principalOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/me',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: { tags: ['session'], summary: 'Who the caller is 当前用户', response: { 200: PrincipalView } },
    },
    async (request) => {
      const principal = principalOf(request);
      return principalView(principal, await nameOf(platform, principal));
    },
  );
}
