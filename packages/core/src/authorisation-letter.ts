/**
 * Electronic authorisation letter (电子授权书, R34: "the legal representative can sign an
 * electronic authorisation letter; requests so authorised need no manual review"; reference
 * domain-practice §a.7). The agent (经办人, logged in by SMS) starts an online application; the
 * server renders the letter — enterprise name and USCC, legal representative, agent name and ID
 * number, business types, validity window, a random nonce, issued-at — as one canonical UTF-8
 * text (`letterText`); the legal representative signs exactly that text with SM2 (signer ID
 * 1234567812345678, in the browser through the soft key's `softKeySign`).
 *
 * **Who the signer is.** The representative signs with the legal person's own signing
 * certificate (法人签名证书) issued by this platform, which the representative holds — not with a
 * personal certificate. Reasons: this CA issues legal-person certificates only (no profile for
 * natural persons); the registry (法人综合库) names the representative but holds no ID number, so
 * an ID number in a personal certificate could not be matched against it; and the enterprise's
 * signing certificate is its legal electronic signature (电子签名法), the same credential the
 * portal's certificate login accepts, kept like the 公章 under the enterprise's custody. The
 * "signer is the registered representative" check is therefore: the certificate belongs to the
 * letter's USCC, and the registry, asked again at signing, still names the representative the
 * letter names (a change of representative since the letter was drawn sends it to review). The
 * first certificate of an enterprise is applied for at the counter, in person.
 *
 * Verification (`signAuthorisationLetter`), in order; the first failure decides:
 *
 * | check                                           | on failure                               |
 * |-------------------------------------------------|------------------------------------------|
 * | letter still unsigned (its nonce unused)        | refused `YZ_ERR_LETTER_REPLAY`           |
 * | now inside the letter's validity window         | refused `YZ_ERR_LETTER_EXPIRED`          |
 * | certificate on record here, role sign, same USCC| refused `YZ_ERR_LETTER_SIGNER`           |
 * | certificate valid (not revoked/suspended, dates)| refused `YZ_ERR_LETTER_CERTIFICATE`      |
 * | SM2 signature over the stored text              | refused `YZ_ERR_LETTER_SIGNATURE`        |
 * | registry: active, same name and representative  | manual review with the reason; inactive refused |
 *
 * All pass: the letter is approved and the application proceeds without manual review (a new
 * pair is issued). The letter, the signature, the signer certificate and the verification report
 * are kept as evidence (never changed afterwards) and every outcome is audited; a refusal changes
 * nothing but the audit trail, so the representative can sign again.
 */
import { randomUUID } from 'node:crypto';
import {
  SM2_DEFAULT_ID,
  constantTimeEqual,
  encodePem,
  isGmError,
  randomBytes,
  toHex,
  utf8,
} from '@yizheng/gm';
import { type Certificate, certificatePublicKey, isValidUscc, parseCertificate } from '@yizheng/pki';
import { type MaterialDetails, checkApplicant } from './applicant.js';
import type { ReviewData } from './application-review.js';
import { appendAudit } from './audit.js';
import { CoreError, type CoreErrorCode } from './errors.js';
import { type IssuanceContext, type IssuedPair, holderKey, issuePair, publicKeyHash } from './issuance.js';
import type { ApplicationRecord } from './model.js';
import type { LegalPersonRegistry } from './ports/legal-person-registry.js';
import type { StoreTx } from './ports/store.js';
import type { AuthorisationLetterContent, AuthorisationLetterRecord } from './portal-model.js';
import { type RegistryCheck, checkRegistry } from './registry-check.js';
import { maskPhone, registeredAgent } from './sms-login.js';

const DAY = 86_400_000;

/** Issuance plus the registry the letter's representative is checked against. */
export interface LetterContext extends IssuanceContext {
  readonly registry: LegalPersonRegistry;
}

/** How long a letter may be valid: at most 90 days (default 30). */
export const LETTER_MAX_DAYS = 90;

const BUSINESS_WORDS: Readonly<Record<string, string>> = {
  new: '新办 new',
  renew: '更新 renew',
  change: '变更 change',
  reissue: '补办 reissue',
  unlock: '解锁 unlock',
  revoke: '撤销 revoke',
};

/** The exact text the legal representative signs (one field a line, UTF-8, LF line ends). */
export function letterText(c: AuthorisationLetterContent): string {
  return [
    '电子授权书 Electronic authorisation letter',
    `格式 format: ${c.version}`,
    `编号 id: ${c.id}`,
    `企业名称 enterprise: ${c.enterpriseName}`,
    `统一社会信用代码 USCC: ${c.uscc}`,
    `法定代表人 legal representative: ${c.legalRepresentative}`,
    `经办人 agent: ${c.agentName}`,
    `经办人身份证件号码 agent ID number: ${c.agentIdNumber}`,
    `授权办理业务 business: ${c.businessTypes.map((b) => BUSINESS_WORDS[b] ?? b).join('; ')}`,
    `有效期自 valid from: ${c.validFrom}`,
    `有效期至 valid until: ${c.validUntil}`,
    `随机数 nonce: ${c.nonce}`,
    `出具时间 issued at: ${c.issuedAt}`,
    '本人作为上述企业的法定代表人，授权上述经办人在有效期内通过在线业务系统办理上述数字证书业务。',
    'As the legal representative of the enterprise above, I authorise the agent above to carry out the certificate business above online within the validity period.',
    '',
  ].join('\n');
}

/** What the agent asks for online: a new pair for the logged-in legal person. */
export interface OnlineNewApplicationInput {
  readonly uscc: string;
  /** The agent's registered phone (from the SMS login). */
  readonly agentPhone: string;
  /** PKCS#10 from the soft key / USB-KEY. */
  readonly request: Uint8Array | string;
  readonly materials?: readonly MaterialDetails[];
  /** Days the letter stays valid (1..90, default 30). */
  readonly letterDays?: number;
  readonly actor: string;
}

/** What an online application waiting for its letter keeps in `data`. */
interface PendingOnlineData {
  readonly request: string;
  readonly legalPerson: { uscc: string; name: string; legalRepresentative: string };
  readonly letterId: string;
  readonly submittedBy: string;
  readonly applicant: ReturnType<typeof checkApplicant>;
}

async function enterpriseOf(
  context: LetterContext,
  uscc: string,
): Promise<{ name: string; legalRepresentative: string }> {
  try {
    const record = await context.registry.lookup(uscc);
    if (record) {
      if (record.status !== 'active')
        throw new CoreError('YZ_ERR_LEGAL_PERSON_INACTIVE', `${uscc} is ${record.status} in the registry`);
      return { name: record.name, legalRepresentative: record.legalRepresentative };
    }
  } catch (error) {
    if (!(error instanceof CoreError) || error.code !== 'YZ_ERR_REGISTRY_UNAVAILABLE') throw error;
  }
  // the registry has no answer: the letter names what our records say, and signing re-checks
  const known = await context.store.read.getLegalPerson(uscc);
  if (!known?.legalRepresentative)
    throw new CoreError(
      'YZ_ERR_REGISTRY_UNAVAILABLE',
      `no registry record of ${uscc} to draw the letter from`,
    );
  return { name: known.name, legalRepresentative: known.legalRepresentative };
}

/**
 * 在线申请新办: stores an online application (state `submitted`, channel `online`) and draws its
 * authorisation letter for the legal representative to sign.
 */
export async function startOnlineNewApplication(
  context: LetterContext,
  input: OnlineNewApplicationInput,
): Promise<{ application: ApplicationRecord; letter: AuthorisationLetterRecord }> {
  if (!isValidUscc(input.uscc)) throw new CoreError('YZ_ERR_USCC', 'the USCC is not valid (GB 32100)');
  const days = input.letterDays ?? 30;
  if (!Number.isInteger(days) || days < 1 || days > LETTER_MAX_DAYS)
    throw new CoreError('YZ_ERR_INPUT', `a letter is valid 1..${LETTER_MAX_DAYS} days`);
  const holder = holderKey(input.request);
  const enterprise = await enterpriseOf(context, input.uscc);
  return context.store.transaction(async (tx) => {
    const agent = await registeredAgent(tx, input.uscc, input.agentPhone);
    if (!agent)
      throw new CoreError(
        'YZ_ERR_AGENT_NOT_REGISTERED',
        'no agent with this phone is registered for this legal person',
      );
    if (await tx.findCertificateByPublicKeyHash(publicKeyHash(holder.spki)))
      throw new CoreError(
        'YZ_ERR_KEY_ALREADY_CERTIFIED',
        'the requested public key is already in a certificate',
      );
    const applicant = checkApplicant({ agent, ...(input.materials ? { materials: input.materials } : {}) });
    const now = context.clock.now();
    const applicationId = `app-${randomUUID()}`;
    const letterId = `letter-${randomUUID()}`;
    const content: AuthorisationLetterContent = {
      version: 'yizheng-authorisation-letter/1',
      id: letterId,
      uscc: input.uscc,
      enterpriseName: enterprise.name,
      legalRepresentative: enterprise.legalRepresentative,
      agentName: agent.name,
      agentIdNumber: agent.idNumber,
      businessTypes: ['new'],
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + days * DAY).toISOString(),
      nonce: toHex(randomBytes(16)),
      issuedAt: now.toISOString(),
    };
    const data: PendingOnlineData = {
      request: encodePem('CERTIFICATE REQUEST', holder.der),
      legalPerson: { uscc: input.uscc, ...enterprise },
      letterId,
      submittedBy: input.actor,
      applicant,
    };
    const application: ApplicationRecord = {
      id: applicationId,
      uscc: input.uscc,
      businessType: 'new',
      channel: 'online',
      state: 'submitted',
      actor: input.actor,
      data: { ...data },
      createdAt: now,
      updatedAt: now,
    };
    const letter: AuthorisationLetterRecord = {
      id: letterId,
      uscc: input.uscc,
      applicationId,
      nonce: content.nonce,
      content,
      text: letterText(content),
      state: 'pending',
      signature: null,
      signerCertificate: null,
      verification: null,
      createdAt: now,
      signedAt: null,
    };
    await tx.insertApplication(application);
    await tx.insertAuthorisationLetter(letter);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'application.submit',
      object: `application:${applicationId}`,
      reason: null,
      detail: {
        uscc: input.uscc,
        state: 'submitted',
        channel: 'online',
        letterId,
        agent: maskPhone(input.agentPhone),
      },
    });
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'authorisation-letter.draw',
      object: `authorisation-letter:${letterId}`,
      reason: null,
      detail: { uscc: input.uscc, applicationId, validUntil: content.validUntil },
    });
    return { application, letter };
  });
}

/** The signed letter as it arrives. */
export interface LetterSignatureInput {
  readonly letterId: string;
  /** DER (or raw r‖s) SM2 signature over `letter.text`. */
  readonly signature: Uint8Array;
  /** The signer's certificate, DER or PEM. */
  readonly certificate: Uint8Array | string;
  readonly actor: string;
}

/** The outcome of a signature that passed the refusal checks. */
export type LetterOutcome =
  | { readonly outcome: 'approved'; readonly letter: AuthorisationLetterRecord; readonly pair: IssuedPair }
  | { readonly outcome: 'review'; readonly letter: AuthorisationLetterRecord; readonly reason: string };

type Refusal = readonly [code: string, reason: string];

function withinValidity(certificate: Certificate, at: Date): boolean {
  const { notBefore, notAfter } = certificate.tbs.validity;
  return notBefore.getTime() <= at.getTime() && at.getTime() <= notAfter.getTime();
}

function signatureVerifies(certificate: Certificate, text: string, signature: Uint8Array): boolean {
  try {
    return certificatePublicKey(certificate).verify(utf8(text), signature, {
      id: SM2_DEFAULT_ID,
      format: 'auto',
    });
  } catch (error) {
    if (isGmError(error)) return false;
    throw error;
  }
}

/** The refusal checks of the table above, in order; null when all pass. */
async function refusalOf(
  tx: StoreTx,
  letter: AuthorisationLetterRecord,
  certificate: Certificate,
  signature: Uint8Array,
  now: Date,
): Promise<{ refusal: Refusal | null; checks: Record<string, unknown> }> {
  const serial = certificate.tbs.serialNumber.toString(16).toUpperCase();
  const record = (await tx.findCertificatesBySerial(serial)).find((c) =>
    constantTimeEqual(c.der, certificate.der),
  );
  const checks: Record<string, unknown> = {
    signer: {
      serial,
      caId: record?.caId ?? null,
      subject: record?.subject ?? null,
      uscc: record?.uscc ?? null,
    },
  };
  const { validFrom, validUntil } = letter.content;
  const refusal: Refusal | null =
    letter.state !== 'pending'
      ? [
          'YZ_ERR_LETTER_REPLAY',
          `letter ${letter.id} (nonce ${letter.nonce}) was signed before: it works once`,
        ]
      : now.getTime() < Date.parse(validFrom) || now.getTime() > Date.parse(validUntil)
        ? ['YZ_ERR_LETTER_EXPIRED', `the letter is valid ${validFrom} – ${validUntil}`]
        : !record
          ? ['YZ_ERR_LETTER_SIGNER', 'the signer certificate was not issued by this platform']
          : record.role !== 'sign' || record.uscc !== letter.uscc
            ? [
                'YZ_ERR_LETTER_SIGNER',
                `the signer certificate is not a signing certificate of ${letter.uscc}`,
              ]
            : record.status !== 'valid'
              ? ['YZ_ERR_LETTER_CERTIFICATE', `the signer certificate is ${record.status}`]
              : !withinValidity(certificate, now)
                ? ['YZ_ERR_LETTER_CERTIFICATE', 'the signer certificate is outside its validity period']
                : !signatureVerifies(certificate, letter.text, signature)
                  ? ['YZ_ERR_LETTER_SIGNATURE', 'the signature does not verify over the letter text']
                  : null;
  return { refusal, checks };
}

function registryReason(check: RegistryCheck): string | null {
  if (check.outcome === 'match') return null;
  if (check.outcome === 'unavailable') return `registry unavailable: ${check.reason ?? ''}`.trim();
  if (check.outcome === 'not-found') return 'the legal person is not in the registry';
  return `the registry differs from the letter: ${check.differences
    .map((d) => `${d.field} ${d.applied} ≠ ${d.registry}`)
    .join('; ')}`;
}

/** 签署授权书: verifies the representative's signature and approves or routes to review (module doc). */
export async function signAuthorisationLetter(
  context: LetterContext,
  input: LetterSignatureInput,
): Promise<LetterOutcome> {
  if (!(input.signature instanceof Uint8Array) || input.signature.length === 0)
    throw new CoreError('YZ_ERR_INPUT', 'the signature is required');
  const certificate = parseCertificate(input.certificate);
  certificatePublicKey(certificate);
  const seen = await context.store.read.getAuthorisationLetter(input.letterId);
  if (!seen) throw new CoreError('YZ_ERR_LETTER_NOT_FOUND', `no authorisation letter ${input.letterId}`);
  const { content } = seen;
  // asked before the transaction: a slow registry must not hold the letter's lock
  const check = await checkRegistry(context.registry, {
    uscc: content.uscc,
    name: content.enterpriseName,
    legalRepresentative: content.legalRepresentative,
  });
  const evidence = (letter: AuthorisationLetterRecord, now: Date) =>
    refusalOf(context.store.read, letter, certificate, input.signature, now);
  const now = context.clock.now();
  const first = await evidence(seen, now);
  if (first.refusal) return refuse(context, seen, input, first.refusal, first.checks);
  if (check.outcome === 'inactive')
    return refuse(
      context,
      seen,
      input,
      ['YZ_ERR_LEGAL_PERSON_INACTIVE', `${content.uscc} is ${check.registryStatus} in the registry`],
      first.checks,
    );
  const reason = registryReason(check);
  const verification = {
    outcome: reason ? 'review' : 'approved',
    verifiedAt: now.toISOString(),
    checks: {
      ...first.checks,
      signature: 'ok',
      signerCertificate: 'valid',
      validityWindow: 'ok',
      nonce: 'unused',
      registry: {
        outcome: check.outcome,
        differences: check.differences,
        ...(check.reason ? { reason: check.reason } : {}),
      },
    },
    ...(reason ? { reason } : {}),
  };
  const signed = {
    signature: input.signature,
    signerCertificate: certificate.der,
    verification,
    signedAt: now,
  };
  const application = await context.store.read.getApplication(seen.applicationId);
  const data = application?.data as unknown as PendingOnlineData | undefined;
  if (!application || application.state !== 'submitted' || !data?.request)
    throw new CoreError('YZ_ERR_STATE', `application ${seen.applicationId} is not waiting for its letter`);
  const letterEvidence = { id: seen.id, outcome: verification.outcome, verifiedAt: verification.verifiedAt };
  const registryCheck = { ...check, checkedAt: now.toISOString() };
  // takes the letter inside the step's transaction: of two signatures at once, the second is a replay
  const takeLetter = async (tx: StoreTx, at: Date, state: 'approved' | 'review') => {
    const current = await tx.getAuthorisationLetter(seen.id);
    if (!current || current.state !== 'pending')
      throw new CoreError('YZ_ERR_LETTER_REPLAY', `letter ${seen.id} was signed before: it works once`);
    await tx.updateAuthorisationLetter(seen.id, { ...signed, state });
    await appendAudit(tx, {
      at,
      actor: input.actor,
      action: `authorisation-letter.${state === 'approved' ? 'approve' : 'review'}`,
      object: `authorisation-letter:${seen.id}`,
      reason: reason,
      detail: { uscc: content.uscc, applicationId: seen.applicationId, signer: first.checks.signer },
    });
  };
  if (reason) {
    await context.store.transaction(async (tx) => {
      await takeLetter(tx, now, 'review');
      const review: ReviewData = {
        request: data.request,
        legalPerson: data.legalPerson,
        registryCheck,
        submittedBy: data.submittedBy,
        issue: { applicant: data.applicant },
      };
      await tx.updateApplication(application.id, {
        state: 'review',
        data: { ...review, authorisationLetter: letterEvidence, reviewReason: reason },
        updatedAt: now,
      });
    });
    return { outcome: 'review', letter: (await context.store.read.getAuthorisationLetter(seen.id))!, reason };
  }
  const pair = await issuePair(
    context,
    {
      request: data.request,
      legalPerson: data.legalPerson,
      channel: 'online',
      actor: input.actor,
      applicant: data.applicant,
    },
    {
      businessType: 'new',
      applicationId: application.id,
      applicationData: {
        legalPerson: data.legalPerson,
        registryCheck,
        authorisationLetter: letterEvidence,
        submittedBy: data.submittedBy,
      },
      inTransaction: (tx, at) => takeLetter(tx, at, 'approved'),
    },
  );
  return { outcome: 'approved', letter: (await context.store.read.getAuthorisationLetter(seen.id))!, pair };
}

async function refuse(
  context: LetterContext,
  letter: AuthorisationLetterRecord,
  input: LetterSignatureInput,
  [code, reason]: Refusal,
  checks: Record<string, unknown>,
): Promise<never> {
  await context.store.transaction((tx) =>
    appendAudit(tx, {
      at: context.clock.now(),
      actor: input.actor,
      action: 'authorisation-letter.refuse',
      object: `authorisation-letter:${letter.id}`,
      reason,
      detail: { code, uscc: letter.uscc, applicationId: letter.applicationId, ...checks },
    }),
  );
  throw new CoreError(code as CoreErrorCode, reason);
}
