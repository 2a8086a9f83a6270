/**
 * The movement log of media (物资流水, R33 "track stock"): one row per move of one medium, written
 * in the transaction that moves it, next to its audit entry — so the log and the medium's state
 * can never disagree, and the audit chain (R3) holds the same facts tamper-evidently.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from './audit.js';
import type { MediumMovementRecord, MovementKind } from './materials-model.js';
import type { StoreTx } from './ports/store.js';
import type { MediumRecord, MediumState } from './service-model.js';

/** The audit action of each movement kind (the names media.ts used before the log existed). */
const AUDIT_ACTIONS: Readonly<Record<MovementKind, string>> = {
  receive: 'medium.receive',
  'transfer-out': 'medium.transfer-out',
  'transfer-in': 'medium.transfer-in',
  issue: 'medium.personalise',
  return: 'medium.return',
  scrap: 'medium.scrap',
  lose: 'medium.lose',
  retire: 'medium.retire',
  rebind: 'medium.rebind',
};

export interface MovementInput {
  readonly kind: MovementKind;
  /** The medium before the move (null for a receipt). */
  readonly before: Pick<MediumRecord, 'serial' | 'state' | 'branchId'> | null;
  readonly serial: string;
  readonly toBranch: string | null;
  readonly toState: MediumState;
  readonly actor: string;
  readonly reason: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
  /** Write the audit entry too (false when the caller audits the whole batch once). */
  readonly audit?: boolean;
}

/** Appends one movement (and, unless told not to, its audit entry) inside `tx`. */
export async function recordMovement(tx: StoreTx, input: MovementInput): Promise<MediumMovementRecord> {
  const movement: MediumMovementRecord = {
    id: `mv-${randomUUID()}`,
    mediumSerial: input.serial,
    kind: input.kind,
    fromBranch: input.before?.branchId ?? null,
    toBranch: input.toBranch,
    fromState: input.before?.state ?? null,
    toState: input.toState,
    actor: input.actor,
    reason: input.reason,
    detail: input.detail,
    at: input.at,
  };
  await tx.insertMovement(movement);
  if (input.audit !== false)
    await appendAudit(tx, {
      at: input.at,
      actor: input.actor,
      action: AUDIT_ACTIONS[input.kind],
      object: `medium:${input.serial}`,
      reason: input.reason,
      detail: {
        ...input.detail,
        from: { branch: movement.fromBranch, state: movement.fromState },
        to: { branch: movement.toBranch, state: movement.toState },
      },
    });
  return movement;
}
