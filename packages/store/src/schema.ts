/**
 * The tables of the store as Kysely sees them (issue 4 "Storage"). Column names are snake_case;
 * `mapping.ts` is the one place that turns these rows into the records of `@yizheng/core`.
 *
 * Three column kinds differ between the two databases, and the types say so instead of hiding
 * it: times are epoch milliseconds on SQLite and `timestamptz` (a `Date`) on PostgreSQL,
 * booleans are 0/1 on SQLite and `boolean` on PostgreSQL, and JSON is written as text on both
 * but read back as text (SQLite) or already parsed (PostgreSQL `jsonb`).
 */
import type { ColumnType } from 'kysely';
import type { AccountTables } from './account-schema.js';
import type { PortalTables } from './portal-schema.js';
import type { MaterialsTables } from './materials-schema.js';
import type { ServiceTables } from './service-schema.js';
import type { StatusTables } from './status-schema.js';

/** Epoch milliseconds (SQLite INTEGER) or a `Date` (PostgreSQL timestamptz). */
export type TimeValue = number | Date;
/** 0/1 (SQLite INTEGER) or a boolean (PostgreSQL boolean). */
export type BoolValue = number | boolean;
/** Written as JSON text; read as text (SQLite) or a parsed value (PostgreSQL jsonb). */
export type JsonColumn = ColumnType<unknown, string, string>;
/** BLOB / bytea: both drivers return a Buffer (a Uint8Array subclass). */
export type BytesColumn = Uint8Array;

export interface CasTable {
  id: string;
  name: string;
  status: string;
  key_ref: string;
  certificate_der: BytesColumn | null;
  created_at: TimeValue;
}

/** The chain above a CA certificate, one row per certificate, issuer first (position 0). */
export interface CaChainTable {
  ca_id: string;
  position: number;
  der: BytesColumn;
}

export interface ProfilesTable {
  id: string;
  version: number;
  name: string;
  role: string;
  definition: JsonColumn;
  active: BoolValue;
  created_at: TimeValue;
}

export interface VaultKeysTable {
  ref: string;
  label: string;
  public_key: BytesColumn;
  sealed: BytesColumn;
  created_at: TimeValue;
}

export interface LegalPersonsTable {
  uscc: string;
  name: string;
  /** `directoryNameKey(name)` (migration 0011_directory): the LDAP name index. */
  name_key: string;
  legal_representative: string;
  registry_status: string;
  updated_at: TimeValue;
}

export interface ApplicationsTable {
  id: string;
  uscc: string;
  business_type: string;
  channel: string;
  state: string;
  actor: string;
  data: JsonColumn;
  created_at: TimeValue;
  updated_at: TimeValue;
  /** The taking operator's branch, and the profile issued (0015_back_office; null before). */
  branch_id: string | null;
  profile_id: string | null;
}

export interface CertificatesTable {
  ca_id: string;
  serial: string;
  role: string;
  pair_id: string;
  uscc: string | null;
  subject: string;
  not_before: TimeValue;
  not_after: TimeValue;
  status: string;
  revoked_at: TimeValue | null;
  revocation_reason: string | null;
  /** 0016: the branch and channel of the revocation (null: not recorded). */
  revoked_branch_id: string | null;
  revoked_channel: string | null;
  predecessor_pair_id: string | null;
  public_key_hash: string;
  application_id: string | null;
  escrow_id: string | null;
  der: BytesColumn;
  created_at: TimeValue;
  /** Migration 0012: the CRL partition named in the certificate, null when none. */
  crl_partition: number | null;
}

export interface EscrowedKeysTable {
  id: string;
  state: string;
  public_key: BytesColumn;
  sealed: BytesColumn;
  uscc: string | null;
  ca_id: string | null;
  certificate_serial: string | null;
  created_at: TimeValue;
  assigned_at: TimeValue | null;
}

export interface AuditEntriesTable {
  seq: number;
  at: TimeValue;
  actor: string;
  action: string;
  object: string;
  reason: string | null;
  detail: JsonColumn;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1): the last seq and hash of the chain, the lock that serialises appends (R3). */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  signature: BytesColumn;
  at: TimeValue;
}

export interface OutboxTable {
  id: string;
  kind: string;
  payload: JsonColumn;
  created_at: TimeValue;
  done_at: TimeValue | null;
}

export interface KmcRecoveryTable {
  id: string;
  escrow_id: string;
  uscc: string | null;
  reason: string;
  requested_by: string;
  requested_at: TimeValue;
  state: string;
  approvals: JsonColumn;
  completed_at: TimeValue | null;
}

/**
 * The whole schema after the migrations (`0001_core`, `0002_kmc_recovery`, `0003_service`, …,
 * `0008_accounts`), for `Kysely<Database>`.
 */
export interface Database extends ServiceTables, MaterialsTables, StatusTables, AccountTables, PortalTables {
  cas: CasTable;
  ca_chain: CaChainTable;
  profiles: ProfilesTable;
  vault_keys: VaultKeysTable;
  legal_persons: LegalPersonsTable;
  applications: ApplicationsTable;
  certificates: CertificatesTable;
  escrowed_keys: EscrowedKeysTable;
  audit_entries: AuditEntriesTable;
  audit_head: AuditHeadTable;
  audit_checkpoints: AuditCheckpointsTable;
  outbox: OutboxTable;
  kmc_recovery: KmcRecoveryTable;
}
