/**
 * 操作员 operators (R33, R37): listed by CA administrators, auditors and branch managers (their
 * own branch); created and changed by CA administrators, and by branch managers within their
 * branch and its roles (`account-scope.ts` in the core). Passwords: a reset by someone who
 * manages the operator (a generated password is answered once), or the operator's own change
 * with the old password.
 */
import {
  CoreError,
  OPERATOR_ROLES,
  changeOwnPassword,
  createOperator,
  resetOperatorPassword,
  updateOperator,
} from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { OperatorView, operatorView } from './account-views.js';

const Login = Type.String({ pattern: '^[a-z][a-z0-9._-]{1,31}$' });
const BranchId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,31}$' });
const RoleList = Type.Array(Type.Union(OPERATOR_ROLES.map((role) => Type.Literal(role))), {
  minItems: 1,
  uniqueItems: true,
});
const Password = Type.String({ minLength: 1, maxLength: 128 });
const OneTimePassword = Type.Union([Type.String(), Type.Null()], {
  description: 'the generated password, shown once; null when the caller chose it',
});

export function registerOperatorRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/operators',
    {
      config: { access: { roles: ['ca-admin', 'branch-manager', 'auditor'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Operators 操作员列表 (a branch manager sees its own branch)',
        querystring: Type.Object({ branch: Type.Optional(BranchId) }, { additionalProperties: false }),
        response: { 200: Type.Array(OperatorView) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      let branchId = request.query.branch;
      if (!principal.roles.includes('ca-admin') && !principal.roles.includes('auditor')) {
        if (principal.branchId === null || (branchId !== undefined && branchId !== principal.branchId))
          throw new CoreError('YZ_ERR_OUT_OF_SCOPE', `a branch manager lists its own branch only`);
        branchId = principal.branchId;
      }
      const operators = await platform.store.read.listOperators(branchId === undefined ? {} : { branchId });
      return operators.map(operatorView);
    },
  );

  app.post(
    '/operators',
    {
      config: { access: { roles: ['ca-admin', 'branch-manager'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Create an operator 新建操作员',
        body: Type.Object(
          {
            login: Login,
            name: Type.String({ minLength: 1, maxLength: 100 }),
            roles: RoleList,
            branchId: Type.Optional(Type.Union([BranchId, Type.Null()])),
            password: Type.Optional(Password),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ operator: OperatorView, password: OneTimePassword }) },
      },
    },
    async (request, reply) => {
      const { operator, generatedPassword } = await createOperator(
        platform,
        request.body,
        actorOf(principalOf(request)),
      );
      return reply.code(201).send({ operator: operatorView(operator), password: generatedPassword ?? null });
    },
  );

  app.patch(
    '/operators/:login',
    {
      config: { access: { roles: ['ca-admin', 'branch-manager'] } },
      schema: {
        tags: ['accounts'],
        summary: 'Change roles, branch, status or work badge 修改操作员',
        params: Type.Object({ login: Login }),
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            branchId: Type.Optional(Type.Union([BranchId, Type.Null()])),
            roles: Type.Optional(RoleList),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
            workBadge: Type.Optional(
              Type.Union([Type.String({ minLength: 1, maxLength: 16384 }), Type.Null()], {
                description: 'the work-badge certificate (PEM, or base64 DER); null removes it',
              }),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: OperatorView },
      },
    },
    async (request) => {
      const { workBadge, ...rest } = request.body;
      const badge =
        typeof workBadge === 'string' && !workBadge.includes('-----BEGIN')
          ? new Uint8Array(Buffer.from(workBadge, 'base64'))
          : workBadge;
      const change = { ...rest, ...(badge !== undefined ? { workBadge: badge } : {}) };
      return operatorView(
        await updateOperator(platform, request.params.login, change, actorOf(principalOf(request))),
      );
    },
  );

  app.post(
    '/operators/:login/password',
    {
      config: { access: { roles: OPERATOR_ROLES } },
      schema: {
        tags: ['accounts'],
        summary: "Change one's own password (with the old one) or reset another's 修改/重置口令",
        description:
          'Own password: oldPassword and newPassword; every session of the operator ends. ' +
          'Reset (CA administrator, or the branch manager of the operator): newPassword, or none for a generated one.',
        params: Type.Object({ login: Login }),
        body: Type.Object(
          { oldPassword: Type.Optional(Password), newPassword: Type.Optional(Password) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ password: OneTimePassword }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { login } = request.params;
      const { oldPassword, newPassword } = request.body;
      if (principal.kind === 'operator' && principal.id === login) {
        if (oldPassword === undefined || newPassword === undefined)
          throw new CoreError(
            'YZ_ERR_INPUT',
            "changing one's own password needs oldPassword and newPassword",
          );
        await changeOwnPassword(platform, { login, oldPassword, newPassword, from: request.ip });
        return { password: null };
      }
      const { generatedPassword } = await resetOperatorPassword(
        platform,
        { login, ...(newPassword !== undefined ? { newPassword } : {}) },
        actorOf(principal),
      );
      return { password: generatedPassword ?? null };
    },
  );
}
