/**
 * 介质 media and 解锁 unlock (R22, R24): USB-KEYs received into a branch's stock, personalised
 * (制证) with a pair — the medium's random SO PIN is answered this once, for the personalisation
 * tool, as an audited privileged read — and unlocked by challenge/response after an identity
 * proof. The core limits unlocks per medium across nodes (`maxUnlocksPerDay`); this node also
 * limits unlock requests per caller, like logins, so one session cannot probe many media.
 */
import {
  CoreError,
  auditName,
  personaliseMedium,
  receiveMedia,
  receivingBranch,
  unlockMedium,
} from '@yizheng/core';
import { Type } from 'typebox';
import { actorOf, principalOf, requireOwnUscc } from '../auth/principal.js';
import { RateLimiter } from '../auth/rate-limit.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { ChannelSchema, Serial, channelOf } from './api-input.js';
import { COUNTER } from './route-roles.js';
import { ChargeView, MediumView, chargeView, mediumView } from './service-views.js';

/** Unlock requests per caller (operator, legal person) and node. */
export const UNLOCK_RATE_LIMITS = { perCaller: { limit: 20, minutes: 60 } } as const;

export const MediumSerial = Type.String({
  pattern: '^[0-9A-Za-z-]{4,64}$',
  description: 'the serial the USB-KEY reports (SKF DEVINFO.SerialNumber)',
});
export const BranchId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,31}$' });

export function registerMediaRoutes(app: TypedApp, platform: Platform): void {
  const unlocks = new RateLimiter(
    platform.clock,
    UNLOCK_RATE_LIMITS.perCaller.limit,
    UNLOCK_RATE_LIMITS.perCaller.minutes * 60_000,
    'unlock requests',
  );

  app.post(
    '/media',
    {
      config: { access: { roles: [...COUNTER, 'ca-admin'] } },
      schema: {
        tags: ['media'],
        summary: 'Receive media into stock 介质入库 (all or none)',
        description:
          'Into the caller’s branch by default; a CA administrator names any branch (or null: the central store).',
        body: Type.Object(
          {
            model: Type.String({
              minLength: 1,
              maxLength: 100,
              description: 'vendor model, e.g. FT-ePass3000GM',
            }),
            scheme: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'unlock scheme of its COS' }),
            ),
            serials: Type.Array(MediumSerial, { minItems: 1, maxItems: 1000, uniqueItems: true }),
            batch: Type.Optional(
              Type.String({
                pattern: '^[0-9A-Za-z._-]{1,64}$',
                description: '批次号 the vendor batch number',
              }),
            ),
            branchId: Type.Optional(Type.Union([BranchId, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Array(MediumView) },
      },
    },
    async (request, reply) => {
      const { model, scheme, serials, batch, branchId } = request.body;
      const principal = principalOf(request);
      const media = await receiveMedia(platform, {
        serials,
        model,
        ...(scheme ? { scheme } : {}),
        actor: auditName(principal),
        branchId: receivingBranch(actorOf(principal), branchId),
        batch: batch ?? null,
      });
      return reply.code(201).send(media.map(mediumView));
    },
  );

  app.post(
    '/media/:serial/personalise',
    {
      config: { access: { roles: COUNTER } },
      schema: {
        tags: ['media'],
        summary: 'Personalise a medium with a pair 制证; answers its new SO PIN once (audited)',
        description:
          'The SO PIN is random per medium, sealed in the vault, and shown only in this answer. The medium must be in stock at the caller’s branch (403 YZ_ERR_OUT_OF_SCOPE otherwise).',
        params: Type.Object({ serial: MediumSerial }),
        body: Type.Object({ certificateSerial: Serial }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            medium: MediumView,
            soPin: Type.String({ description: 'write it onto the key now; shown once' }),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { medium, soPin } = await personaliseMedium(platform, {
        mediumSerial: request.params.serial,
        certificateSerial: request.body.certificateSerial,
        actor: auditName(principal),
        // a counter personalises from its own branch's stock (R33)
        branchId: principal.branchId,
      });
      return reply.header('cache-control', 'no-store').send({ medium: mediumView(medium), soPin });
    },
  );

  app.post(
    '/media/:serial/unlock',
    {
      config: { access: { roles: ['applicant', ...COUNTER] } },
      schema: {
        tags: ['media'],
        summary: 'Unlock response for a locked USB-KEY 解锁 (challenge/response, R22)',
        description:
          'challenge: the random the key gave (SKF_GenRandom), 16 or 32 hex digits, answered once. ' +
          'Without newUserPin a one-time PIN is made, which the holder must change. Limits: ' +
          `maxUnlocksPerDay per medium (policy), ${UNLOCK_RATE_LIMITS.perCaller.limit} requests per caller in ` +
          `${UNLOCK_RATE_LIMITS.perCaller.minutes} minutes (429 YZ_ERR_RATE_LIMITED). A legal person unlocks its own media.`,
        params: Type.Object({ serial: MediumSerial }),
        body: Type.Object(
          {
            challenge: Type.String({ pattern: '^([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})$' }),
            evidence: Type.Object(
              {
                kind: Type.String({ minLength: 1, maxLength: 32, description: 'sms | counter | review …' }),
                reference: Type.String({ minLength: 1, maxLength: 200 }),
              },
              { additionalProperties: false, description: 'the identity proof' },
            ),
            newUserPin: Type.Optional(Type.String({ minLength: 6, maxLength: 16 })),
            channel: Type.Optional(ChannelSchema),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            applicationId: Type.String(),
            scheme: Type.String(),
            authentication: Type.String({ description: 'R1: SO-PIN authentication cryptogram, hex' }),
            pinCryptogram: Type.String({ description: 'R2: the new user PIN under the SO-PIN key, hex' }),
            oneTimePin: Type.Union([Type.String(), Type.Null()], {
              description: 'the PIN the platform chose (deliver it to the holder), or null',
            }),
            charge: ChargeView,
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      unlocks.hit(reply, `caller:${auditName(principal)}`);
      const serial = request.params.serial;
      if (principal.kind === 'legal-person') {
        const medium = await platform.store.read.getMedium(serial);
        if (!medium) throw new CoreError('YZ_ERR_MEDIUM_NOT_FOUND', `no medium ${serial}`);
        requireOwnUscc(principal, medium.uscc ?? '');
      }
      const { challenge, evidence, newUserPin, channel } = request.body;
      const result = await unlockMedium(platform, {
        mediumSerial: serial,
        challenge,
        evidence,
        channel: channelOf(principal, channel),
        actor: auditName(principal),
        ...(newUserPin !== undefined ? { newUserPin } : {}),
      });
      return reply.header('cache-control', 'no-store').send({
        applicationId: result.applicationId,
        scheme: result.scheme,
        authentication: result.authentication,
        pinCryptogram: result.pinCryptogram,
        oneTimePin: result.oneTimePin ?? null,
        charge: chargeView(result.charge),
      });
    },
  );
}
