/**
 * 业务申请 applications (R18 新办, R26 registry check and manual review): a new application is
 * checked against the legal-person registry (法人综合库) and issued at once on a match (201, the
 * issued pair with its GM/T 0092 CSRResponse), or stored for review with the differences (202).
 * A reviewer other than the submitter approves (the pair is issued) or rejects it. Legal persons
 * apply for, and read, their own USCC only.
 */
import {
  type ApplicationRecord,
  type LegalPersonRegistry,
  approveReview,
  assignReview,
  assignmentOf,
  auditName,
  rejectReview,
  submitApplication,
} from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf, requireOwnUscc } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import {
  AgentInput,
  CaId,
  ChannelSchema,
  Csr,
  Delivery,
  LegalPersonInput,
  MaterialInput,
  Note,
  Uscc,
  applicantDetails,
  channelOf,
  deliveryOption,
  pemOrDer,
} from './api-input.js';
import {
  ApplicationView,
  IssuedPairView,
  RegistryCheckView,
  applicationView,
  issuedPairView,
  registryCheckView,
} from './certificate-views.js';
import { APPLICATION_READERS, APPLY } from './route-roles.js';

const ApplicationId = Type.String({ pattern: '^app-[0-9a-f-]{36}$' });
const State = Type.Union(
  (['submitted', 'review', 'approved', 'completed', 'rejected'] as const).map((s) => Type.Literal(s)),
);

async function findApplication(platform: Platform, id: string): Promise<ApplicationRecord> {
  const application = await platform.store.read.getApplication(id);
  if (!application) throw new ServerError('YZ_ERR_NOT_FOUND', `no application ${id}`);
  return application;
}

export function registerApplicationRoutes(
  app: TypedApp,
  platform: Platform,
  registry: () => LegalPersonRegistry,
): void {
  app.post(
    '/applications',
    {
      config: { access: { roles: APPLY } },
      schema: {
        tags: ['applications'],
        summary: 'Apply for a dual certificate 新办 (checked against the legal-person registry)',
        description:
          'Match: issued at once (201, the pair and its CSRResponse). Mismatch, not found or registry ' +
          'unavailable: stored for manual review (202). Deregistered or revoked legal person: 409 ' +
          'YZ_ERR_LEGAL_PERSON_INACTIVE, nothing stored. A legal person applies for its own USCC only.',
        body: Type.Object(
          {
            csr: Csr,
            legalPerson: LegalPersonInput,
            channel: Type.Optional(ChannelSchema),
            agent: Type.Optional(AgentInput),
            materials: Type.Optional(Type.Array(MaterialInput, { maxItems: 20 })),
            delivery: Type.Optional(Delivery),
            caId: Type.Optional(CaId),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            state: Type.Literal('completed'),
            check: RegistryCheckView,
            pair: IssuedPairView,
          }),
          202: Type.Object({
            state: Type.Literal('review'),
            check: RegistryCheckView,
            application: ApplicationView,
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      requireOwnUscc(principal, body.legalPerson.uscc);
      const result = await submitApplication(
        { ...platform, registry: registry() },
        {
          businessType: 'new',
          request: pemOrDer(body.csr, 'csr'),
          legalPerson: body.legalPerson,
          channel: channelOf(principal, body.channel),
          actor: auditName(principal),
          ...(body.caId ? { caId: body.caId } : {}),
          ...deliveryOption(body.delivery),
          ...applicantDetails(body),
        },
      );
      const check = registryCheckView(result.check);
      return result.state === 'completed'
        ? reply
            .code(201)
            .send({ state: 'completed', check, pair: issuedPairView(result.pair, body.delivery) })
        : reply.code(202).send({ state: 'review', check, application: applicationView(result.application) });
    },
  );

  app.get(
    '/applications',
    {
      config: { access: { roles: APPLICATION_READERS } },
      schema: {
        tags: ['applications'],
        summary: 'Applications: the review queue (state=review, oldest first) or a legal person’s 申请列表',
        description:
          'Without uscc: the applications in `state` (default review). A legal person sees its own.',
        querystring: Type.Object(
          {
            state: Type.Optional(State),
            uscc: Type.Optional(Uscc),
            assigned: Type.Optional(
              Type.Union([Type.Literal('mine'), Type.Literal('unassigned')], {
                description: 'review queue: assigned to the caller, or to nobody (审核分派)',
              }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(ApplicationView) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { state, limit } = request.query;
      const uscc =
        principal.kind === 'legal-person' ? (request.query.uscc ?? principal.uscc!) : request.query.uscc;
      if (uscc !== undefined) requireOwnUscc(principal, uscc);
      const { assigned } = request.query;
      // the assignment lives in the data: the queue is read in full (at most 500) and then filtered
      const applications =
        uscc === undefined
          ? await platform.store.read.listApplicationsByState(state ?? 'review', assigned ? 500 : limit)
          : (await platform.store.read.listApplications(uscc)).filter(
              (a) => state === undefined || a.state === state,
            );
      return applications
        .filter(
          (a) =>
            assigned === undefined ||
            (assigned === 'mine' ? assignmentOf(a)?.reviewer === principal.id : assignmentOf(a) === null),
        )
        .slice(0, limit)
        .map(applicationView);
    },
  );

  app.get(
    '/applications/:id',
    {
      config: { access: { roles: APPLICATION_READERS } },
      schema: {
        tags: ['applications'],
        summary: 'One application 申请详情',
        params: Type.Object({ id: ApplicationId }),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const application = await findApplication(platform, request.params.id);
      requireOwnUscc(principalOf(request), application.uscc);
      return applicationView(application);
    },
  );

  app.post(
    '/applications/:id/approve',
    {
      config: { access: { roles: ['reviewer'] } },
      schema: {
        tags: ['applications'],
        summary: 'Approve an application in review and issue its pair 审核通过',
        description:
          'The submitter cannot approve its own application (409 YZ_ERR_STATE): another reviewer must.',
        params: Type.Object({ id: ApplicationId }),
        body: Type.Object(
          { note: Type.Optional(Note), delivery: Type.Optional(Delivery) },
          { additionalProperties: false },
        ),
        response: { 201: IssuedPairView },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await findApplication(platform, id);
      const { note, delivery } = request.body;
      const pair = await approveReview(platform, {
        applicationId: id,
        reviewer: auditName(principalOf(request)),
        ...(note ? { note } : {}),
        ...deliveryOption(delivery),
      });
      return reply.code(201).send(issuedPairView(pair, delivery));
    },
  );

  app.post(
    '/applications/:id/reject',
    {
      config: { access: { roles: ['reviewer'] } },
      schema: {
        tags: ['applications'],
        summary: 'Reject an application in review 审核不通过 (nothing is issued)',
        params: Type.Object({ id: ApplicationId }),
        body: Type.Object({ reason: Note }, { additionalProperties: false }),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const { id } = request.params;
      await findApplication(platform, id);
      const rejected = await rejectReview(platform, {
        applicationId: id,
        reviewer: auditName(principalOf(request)),
        note: request.body.reason,
      });
      return applicationView(rejected);
    },
  );

  app.post(
    '/applications/:id/assign',
    {
      config: { access: { roles: ['reviewer'] } },
      schema: {
        tags: ['applications'],
        summary: 'Assign an application in review to a reviewer, or claim it 审核分派/认领',
        description:
          'Without `reviewer` the caller claims it. The reviewer must be an active operator holding ' +
          '`reviewer` and not the submitter (409 YZ_ERR_STATE). The assignment directs the work and ' +
          'filters the queue (`GET /applications?assigned=mine|unassigned`); it does not lock the decision.',
        params: Type.Object({ id: ApplicationId }),
        body: Type.Object(
          { reviewer: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9._-]{1,31}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const { id } = request.params;
      await findApplication(platform, id);
      const assigned = await assignReview(platform, {
        applicationId: id,
        actor: actorOf(principalOf(request)),
        ...(request.body.reviewer ? { reviewer: request.body.reviewer } : {}),
      });
      return applicationView(assigned);
    },
  );
}
