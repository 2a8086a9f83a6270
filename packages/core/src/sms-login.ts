/**
 * Agent login by phone and SMS code (经办人手机 + 短信验证码, R34): the agent of a legal person
 * gives the enterprise's USCC and the mobile number registered for them — the agent (经办人) of
 * one of its applications (`applicant.ts`) — and receives a random six-digit code by SMS; the
 * code logs them in as the legal person (a session of role `applicant` bound to that USCC).
 *
 * - A code is kept only as SM3 of its id and value, lives `SMS_CODE_RULES.ttlMinutes`, works
 *   once, and dies after `maxAttempts` wrong tries (a six-digit code cannot be guessed in five).
 * - Sending is rate limited per phone (one a minute, `perPhonePerHour` an hour) and per client
 *   address (`perAddressPerHour`), counted in the store so the limits hold across nodes.
 * - Every code sent, every login and every refusal is audited; the phone shows masked there.
 */
import { randomUUID } from 'node:crypto';
import { randomBytes, sm3, toHex, utf8 } from '@yizheng/gm';
import { isValidUscc } from '@yizheng/pki';
import type { AgentDetails } from './applicant.js';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { SmsGateway } from './ports/sms-gateway.js';
import type { Store, StoreTx } from './ports/store.js';
import type { SmsCodeRecord } from './portal-model.js';
import { type SessionGrant, openSession, recordLoginFailure } from './sessions.js';

export const SMS_CODE_RULES = {
  ttlMinutes: 5,
  maxAttempts: 5,
  minSecondsBetween: 60,
  perPhonePerHour: 5,
  perAddressPerHour: 20,
} as const;

const MINUTE = 60_000;
const PHONE = /^1\d{10}$/;

/** What the SMS login needs: the store, the clock and the SMS port. */
export interface SmsLoginContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly sms: SmsGateway;
}

/** `138****8000`: what the audit trail and the pages show of a phone number. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '***';
}

function codeHash(id: string, code: string): string {
  return toHex(sm3(utf8(`${id}:${code}`)));
}

/** A uniformly random six-digit code (rejection sampling: no digit is likelier than another). */
function randomCode(): string {
  for (;;) {
    const n = new DataView(randomBytes(4).buffer).getUint32(0);
    if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0');
  }
}

function agentsOf(data: Readonly<Record<string, unknown>>): AgentDetails[] {
  const direct = data.agent as AgentDetails | undefined;
  const inReview = (data.issue as { applicant?: { agent?: AgentDetails } } | undefined)?.applicant?.agent;
  return [direct, inReview].filter((a): a is AgentDetails => a !== undefined && typeof a === 'object');
}

/** The agent registered for `uscc` with mobile `phone` (newest registration first), or undefined. */
export async function registeredAgent(
  tx: StoreTx,
  uscc: string,
  phone: string,
): Promise<AgentDetails | undefined> {
  const applications = (await tx.listApplications(uscc)).sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
  );
  for (const application of applications)
    for (const agent of agentsOf(application.data)) if (agent.phone === phone) return agent;
  return undefined;
}

function checkInput(input: { uscc: string; phone: string }): void {
  if (typeof input.uscc !== 'string' || !isValidUscc(input.uscc))
    throw new CoreError('YZ_ERR_USCC', 'the unified social credit code is not valid (GB 32100)');
  if (typeof input.phone !== 'string' || !PHONE.test(input.phone))
    throw new CoreError('YZ_ERR_INPUT', 'the mobile number must be 11 digits starting with 1');
}

/**
 * 发送验证码: sends a login code to a registered agent's phone. Refused: an unregistered phone
 * (`YZ_ERR_AGENT_NOT_REGISTERED`), too many codes (`YZ_ERR_RATE_LIMITED`), the SMS provider down
 * (`YZ_ERR_SMS_UNAVAILABLE`, nothing kept).
 */
export async function requestSmsCode(
  context: SmsLoginContext,
  input: { uscc: string; phone: string; from: string },
): Promise<{ expiresAt: Date; phone: string }> {
  checkInput(input);
  const code = randomCode();
  const now = context.clock.now();
  const record: SmsCodeRecord = {
    id: `sms-${randomUUID()}`,
    uscc: input.uscc,
    phone: input.phone,
    codeHash: '',
    fromAddress: input.from,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SMS_CODE_RULES.ttlMinutes * MINUTE),
    attempts: 0,
    usedAt: null,
  };
  const refusal = await context.store.transaction(async (tx) => {
    const hourAgo = new Date(now.getTime() - 60 * MINUTE);
    const agent = await registeredAgent(tx, input.uscc, input.phone);
    const latest = await tx.latestSmsCode(input.uscc, input.phone);
    const reason = !agent
      ? ([
          'YZ_ERR_AGENT_NOT_REGISTERED',
          'no agent with this phone is registered for this legal person',
        ] as const)
      : (latest && now.getTime() - latest.createdAt.getTime() < SMS_CODE_RULES.minSecondsBetween * 1000) ||
          (await tx.countSmsCodesToPhone(input.phone, hourAgo)) >= SMS_CODE_RULES.perPhonePerHour
        ? (['YZ_ERR_RATE_LIMITED', 'too many codes sent to this phone; wait and try again'] as const)
        : (await tx.countSmsCodesFromAddress(input.from, hourAgo)) >= SMS_CODE_RULES.perAddressPerHour
          ? ([
              'YZ_ERR_RATE_LIMITED',
              'too many codes asked for from this address; wait and try again',
            ] as const)
          : null;
    await appendAudit(tx, {
      at: now,
      actor: `agent:${maskPhone(input.phone)}`,
      action: reason ? 'sms-code.refuse' : 'sms-code.send',
      object: `legal-person:${input.uscc}`,
      reason: reason ? reason[1] : null,
      detail: { phone: maskPhone(input.phone), from: input.from },
    });
    if (reason) return reason;
    await tx.insertSmsCode({ ...record, codeHash: codeHash(record.id, code) });
    return null;
  });
  // a refusal is audited (its transaction committed) and then thrown
  if (refusal) throw new CoreError(refusal[0], refusal[1]);
  // sent after the commit: no database lock (the audit head's) is held while the provider answers
  try {
    await context.sms.send({
      phone: input.phone,
      text: `【一证】您的登录验证码为 ${code}，${SMS_CODE_RULES.ttlMinutes} 分钟内有效，请勿告诉他人。Your Yizheng login code is ${code} (valid ${SMS_CODE_RULES.ttlMinutes} minutes).`,
    });
  } catch (error) {
    // a code that never arrived is voided, so it cannot be used even if it leaked from a log
    await context.store.transaction(async (tx) => {
      await tx.updateSmsCode(record.id, { usedAt: context.clock.now() });
      await appendAudit(tx, {
        at: context.clock.now(),
        actor: 'system',
        action: 'sms-code.void',
        object: `legal-person:${input.uscc}`,
        reason: `not delivered: ${error instanceof Error ? error.message : String(error)}`,
        detail: { phone: maskPhone(input.phone) },
      });
    });
    if (error instanceof CoreError) throw error;
    throw new CoreError('YZ_ERR_SMS_UNAVAILABLE', 'the SMS provider could not deliver the code');
  }
  return { expiresAt: record.expiresAt, phone: maskPhone(input.phone) };
}

/** The agent a session was opened for (shown by the portal; named in authorisation letters). */
export interface AgentGrant extends SessionGrant {
  readonly agent: { readonly name: string; readonly phone: string };
}

/** The one message every refused code gets: which check failed is in the audit trail only. */
export const SMS_LOGIN_REFUSED = 'the code is wrong, expired or used; ask for a new one';

/** 短信登录: logs the agent in with the code; a session of role applicant for `uscc`. */
export async function loginWithSmsCode(
  context: Omit<SmsLoginContext, 'sms'>,
  input: { uscc: string; phone: string; code: string; from: string },
): Promise<AgentGrant> {
  checkInput(input);
  if (typeof input.code !== 'string' || !/^\d{6}$/.test(input.code))
    throw new CoreError('YZ_ERR_INPUT', 'the code is six digits');
  const grant = await context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const code = await tx.latestSmsCode(input.uscc, input.phone);
    const agent = await registeredAgent(tx, input.uscc, input.phone);
    const reason = !code
      ? 'no code sent'
      : code.usedAt
        ? 'code already used'
        : code.expiresAt.getTime() <= now.getTime()
          ? 'code expired'
          : code.attempts >= SMS_CODE_RULES.maxAttempts
            ? 'too many wrong codes'
            : !agent
              ? 'agent no longer registered'
              : codeHash(code.id, input.code) !== code.codeHash
                ? 'wrong code'
                : null;
    if (reason) {
      if (code && reason === 'wrong code') await tx.updateSmsCode(code.id, { attempts: code.attempts + 1 });
      await recordLoginFailure(tx, now, {
        object: `legal-person:${input.uscc}`,
        method: 'sms',
        reason,
        from: input.from,
        detail: { phone: maskPhone(input.phone) },
      });
      return undefined;
    }
    await tx.updateSmsCode(code!.id, { usedAt: now });
    const session = await openSession(tx, now, {
      kind: 'legal-person',
      subject: input.uscc,
      roles: ['applicant'],
      branchId: null,
      uscc: input.uscc,
    });
    await appendAudit(tx, {
      at: now,
      actor: `legal-person:${input.uscc}`,
      action: 'session.login',
      object: `legal-person:${input.uscc}`,
      reason: null,
      detail: {
        method: 'sms',
        agent: agent!.name,
        phone: maskPhone(input.phone),
        from: input.from,
        expiresAt: session.expiresAt.toISOString(),
      },
    });
    return { ...session, agent: { name: agent!.name, phone: input.phone } };
  });
  if (!grant) throw new CoreError('YZ_ERR_SMS_CODE', SMS_LOGIN_REFUSED);
  return grant;
}
