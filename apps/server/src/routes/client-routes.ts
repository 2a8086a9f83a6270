/**
 * 应用部门接入 API clients (R25, R39): registered and revoked by a CA administrator, listed for
 * the auditor too. The key is in the creation answer only.
 */
import { API_SCOPES, createApiClient, revokeApiClient } from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { ClientView, clientView } from './account-views.js';

const Scope = Type.Union(Object.keys(API_SCOPES).map((scope) => Type.Literal(scope)));

export function registerClientRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/clients',
    {
      config: { access: { roles: ['ca-admin', 'auditor'] } },
      schema: {
        tags: ['accounts'],
        summary: 'API clients 接入应用列表',
        response: { 200: Type.Array(ClientView) },
      },
    },
    async () => (await platform.store.read.listApiClients()).map(clientView),
  );

  app.post(
    '/clients',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Register an API client; the key is shown once 新建接入应用',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            department: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            client: ClientView,
            key: Type.String({ description: 'yzk_<id>.<secret>: Authorization: Bearer <key>; shown once' }),
          }),
        },
      },
    },
    async (request, reply) => {
      const { client, key } = await createApiClient(platform, request.body, actorOf(principalOf(request)));
      return reply.code(201).send({ client: clientView(client), key });
    },
  );

  app.delete(
    '/clients/:id',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Revoke an API client 吊销接入应用',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{12}$' }) }),
        response: { 200: ClientView },
      },
    },
    async (request) =>
      clientView(await revokeApiClient(platform, request.params.id, actorOf(principalOf(request)))),
  );
}
