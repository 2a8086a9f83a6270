/**
 * The store operations of materials management (物资管理, R33): media queries and counts, the
 * movement log and the low-stock thresholds. Declared apart from `ServiceStoreTx` (which keeps a
 * medium's own row) so each concern reads on its own; `StoreTx` extends it.
 */
import type {
  MediaQuery,
  MediumMovementRecord,
  MovementQuery,
  StockCount,
  StockThresholdRecord,
} from '../materials-model.js';
import type { MediumRecord } from '../service-model.js';

export interface MaterialsStoreTx {
  /** Media matching every given filter, by serial. */
  queryMedia(query: MediaQuery): Promise<MediumRecord[]>;
  /** Media counted by (branch, model, state); of one branch when given. */
  stockCounts(branchId?: string): Promise<StockCount[]>;
  insertMovement(movement: MediumMovementRecord): Promise<void>;
  /** Newest first. */
  listMovements(query: MovementQuery): Promise<MediumMovementRecord[]>;
  /** Sets (or replaces) the threshold of (branch, model). */
  putStockThreshold(threshold: StockThresholdRecord): Promise<void>;
  /** Thresholds, of one branch when given, by branch then model. */
  listStockThresholds(branchId?: string): Promise<StockThresholdRecord[]>;
}
