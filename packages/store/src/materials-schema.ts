/**
 * Tables of migration `0014_materials` (materials management, R33): the movement log of media and
 * the per-branch low-stock thresholds; the same migration adds `branch_id` and `batch` to `media`.
 * Same column conventions as `schema.ts`.
 */
import type { JsonColumn, TimeValue } from './schema.js';

export interface MediumMovementsTable {
  id: string;
  medium_serial: string;
  seq: number;
  kind: string;
  from_branch: string | null;
  to_branch: string | null;
  from_state: string | null;
  to_state: string;
  actor: string;
  reason: string | null;
  detail: JsonColumn;
  at: TimeValue;
}

export interface StockThresholdsTable {
  branch_id: string;
  model: string;
  minimum: number;
  updated_by: string;
  updated_at: TimeValue;
}

/** The tables `0014_materials` adds. */
export interface MaterialsTables {
  medium_movements: MediumMovementsTable;
  stock_thresholds: StockThresholdsTable;
}
