/**
 * 证书生命周期 the lifecycle of an issued pair (R19 renew 更新, R20 change 变更, R21 reissue 补办,
 * R23 revoke 撤销 — by the holder, an application department or a judicial authority, and in
 * batch from a registry notice — plus suspend 冻结 / resume 解冻). Each step acts on the whole
 * dual pair under the rules of docs/lifecycle.md; the core checks states, eligibility and fees.
 * A legal person acts on its own certificates only; staff revoking on someone's request name who
 * asked and the reference (court notice, department letter, request form), which is audited.
 */
import {
  CoreError,
  type IssuedPair,
  type Channel,
  type Principal,
  type ReplaceInput,
  type RevocationReason,
  auditName,
  changePair,
  parseNotice,
  reissuePair,
  renewPair,
  resumeCertificate,
  revokeCertificate,
  revokeFromNotice,
  suspendCertificate,
} from '@yizheng/core';
import { Type, type Static } from 'typebox';
import { principalOf } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import {
  AgentInput,
  CaId,
  ChannelSchema,
  Csr,
  Delivery,
  MaterialInput,
  Note,
  Reason,
  Serial,
  applicantDetails,
  channelOf,
  deliveryOption,
  pemOrDer,
} from './api-input.js';
import { CertificateView, IssuedPairView, certificateView, issuedPairView } from './certificate-views.js';
import { findCertificate } from './certificate-routes.js';
import { APPLY, STATUS_STAFF } from './route-roles.js';

const SerialParams = Type.Object({ serial: Serial });
const CaQuery = Type.Object({ ca: Type.Optional(CaId) }, { additionalProperties: false });

const ReplaceBody = {
  csr: Csr,
  channel: Type.Optional(ChannelSchema),
  delivery: Type.Optional(Delivery),
  agent: Type.Optional(AgentInput),
  materials: Type.Optional(Type.Array(MaterialInput, { maxItems: 20 })),
};

/** A replacing step's body: the fields every step takes, and change's and reissue's own. */
interface ReplaceFields {
  readonly csr: string;
  readonly channel?: Static<typeof ChannelSchema>;
  readonly delivery?: Static<typeof Delivery>;
  readonly agent?: Static<typeof AgentInput>;
  readonly materials?: Static<typeof MaterialInput>[];
  readonly legalPerson?: { readonly name: string; readonly legalRepresentative?: string };
  readonly note?: string;
}

/** Who asked for a revocation (R23), with the words the audit note starts with. */
const REQUESTERS = {
  holder: '持有人申请 holder',
  'application-department': '应用部门 application department',
  judicial: '司法机关 judicial authority',
  ca: 'CA 自行 the CA itself',
} as const;
type Requester = keyof typeof REQUESTERS;

const STEPS = {
  renew: { run: renewPair, summary: 'Renew 更新: new pair valid until the old notAfter + 1 year (R19)' },
  change: {
    run: changePair,
    summary: 'Change 变更: new identity data, same notAfter; the old pair is revoked (R20)',
  },
  reissue: {
    run: reissuePair,
    summary: 'Reissue 补办: new keys, same notAfter, old pair revoked, medium fee (R21)',
  },
} as const;

const STATUS_STEPS = {
  revoke: {
    run: revokeCertificate,
    summary: 'Revoke the pair 撤销 (R23)',
    roles: [...STATUS_STAFF, 'applicant'],
  },
  suspend: {
    run: suspendCertificate,
    summary: 'Suspend the pair 冻结 (certificateHold)',
    roles: [...STATUS_STAFF, 'applicant'],
  },
  resume: { run: resumeCertificate, summary: 'Resume a suspended pair 解冻', roles: STATUS_STAFF },
} as const;

/**
 * The audit note of a revocation: who asked and the reference. A legal person asks for its own
 * certificates; staff act on someone's request and must say whose and give the reference.
 */
function revocationNote(
  principal: Principal,
  requestedBy: Requester | undefined,
  note: string | undefined,
): string {
  if (principal.kind === 'legal-person') {
    if (requestedBy !== undefined && requestedBy !== 'holder')
      throw new CoreError(
        'YZ_ERR_INPUT',
        'a legal person revokes its own certificates: requestedBy is holder',
      );
    return note ? `${REQUESTERS.holder}: ${note}` : REQUESTERS.holder;
  }
  if (requestedBy === undefined || note === undefined)
    throw new CoreError(
      'YZ_ERR_INPUT',
      'staff revoke on a request: give requestedBy (holder, application-department, judicial, ca) and the reference in note',
    );
  return `${REQUESTERS[requestedBy]}: ${note}`;
}

/**
 * Who revokes, for the statistics by branch and channel (R25): an operator at the counter of
 * their branch, a legal person online, an API client through the API.
 */
function revocationAttribution(principal: Principal): { branchId: string | null; channel: Channel } {
  if (principal.kind === 'client') return { branchId: null, channel: 'api' };
  return {
    branchId: principal.kind === 'operator' ? principal.branchId : null,
    channel: channelOf(principal, undefined),
  };
}

export function registerLifecycleRoutes(app: TypedApp, platform: Platform): void {
  for (const [step, { run, summary }] of Object.entries(STEPS)) {
    const body =
      step === 'change'
        ? Type.Object(
            {
              ...ReplaceBody,
              legalPerson: Type.Object(
                {
                  name: Type.String({ minLength: 1, maxLength: 200 }),
                  legalRepresentative: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
                },
                { additionalProperties: false, description: 'the new identity data; the USCC stays' },
              ),
              note: Type.Optional(Note),
            },
            { additionalProperties: false },
          )
        : Type.Object(
            { ...ReplaceBody, ...(step === 'reissue' ? { note: Type.Optional(Note) } : {}) },
            { additionalProperties: false },
          );
    app.post(
      `/certificates/:serial/${step}`,
      {
        config: { access: { roles: APPLY } },
        schema: {
          tags: ['lifecycle'],
          summary,
          params: SerialParams,
          querystring: CaQuery,
          body,
          response: { 201: IssuedPairView },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const old = await findCertificate(platform, principal, request.params.serial, request.query.ca);
        const given = request.body as ReplaceFields;
        const input: ReplaceInput & { note?: string } = {
          serial: old.serial,
          caId: old.caId,
          request: pemOrDer(given.csr, 'csr'),
          channel: channelOf(principal, given.channel),
          actor: auditName(principal),
          ...deliveryOption(given.delivery),
          ...applicantDetails(given),
          ...(given.note ? { note: given.note } : {}),
          ...(given.legalPerson ? { legalPerson: { ...given.legalPerson, uscc: old.uscc ?? '' } } : {}),
        };
        const pair: IssuedPair = await run(platform, input);
        return reply.code(201).send(issuedPairView(pair, given.delivery));
      },
    );
  }

  for (const [step, { run, summary, roles }] of Object.entries(STATUS_STEPS)) {
    const body =
      step === 'revoke'
        ? Type.Object(
            {
              reason: Type.Optional(Reason),
              requestedBy: Type.Optional(
                Type.Union(
                  Object.keys(REQUESTERS).map((r) => Type.Literal(r)),
                  {
                    description:
                      'who asked: holder, application-department, judicial, ca (required of staff)',
                  },
                ),
              ),
              note: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 500,
                  description:
                    'the reference: request form, department letter, court notice (required of staff)',
                }),
              ),
            },
            { additionalProperties: false },
          )
        : Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false });
    app.post(
      `/certificates/:serial/${step}`,
      {
        config: { access: { roles } },
        schema: {
          tags: ['lifecycle'],
          summary,
          params: SerialParams,
          querystring: CaQuery,
          body,
          response: { 200: Type.Array(CertificateView) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const cert = await findCertificate(platform, principal, request.params.serial, request.query.ca);
        const given = request.body as { reason?: RevocationReason; requestedBy?: Requester; note?: string };
        const note =
          step === 'revoke' ? revocationNote(principal, given.requestedBy, given.note) : given.note;
        const changed = await run(platform, {
          serial: cert.serial,
          caId: cert.caId,
          actor: auditName(principal),
          ...(given.reason ? { reason: given.reason } : {}),
          ...(note ? { note } : {}),
          ...revocationAttribution(principal),
        });
        return changed.map(certificateView);
      },
    );
  }

  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post(
    '/revocations/batch',
    {
      config: { access: { roles: ['ca-admin'] } },
      schema: {
        tags: ['lifecycle'],
        summary: 'Batch revocation from a registry notice 批量撤销 (R23)',
        description:
          'Body: text/csv (or text/plain), one `USCC,deregistered|closed|inactive|revoked[,note]` per line; ' +
          'blank lines and # comments are skipped. A notice with a bad line is refused whole (400, every bad ' +
          'line listed, nothing revoked); otherwise each legal person is revoked in its own transaction and ' +
          'the answer says, line by line, what happened.',
        consumes: ['text/csv', 'text/plain'],
        body: Type.String({ minLength: 1, description: 'the notice text' }),
        response: {
          200: Type.Object({
            processed: Type.Integer(),
            revoked: Type.Integer({ description: 'certificates revoked' }),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                uscc: Type.String(),
                ok: Type.Boolean(),
                revoked: Type.Optional(Type.Integer()),
                code: Type.Optional(Type.String()),
                message: Type.Optional(Type.String()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { entries, errors } = parseNotice(request.body);
      if (errors.length > 0)
        throw new CoreError(
          'YZ_ERR_INPUT',
          `the notice has ${errors.length} bad line(s), nothing was revoked: ` +
            errors.map((e) => `line ${e.line}: ${e.message}`).join('; '),
        );
      const principal = principalOf(request);
      const results = await revokeFromNotice(platform, entries, {
        actor: auditName(principal),
        // a registry notice has no channel of its own: it came through the API
        attribution: { branchId: principal.kind === 'operator' ? principal.branchId : null, channel: 'api' },
      });
      return {
        processed: results.length,
        revoked: results.reduce((n, r) => n + (r.ok ? r.revoked : 0), 0),
        failed: results.filter((r) => !r.ok).length,
        results: results.map((r) => ({ ...r })),
      };
    },
  );
}
