/**
 * 电子工作证 electronic work badges (R37): the CA administrator issues an operator a badge
 * certificate from a PKCS#10 request made on the staff member's USB-KEY, looks at it, and revokes
 * it — after which it no longer logs in (`packages/core/src/work-badge.ts`). Branch managers and
 * auditors may look.
 */
import { currentWorkBadge, issueWorkBadge, revokeWorkBadge } from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Csr, Note, pemOrDer } from './api-input.js';
import { CertificateDetail, certificateDetail } from './certificate-views.js';

const params = Type.Object({ login: Type.String({ pattern: '^[a-z][a-z0-9._-]{1,31}$' }) });

export function registerWorkBadgeRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/operators/:login/badge',
    {
      config: { access: { roles: ['ca-admin', 'branch-manager', 'auditor'] } },
      schema: {
        tags: ['accounts'],
        summary: "An operator's work badge certificate 电子工作证 (R37)",
        description: '404 YZ_ERR_NOT_FOUND when the operator holds no badge issued here.',
        params,
        response: { 200: CertificateDetail },
      },
    },
    async (request) => {
      const badge = await currentWorkBadge(platform.store.read, request.params.login);
      if (!badge)
        throw new ServerError(
          'YZ_ERR_NOT_FOUND',
          `operator ${request.params.login} holds no work badge issued here`,
        );
      return certificateDetail(badge);
    },
  );

  app.post(
    '/operators/:login/badge',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Issue a work badge 签发电子工作证 from a CSR (R37)',
        description:
          'The certificate is issued under profile `work-badge` and bound to the operator for certificate ' +
          'login; a badge held before is revoked (superseded). 400 YZ_ERR_PROFILE without that profile.',
        params,
        body: Type.Object({ csr: Csr }, { additionalProperties: false }),
        response: { 201: CertificateDetail },
      },
    },
    async (request, reply) => {
      const { record } = await issueWorkBadge(platform, {
        login: request.params.login,
        request: pemOrDer(request.body.csr, 'csr'),
        actor: actorOf(principalOf(request)),
      });
      return reply.code(201).send(certificateDetail(record));
    },
  );

  app.post(
    '/operators/:login/badge/revoke',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Revoke a work badge 收回电子工作证 (R37): it logs in no more',
        params,
        body: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            revoked: Type.Union([Type.String(), Type.Null()], { description: 'the serial revoked' }),
          }),
        },
      },
    },
    async (request) => {
      const revoked = await revokeWorkBadge(platform, {
        login: request.params.login,
        actor: actorOf(principalOf(request)),
        ...(request.body.note ? { note: request.body.note } : {}),
      });
      return { revoked: revoked?.serial ?? null };
    },
  );
}
