/**
 * 网点 service branches (R33 branch counter subsystem, R37 back office "branch management"):
 * where operators work and applications are taken. Created and changed by a CA administrator
 * (the API's route declarations say so); every change is audited in its transaction.
 */
import type { AccountActor, BranchRecord } from './account-model.js';
import type { AccountContext } from './account-scope.js';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import { StoreConflictError, type StoreTx } from './ports/store.js';

const BRANCH_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
/** GB/T 2260 administrative division codes: six digits, the first two a province (11–82). */
const REGION_CODE = /^[1-8]\d{5}$/;

export interface BranchInput {
  readonly id: string;
  readonly name: string;
  readonly regionCode: string;
  readonly address: string;
}

export type BranchChange = Partial<Pick<BranchRecord, 'name' | 'regionCode' | 'address' | 'active'>>;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new CoreError('YZ_ERR_INPUT', `${field} must be 1–${max} characters`);
  return value.trim();
}

function regionCode(value: unknown): string {
  if (typeof value !== 'string' || !REGION_CODE.test(value))
    throw new CoreError(
      'YZ_ERR_INPUT',
      `region code ${JSON.stringify(value)} is not a GB/T 2260 code (6 digits)`,
    );
  return value;
}

/** Loads a branch or refuses with `YZ_ERR_ACCOUNT_NOT_FOUND`. */
export async function requireBranch(tx: StoreTx, id: string): Promise<BranchRecord> {
  const branch = await tx.getBranch(id);
  if (!branch) throw new CoreError('YZ_ERR_ACCOUNT_NOT_FOUND', `no branch ${id}`);
  return branch;
}

/** Opens a branch. */
export async function createBranch(
  context: AccountContext,
  input: BranchInput,
  actor: AccountActor,
): Promise<BranchRecord> {
  if (typeof input.id !== 'string' || !BRANCH_ID.test(input.id))
    throw new CoreError('YZ_ERR_INPUT', `branch id ${JSON.stringify(input.id)} must be 2–32 of a-z, 0-9, -`);
  const fields = {
    name: text(input.name, 'branch name', 100),
    regionCode: regionCode(input.regionCode),
    address: text(input.address, 'branch address', 200),
  };
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const branch: BranchRecord = { id: input.id, ...fields, active: true, createdAt: now, updatedAt: now };
    try {
      await tx.insertBranch(branch);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new CoreError('YZ_ERR_ACCOUNT_EXISTS', `branch ${input.id} already exists`);
      throw error;
    }
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'branch.create',
      object: `branch:${branch.id}`,
      reason: null,
      detail: fields,
    });
    return branch;
  });
}

/** Renames, moves or closes (active: false) a branch. */
export async function updateBranch(
  context: AccountContext,
  id: string,
  change: BranchChange,
  actor: AccountActor,
): Promise<BranchRecord> {
  const checked: BranchChange = {
    ...(change.name !== undefined ? { name: text(change.name, 'branch name', 100) } : {}),
    ...(change.regionCode !== undefined ? { regionCode: regionCode(change.regionCode) } : {}),
    ...(change.address !== undefined ? { address: text(change.address, 'branch address', 200) } : {}),
    ...(change.active !== undefined ? { active: change.active === true } : {}),
  };
  if (Object.keys(checked).length === 0) throw new CoreError('YZ_ERR_INPUT', 'nothing to change');
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const branch = await requireBranch(tx, id);
    await tx.updateBranch(id, { ...checked, updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'branch.update',
      object: `branch:${id}`,
      reason: null,
      detail: { ...checked },
    });
    return { ...branch, ...checked, updatedAt: now };
  });
}
