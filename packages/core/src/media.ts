/**
 * Media (介质, USB-KEYs) and their SO-PIN vault (R22; reference domain-practice.md §(b) step 1):
 * every medium gets its own random SO PIN when it is personalised (制证), stored sealed (SM4-GCM
 * under a key derived from the vault master secret for the purpose `so-pin`, bound to the medium
 * serial). A batch-wide SO PIN typed by operators — the practice GDCA's patent CN104881595 set
 * out to end — would let one leak unlock every key.
 *
 * The SO PIN leaves the vault only twice, both audited as privileged reads: once at
 * personalisation (the tool writes it onto the key) and on an explicit read with a reason
 * (vendor maintenance). Unlock (unlock.ts) uses it inside the platform and returns cryptograms.
 */
import { randomBytes, toHex } from '@yizheng/gm';
import { appendAudit } from './audit.js';
import { requireBranch } from './branches.js';
import { CoreError } from './errors.js';
import { recordMovement } from './medium-movements.js';
import type { Clock } from './ports/clock.js';
import { StoreConflictError, type Store, type StoreTx } from './ports/store.js';
import { normaliseSerial, findPair } from './revocation.js';
import { Sealer } from './sealing.js';
import type { MediumRecord } from './service-model.js';
import { unlockScheme } from './unlock-schemes.js';

/** Seals and opens SO PINs; `generate` makes a fresh random one (64 bits, 16 hex characters). */
export class SoPinVault {
  readonly #sealer: Sealer;
  constructor(masterSecret: string | Uint8Array) {
    this.#sealer = new Sealer(masterSecret, 'so-pin');
  }
  generate(): string {
    return toHex(randomBytes(8)).toUpperCase();
  }
  seal(soPin: string, mediumSerial: string): Uint8Array {
    return this.#sealer.seal(new TextEncoder().encode(soPin), `medium:${mediumSerial}`);
  }
  open(sealed: Uint8Array, mediumSerial: string): string {
    return new TextDecoder().decode(this.#sealer.open(sealed, `medium:${mediumSerial}`, 'YZ_ERR_VAULT_KEY'));
  }
}

/** What media operations need. */
export interface MediaContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly soPins: SoPinVault;
}

/** The default scheme for a model unless the stock entry names one. */
export const DEFAULT_UNLOCK_SCHEME = 'skf-sha1-sm4';

const SERIAL_PATTERN = /^[0-9A-Za-z-]{4,64}$/;

function checkMediumSerial(serial: string): string {
  if (typeof serial !== 'string' || !SERIAL_PATTERN.test(serial))
    throw new CoreError(
      'YZ_ERR_INPUT',
      `medium serial ${JSON.stringify(serial)} must be 4–64 letters, digits or -`,
    );
  return serial;
}

/** Loads a medium or refuses with `YZ_ERR_MEDIUM_NOT_FOUND`. */
export async function requireMedium(tx: StoreTx, serial: string): Promise<MediumRecord> {
  const medium = await tx.getMedium(serial);
  if (!medium) throw new CoreError('YZ_ERR_MEDIUM_NOT_FOUND', `no medium ${serial}`);
  return medium;
}

const BATCH_PATTERN = /^[0-9A-Za-z._-]{1,64}$/;

/**
 * 入库: media received into a branch's stock (or the central store when no branch is given), with
 * the vendor's batch number; all or none — a serial already known refuses the batch. Each medium
 * gets a `receive` movement; one audit entry covers the batch.
 */
export async function receiveMedia(
  context: MediaContext,
  input: {
    serials: readonly string[];
    model: string;
    scheme?: string;
    actor: string;
    branchId?: string | null;
    batch?: string | null;
  },
): Promise<MediumRecord[]> {
  const scheme = unlockScheme(input.scheme ?? DEFAULT_UNLOCK_SCHEME).id;
  if (input.serials.length === 0) throw new CoreError('YZ_ERR_INPUT', 'no medium serials given');
  if (typeof input.model !== 'string' || input.model.trim() === '')
    throw new CoreError('YZ_ERR_INPUT', 'the medium model is required');
  const batch = input.batch ?? null;
  if (batch !== null && !BATCH_PATTERN.test(batch))
    throw new CoreError(
      'YZ_ERR_INPUT',
      `batch number ${JSON.stringify(batch)} must be 1–64 of 0-9 A-Z . _ -`,
    );
  const serials = input.serials.map(checkMediumSerial);
  const branchId = input.branchId ?? null;
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    if (branchId !== null && !(await requireBranch(tx, branchId)).active)
      throw new CoreError('YZ_ERR_MEDIUM_MOVE', `branch ${branchId} is closed: it receives no media`);
    const media: MediumRecord[] = [];
    for (const serial of serials) {
      const medium: MediumRecord = {
        serial,
        model: input.model,
        scheme,
        state: 'stock',
        branchId,
        batch,
        uscc: null,
        pairId: null,
        soPinSealed: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await tx.insertMedium(medium);
      } catch (error) {
        if (error instanceof StoreConflictError)
          throw new CoreError('YZ_ERR_MEDIUM_STATE', `medium ${serial} is already registered`);
        throw error;
      }
      await recordMovement(tx, {
        kind: 'receive',
        before: null,
        serial,
        toBranch: branchId,
        toState: 'stock',
        actor: input.actor,
        reason: null,
        detail: { model: input.model, batch },
        at: now,
        audit: false,
      });
      media.push(medium);
    }
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'medium.receive',
      object: `media:${input.model}`,
      reason: null,
      detail: { serials: [...serials], scheme, branchId, batch },
    });
    return media;
  });
}

/**
 * 制证 personalisation: writes a certificate pair onto a medium from stock. Generates the
 * medium's random SO PIN, seals it, binds the medium to the holder's pair and returns the SO PIN
 * this once, for the personalisation tool to set on the key (a privileged read, audited).
 */
export async function personaliseMedium(
  context: MediaContext,
  input: PersonaliseInput,
): Promise<{ medium: MediumRecord; soPin: string }> {
  checkMediumSerial(input.mediumSerial);
  return context.store.transaction((tx) => personaliseInTransaction(tx, context, input, context.clock.now()));
}

/**
 * What personalisation needs. `branchId`, when given, is the counter's branch: the medium must be
 * in stock there (a counter issues from its own stock, R33).
 */
export interface PersonaliseInput {
  readonly mediumSerial: string;
  readonly certificateSerial: string;
  readonly actor: string;
  readonly branchId?: string | null;
  readonly applicationId?: string;
}

/** `personaliseMedium` inside a caller's transaction (the counter issues and personalises at once). */
export async function personaliseInTransaction(
  tx: StoreTx,
  context: Pick<MediaContext, 'soPins'>,
  input: PersonaliseInput,
  now: Date,
): Promise<{ medium: MediumRecord; soPin: string }> {
  const serial = normaliseSerial(input.certificateSerial);
  const medium = await requireStock(tx, input.mediumSerial, input.branchId);
  const pair = await findPair(tx, serial);
  const sign = pair.find((c) => c.role === 'sign') ?? pair[0]!;
  if (sign.status !== 'valid' || !sign.uscc)
    throw new CoreError(
      'YZ_ERR_STATE',
      `certificate ${sign.serial} is ${sign.status}; only a valid pair goes on a medium`,
    );
  const soPin = context.soPins.generate();
  const change = {
    state: 'issued' as const,
    uscc: sign.uscc,
    pairId: sign.pairId,
    soPinSealed: context.soPins.seal(soPin, medium.serial),
    updatedAt: now,
  };
  await tx.updateMedium(medium.serial, change);
  await recordMovement(tx, {
    kind: 'issue',
    before: medium,
    serial: medium.serial,
    toBranch: medium.branchId,
    toState: 'issued',
    actor: input.actor,
    reason: null,
    detail: {
      uscc: sign.uscc,
      pairId: sign.pairId,
      ...(input.applicationId ? { applicationId: input.applicationId } : {}),
      privileged: 'so-pin generated and handed to the personalisation tool',
    },
    at: now,
  });
  return { medium: { ...medium, ...change }, soPin };
}

/**
 * A medium in stock, at `branchId` when one is given (the counter's own stock); refused with
 * `YZ_ERR_MEDIUM_STATE` (not in stock) or `YZ_ERR_OUT_OF_SCOPE` (another branch's).
 */
export async function requireStock(
  tx: StoreTx,
  mediumSerial: string,
  branchId?: string | null,
): Promise<MediumRecord> {
  const medium = await requireMedium(tx, mediumSerial);
  if (medium.state !== 'stock')
    throw new CoreError('YZ_ERR_MEDIUM_STATE', `medium ${medium.serial} is ${medium.state}, not in stock`);
  if (branchId !== undefined && branchId !== null && medium.branchId !== branchId)
    throw new CoreError(
      'YZ_ERR_OUT_OF_SCOPE',
      `medium ${medium.serial} is in the stock of ${medium.branchId ?? 'the central store'}, not of branch ${branchId}`,
    );
  return medium;
}

/** Reads a medium's SO PIN for vendor maintenance: a privileged read, refused without a reason, audited. */
export async function readSoPin(
  context: MediaContext,
  input: { mediumSerial: string; actor: string; reason: string },
): Promise<string> {
  if (typeof input.reason !== 'string' || input.reason.trim() === '')
    throw new CoreError('YZ_ERR_INPUT', 'reading an SO PIN needs a reason (it is audited)');
  return context.store.transaction(async (tx) => {
    const medium = await requireMedium(tx, input.mediumSerial);
    if (!medium.soPinSealed)
      throw new CoreError('YZ_ERR_MEDIUM_STATE', `medium ${medium.serial} has not been personalised`);
    // the audit entry is written before the secret is opened: no entry, no read (R3)
    await appendAudit(tx, {
      at: context.clock.now(),
      actor: input.actor,
      action: 'medium.so-pin.read',
      object: `medium:${medium.serial}`,
      reason: input.reason,
      detail: { uscc: medium.uscc, privileged: 'so-pin read' },
    });
    return context.soPins.open(medium.soPinSealed, medium.serial);
  });
}

/** 挂失 / 回收: marks a medium lost or retired; its SO PIN is kept sealed for the record. */
export async function setMediumState(
  context: MediaContext,
  input: { mediumSerial: string; state: 'lost' | 'retired'; actor: string; reason: string },
): Promise<MediumRecord> {
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const medium = await requireMedium(tx, input.mediumSerial);
    if (medium.state === 'retired')
      throw new CoreError('YZ_ERR_MEDIUM_STATE', `medium ${medium.serial} is already retired`);
    await tx.updateMedium(medium.serial, { state: input.state, updatedAt: now });
    await recordMovement(tx, {
      kind: input.state === 'lost' ? 'lose' : 'retire',
      before: medium,
      serial: medium.serial,
      toBranch: medium.branchId,
      toState: input.state,
      actor: input.actor,
      reason: input.reason,
      detail: { uscc: medium.uscc },
      at: now,
    });
    return { ...medium, state: input.state, updatedAt: now };
  });
}

/**
 * Moves the media of a replaced pair (inside the lifecycle step's transaction): renew and change
 * write the new pair onto the same medium; reissue replaces a lost or broken medium, so the old
 * one is marked lost.
 */
export async function followPairOnMedia(
  tx: StoreTx,
  input: {
    uscc: string;
    oldPairId: string;
    newPairId: string;
    step: 'renew' | 'change' | 'reissue';
    at: Date;
    actor: string;
  },
): Promise<void> {
  for (const medium of await tx.listMedia(input.uscc)) {
    if (medium.pairId !== input.oldPairId || medium.state !== 'issued') continue;
    const change =
      input.step === 'reissue'
        ? { state: 'lost' as const, updatedAt: input.at }
        : { pairId: input.newPairId, updatedAt: input.at };
    await tx.updateMedium(medium.serial, change);
    await recordMovement(tx, {
      kind: input.step === 'reissue' ? 'lose' : 'rebind',
      before: medium,
      serial: medium.serial,
      toBranch: medium.branchId,
      toState: input.step === 'reissue' ? 'lost' : 'issued',
      actor: input.actor,
      reason: input.step,
      detail: { uscc: input.uscc, fromPairId: input.oldPairId, toPairId: input.newPairId },
      at: input.at,
    });
  }
}
