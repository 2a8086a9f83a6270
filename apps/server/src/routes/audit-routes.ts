/**
 * 审计日志查询 the audit trail viewer (R3 "complete audit trail", R37 back office): entries newest
 * first, filtered by time, actor, action and a text found in the object or detail (a USCC, a
 * certificate serial, an application id), paged by `before` (the last seq seen). The chain check
 * is `GET /audit/verify` beside it. Read by the auditor and the CA administrator.
 */
import { Type } from 'typebox';
import { CoreError } from '@yizheng/core';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Nullable, Time } from './certificate-views.js';
import { AUDIT_READERS } from './route-roles.js';

const AuditEntryView = Type.Object({
  seq: Type.Integer(),
  at: Time,
  actor: Type.String({ description: 'operator:<login>, legal-person:<uscc>, client:<id> or system' }),
  action: Type.String(),
  object: Type.String(),
  reason: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});

function timeOf(text: string | undefined, field: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CoreError('YZ_ERR_INPUT', `${field} must be an ISO 8601 date`);
  return date;
}

export function registerAuditRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/audit',
    {
      config: { access: { roles: AUDIT_READERS } },
      schema: {
        tags: ['back office'],
        summary: 'Search the audit trail 审计日志查询, newest first (R3)',
        description:
          'Every filter given must match: `from`/`to` time range [from, to), `actor` and `action` exactly, ' +
          '`text` anywhere in the object or detail (any case). `next` is the `before` of the next page, ' +
          'null on the last.',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
            to: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
            actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            text: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ entries: Type.Array(AuditEntryView), next: Nullable(Type.Integer()) }),
        },
      },
    },
    async (request) => {
      const { from, to, before, limit, ...filters } = request.query;
      const fromDate = timeOf(from, 'from');
      const toDate = timeOf(to, 'to');
      // one more than asked tells whether another page follows
      const found = await platform.store.read.queryAudit({
        ...filters,
        ...(fromDate ? { from: fromDate } : {}),
        ...(toDate ? { to: toDate } : {}),
        ...(before !== undefined ? { beforeSeq: before } : {}),
        limit: limit + 1,
      });
      const entries = found.slice(0, limit).map((entry) => ({
        seq: entry.seq,
        at: entry.at.toISOString(),
        actor: entry.actor,
        action: entry.action,
        object: entry.object,
        reason: entry.reason,
        detail: { ...entry.detail },
        hash: entry.hash,
      }));
      return { entries, next: found.length > limit ? entries[entries.length - 1]!.seq : null };
    },
  );
}
