/**
 * Tables of migration `0003_service` (after-sales services and policy): media with their sealed
 * SO PIN, unlock responses (one row per answered challenge, R22), published fee schedules and
 * charges (R17), and settings. Same column conventions as `schema.ts`.
 */
import type { BytesColumn, JsonColumn, TimeValue } from './schema.js';

export interface MediaTable {
  serial: string;
  model: string;
  scheme: string;
  state: string;
  /** Added by `0014_materials`. */
  branch_id: string | null;
  batch: string | null;
  uscc: string | null;
  pair_id: string | null;
  so_pin_sealed: BytesColumn | null;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface MediumUnlocksTable {
  id: string;
  medium_serial: string;
  challenge: string;
  uscc: string;
  pair_id: string;
  actor: string;
  evidence: JsonColumn;
  application_id: string;
  created_at: TimeValue;
}

export interface FeeSchedulesTable {
  version: number;
  items: JsonColumn;
  published_at: TimeValue;
  published_by: string;
}

export interface ChargesTable {
  id: string;
  application_id: string;
  uscc: string;
  code: string;
  name: string;
  amount_fen: number;
  status: string;
  note: string;
  schedule_version: number | null;
  created_at: TimeValue;
}

export interface SettingsTable {
  key: string;
  value: JsonColumn;
  updated_at: TimeValue;
}

/** The tables `0003_service` adds. */
export interface ServiceTables {
  media: MediaTable;
  medium_unlocks: MediumUnlocksTable;
  fee_schedules: FeeSchedulesTable;
  charges: ChargesTable;
  settings: SettingsTable;
}
