/** The role and scope tables (`roles.ts` in the core), for clients that build menus from them. */
import { ALL_ROLES, API_SCOPES, ROLES } from '@yizheng/core';
import { Type } from 'typebox';
import type { TypedApp } from '../typed-app.js';

const Described = { id: Type.String(), zh: Type.String(), en: Type.String() };

export function registerRoleRoutes(app: TypedApp): void {
  app.get(
    '/roles',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['accounts'],
        summary: 'Roles and API scopes 角色与接入范围',
        response: {
          200: Type.Object({
            roles: Type.Array(Type.Object({ ...Described, holder: Type.String() })),
            scopes: Type.Array(Type.Object(Described)),
          }),
        },
      },
    },
    async () => ({
      roles: ALL_ROLES.map((id) => ({ id, ...ROLES[id] })),
      scopes: Object.entries(API_SCOPES).map(([id, text]) => ({ id, ...text })),
    }),
  );
}
