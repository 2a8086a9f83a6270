/**
 * 后台管理 the back office (R4 "manage certificate categories … produce business statistics",
 * R17 published fee schedule, R24/R22/R7/R19 service policy, R25 statistics, R3 audit): profiles
 * (a change is a new version), the fee schedule (published to anyone: 公示), the service policy,
 * business statistics, and the auditor's check of the audit chain.
 */
import {
  AUDIT_KEY_REF,
  type ProfileDefinition,
  CoreError,
  auditName,
  isCoreError,
  loadServicePolicy,
  platformStatistics,
  publishFeeSchedule,
  saveProfile,
  updateServicePolicy,
  verifyAudit,
} from '@yizheng/core';
import type { Sm2PublicKey } from '@yizheng/gm';
import { Type } from 'typebox';
import { principalOf } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Nullable } from './certificate-views.js';
import { AUDIT_READERS, STAFF_READERS, STATISTICS_READERS } from './route-roles.js';
import {
  FeeScheduleView,
  PolicyView,
  ProfileView,
  StatisticsView,
  feeScheduleView,
  policyView,
  profileView,
  statisticsView,
} from './service-views.js';

const DateText = Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601 date or date-time' });
const Days = (description: string) => Type.Integer({ minimum: 0, maximum: 3660, description });

/** A date from query or body text (`YZ_ERR_INPUT` naming the field). */
function dateOf(text: string, field: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CoreError('YZ_ERR_INPUT', `${field} must be an ISO 8601 date`);
  return date;
}

/** The audit key's public key, or undefined when none was ever made (nothing is created here). */
async function auditKey(platform: Platform): Promise<Sm2PublicKey | undefined> {
  try {
    return await platform.vault.publicKey(AUDIT_KEY_REF);
  } catch (error) {
    if (isCoreError(error) && error.code === 'YZ_ERR_VAULT_KEY') return undefined;
    throw error;
  }
}

export function registerBackOfficeRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/profiles',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['back office'],
        summary: 'Certificate profiles 证书类别, every version (active marks the one in use)',
        response: { 200: Type.Array(ProfileView) },
      },
    },
    async () => (await platform.store.read.listProfiles()).map(profileView),
  );

  app.post(
    '/profiles/:id',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['back office'],
        summary: 'Save a new version of a profile and make it active 修改证书类别',
        description:
          'Earlier versions stay for the certificates issued under them. A bad definition is 400 YZ_ERR_PROFILE.',
        params: Type.Object({ id: Type.String({ pattern: '^[a-z][a-z0-9-]{1,63}$' }) }),
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            definition: Type.Object(
              {},
              { additionalProperties: true, description: 'the profile definition' },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), version: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const version = await saveProfile(
        platform.store,
        platform.clock,
        id,
        request.body.name,
        request.body.definition as unknown as ProfileDefinition,
        auditName(principalOf(request)),
      );
      return reply.code(201).send({ id, version });
    },
  );

  app.get(
    '/fees',
    {
      // R17: the fee schedule is published (公示) — anyone may read it
      config: { access: 'public' },
      schema: {
        tags: ['back office'],
        summary: 'The published fee schedule 收费标准 (R17)',
        response: { 200: FeeScheduleView },
      },
    },
    async () => {
      const schedule = await platform.store.read.latestFeeSchedule();
      if (!schedule) throw new ServerError('YZ_ERR_NOT_FOUND', 'no fee schedule has been published');
      return feeScheduleView(schedule);
    },
  );

  app.get(
    '/fees/versions',
    {
      // R17: published, and so is what was charged under earlier versions
      config: { access: 'public' },
      schema: {
        tags: ['back office'],
        summary: 'Every fee schedule version 收费标准历史版本, newest first (R17)',
        response: { 200: Type.Array(FeeScheduleView) },
      },
    },
    async () => (await platform.store.read.listFeeSchedules()).map(feeScheduleView),
  );

  app.post(
    '/fees',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['back office'],
        summary: 'Publish a new fee schedule version 发布收费标准 (effective at once)',
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                {
                  code: Type.String({ minLength: 1, maxLength: 64 }),
                  name: Type.String({ minLength: 1, maxLength: 100 }),
                  amountFen: Type.Integer({ minimum: 0, description: '分 fen' }),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: FeeScheduleView },
      },
    },
    async (request, reply) => {
      const schedule = await publishFeeSchedule(
        platform,
        request.body.items,
        auditName(principalOf(request)),
      );
      return reply.code(201).send(feeScheduleView(schedule));
    },
  );

  app.get(
    '/policy',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['back office'],
        summary: 'The service policy 服务策略',
        response: { 200: PolicyView },
      },
    },
    async () => policyView(await loadServicePolicy(platform.store.read)),
  );

  app.patch(
    '/policy',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['back office'],
        summary: 'Change the service policy 修改服务策略 (only the fields given)',
        body: Type.Object(
          {
            servicePeriod: Type.Optional(
              Nullable(Type.Object({ from: DateText, to: DateText }, { additionalProperties: false })),
            ),
            maxUnlocksPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            retentionYears: Type.Optional(Type.Integer({ minimum: 5, maximum: 100 })),
            renewalWindowDays: Type.Optional(Days('renewal opens this many days before expiry')),
            renewalGraceDays: Type.Optional(Days('renewal stays possible this many days after expiry')),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PolicyView },
      },
    },
    async (request) => {
      const { servicePeriod, ...rest } = request.body;
      const change = {
        ...rest,
        ...(servicePeriod === undefined
          ? {}
          : {
              servicePeriod: servicePeriod && {
                from: dateOf(servicePeriod.from, 'servicePeriod.from'),
                to: dateOf(servicePeriod.to, 'servicePeriod.to'),
              },
            }),
      };
      return policyView(await updateServicePolicy(platform, change, auditName(principalOf(request))));
    },
  );

  app.get(
    '/statistics',
    {
      config: { access: { roles: STATISTICS_READERS, scope: 'statistics:read' } },
      schema: {
        tags: ['back office'],
        summary: 'Business statistics 业务统计 (R4, R25)',
        description:
          'Certificates by status, role and CA; applications by business type and channel in [from, to) ' +
          '(all time without them); certificates expiring within `days`; after-sales counts.',
        querystring: Type.Object(
          {
            from: Type.Optional(DateText),
            to: Type.Optional(DateText),
            days: Type.Integer({ minimum: 0, maximum: 3660, default: 30 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: StatisticsView },
      },
    },
    async (request) => {
      const { from, to, days } = request.query;
      const query = {
        at: platform.clock.now(),
        expiringWithinDays: days,
        ...(from ? { from: dateOf(from, 'from') } : {}),
        ...(to ? { to: dateOf(to, 'to') } : {}),
      };
      return statisticsView(await platformStatistics(platform.store, query), query);
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { access: { roles: AUDIT_READERS } },
      schema: {
        tags: ['back office'],
        summary: 'Verify the audit chain and its latest signed checkpoint 审计日志校验 (R3)',
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            entries: Type.Integer(),
            problem: Nullable(Type.Object({ seq: Type.Integer(), message: Type.String() })),
            checkpoint: Nullable(Type.Object({ seq: Type.Integer(), signatureValid: Type.Boolean() })),
          }),
        },
      },
    },
    async () => {
      const result = await verifyAudit(platform.store, await auditKey(platform));
      return {
        valid: result.valid,
        entries: result.entries,
        problem: result.problem ? { ...result.problem } : null,
        checkpoint: result.checkpoint ? { ...result.checkpoint } : null,
      };
    },
  );
}
