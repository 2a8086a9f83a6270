/**
 * 物资管理 materials management (R33 "material (USB-KEY stock) management: query and track stock";
 * R37 back office "material management"; domain-practice.md (f) 22): transfers between branches
 * (调拨: out of one branch into transit, signed for at the other), returns (退回: a key brought back
 * goes to stock, or a faulty one to the vendor), scrapping with a reason (报废), and per-branch
 * low-stock thresholds (低库存预警). Receipt (入库) and issue (发放, personalisation) live in media.ts.
 *
 * Every move is one transaction: the medium's row, its movement (`medium-movements.ts`) and the
 * audit entry commit together, and a refused move changes nothing. Scope follows the branch rules
 * of `account-scope.ts`: a CA administrator acts on every branch; the counter roles (operator,
 * branch manager) act on their own branch's stock only — `YZ_ERR_OUT_OF_SCOPE` otherwise.
 */
import type { AccountActor, BranchRecord } from './account-model.js';
import type { AccountContext } from './account-scope.js';
import { appendAudit } from './audit.js';
import { requireBranch } from './branches.js';
import { CoreError } from './errors.js';
import type { StockThresholdRecord } from './materials-model.js';
import { requireMedium, requireStock } from './media.js';
import { recordMovement } from './medium-movements.js';
import type { Store, StoreTx } from './ports/store.js';
import type { MediumRecord } from './service-model.js';

/** Refuses unless `actor` may move stock held at `branchId` (a CA administrator: any branch). */
export function checkStockScope(actor: AccountActor, branchId: string | null): void {
  if (actor.roles.includes('ca-admin')) return;
  if (actor.branchId === null || actor.branchId !== branchId)
    throw new CoreError(
      'YZ_ERR_OUT_OF_SCOPE',
      `${actor.name} works for branch ${actor.branchId ?? '(none)'}; this stock is at ${branchId ?? 'the central store'}`,
    );
}

/** The branch a receipt goes to: the one asked for (in scope), else the actor's own. */
export function receivingBranch(actor: AccountActor, asked: string | null | undefined): string | null {
  const branchId = asked === undefined ? actor.branchId : asked;
  checkStockScope(actor, branchId);
  return branchId;
}

function reasonOf(reason: unknown, what: string): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 500)
    throw new CoreError('YZ_ERR_INPUT', `${what} needs a reason of 1–500 characters (it is audited)`);
  return reason.trim();
}

function serialsOf(serials: readonly string[]): readonly string[] {
  if (serials.length === 0) throw new CoreError('YZ_ERR_INPUT', 'no medium serials given');
  if (new Set(serials).size !== serials.length)
    throw new CoreError('YZ_ERR_INPUT', 'a medium serial appears twice');
  return serials;
}

async function openBranch(tx: StoreTx, id: string): Promise<BranchRecord> {
  const branch = await requireBranch(tx, id);
  if (!branch.active) throw new CoreError('YZ_ERR_MEDIUM_MOVE', `branch ${id} is closed`);
  return branch;
}

/**
 * 调出 transfer: media in stock at the sender's branch leave for `toBranch` and are in transit
 * until that branch signs for them (`receiveTransfer`). All or none.
 */
export async function transferMedia(
  context: AccountContext,
  input: { serials: readonly string[]; toBranch: string; reason?: string },
  actor: AccountActor,
): Promise<MediumRecord[]> {
  const serials = serialsOf(input.serials);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    await openBranch(tx, input.toBranch);
    const moved: MediumRecord[] = [];
    for (const serial of serials) {
      const medium = await requireStock(tx, serial);
      checkStockScope(actor, medium.branchId);
      if (medium.branchId === input.toBranch)
        throw new CoreError('YZ_ERR_MEDIUM_MOVE', `medium ${serial} is already at branch ${input.toBranch}`);
      const change = { state: 'transit' as const, branchId: input.toBranch, updatedAt: now };
      await tx.updateMedium(serial, change);
      await recordMovement(tx, {
        kind: 'transfer-out',
        before: medium,
        serial,
        toBranch: input.toBranch,
        toState: 'transit',
        actor: actor.name,
        reason: input.reason?.trim() || null,
        detail: { model: medium.model, batch: medium.batch },
        at: now,
      });
      moved.push({ ...medium, ...change });
    }
    return moved;
  });
}

/** 调入 sign for media in transit to the actor's branch: they join its stock. All or none. */
export async function receiveTransfer(
  context: AccountContext,
  input: { serials: readonly string[] },
  actor: AccountActor,
): Promise<MediumRecord[]> {
  const serials = serialsOf(input.serials);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const moved: MediumRecord[] = [];
    for (const serial of serials) {
      const medium = await requireMedium(tx, serial);
      if (medium.state !== 'transit')
        throw new CoreError('YZ_ERR_MEDIUM_STATE', `medium ${serial} is ${medium.state}, not in transit`);
      checkStockScope(actor, medium.branchId);
      // the sender is the branch of the transfer-out movement that put it in transit
      const [sent] = await tx.listMovements({ mediumSerial: serial, limit: 1 });
      const change = { state: 'stock' as const, updatedAt: now };
      await tx.updateMedium(serial, change);
      await recordMovement(tx, {
        kind: 'transfer-in',
        before: { serial, state: medium.state, branchId: sent?.fromBranch ?? null },
        serial,
        toBranch: medium.branchId,
        toState: 'stock',
        actor: actor.name,
        reason: null,
        detail: { model: medium.model, batch: medium.batch },
        at: now,
      });
      moved.push({ ...medium, ...change });
    }
    return moved;
  });
}

/**
 * 退回 return: a key handed back by its holder (issued) goes to the stock of the actor's branch
 * (`to: 'stock'`, its binding cleared — personalisation writes a fresh SO PIN) or to the vendor;
 * a faulty key in stock goes to the vendor (`returned`, out of stock). Needs a reason.
 */
export async function returnMedium(
  context: AccountContext,
  input: { serial: string; to: 'stock' | 'vendor'; reason: string },
  actor: AccountActor,
): Promise<MediumRecord> {
  const reason = reasonOf(input.reason, 'a return');
  if (input.to !== 'stock' && input.to !== 'vendor')
    throw new CoreError(
      'YZ_ERR_INPUT',
      `a medium returns to stock or to the vendor, not ${String(input.to)}`,
    );
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const medium = await requireMedium(tx, input.serial);
    let change: Partial<MediumRecord> & { updatedAt: Date };
    if (medium.state === 'issued') {
      // the holder may bring it to any counter: it lands in that counter's stock
      const branchId = actor.branchId ?? medium.branchId;
      change =
        input.to === 'stock'
          ? { state: 'stock', branchId, uscc: null, pairId: null, soPinSealed: null, updatedAt: now }
          : { state: 'returned', branchId, updatedAt: now };
    } else if (medium.state === 'stock' && input.to === 'vendor') {
      checkStockScope(actor, medium.branchId);
      change = { state: 'returned', updatedAt: now };
    } else
      throw new CoreError(
        'YZ_ERR_MEDIUM_STATE',
        `medium ${medium.serial} is ${medium.state}: only an issued key returns (to stock or vendor), or one in stock to the vendor`,
      );
    await tx.updateMedium(medium.serial, change);
    const after = { ...medium, ...change };
    await recordMovement(tx, {
      kind: 'return',
      before: medium,
      serial: medium.serial,
      toBranch: after.branchId,
      toState: after.state,
      actor: actor.name,
      reason,
      detail: { to: input.to, uscc: medium.uscc, pairId: medium.pairId },
      at: now,
    });
    return after;
  });
}

/** 报废 scrap a medium in stock (damaged, failed self-test) with a reason; an issued key is refused. */
export async function scrapMedium(
  context: AccountContext,
  input: { serial: string; reason: string },
  actor: AccountActor,
): Promise<MediumRecord> {
  const reason = reasonOf(input.reason, 'scrapping');
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const medium = await requireMedium(tx, input.serial);
    if (medium.state !== 'stock')
      throw new CoreError(
        'YZ_ERR_MEDIUM_STATE',
        `medium ${medium.serial} is ${medium.state}: only a medium in stock is scrapped (return an issued one first)`,
      );
    checkStockScope(actor, medium.branchId);
    const change = { state: 'retired' as const, updatedAt: now };
    await tx.updateMedium(medium.serial, change);
    await recordMovement(tx, {
      kind: 'scrap',
      before: medium,
      serial: medium.serial,
      toBranch: medium.branchId,
      toState: 'retired',
      actor: actor.name,
      reason,
      detail: { model: medium.model, batch: medium.batch },
      at: now,
    });
    return { ...medium, ...change };
  });
}

const MODEL_MAX = 100;

/** Sets the low-stock threshold of (branch, model): fewer than `minimum` in stock warns. */
export async function setStockThreshold(
  context: AccountContext,
  input: { branchId: string; model: string; minimum: number },
  actor: AccountActor,
): Promise<StockThresholdRecord> {
  checkStockScope(actor, input.branchId);
  if (typeof input.model !== 'string' || input.model.trim() === '' || input.model.length > MODEL_MAX)
    throw new CoreError('YZ_ERR_INPUT', `the medium model must be 1–${MODEL_MAX} characters`);
  if (!Number.isSafeInteger(input.minimum) || input.minimum < 0 || input.minimum > 1_000_000)
    throw new CoreError('YZ_ERR_INPUT', 'the minimum stock must be a whole number from 0 to 1000000');
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    await requireBranch(tx, input.branchId);
    const threshold: StockThresholdRecord = {
      branchId: input.branchId,
      model: input.model.trim(),
      minimum: input.minimum,
      updatedBy: actor.name,
      updatedAt: now,
    };
    await tx.putStockThreshold(threshold);
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'stock.threshold',
      object: `branch:${input.branchId}`,
      reason: null,
      detail: { model: threshold.model, minimum: threshold.minimum },
    });
    return threshold;
  });
}

/** A low-stock warning: (branch, model) with fewer media in stock than its minimum. */
export interface LowStockWarning {
  readonly branchId: string;
  readonly model: string;
  readonly minimum: number;
  readonly inStock: number;
}

/** The low-stock warnings now, of one branch or all (R33 "query and track stock"). */
export async function lowStockWarnings(store: Store, branchId?: string): Promise<LowStockWarning[]> {
  const thresholds = await store.read.listStockThresholds(branchId);
  const counts = await store.read.stockCounts(branchId);
  const inStock = (branch: string, model: string): number =>
    counts
      .filter((c) => c.branchId === branch && c.model === model && c.state === 'stock')
      .reduce((sum, c) => sum + c.count, 0);
  return thresholds
    .map((t) => ({
      branchId: t.branchId,
      model: t.model,
      minimum: t.minimum,
      inStock: inStock(t.branchId, t.model),
    }))
    .filter((w) => w.inStock < w.minimum);
}
