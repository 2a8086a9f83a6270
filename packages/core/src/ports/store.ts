/**
 * The storage port of the core (design §1: the core declares its ports and never imports SQL).
 * `packages/store` implements it on SQLite (embedded default) and PostgreSQL, and one contract
 * test suite holds both to it.
 *
 * Everything a business operation writes happens inside one `transaction`: certificates, escrow,
 * application state, audit entries and outbox jobs commit together or not at all (issue 4
 * "Storage"). A thrown error rolls back. Reads outside a transaction use `read`.
 */
import type {
  ApplicationRecord,
  AuditCheckpoint,
  AuditEntry,
  AuditInput,
  CaRecord,
  CertificateRecord,
  CertificateStatus,
  Channel,
  EscrowedKeyRecord,
  LegalPersonRecord,
  OutboxJob,
  ProfileRecord,
  RecoveryRequestRecord,
  RevocationReason,
  VaultKeyRecord,
} from '../model.js';
import type { AccountStoreTx } from './account-store.js';
import type { BackOfficeStoreTx } from './back-office-store.js';
import type { DirectoryStoreTx } from './directory-store.js';
import type { PortalStoreTx } from './portal-store.js';
import type { MaterialsStoreTx } from './materials-store.js';
import type { ServiceStoreTx } from './service-store.js';
import type { StatusStoreTx } from './status-store.js';

/** Filters of a certificate search; all given fields must match. */
export interface CertificateQuery {
  readonly caId?: string;
  readonly uscc?: string;
  readonly pairId?: string;
  readonly status?: CertificateStatus;
  readonly role?: CertificateRecord['role'];
  /** notAfter strictly before this time (expiring / expired). */
  readonly notAfterBefore?: Date;
  readonly limit?: number;
}

/** What `statistics` counts (R4, R25). */
export interface StatisticsQuery {
  /** The moment "expiring soon" counts from. */
  readonly at: Date;
  /** Valid certificates with notAfter in [at, at + days) count as expiring. */
  readonly expiringWithinDays: number;
  /** Period of the application counts (createdAt in [from, to)); all time when absent. */
  readonly from?: Date;
  readonly to?: Date;
}

/** Counts for regulators and the back office; keys are the stored values (status, role, …). */
export interface Statistics {
  readonly legalPersons: number;
  readonly certificatesByStatus: Readonly<Record<string, number>>;
  readonly certificatesByRole: Readonly<Record<string, number>>;
  readonly certificatesByCa: Readonly<Record<string, number>>;
  readonly applicationsByBusinessType: Readonly<Record<string, number>>;
  readonly applicationsByChannel: Readonly<Record<string, number>>;
  readonly expiring: number;
}

/** Operations available inside a transaction (and, read-only, outside). */
/** Where a revocation (撤销) was done: the operator's branch 网点 (null if none) and the channel 渠道. */
export interface RevocationAttribution {
  readonly branchId: string | null;
  readonly channel: Channel | null;
}

export interface StoreTx
  extends
    ServiceStoreTx,
    MaterialsStoreTx,
    StatusStoreTx,
    AccountStoreTx,
    DirectoryStoreTx,
    BackOfficeStoreTx,
    PortalStoreTx {
  // CAs and profiles
  insertCa(ca: CaRecord): Promise<void>;
  updateCa(
    id: string,
    change: Partial<Pick<CaRecord, 'status' | 'certificateDer' | 'chainDer'>>,
  ): Promise<void>;
  getCa(id: string): Promise<CaRecord | undefined>;
  listCas(): Promise<CaRecord[]>;
  /** Inserts a profile version; (id, version) is unique. */
  insertProfile(profile: ProfileRecord): Promise<void>;
  /** The active version of a profile, or a given version. */
  getProfile(id: string, version?: number): Promise<ProfileRecord | undefined>;
  listProfiles(): Promise<ProfileRecord[]>;
  /** Marks `version` active and every other version of `id` inactive. */
  activateProfile(id: string, version: number): Promise<void>;

  // key vault records (the default KeyVault adapter's persistence)
  insertVaultKey(key: VaultKeyRecord): Promise<void>;
  getVaultKey(ref: string): Promise<VaultKeyRecord | undefined>;

  // legal persons and applications
  upsertLegalPerson(person: LegalPersonRecord): Promise<void>;
  getLegalPerson(uscc: string): Promise<LegalPersonRecord | undefined>;
  /**
   * Legal persons whose name contains `nameContains` (literally: `%` and `_` match themselves),
   * ordered by USCC, at most `limit` (the API's certificate search by name, R25).
   */
  searchLegalPersons(query: { nameContains: string; limit: number }): Promise<LegalPersonRecord[]>;
  insertApplication(application: ApplicationRecord): Promise<void>;
  updateApplication(
    id: string,
    change: Partial<Pick<ApplicationRecord, 'state' | 'actor' | 'data' | 'updatedAt'>>,
  ): Promise<void>;
  getApplication(id: string): Promise<ApplicationRecord | undefined>;
  listApplications(uscc: string): Promise<ApplicationRecord[]>;
  /** Applications in `state`, oldest first, at most `limit` (the manual review queue, R26). */
  listApplicationsByState(state: ApplicationRecord['state'], limit: number): Promise<ApplicationRecord[]>;

  // certificates
  /** Inserts a certificate; a duplicate (caId, serial) is `StoreConflictError` with `what: 'serial'`. */
  insertCertificate(cert: CertificateRecord): Promise<void>;
  getCertificate(caId: string, serial: string): Promise<CertificateRecord | undefined>;
  /** By serial across all CAs (serials are random 128-bit, so a hit is unambiguous in practice). */
  findCertificatesBySerial(serial: string): Promise<CertificateRecord[]>;
  findCertificateByPublicKeyHash(publicKeyHash: string): Promise<CertificateRecord | undefined>;
  queryCertificates(query: CertificateQuery): Promise<CertificateRecord[]>;
  setCertificateStatus(
    caId: string,
    serial: string,
    status: CertificateStatus,
    revokedAt: Date | null,
    reason: RevocationReason | null,
    /** Who revoked (R25 statistics): recorded with a revocation, cleared otherwise. */
    attribution?: RevocationAttribution,
  ): Promise<void>;
  /** Revoked and suspended certificates of a CA, for CRLs (ordered by serial). */
  revokedCertificates(caId: string): Promise<CertificateRecord[]>;

  // KMC escrow
  insertEscrowedKey(key: EscrowedKeyRecord): Promise<void>;
  /**
   * Takes one pool key and marks it assigned (to `uscc`, `caId`, `serial`) atomically; under
   * concurrency two callers never get the same key (PostgreSQL: FOR UPDATE SKIP LOCKED).
   */
  takePoolKey(assign: {
    uscc: string;
    caId: string;
    certificateSerial: string;
    at: Date;
  }): Promise<EscrowedKeyRecord | undefined>;
  countPoolKeys(): Promise<number>;
  getEscrowedKey(id: string): Promise<EscrowedKeyRecord | undefined>;
  listEscrowedKeys(uscc: string): Promise<EscrowedKeyRecord[]>;

  // KMC key recovery (dual control)
  insertRecoveryRequest(request: RecoveryRequestRecord): Promise<void>;
  /** Reads a request and, inside a transaction on PostgreSQL, locks it until commit (approvals serialise). */
  getRecoveryRequest(id: string): Promise<RecoveryRequestRecord | undefined>;
  updateRecoveryRequest(
    id: string,
    change: Partial<Pick<RecoveryRequestRecord, 'state' | 'approvals' | 'completedAt'>>,
  ): Promise<void>;

  // statistics
  statistics(query: StatisticsQuery): Promise<Statistics>;

  // audit
  /**
   * Appends an entry at the end of the chain: reads the head (seq, hash) under a lock, calls
   * `chain(prevHash, seq)` for the new hash, inserts, and returns the entry. Concurrent appends
   * are serialised, so the chain never forks.
   */
  appendAudit(input: AuditInput, chain: (prevHash: string, seq: number) => string): Promise<AuditEntry>;
  /** Entries with seq in [from, to] (inclusive), in order. */
  auditEntries(from: number, to?: number): Promise<AuditEntry[]>;
  insertAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  latestAuditCheckpoint(): Promise<AuditCheckpoint | undefined>;

  // outbox
  insertOutbox(job: OutboxJob): Promise<void>;
  pendingOutbox(limit: number): Promise<OutboxJob[]>;
  markOutboxDone(id: string, at: Date): Promise<void>;
}

/** A store: transactions plus reads. */
export interface Store {
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads outside a transaction (same operations; writes here autocommit one statement). */
  readonly read: StoreTx;
  close(): Promise<void>;
}

/** A unique constraint hit (`what` says which: 'serial', 'publicKey', 'profile', 'ca', …). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}
