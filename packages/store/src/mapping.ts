/**
 * Rows ↔ records (issue 4 "Storage"): the one place where the store's columns become the exact
 * shapes of `@yizheng/core`'s model — `Date`s, `Uint8Array`s (never a driver's `Buffer`), `null`s
 * where the model has them — so the contract tests can compare records field by field.
 *
 * A `Codec` carries what differs between the databases (see `schema.ts`); everything else here
 * is shared.
 */
import type {
  ApplicationRecord,
  AuditCheckpoint,
  AuditEntry,
  CaRecord,
  CertificateRecord,
  EscrowedKeyRecord,
  LegalPersonRecord,
  OutboxJob,
  RecoveryRequestRecord,
  ProfileRecord,
  VaultKeyRecord,
} from '@yizheng/core';
import { directoryNameKey } from '@yizheng/core';
import type { Insertable, Selectable } from 'kysely';
import type { StoreDialect } from './migrations.js';
import type {
  ApplicationsTable,
  AuditCheckpointsTable,
  AuditEntriesTable,
  BoolValue,
  CasTable,
  CertificatesTable,
  EscrowedKeysTable,
  LegalPersonsTable,
  OutboxTable,
  KmcRecoveryTable,
  ProfilesTable,
  TimeValue,
  VaultKeysTable,
} from './schema.js';

/** How one database writes and reads the types it stores differently. */
export interface Codec {
  readonly dialect: StoreDialect;
  time(date: Date): TimeValue;
  date(value: TimeValue): Date;
  bool(value: boolean): BoolValue;
  json(value: unknown): unknown;
}

/** SQLite: epoch milliseconds, 0/1, JSON text. */
export const SQLITE_CODEC: Codec = {
  dialect: 'sqlite',
  time: (date) => date.getTime(),
  date: (value) => new Date(Number(value)),
  bool: (value) => (value ? 1 : 0),
  json: (value) => JSON.parse(value as string),
};

/** PostgreSQL: timestamptz and boolean as pg reads them, jsonb already parsed by pg. */
export const POSTGRES_CODEC: Codec = {
  dialect: 'postgres',
  time: (date) => new Date(date.getTime()),
  date: (value) => new Date(value instanceof Date ? value.getTime() : Number(value)),
  bool: (value) => value,
  json: (value) => value,
};

/** A copy as a plain Uint8Array (drivers hand out Buffers, often views into a shared slab). */
export function bytesFromDb(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

/** A Buffer view (no copy): what both drivers bind as BLOB / bytea. */
export function bytesToDb(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export function timeOrNull(codec: Codec, date: Date | null): TimeValue | null {
  return date === null ? null : codec.time(date);
}

export function dateOrNull(codec: Codec, value: TimeValue | null): Date | null {
  return value === null ? null : codec.date(value);
}

/** CaRecord → a row of cas (its chain goes to ca_chain). */
export function caToRow(codec: Codec, ca: CaRecord): Insertable<CasTable> {
  return {
    id: ca.id,
    name: ca.name,
    status: ca.status,
    key_ref: ca.keyRef,
    certificate_der: ca.certificateDer === undefined ? null : bytesToDb(ca.certificateDer),
    created_at: codec.time(ca.createdAt),
  };
}

/** A row of cas plus its ca_chain DER (in position order) → CaRecord. */
export function caFromRow(codec: Codec, row: Selectable<CasTable>, chain: readonly Uint8Array[]): CaRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status as CaRecord['status'],
    keyRef: row.key_ref,
    // The model leaves the field out (rather than undefined) while the certificate is pending.
    ...(row.certificate_der === null ? {} : { certificateDer: bytesFromDb(row.certificate_der) }),
    chainDer: chain.map(bytesFromDb),
    createdAt: codec.date(row.created_at),
  };
}

/** ProfileRecord → a row of profiles. */
export function profileToRow(codec: Codec, profile: ProfileRecord): Insertable<ProfilesTable> {
  return {
    id: profile.id,
    version: profile.version,
    name: profile.name,
    role: profile.role,
    definition: JSON.stringify(profile.definition),
    active: codec.bool(profile.active),
    created_at: codec.time(profile.createdAt),
  };
}

/** A row of profiles → ProfileRecord. */
export function profileFromRow(codec: Codec, row: Selectable<ProfilesTable>): ProfileRecord {
  return {
    id: row.id,
    version: row.version,
    name: row.name,
    role: row.role as ProfileRecord['role'],
    definition: codec.json(row.definition) as ProfileRecord['definition'],
    active: row.active === true || row.active === 1,
    createdAt: codec.date(row.created_at),
  };
}

/** VaultKeyRecord → a row of vault_keys. */
export function vaultKeyToRow(codec: Codec, key: VaultKeyRecord): Insertable<VaultKeysTable> {
  return {
    ref: key.ref,
    label: key.label,
    public_key: bytesToDb(key.publicKey),
    sealed: bytesToDb(key.sealed),
    created_at: codec.time(key.createdAt),
  };
}

/** A row of vault_keys → VaultKeyRecord. */
export function vaultKeyFromRow(codec: Codec, row: Selectable<VaultKeysTable>): VaultKeyRecord {
  return {
    ref: row.ref,
    label: row.label,
    publicKey: bytesFromDb(row.public_key),
    sealed: bytesFromDb(row.sealed),
    createdAt: codec.date(row.created_at),
  };
}

/** LegalPersonRecord → a row of legal_persons. */
export function legalPersonToRow(codec: Codec, person: LegalPersonRecord): Insertable<LegalPersonsTable> {
  return {
    uscc: person.uscc,
    name: person.name,
    name_key: directoryNameKey(person.name),
    legal_representative: person.legalRepresentative,
    registry_status: person.registryStatus,
    updated_at: codec.time(person.updatedAt),
  };
}

/** A row of legal_persons → LegalPersonRecord. */
export function legalPersonFromRow(codec: Codec, row: Selectable<LegalPersonsTable>): LegalPersonRecord {
  return {
    uscc: row.uscc,
    name: row.name,
    legalRepresentative: row.legal_representative,
    registryStatus: row.registry_status as LegalPersonRecord['registryStatus'],
    updatedAt: codec.date(row.updated_at),
  };
}

/** ApplicationRecord → a row of applications. */
export function applicationToRow(
  codec: Codec,
  application: ApplicationRecord,
): Insertable<ApplicationsTable> {
  return {
    id: application.id,
    uscc: application.uscc,
    business_type: application.businessType,
    channel: application.channel,
    state: application.state,
    actor: application.actor,
    data: JSON.stringify(application.data),
    created_at: codec.time(application.createdAt),
    updated_at: codec.time(application.updatedAt),
    profile_id: applicationProfileId(application.data),
  };
}

/**
 * The certificate category (profile id) an application issued, from its data's `signProfile`
 * (`id@version`), or null before anything is issued — the statistics' "by profile" (R25).
 */
export function applicationProfileId(data: Readonly<Record<string, unknown>>): string | null {
  const text = data.signProfile;
  return typeof text === 'string' && text.includes('@') ? text.slice(0, text.lastIndexOf('@')) : null;
}

/** A row of applications → ApplicationRecord. */
export function applicationFromRow(codec: Codec, row: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    id: row.id,
    uscc: row.uscc,
    businessType: row.business_type as ApplicationRecord['businessType'],
    channel: row.channel as ApplicationRecord['channel'],
    state: row.state as ApplicationRecord['state'],
    actor: row.actor,
    data: codec.json(row.data) as ApplicationRecord['data'],
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
  };
}

/** CertificateRecord → a row of certificates. */
export function certificateToRow(codec: Codec, cert: CertificateRecord): Insertable<CertificatesTable> {
  return {
    ca_id: cert.caId,
    serial: cert.serial,
    role: cert.role,
    pair_id: cert.pairId,
    uscc: cert.uscc,
    subject: cert.subject,
    not_before: codec.time(cert.notBefore),
    not_after: codec.time(cert.notAfter),
    status: cert.status,
    revoked_at: timeOrNull(codec, cert.revokedAt),
    revocation_reason: cert.revocationReason,
    // recorded by setCertificateStatus when the pair is revoked, not carried by the record
    revoked_branch_id: null,
    revoked_channel: null,
    predecessor_pair_id: cert.predecessorPairId,
    public_key_hash: cert.publicKeyHash,
    application_id: cert.applicationId,
    escrow_id: cert.escrowId,
    der: bytesToDb(cert.der),
    created_at: codec.time(cert.createdAt),
    crl_partition: cert.crlPartition ?? null,
  };
}

/** A row of certificates → CertificateRecord. */
export function certificateFromRow(codec: Codec, row: Selectable<CertificatesTable>): CertificateRecord {
  return {
    caId: row.ca_id,
    serial: row.serial,
    role: row.role as CertificateRecord['role'],
    pairId: row.pair_id,
    uscc: row.uscc,
    subject: row.subject,
    notBefore: codec.date(row.not_before),
    notAfter: codec.date(row.not_after),
    status: row.status as CertificateRecord['status'],
    revokedAt: dateOrNull(codec, row.revoked_at),
    revocationReason: row.revocation_reason as CertificateRecord['revocationReason'],
    predecessorPairId: row.predecessor_pair_id,
    publicKeyHash: row.public_key_hash,
    applicationId: row.application_id,
    escrowId: row.escrow_id,
    der: bytesFromDb(row.der),
    createdAt: codec.date(row.created_at),
    ...(row.crl_partition !== null && row.crl_partition !== undefined
      ? { crlPartition: Number(row.crl_partition) }
      : {}),
  };
}

/** EscrowedKeyRecord → a row of escrowed_keys. */
export function escrowedKeyToRow(codec: Codec, key: EscrowedKeyRecord): Insertable<EscrowedKeysTable> {
  return {
    id: key.id,
    state: key.state,
    public_key: bytesToDb(key.publicKey),
    sealed: bytesToDb(key.sealed),
    uscc: key.uscc,
    ca_id: key.caId,
    certificate_serial: key.certificateSerial,
    created_at: codec.time(key.createdAt),
    assigned_at: timeOrNull(codec, key.assignedAt),
  };
}

/** A row of escrowed_keys → EscrowedKeyRecord. */
export function escrowedKeyFromRow(codec: Codec, row: Selectable<EscrowedKeysTable>): EscrowedKeyRecord {
  return {
    id: row.id,
    state: row.state as EscrowedKeyRecord['state'],
    publicKey: bytesFromDb(row.public_key),
    sealed: bytesFromDb(row.sealed),
    uscc: row.uscc,
    caId: row.ca_id,
    certificateSerial: row.certificate_serial,
    createdAt: codec.date(row.created_at),
    assignedAt: dateOrNull(codec, row.assigned_at),
  };
}

/** AuditEntry → a row of audit_entries. */
export function auditEntryToRow(codec: Codec, entry: AuditEntry): Insertable<AuditEntriesTable> {
  return {
    seq: entry.seq,
    at: codec.time(entry.at),
    actor: entry.actor,
    action: entry.action,
    object: entry.object,
    reason: entry.reason,
    detail: JSON.stringify(entry.detail),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

/** A row of audit_entries → AuditEntry. */
export function auditEntryFromRow(codec: Codec, row: Selectable<AuditEntriesTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: codec.date(row.at),
    actor: row.actor,
    action: row.action,
    object: row.object,
    reason: row.reason,
    detail: codec.json(row.detail) as AuditEntry['detail'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** AuditCheckpoint → a row of audit_checkpoints. */
export function auditCheckpointToRow(
  codec: Codec,
  checkpoint: AuditCheckpoint,
): Insertable<AuditCheckpointsTable> {
  return {
    seq: checkpoint.seq,
    hash: checkpoint.hash,
    signature: bytesToDb(checkpoint.signature),
    at: codec.time(checkpoint.at),
  };
}

/** A row of audit_checkpoints → AuditCheckpoint. */
export function auditCheckpointFromRow(
  codec: Codec,
  row: Selectable<AuditCheckpointsTable>,
): AuditCheckpoint {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    signature: bytesFromDb(row.signature),
    at: codec.date(row.at),
  };
}

/** OutboxJob → a row of outbox. */
export function outboxToRow(codec: Codec, job: OutboxJob): Insertable<OutboxTable> {
  return {
    id: job.id,
    kind: job.kind,
    payload: JSON.stringify(job.payload),
    created_at: codec.time(job.createdAt),
    done_at: timeOrNull(codec, job.doneAt),
  };
}

/** A row of outbox → OutboxJob. */
export function outboxFromRow(codec: Codec, row: Selectable<OutboxTable>): OutboxJob {
  return {
    id: row.id,
    kind: row.kind,
    payload: codec.json(row.payload) as OutboxJob['payload'],
    createdAt: codec.date(row.created_at),
    doneAt: dateOrNull(codec, row.done_at),
  };
}

/** RecoveryRequestRecord → a row of kmc_recovery (approvals as JSON with ISO times). */
export function recoveryToRow(codec: Codec, r: RecoveryRequestRecord): Insertable<KmcRecoveryTable> {
  return {
    id: r.id,
    escrow_id: r.escrowId,
    uscc: r.uscc,
    reason: r.reason,
    requested_by: r.requestedBy,
    requested_at: codec.time(r.requestedAt),
    state: r.state,
    approvals: approvalsJson(r.approvals),
    completed_at: timeOrNull(codec, r.completedAt),
  };
}

/** Approvals as stored. */
export function approvalsJson(approvals: RecoveryRequestRecord['approvals']): string {
  return JSON.stringify(approvals.map((a) => ({ by: a.by, at: a.at.toISOString() })));
}

/** A row of kmc_recovery → RecoveryRequestRecord. */
export function recoveryFromRow(codec: Codec, row: Selectable<KmcRecoveryTable>): RecoveryRequestRecord {
  const approvals = codec.json(row.approvals) as { by: string; at: string }[];
  return {
    id: row.id,
    escrowId: row.escrow_id,
    uscc: row.uscc,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: codec.date(row.requested_at),
    state: row.state as RecoveryRequestRecord['state'],
    approvals: approvals.map((a) => ({ by: a.by, at: new Date(a.at) })),
    completedAt: dateOrNull(codec, row.completed_at),
  };
}
