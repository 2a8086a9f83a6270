/**
 * The legal person's online subsystem (在线业务子系统, R34; R27 history): agent login by phone and
 * SMS code, the portal's overview (certificates with days to expiry and the renewal prompt from
 * the stored service policy, pending applications, messages), and the online new application
 * authorised by an electronic authorisation letter (电子授权书) that the legal representative
 * signs — verified by the core (`authorisation-letter.ts`), approved without manual review when
 * every check passes. Lifecycle steps on existing certificates use the lifecycle routes, which
 * are open to `applicant` already. Every route works on the session's own USCC only.
 */
import {
  type ApplicationRecord,
  CoreError,
  type Principal,
  type AuthorisationLetterRecord,
  type LegalPersonRegistry,
  type SimulatedSmsGateway,
  type SmsGateway,
  auditName,
  loadServicePolicy,
  loginWithSmsCode,
  requestSmsCode,
  signAuthorisationLetter,
  startOnlineNewApplication,
} from '@yizheng/core';
import { encodePem } from '@yizheng/gm';
import { Type } from 'typebox';
import { principalOf, requireOwnUscc } from '../auth/principal.js';
import { RateLimiter } from '../auth/rate-limit.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Csr, MaterialInput, Uscc, applicantDetails, base64Bytes, pemOrDer, toBase64 } from './api-input.js';
import {
  ApplicationView,
  CertificateView,
  IssuedPairView,
  Nullable,
  Time,
  applicationView,
  certificateView,
  issuedPairView,
} from './certificate-views.js';
import { grantView } from './session-routes.js';
import { PrincipalView } from './account-views.js';

const DAY = 86_400_000;
const Phone = Type.String({ pattern: '^1\\d{10}$', description: '11-digit mobile number' });
const LetterId = Type.String({ pattern: '^letter-[0-9a-f-]{36}$' });

const LetterView = Type.Object({
  id: Type.String(),
  uscc: Type.String(),
  applicationId: Type.String(),
  state: Type.String({ description: 'pending | approved | review' }),
  content: Type.Unknown({ description: 'the letter fields (enterprise, agent, business, validity, nonce)' }),
  text: Type.String({ description: 'the exact UTF-8 text to sign (SM2, signer ID 1234567812345678)' }),
  signature: Nullable(Type.String({ description: 'base64 DER' })),
  signerCertificate: Nullable(Type.String({ description: 'PEM' })),
  verification: Type.Unknown({ description: 'the verification report kept as evidence, or null' }),
  createdAt: Time,
  signedAt: Nullable(Time),
});

function letterView(l: AuthorisationLetterRecord) {
  return {
    id: l.id,
    uscc: l.uscc,
    applicationId: l.applicationId,
    state: l.state,
    content: l.content,
    text: l.text,
    signature: l.signature ? toBase64(l.signature) : null,
    signerCertificate: l.signerCertificate ? encodePem('CERTIFICATE', l.signerCertificate) : null,
    verification: l.verification,
    createdAt: l.createdAt.toISOString(),
    signedAt: l.signedAt?.toISOString() ?? null,
  };
}

const PortalCertificate = Type.Object({
  ...CertificateView.properties,
  daysLeft: Type.Integer({ description: 'days to notAfter, rounded up (0 or less once expired)' }),
  renewalDue: Type.Boolean({ description: 'valid and inside the renewal window of the service policy' }),
});

const MessageView = Type.Object({
  at: Time,
  applicationId: Type.String(),
  businessType: Type.String(),
  state: Type.String(),
  channel: Type.String(),
});

/**
 * 站内消息: the state changes of a legal person's applications, newest first, read from the
 * application records: submitted when it was made, review when it went to a reviewer (a review
 * decision or reason on record), and its final state when it reached one.
 */
function messagesOf(applications: readonly ApplicationRecord[]) {
  const message = (a: ApplicationRecord, state: string, at: Date) => ({
    at: at.toISOString(),
    applicationId: a.id,
    businessType: a.businessType,
    state,
    channel: a.channel,
  });
  return (
    applications
      .flatMap((a) => {
        const reviewed = a.state === 'review' || 'review' in a.data || 'reviewReason' in a.data;
        return [
          message(a, 'submitted', a.createdAt),
          ...(reviewed ? [message(a, 'review', a.createdAt)] : []),
          ...(a.state !== 'submitted' && a.state !== 'review' ? [message(a, a.state, a.updatedAt)] : []),
        ];
      })
      // reversed first: of changes at one instant (a pair issued at once) the later one leads
      .reverse()
      .sort((x, y) => y.at.localeCompare(x.at))
  );
}

/** Options of the portal routes: the SMS port and, on the embedded default, its simulator's outbox. */
export interface PortalRouteOptions {
  readonly sms: SmsGateway;
  /** Shown at GET /api/v1/dev/sms-outbox (embedded default only). */
  readonly devOutbox?: SimulatedSmsGateway;
  readonly registry: () => LegalPersonRegistry;
}

export function registerPortalRoutes(app: TypedApp, platform: Platform, options: PortalRouteOptions): void {
  // a first, in-memory fence per address; the core's limits (in the store) hold across nodes
  const byAddress = new RateLimiter(platform.clock, 60, 15 * 60_000);

  app.post(
    '/portal/sms-code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: 'Send an SMS login code to a registered agent 发送短信验证码',
        description:
          'The phone must be the agent (经办人) phone of one of the legal person’s applications. Six random ' +
          'digits, valid 5 minutes, single use; at most one a minute and 5 an hour per phone, 20 an hour per address.',
        body: Type.Object({ uscc: Uscc, phone: Phone }, { additionalProperties: false }),
        response: { 202: Type.Object({ phone: Type.String({ description: 'masked' }), expiresAt: Time }) },
      },
    },
    async (request, reply) => {
      byAddress.hit(reply, `address:${request.ip}`);
      const sent = await requestSmsCode(
        { ...platform, sms: options.sms },
        { ...request.body, from: request.ip },
      );
      return reply.code(202).send({ phone: sent.phone, expiresAt: sent.expiresAt.toISOString() });
    },
  );

  app.post(
    '/portal/session/sms',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: 'Agent login with the SMS code 短信验证码登录 (a legal-person session, role applicant)',
        body: Type.Object(
          { uscc: Uscc, phone: Phone, code: Type.String({ pattern: '^\\d{6}$' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Time,
            principal: PrincipalView,
            agent: Type.Object({ name: Type.String(), phone: Type.String() }),
          }),
        },
      },
    },
    async (request, reply) => {
      byAddress.hit(reply, `address:${request.ip}`);
      const grant = await loginWithSmsCode(platform, { ...request.body, from: request.ip });
      return { ...(await grantView(platform, grant)), agent: grant.agent };
    },
  );

  app.get(
    '/portal/overview',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary:
          'The legal person’s portal home 门户首页: certificates, pending applications, renewal window',
        response: {
          200: Type.Object({
            uscc: Type.String(),
            name: Nullable(Type.String()),
            legalRepresentative: Nullable(Type.String()),
            renewalWindowDays: Type.Integer(),
            certificates: Type.Array(PortalCertificate),
            pending: Type.Array(ApplicationView),
          }),
        },
      },
    },
    async (request) => {
      const uscc = principalOf(request).uscc!;
      const read = platform.store.read;
      const now = platform.clock.now().getTime();
      const [person, certificates, applications, policy] = await Promise.all([
        read.getLegalPerson(uscc),
        read.queryCertificates({ uscc }),
        read.listApplications(uscc),
        loadServicePolicy(read),
      ]);
      return {
        uscc,
        name: person?.name ?? null,
        legalRepresentative: person?.legalRepresentative ?? null,
        renewalWindowDays: policy.renewalWindowDays,
        certificates: certificates
          .filter((c) => c.role === 'sign' || c.role === 'enc')
          .sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime() || a.role.localeCompare(b.role))
          .map((c) => {
            // rounded up: a certificate issued a moment ago for a year shows 365, one ending today 1
            const daysLeft = Math.ceil((c.notAfter.getTime() - now) / DAY);
            return {
              ...certificateView(c),
              daysLeft,
              renewalDue: c.status === 'valid' && daysLeft > 0 && daysLeft <= policy.renewalWindowDays,
            };
          }),
        pending: applications
          .filter((a) => a.state === 'submitted' || a.state === 'review' || a.state === 'approved')
          .map(applicationView),
      };
    },
  );

  app.get(
    '/portal/messages',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary: 'Messages 站内消息: the state changes of the legal person’s applications, newest first',
        response: { 200: Type.Array(MessageView) },
      },
    },
    async (request) => messagesOf(await platform.store.read.listApplications(principalOf(request).uscc!)),
  );

  app.post(
    '/portal/applications',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary: 'Apply online for a new pair 在线新办, authorised by an electronic authorisation letter',
        description:
          'Stores the application (state submitted, channel online) and draws the 电子授权书 for the legal ' +
          'representative to sign (POST /portal/letters/{id}/signature).',
        body: Type.Object(
          {
            csr: Csr,
            agentPhone: Phone,
            materials: Type.Optional(Type.Array(MaterialInput, { maxItems: 20 })),
            letterDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ application: ApplicationView, letter: LetterView }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { csr, agentPhone, materials, letterDays } = request.body;
      const started = await startOnlineNewApplication(
        { ...platform, registry: options.registry() },
        {
          uscc: principal.uscc!,
          agentPhone,
          request: pemOrDer(csr, 'csr'),
          actor: auditName(principal),
          ...(materials ? { materials: applicantDetails({ materials }).applicant!.materials! } : {}),
          ...(letterDays ? { letterDays } : {}),
        },
      );
      return reply
        .code(201)
        .send({ application: applicationView(started.application), letter: letterView(started.letter) });
    },
  );

  app.get(
    '/portal/letters',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary: 'The legal person’s authorisation letters 电子授权书, newest first',
        response: { 200: Type.Array(LetterView) },
      },
    },
    async (request) =>
      (await platform.store.read.listAuthorisationLetters(principalOf(request).uscc!)).map(letterView),
  );

  /** The letter, for its own legal person (or staff); another legal person's is out of scope. */
  async function ownLetter(principal: Principal, id: string): Promise<AuthorisationLetterRecord> {
    const letter = await platform.store.read.getAuthorisationLetter(id);
    if (!letter) throw new CoreError('YZ_ERR_LETTER_NOT_FOUND', `no authorisation letter ${id}`);
    requireOwnUscc(principal, letter.uscc);
    return letter;
  }

  app.get(
    '/portal/letters/:id',
    {
      config: { access: { roles: ['applicant', 'reviewer', 'auditor'] } },
      schema: {
        tags: ['portal'],
        summary: 'One authorisation letter with its signature and verification report (evidence)',
        params: Type.Object({ id: LetterId }),
        response: { 200: LetterView },
      },
    },
    async (request) => {
      return letterView(await ownLetter(principalOf(request), request.params.id));
    },
  );

  app.post(
    '/portal/letters/:id/signature',
    {
      config: { access: { roles: ['applicant'] } },
      schema: {
        tags: ['portal'],
        summary:
          'The legal representative’s signature on the letter 签署授权书 (verified; approved or review)',
        description:
          'All checks pass: the application is approved without manual review and the pair issued (201). ' +
          'The registry differs or cannot be asked: manual review (202). Refusals: YZ_ERR_LETTER_*.',
        params: Type.Object({ id: LetterId }),
        body: Type.Object(
          {
            signature: Type.String({ minLength: 1, maxLength: 256, description: 'base64 DER SM2 signature' }),
            certificate: Type.String({
              minLength: 1,
              maxLength: 16384,
              description: 'PEM, or base64 of the DER',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ outcome: Type.Literal('approved'), letter: LetterView, pair: IssuedPairView }),
          202: Type.Object({ outcome: Type.Literal('review'), letter: LetterView, reason: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await ownLetter(principal, request.params.id);
      const { signature, certificate } = request.body;
      const result = await signAuthorisationLetter(
        { ...platform, registry: options.registry() },
        {
          letterId: request.params.id,
          signature: base64Bytes(signature, 'signature'),
          certificate: pemOrDer(certificate, 'certificate'),
          actor: auditName(principal),
        },
      );
      return result.outcome === 'approved'
        ? reply.code(201).send({
            outcome: 'approved',
            letter: letterView(result.letter),
            pair: issuedPairView(result.pair, undefined),
          })
        : reply
            .code(202)
            .send({ outcome: 'review', letter: letterView(result.letter), reason: result.reason });
    },
  );

  const outbox = options.devOutbox;
  if (outbox && platform.embedded)
    app.get(
      '/dev/sms-outbox',
      {
        config: { access: 'public' },
        schema: {
          tags: ['development'],
          summary: 'The SMS simulator’s outbox (embedded default only; never on a production database)',
          querystring: Type.Object({ phone: Type.Optional(Phone) }, { additionalProperties: false }),
          response: {
            200: Type.Array(Type.Object({ phone: Type.String(), text: Type.String(), at: Time })),
          },
        },
      },
      async (request) =>
        outbox
          .outbox(request.query.phone)
          .map((m) => ({ phone: m.phone, text: m.text, at: m.at.toISOString() }))
          .reverse(),
    );
}
