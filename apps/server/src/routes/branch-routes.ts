/**
 * 网点 branches (R33, R37 "branch management"): listed for staff and legal persons (where to go),
 * opened and changed by a CA administrator.
 */
import { ALL_ROLES, createBranch, updateBranch } from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { BranchView, branchView } from './account-views.js';

const BranchId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,31}$' });
const RegionCode = Type.String({ pattern: '^[1-8][0-9]{5}$', description: 'GB/T 2260 code, e.g. 330106' });

export function registerBranchRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/branches',
    {
      config: { access: { roles: ALL_ROLES.filter((r) => r !== 'app-department') } },
      schema: { tags: ['accounts'], summary: 'Branches 网点列表', response: { 200: Type.Array(BranchView) } },
    },
    async () => (await platform.store.read.listBranches()).map(branchView),
  );

  app.post(
    '/branches',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Open a branch 新建网点',
        body: Type.Object(
          {
            id: BranchId,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            regionCode: RegionCode,
            address: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: BranchView },
      },
    },
    async (request, reply) => {
      const branch = await createBranch(platform, request.body, actorOf(principalOf(request)));
      return reply.code(201).send(branchView(branch));
    },
  );

  app.patch(
    '/branches/:id',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Change or close a branch 修改网点',
        params: Type.Object({ id: BranchId }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            regionCode: Type.Optional(RegionCode),
            address: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: BranchView },
      },
    },
    async (request) =>
      branchView(
        await updateBranch(platform, request.params.id, request.body, actorOf(principalOf(request))),
      ),
  );
}
