/**
 * 密钥恢复 key recovery with dual control (R12): the counter or a KMC officer opens a request for
 * the escrowed key of an encryption certificate, with a reason; two KMC officers other than the
 * requester approve it (the core enforces both rules); then it is delivered once, enveloped to
 * the holder's signing key taken from a PKCS#10 request whose proof of possession verifies.
 */
import {
  CoreError,
  type RecoveryRequestRecord,
  approveRecovery,
  auditName,
  completeRecovery,
  holderKey,
  requestRecovery,
} from '@yizheng/core';
import { Type } from 'typebox';
import { principalOf } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Csr, Delivery, Serial, deliveryOption, pemOrDer, toBase64 } from './api-input.js';
import { COUNTER } from './route-roles.js';
import { RecoveryView, recoveryView } from './service-views.js';

const RecoveryId = Type.String({ pattern: '^recovery-[0-9a-f-]{36}$' });

async function findRecovery(platform: Platform, id: string): Promise<RecoveryRequestRecord> {
  const request = await platform.store.read.getRecoveryRequest(id);
  if (!request) throw new ServerError('YZ_ERR_NOT_FOUND', `no recovery request ${id}`);
  return request;
}

export function registerKmcRoutes(app: TypedApp, platform: Platform): void {
  app.post(
    '/kmc/recoveries',
    {
      config: { access: { roles: [...COUNTER, 'kmc-officer'] } },
      schema: {
        tags: ['kmc'],
        summary: 'Request recovery of an escrowed encryption key 密钥恢复申请',
        body: Type.Object(
          {
            serial: Type.Optional(Serial),
            escrowId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            reason: Type.String({ minLength: 4, maxLength: 500 }),
          },
          { additionalProperties: false, description: 'the encryption certificate serial, or the escrow id' },
        ),
        response: { 201: RecoveryView },
      },
    },
    async (request, reply) => {
      const { serial, escrowId, reason } = request.body;
      if ((serial === undefined) === (escrowId === undefined))
        throw new CoreError('YZ_ERR_INPUT', 'give the encryption certificate serial or the escrow id');
      const opened = await requestRecovery(platform, {
        ...(serial ? { serial } : {}),
        ...(escrowId ? { escrowId } : {}),
        reason,
        actor: auditName(principalOf(request)),
      });
      return reply.code(201).send(recoveryView(opened));
    },
  );

  app.post(
    '/kmc/recoveries/:id/approve',
    {
      config: { access: { roles: ['kmc-officer'] } },
      schema: {
        tags: ['kmc'],
        summary: 'Approve a recovery request 密钥恢复审批 (two officers, neither the requester)',
        params: Type.Object({ id: RecoveryId }),
        response: { 200: RecoveryView },
      },
    },
    async (request) => {
      await findRecovery(platform, request.params.id);
      return recoveryView(
        await approveRecovery(platform, { id: request.params.id, actor: auditName(principalOf(request)) }),
      );
    },
  );

  app.post(
    '/kmc/recoveries/:id/deliver',
    {
      config: { access: { roles: [...COUNTER, 'kmc-officer'] } },
      schema: {
        tags: ['kmc'],
        summary: 'Deliver an approved recovery once 密钥恢复下发',
        description:
          'The escrowed key is enveloped to the signing key of `csr` (the holder’s device makes it; its ' +
          'proof of possession is checked). The request is then completed and cannot be delivered again.',
        params: Type.Object({ id: RecoveryId }),
        body: Type.Object({ csr: Csr, delivery: Type.Optional(Delivery) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            request: RecoveryView,
            delivery: Type.String(),
            envelope: Type.String({ description: 'SM2EnvelopedKey DER (or SKF blob), base64' }),
          }),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await findRecovery(platform, id);
      const { csr, delivery } = request.body;
      const { request: completed, envelope } = await completeRecovery(platform, {
        id,
        holderSigningKey: holderKey(pemOrDer(csr, 'csr')).key,
        actor: auditName(principalOf(request)),
        ...deliveryOption(delivery),
      });
      return reply.header('cache-control', 'no-store').send({
        request: recoveryView(completed),
        delivery: delivery ?? 'sm2-enveloped-key',
        envelope: toBase64(envelope),
      });
    },
  );
}
