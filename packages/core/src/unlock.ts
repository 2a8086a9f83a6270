/**
 * 解锁 unlock (R22, R24; reference domain-practice.md §(a.5), §(b)): a USB-KEY locked by a
 * forgotten PIN is unlocked by a challenge/response. The holder's client reads the medium serial
 * and an 8- or 16-byte random from the key (SKF_GenRandom); after the identity proof (SMS code,
 * counter check or reviewed form — recorded as evidence) the platform opens the medium's SO PIN
 * and answers with the SO-PIN authentication cryptogram and the new user PIN cryptogram
 * (`unlock-schemes.ts`). The key checks the first against its own random and sets the PIN.
 *
 * Rules enforced here, all in one transaction with the audit entry:
 * - single use: a (medium, challenge) answered once is refused ever after (`YZ_ERR_UNLOCK_REPLAY`);
 * - rate limit: at most `maxUnlocksPerDay` responses per medium in 24 hours (`YZ_ERR_RATE_LIMITED`);
 * - eligibility and charge (R24): see `eligibility.ts`;
 * - the new PIN is never a fixed default (the 000000 anti-pattern): the holder's choice, checked,
 *   or a random one-time PIN the holder must change on first use.
 * Expiry and serials are untouched: unlocking touches only the token.
 */
import { randomUUID } from 'node:crypto';
import { randomBytes, toHex } from '@yizheng/gm';
import { appendAudit } from './audit.js';
import { checkEligibility } from './eligibility.js';
import { CoreError } from './errors.js';
import { recordCharge } from './fees.js';
import { type MediaContext, requireMedium } from './media.js';
import type { Channel } from './model.js';
import { StoreConflictError } from './ports/store.js';
import type { ChargeRecord } from './service-model.js';
import { loadServicePolicy } from './service-policy.js';
import { unlockScheme } from './unlock-schemes.js';

const DAY = 86_400_000;

export interface UnlockInput {
  readonly mediumSerial: string;
  /** The medium's random, hex (8 or 16 bytes). */
  readonly challenge: string;
  /** Identity proof: `{ kind: 'sms' | 'counter' | 'review', reference: … }`. */
  readonly evidence: { readonly kind: string; readonly reference: string };
  readonly channel: Channel;
  readonly actor: string;
  /** The holder's new PIN; absent: a random one-time PIN is made. */
  readonly newUserPin?: string;
}

export interface UnlockResult {
  readonly applicationId: string;
  readonly scheme: string;
  /** R1, hex. */
  readonly authentication: string;
  /** R2, hex. */
  readonly pinCryptogram: string;
  /** Set when the platform chose the PIN: deliver it to the holder, who must change it. */
  readonly oneTimePin?: string;
  readonly charge: ChargeRecord;
}

const WEAK_PINS = new Set(['000000', '111111', '123456', '12345678', '88888888', '654321']);

/** A user PIN the holder may set: 6–16 letters or digits, not a well-known default. */
export function checkUserPin(pin: string): string {
  if (typeof pin !== 'string' || !/^[0-9A-Za-z]{6,16}$/.test(pin))
    throw new CoreError('YZ_ERR_INPUT', 'the new PIN must be 6–16 letters or digits');
  if (WEAK_PINS.has(pin) || /^(.)\1+$/.test(pin))
    throw new CoreError('YZ_ERR_INPUT', 'the new PIN is a well-known default; choose another');
  return pin;
}

function oneTimePin(): string {
  // 8 decimal digits from 40 random bits (bias below 2^-20)
  const n = BigInt(`0x${toHex(randomBytes(5))}`) % 100_000_000n;
  const pin = n.toString().padStart(8, '0');
  return WEAK_PINS.has(pin) || /^(.)\1+$/.test(pin) ? oneTimePin() : pin;
}

function challengeBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})$/.test(hex))
    throw new CoreError(
      'YZ_ERR_INPUT',
      'the unlock challenge must be the medium random as 16 or 32 hex digits',
    );
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Answers one unlock challenge (see the module doc for the rules). */
export async function unlockMedium(context: MediaContext, input: UnlockInput): Promise<UnlockResult> {
  const random = challengeBytes(input.challenge);
  const challenge = input.challenge.toUpperCase();
  if (!input.evidence || typeof input.evidence.kind !== 'string' || input.evidence.kind.trim() === '')
    throw new CoreError('YZ_ERR_INPUT', 'unlock needs the identity proof (evidence kind and reference)');
  const chosenPin = input.newUserPin === undefined ? undefined : checkUserPin(input.newUserPin);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const medium = await requireMedium(tx, input.mediumSerial);
    if (medium.state !== 'issued' || !medium.soPinSealed || !medium.pairId || !medium.uscc)
      throw new CoreError(
        'YZ_ERR_MEDIUM_STATE',
        `medium ${medium.serial} is ${medium.state}${medium.soPinSealed ? '' : ' and not personalised'}: nothing to unlock`,
      );
    const pair = await tx.queryCertificates({ pairId: medium.pairId });
    const sign = pair.find((c) => c.role === 'sign') ?? pair[0];
    if (!sign) throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `the pair on medium ${medium.serial} is gone`);
    const policy = await loadServicePolicy(tx);
    const eligibility = await checkEligibility(tx, { certificate: sign, service: 'unlock', at: now, policy });

    const applicationId = `app-${randomUUID()}`;
    await tx.insertApplication({
      id: applicationId,
      uscc: medium.uscc,
      businessType: 'unlock',
      channel: input.channel,
      state: 'completed',
      actor: input.actor,
      data: {
        mediumSerial: medium.serial,
        pairId: medium.pairId,
        evidence: { kind: input.evidence.kind, reference: input.evidence.reference },
        firstCertificate: eligibility.firstCertificate,
        pin: chosenPin === undefined ? 'one-time' : 'holder-chosen',
      },
      createdAt: now,
      updatedAt: now,
    });
    try {
      await tx.insertUnlock({
        id: `unlock-${randomUUID()}`,
        mediumSerial: medium.serial,
        challenge,
        uscc: medium.uscc,
        pairId: medium.pairId,
        actor: input.actor,
        evidence: { kind: input.evidence.kind, reference: input.evidence.reference },
        applicationId,
        createdAt: now,
      });
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new CoreError(
          'YZ_ERR_UNLOCK_REPLAY',
          `challenge ${challenge} of medium ${medium.serial} was already answered: read a fresh one from the key`,
        );
      throw error;
    }
    const recent = await tx.countUnlocks(medium.serial, new Date(now.getTime() - DAY));
    if (recent > policy.maxUnlocksPerDay)
      throw new CoreError(
        'YZ_ERR_RATE_LIMITED',
        `medium ${medium.serial} was unlocked ${recent - 1} times in 24 hours (limit ${policy.maxUnlocksPerDay})`,
      );
    const charge = await recordCharge(tx, {
      applicationId,
      uscc: medium.uscc,
      decision: eligibility.charge,
      at: now,
      actor: input.actor,
    });
    // audited before the SO PIN is opened (R3: a privileged use without its entry does not happen)
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'medium.unlock',
      object: `medium:${medium.serial}`,
      reason: input.evidence.kind,
      detail: {
        uscc: medium.uscc,
        pairId: medium.pairId,
        applicationId,
        challenge,
        scheme: medium.scheme,
        evidence: input.evidence.reference,
        privileged: 'so-pin used for an unlock response',
      },
    });
    const soPin = context.soPins.open(medium.soPinSealed, medium.serial);
    const newPin = chosenPin ?? oneTimePin();
    const response = unlockScheme(medium.scheme).respond(soPin, random, newPin);
    return {
      applicationId,
      scheme: medium.scheme,
      authentication: toHex(response.authentication).toUpperCase(),
      pinCryptogram: toHex(response.pinCryptogram).toUpperCase(),
      ...(chosenPin === undefined ? { oneTimePin: newPin } : {}),
      charge,
    };
  });
}
