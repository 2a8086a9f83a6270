/**
 * Records of materials management (物资管理, R33 "material (USB-KEY stock) management: query and
 * track stock"; domain-practice.md (f) 22): every move of a medium is a movement row (who, when,
 * from/to branch and state, why), and each branch sets a low-stock threshold per model.
 * Plain data like `service-model.ts`; the store maps the same shapes on SQLite and PostgreSQL.
 */
import type { MediumState } from './service-model.js';

/**
 * What moved a medium: 入库 receive, 调出 transfer-out (now in transit), 调入 transfer-in (signed
 * for at the receiving branch), 发放 issue (personalised for a legal person), 退回 return (to stock
 * or to the vendor), 报废 scrap, 挂失 lose, 回收 retire, 换绑 rebind (renew/change wrote a new pair on it).
 */
export type MovementKind =
  'receive' | 'transfer-out' | 'transfer-in' | 'issue' | 'return' | 'scrap' | 'lose' | 'retire' | 'rebind';

/** One movement of one medium (append only). */
export interface MediumMovementRecord {
  readonly id: string;
  readonly mediumSerial: string;
  readonly kind: MovementKind;
  readonly fromBranch: string | null;
  readonly toBranch: string | null;
  readonly fromState: MediumState | null;
  readonly toState: MediumState;
  /** Operator (audit name). */
  readonly actor: string;
  readonly reason: string | null;
  /** Holder, pair, batch, application: what the movement was about. */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** 低库存预警 a branch's minimum stock of one model: fewer in stock warns. */
export interface StockThresholdRecord {
  readonly branchId: string;
  readonly model: string;
  readonly minimum: number;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

/** Filters of a media query; all given fields must match. */
export interface MediaQuery {
  readonly serial?: string;
  readonly branchId?: string;
  readonly state?: MediumState;
  readonly model?: string;
  readonly batch?: string;
  readonly uscc?: string;
  readonly limit: number;
}

/** Filters of the movement log; newest first. */
export interface MovementQuery {
  readonly mediumSerial?: string;
  /** Movements from or to this branch. */
  readonly branchId?: string;
  readonly limit: number;
}

/** Media counted by branch, model and state. */
export interface StockCount {
  readonly branchId: string | null;
  readonly model: string;
  readonly state: MediumState;
  readonly count: number;
}
