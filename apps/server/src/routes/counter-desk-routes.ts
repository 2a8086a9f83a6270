/**
 * 网点柜台 the walk-in business of a branch counter (R33; R18, R26, R17): the document checklist per
 * business type, the registry data of a legal person (法人综合库, R26) before anything is taken, a
 * new certificate issued at the counter onto a USB-KEY from the branch's stock with the fee taken
 * (`issueAtCounter`, one transaction), and the printable acceptance form / receipt (受理单).
 *
 * The CSR is made on the USB-KEY by the vendor's tool and pasted or uploaded here: the server never
 * makes a holder's signing key (R14). Scans travel as base64 and only their SM3, size and name are kept.
 */
import {
  type ChecklistMaterial,
  COUNTER_CHECKLISTS,
  type LegalPersonRegistry,
  PAYMENT_METHODS,
  counterReceipt,
  issueAtCounter,
  serviceAtCounter,
  verifyIdentityAtCounter,
} from '@yizheng/core';
import { Type, type Static } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { BranchView, branchView } from './account-views.js';
import {
  AgentInput,
  CaId,
  Csr,
  LegalPersonInput,
  MaterialInput,
  Note,
  Serial,
  Uscc,
  applicantDetails,
  pemOrDer,
} from './api-input.js';
import {
  ApplicationView,
  CertificateView,
  IssuedPairView,
  LegalPersonView,
  Nullable,
  RegistryCheckView,
  Time,
  applicationView,
  certificateView,
  issuedPairView,
  legalPersonView,
  registryCheckView,
} from './certificate-views.js';
import { MediumSerial } from './media-routes.js';
import { COUNTER } from './route-roles.js';
import { ChargeView, MediumView, chargeView, mediumView } from './service-views.js';

const ChecklistItemView = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'the material kind it is stored as' }),
  need: Type.String({ description: 'always | agent-not-representative' }),
  zh: Type.String(),
  en: Type.String(),
});

const CounterMaterial = Type.Object(
  {
    item: Type.String({ minLength: 1, maxLength: 64, description: 'checklist item id' }),
    ...MaterialInput.properties,
  },
  {
    additionalProperties: false,
    description: 'a scan for one checklist item: its content, or its SM3 and size',
  },
);

/** The scans as the core takes them: each hashed here (SM3), only hash, size and name go on. */
function counterMaterials(materials: readonly Static<typeof CounterMaterial>[]): ChecklistMaterial[] {
  return materials.map(({ item, ...material }) => ({
    item,
    ...applicantDetails({ materials: [material] }).applicant!.materials![0]!,
  }));
}

const ApplicationId = Type.String({ pattern: '^app-[0-9a-f-]{36}$' });

/** Scans up to a few MB each arrive as base64 in the JSON body. */
const SCAN_BODY_LIMIT = 32 * 1024 * 1024;

export function registerCounterDeskRoutes(
  app: TypedApp,
  platform: Platform,
  registry: () => LegalPersonRegistry,
): void {
  app.get(
    '/counter/checklists',
    {
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['counter'],
        summary: 'The document checklist per business type 材料清单',
        response: { 200: Type.Record(Type.String(), Type.Array(ChecklistItemView)) },
      },
    },
    async () =>
      Object.fromEntries(
        Object.entries(COUNTER_CHECKLISTS).map(([type, items]) => [type, items.map((item) => ({ ...item }))]),
      ),
  );

  app.get(
    '/counter/registry/:uscc',
    {
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['counter'],
        summary:
          'The legal person as the registry (法人综合库) has it, before the counter takes an application',
        description: '404 YZ_ERR_NOT_FOUND when the registry has no such USCC; 503 when it does not answer.',
        params: Type.Object({ uscc: Uscc }),
        response: {
          200: Type.Object({
            uscc: Type.String(),
            name: Type.String(),
            legalRepresentative: Type.String(),
            status: Type.String({ description: 'active | deregistered | revoked' }),
            registeredAt: Time,
            updatedAt: Time,
          }),
        },
      },
    },
    async (request) => {
      const record = await registry().lookup(request.params.uscc);
      if (!record)
        throw new ServerError('YZ_ERR_NOT_FOUND', `the registry has no legal person ${request.params.uscc}`);
      return {
        ...record,
        registeredAt: record.registeredAt.toISOString(),
        updatedAt: record.updatedAt.toISOString(),
      };
    },
  );

  app.post(
    '/counter/applications',
    {
      bodyLimit: SCAN_BODY_LIMIT,
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['counter'],
        summary: 'Walk-in new certificate 柜台新办 onto a USB-KEY from this branch’s stock',
        description:
          'Checklist (400 YZ_ERR_CHECKLIST), medium in stock here (409 YZ_ERR_MEDIUM_STATE, 403 YZ_ERR_OUT_OF_SCOPE), ' +
          'registry check: match → 201 issued, charged (first certificate waived, else paid with paymentMethod), ' +
          'the pair written onto the medium and its SO PIN answered once; mismatch → 202 in review, the medium stays in stock.',
        body: Type.Object(
          {
            csr: Csr,
            legalPerson: LegalPersonInput,
            agent: Type.Optional(AgentInput),
            materials: Type.Array(CounterMaterial, { maxItems: 20 }),
            mediumSerial: MediumSerial,
            paymentMethod: Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m))),
            caId: Type.Optional(CaId),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            state: Type.Literal('completed'),
            check: RegistryCheckView,
            pair: IssuedPairView,
            medium: MediumView,
            soPin: Type.String({ description: 'write it onto the key now; shown once' }),
            charge: ChargeView,
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
      const body = request.body;
      const materials = counterMaterials(body.materials);
      const result = await issueAtCounter(
        { ...platform, registry: registry() },
        {
          legalPerson: body.legalPerson,
          request: pemOrDer(body.csr, 'csr'),
          ...(body.agent ? { agent: body.agent } : {}),
          materials,
          mediumSerial: body.mediumSerial,
          paymentMethod: body.paymentMethod,
          ...(body.caId ? { caId: body.caId } : {}),
        },
        actorOf(principalOf(request)),
      );
      const check = registryCheckView(result.check);
      if (result.state === 'review')
        return reply
          .code(202)
          .send({ state: 'review', check, application: applicationView(result.application) });
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          state: 'completed',
          check,
          pair: issuedPairView(result.pair, undefined),
          medium: mediumView(result.medium),
          soPin: result.soPin,
          charge: chargeView(result.charge),
        });
    },
  );

  app.post(
    '/counter/services',
    {
      bodyLimit: SCAN_BODY_LIMIT,
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['counter'],
        summary: 'Renew, change or reissue at the counter 柜台更新/变更/补办',
        description:
          'The checklist of the business type (400 YZ_ERR_CHECKLIST), the fee paid with paymentMethod; a reissue ' +
          'writes the new pair onto mediumSerial from this branch’s stock (the lost key is marked lost) and answers ' +
          'its SO PIN once; renew and change write onto the holder’s own key (no mediumSerial). One transaction.',
        body: Type.Object(
          {
            businessType: Type.Union([
              Type.Literal('renew'),
              Type.Literal('change'),
              Type.Literal('reissue'),
            ]),
            serial: Serial,
            csr: Csr,
            legalPerson: Type.Optional(
              Type.Object(
                {
                  name: Type.String({ minLength: 1, maxLength: 200 }),
                  legalRepresentative: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
                },
                { additionalProperties: false, description: 'change: the new identity data' },
              ),
            ),
            agent: Type.Optional(AgentInput),
            materials: Type.Array(CounterMaterial, { maxItems: 20 }),
            mediumSerial: Type.Optional(MediumSerial),
            paymentMethod: Type.Union(PAYMENT_METHODS.map((m) => Type.Literal(m))),
            note: Type.Optional(Note),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            pair: IssuedPairView,
            medium: Nullable(MediumView),
            soPin: Nullable(
              Type.String({ description: 'reissue: write it onto the new key now; shown once' }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const principal = principalOf(request);
      const { pair, soPin } = await serviceAtCounter(
        platform,
        {
          businessType: body.businessType,
          serial: body.serial,
          request: pemOrDer(body.csr, 'csr'),
          ...(body.legalPerson ? { legalPerson: body.legalPerson } : {}),
          ...(body.agent ? { agent: body.agent } : {}),
          materials: counterMaterials(body.materials),
          ...(body.mediumSerial ? { mediumSerial: body.mediumSerial } : {}),
          paymentMethod: body.paymentMethod,
          ...(body.note ? { note: body.note } : {}),
        },
        actorOf(principal),
      );
      const medium = (await platform.store.read.listMedia(pair.sign.uscc ?? '')).find(
        (m) => m.pairId === pair.pairId,
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ pair: issuedPairView(pair, undefined), medium: medium ? mediumView(medium) : null, soPin });
    },
  );

  app.post(
    '/counter/identity-checks/:id',
    {
      bodyLimit: SCAN_BODY_LIMIT,
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['counter'],
        summary: 'Verify at the counter a remote application whose online identity check failed 柜台身份核验',
        description:
          'The new-certificate checklist (400 YZ_ERR_CHECKLIST); then the registry check: match → 201 issued ' +
          '(the same application completed), mismatch → 202 review, deregistered or revoked → 409 (rejected). ' +
          'Not waiting for an identity check → 409 YZ_ERR_STATE.',
        params: Type.Object({ id: ApplicationId }),
        body: Type.Object(
          { agent: Type.Optional(AgentInput), materials: Type.Array(CounterMaterial, { maxItems: 20 }) },
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
      const result = await verifyIdentityAtCounter(
        { ...platform, registry: registry() },
        {
          applicationId: request.params.id,
          ...(request.body.agent ? { agent: request.body.agent } : {}),
          materials: counterMaterials(request.body.materials),
        },
        actorOf(principalOf(request)),
      );
      const check = registryCheckView(result.check);
      return result.state === 'completed'
        ? reply.code(201).send({ state: 'completed', check, pair: issuedPairView(result.pair, undefined) })
        : reply.code(202).send({ state: 'review', check, application: applicationView(result.application) });
    },
  );

  app.get(
    '/counter/receipts/:id',
    {
      config: { access: { roles: [...COUNTER, 'auditor'] } },
      schema: {
        tags: ['counter'],
        summary: 'The acceptance form / receipt 受理单 of an application, for printing',
        params: Type.Object({ id: ApplicationId }),
        response: {
          200: Type.Object({
            application: ApplicationView,
            legalPerson: Nullable(LegalPersonView),
            agent: Nullable(
              Type.Object({
                name: Type.String(),
                idType: Type.String(),
                idNumber: Type.String({ description: 'masked' }),
              }),
            ),
            certificates: Type.Array(CertificateView),
            medium: Nullable(MediumView),
            charges: Type.Array(ChargeView),
            branch: Nullable(BranchView),
            operator: Type.String(),
            paymentMethod: Nullable(Type.String()),
          }),
        },
      },
    },
    async (request) => {
      const receipt = await counterReceipt(platform.store, request.params.id);
      return {
        application: applicationView(receipt.application),
        legalPerson: receipt.legalPerson ? legalPersonView(receipt.legalPerson) : null,
        agent: receipt.agent,
        certificates: receipt.certificates.map(certificateView),
        medium: receipt.medium ? mediumView(receipt.medium) : null,
        charges: receipt.charges.map(chargeView),
        branch: receipt.branch ? branchView(receipt.branch) : null,
        operator: receipt.operator,
        paymentMethod: receipt.paymentMethod,
      };
    },
  );
}
