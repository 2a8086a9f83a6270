/**
 * The core's `Store` port on Kysely (issue 4 "Storage"), one implementation for SQLite and
 * PostgreSQL; where the two differ (row locks) it asks the codec's dialect.
 *
 * Unique keys are written with `ON CONFLICT DO NOTHING` and a zero row count becomes
 * `StoreConflictError`. Unlike catching the database's error, that leaves a PostgreSQL
 * transaction usable (a failed statement aborts it), so a caller that catches the conflict and
 * carries on — a fresh serial, say — behaves the same on both databases.
 *
 * Operations that need several statements to be atomic (`appendAudit`, `activateProfile`, the CA
 * chain) open their own transaction when called on `read`, so they are safe there too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CoreError, StoreConflictError } from '@yizheng/core';
import type {
  ApplicationRecord,
  AuditCheckpoint,
  AuditEntry,
  AuditInput,
  CaRecord,
  CertificateQuery,
  CertificateRecord,
  CertificateStatus,
  EscrowedKeyRecord,
  LegalPersonRecord,
  OutboxJob,
  RecoveryRequestRecord,
  Statistics,
  StatisticsQuery,
  ProfileRecord,
  RevocationReason,
  RevocationAttribution,
  Store,
  StoreTx,
  VaultKeyRecord,
} from '@yizheng/core';
import { sql, type InsertResult, type Kysely, type RawBuilder, type Updateable } from 'kysely';
import {
  applicationFromRow,
  applicationProfileId,
  applicationToRow,
  auditCheckpointFromRow,
  auditCheckpointToRow,
  auditEntryFromRow,
  auditEntryToRow,
  bytesToDb,
  caFromRow,
  caToRow,
  certificateFromRow,
  certificateToRow,
  escrowedKeyFromRow,
  escrowedKeyToRow,
  legalPersonFromRow,
  legalPersonToRow,
  outboxFromRow,
  outboxToRow,
  approvalsJson,
  recoveryFromRow,
  recoveryToRow,
  timeOrNull,
  profileFromRow,
  profileToRow,
  vaultKeyFromRow,
  vaultKeyToRow,
  type Codec,
} from './mapping.js';
import { KyselyPortalStoreTx } from './kysely-portal-store.js';
import type { ApplicationsTable, CasTable, Database } from './schema.js';

/** True when an `ON CONFLICT DO NOTHING` insert wrote its row. */
function inserted(result: InsertResult | undefined): boolean {
  return result !== undefined && result.numInsertedOrUpdatedRows !== 0n;
}

/** Sums the grouped counts `n` of `rows` by `key`; keys in sorted order, so printed tables are stable. */
function countBy<Row extends { n: number | string }>(
  rows: readonly Row[],
  key: (row: Row) => string,
): Record<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + Number(row.n));
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The branch of the operator an audit name (`operator:<login>`) names, as a subquery read when
 * an application is written: statistics by branch keep the branch the business was done at
 * (R25). Null for legal persons, API clients and the system.
 */
function operatorBranch(actor: string): RawBuilder<string | null> | null {
  const prefix = 'operator:';
  if (!actor.startsWith(prefix)) return null;
  return sql<string | null>`(select branch_id from operators where login = ${actor.slice(prefix.length)})`;
}

/** A `Store` over one Kysely instance (a SQLite connection or a PostgreSQL pool). */
export class KyselyStore implements Store {
  readonly read: StoreTx;
  /** Set while `work` of a transaction runs, in its async context (and cleared at the end). */
  readonly #inTransaction = new AsyncLocalStorage<{ open: boolean }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly codec: Codec,
  ) {
    this.read = this.refusingInsideTransaction(new KyselyStoreTx(db, codec));
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore()?.open) return Promise.reject(nestedUseError('store.transaction'));
    const state = { open: true };
    return this.#inTransaction
      .run(state, () => this.db.transaction().execute((trx) => new KyselyStoreTx(trx, this.codec).run(work)))
      .finally(() => (state.open = false));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /**
   * `read` (or a nested transaction) used from inside a transaction's work would wait forever on
   * SQLite — Kysely's single connection is held by that transaction — and on PostgreSQL would
   * read outside it on a second pooled connection. Both are caller bugs; refuse them loudly.
   */
  private refusingInsideTransaction(tx: StoreTx): StoreTx {
    const inTransaction = this.#inTransaction;
    return new Proxy(tx, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          if (inTransaction.getStore()?.open)
            return Promise.reject(nestedUseError(`store.read.${String(property)}`));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}

function nestedUseError(what: string): Error {
  return new Error(`${what} was called inside store.transaction: use the transaction's tx instead`);
}

/** The port's operations on a transaction (or, for `read`, on the root connection). */
export class KyselyStoreTx extends KyselyPortalStoreTx implements StoreTx {
  /** The audit chain head after this transaction's last append, and whether it is stored yet. */
  #auditHead: { seq: number; hash: string; stored: boolean } | undefined;

  constructor(db: Kysely<Database>, codec: Codec) {
    super(db, codec);
  }

  /**
   * Runs the `work` of the transaction this object is, then writes what was kept for the end:
   * the audit head row, once, however many entries were appended (see `appendAudit`).
   */
  async run<T>(work: (tx: KyselyStoreTx) => Promise<T>): Promise<T> {
    const result = await work(this);
    if (this.#auditHead && !this.#auditHead.stored) {
      const { seq, hash } = this.#auditHead;
      await this.db.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
      this.#auditHead.stored = true;
    }
    return result;
  }

  /** The chain head as this transaction sees it: its own appends count before the head row is written. */
  override async lastAuditSeq(): Promise<number> {
    return this.#auditHead?.seq ?? super.lastAuditSeq();
  }

  /** Runs `work` atomically: in this transaction, or in a new one when this is `read`. */
  private atomic<T>(work: (tx: KyselyStoreTx) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => new KyselyStoreTx(trx, this.codec).run(work));
  }

  private get postgres(): boolean {
    return this.codec.dialect === 'postgres';
  }

  // CAs and profiles

  insertCa(ca: CaRecord): Promise<void> {
    return this.atomic(async (tx) => {
      const result = await tx.db
        .insertInto('cas')
        .values(caToRow(tx.codec, ca))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (!inserted(result)) throw new StoreConflictError('ca', `CA ${ca.id} already exists`);
      await tx.insertChain(ca.id, ca.chainDer);
    });
  }

  private async insertChain(caId: string, chain: readonly Uint8Array[]): Promise<void> {
    if (chain.length === 0) return;
    await this.db
      .insertInto('ca_chain')
      .values(chain.map((der, position) => ({ ca_id: caId, position, der: bytesToDb(der) })))
      .execute();
  }

  updateCa(
    id: string,
    change: Partial<Pick<CaRecord, 'status' | 'certificateDer' | 'chainDer'>>,
  ): Promise<void> {
    return this.atomic(async (tx) => {
      const set: Updateable<CasTable> = {};
      if (change.status !== undefined) set.status = change.status;
      if (change.certificateDer !== undefined) set.certificate_der = bytesToDb(change.certificateDer);
      if (Object.keys(set).length > 0) await tx.db.updateTable('cas').set(set).where('id', '=', id).execute();
      if (change.chainDer !== undefined) {
        const exists = await tx.db.selectFrom('cas').select('id').where('id', '=', id).executeTakeFirst();
        if (exists === undefined) return;
        await tx.db.deleteFrom('ca_chain').where('ca_id', '=', id).execute();
        await tx.insertChain(id, change.chainDer);
      }
    });
  }

  async getCa(id: string): Promise<CaRecord | undefined> {
    const row = await this.db.selectFrom('cas').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const chain = await this.db
      .selectFrom('ca_chain')
      .select('der')
      .where('ca_id', '=', id)
      .orderBy('position')
      .execute();
    return caFromRow(
      this.codec,
      row,
      chain.map((link) => link.der),
    );
  }

  async listCas(): Promise<CaRecord[]> {
    const rows = await this.db.selectFrom('cas').selectAll().orderBy('created_at').orderBy('id').execute();
    const links = await this.db
      .selectFrom('ca_chain')
      .selectAll()
      .orderBy('ca_id')
      .orderBy('position')
      .execute();
    return rows.map((row) =>
      caFromRow(
        this.codec,
        row,
        links.filter((link) => link.ca_id === row.id).map((link) => link.der),
      ),
    );
  }

  async insertProfile(profile: ProfileRecord): Promise<void> {
    const result = await this.db
      .insertInto('profiles')
      .values(profileToRow(this.codec, profile))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted(result)) return;
    // Either the version exists, or this one is active while another version already is.
    const existing = await this.getProfile(profile.id, profile.version);
    throw new StoreConflictError(
      'profile',
      existing !== undefined
        ? `profile ${profile.id} version ${profile.version} already exists`
        : `profile ${profile.id} already has an active version (use activateProfile)`,
    );
  }

  async getProfile(id: string, version?: number): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .selectFrom('profiles')
      .selectAll()
      .where('id', '=', id)
      .$if(version === undefined, (q) => q.where('active', '=', this.codec.bool(true)))
      .$if(version !== undefined, (q) => q.where('version', '=', version ?? 0))
      .executeTakeFirst();
    return row === undefined ? undefined : profileFromRow(this.codec, row);
  }

  async listProfiles(): Promise<ProfileRecord[]> {
    const rows = await this.db.selectFrom('profiles').selectAll().orderBy('id').orderBy('version').execute();
    return rows.map((row) => profileFromRow(this.codec, row));
  }

  activateProfile(id: string, version: number): Promise<void> {
    return this.atomic(async (tx) => {
      if ((await tx.getProfile(id, version)) === undefined) {
        throw new CoreError('YZ_ERR_PROFILE', `profile ${id} has no version ${version}`);
      }
      // Off first, then on: the one-active-version index is checked row by row on PostgreSQL.
      await tx.db
        .updateTable('profiles')
        .set({ active: tx.codec.bool(false) })
        .where('id', '=', id)
        .where('version', '<>', version)
        .execute();
      await tx.db
        .updateTable('profiles')
        .set({ active: tx.codec.bool(true) })
        .where('id', '=', id)
        .where('version', '=', version)
        .execute();
    });
  }

  // key vault records

  async insertVaultKey(key: VaultKeyRecord): Promise<void> {
    const result = await this.db
      .insertInto('vault_keys')
      .values(vaultKeyToRow(this.codec, key))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result)) throw new StoreConflictError('vaultKey', `vault key ${key.ref} already exists`);
  }

  async getVaultKey(ref: string): Promise<VaultKeyRecord | undefined> {
    const row = await this.db.selectFrom('vault_keys').selectAll().where('ref', '=', ref).executeTakeFirst();
    return row === undefined ? undefined : vaultKeyFromRow(this.codec, row);
  }

  // legal persons and applications

  async upsertLegalPerson(person: LegalPersonRecord): Promise<void> {
    const row = legalPersonToRow(this.codec, person);
    await this.db
      .insertInto('legal_persons')
      .values(row)
      .onConflict((oc) =>
        oc.column('uscc').doUpdateSet({
          name: row.name,
          name_key: row.name_key,
          legal_representative: row.legal_representative,
          registry_status: row.registry_status,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async getLegalPerson(uscc: string): Promise<LegalPersonRecord | undefined> {
    const row = await this.db
      .selectFrom('legal_persons')
      .selectAll()
      .where('uscc', '=', uscc)
      .executeTakeFirst();
    return row === undefined ? undefined : legalPersonFromRow(this.codec, row);
  }

  async searchLegalPersons(query: { nameContains: string; limit: number }): Promise<LegalPersonRecord[]> {
    // LIKE with an escape character, so a name with % or _ matches those characters literally;
    // lower() on both sides makes Latin letters match in any case on SQLite and PostgreSQL alike
    const pattern = `%${query.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('legal_persons')
      .selectAll()
      .where(sql<boolean>`lower(name) like lower(${pattern}) escape '\\'`)
      .orderBy('uscc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => legalPersonFromRow(this.codec, row));
  }

  async insertApplication(application: ApplicationRecord): Promise<void> {
    const result = await this.db
      .insertInto('applications')
      .values({ ...applicationToRow(this.codec, application), branch_id: operatorBranch(application.actor) })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result)) {
      throw new StoreConflictError('application', `application ${application.id} already exists`);
    }
  }

  async updateApplication(
    id: string,
    change: Partial<Pick<ApplicationRecord, 'state' | 'actor' | 'data' | 'updatedAt'>>,
  ): Promise<void> {
    const set: Updateable<ApplicationsTable> = {};
    if (change.state !== undefined) set.state = change.state;
    if (change.actor !== undefined) set.actor = change.actor;
    if (change.data !== undefined) {
      set.data = JSON.stringify(change.data);
      set.profile_id = applicationProfileId(change.data);
    }
    if (change.updatedAt !== undefined) set.updated_at = this.codec.time(change.updatedAt);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('applications').set(set).where('id', '=', id).execute();
  }

  async getApplication(id: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : applicationFromRow(this.codec, row);
  }

  async listApplications(uscc: string): Promise<ApplicationRecord[]> {
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => applicationFromRow(this.codec, row));
  }

  async listApplicationsByState(
    state: ApplicationRecord['state'],
    limit: number,
  ): Promise<ApplicationRecord[]> {
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('state', '=', state)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => applicationFromRow(this.codec, row));
  }

  // certificates

  async insertCertificate(cert: CertificateRecord): Promise<void> {
    const result = await this.db
      .insertInto('certificates')
      .values(certificateToRow(this.codec, cert))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted(result)) return;
    if ((await this.getCertificate(cert.caId, cert.serial)) !== undefined) {
      throw new StoreConflictError(
        'serial',
        `CA ${cert.caId} already has a certificate with serial ${cert.serial}`,
      );
    }
    throw new StoreConflictError('publicKey', `the public key ${cert.publicKeyHash} is already certified`);
  }

  async getCertificate(caId: string, serial: string): Promise<CertificateRecord | undefined> {
    const row = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('ca_id', '=', caId)
      .where('serial', '=', serial)
      .executeTakeFirst();
    return row === undefined ? undefined : certificateFromRow(this.codec, row);
  }

  async findCertificatesBySerial(serial: string): Promise<CertificateRecord[]> {
    const rows = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('serial', '=', serial)
      .orderBy('ca_id')
      .execute();
    return rows.map((row) => certificateFromRow(this.codec, row));
  }

  async findCertificateByPublicKeyHash(publicKeyHash: string): Promise<CertificateRecord | undefined> {
    const row = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('public_key_hash', '=', publicKeyHash)
      .executeTakeFirst();
    return row === undefined ? undefined : certificateFromRow(this.codec, row);
  }

  async queryCertificates(query: CertificateQuery): Promise<CertificateRecord[]> {
    const { caId, uscc, pairId, status, role, notAfterBefore, limit } = query;
    const rows = await this.db
      .selectFrom('certificates')
      .selectAll()
      .$if(caId !== undefined, (q) => q.where('ca_id', '=', caId ?? ''))
      .$if(uscc !== undefined, (q) => q.where('uscc', '=', uscc ?? ''))
      .$if(pairId !== undefined, (q) => q.where('pair_id', '=', pairId ?? ''))
      .$if(status !== undefined, (q) => q.where('status', '=', status ?? ''))
      .$if(role !== undefined, (q) => q.where('role', '=', role ?? ''))
      .$if(notAfterBefore !== undefined, (q) =>
        q.where('not_after', '<', this.codec.time(notAfterBefore ?? new Date(0))),
      )
      .orderBy('created_at')
      .orderBy('ca_id')
      .orderBy('serial')
      .$if(limit !== undefined, (q) => q.limit(limit ?? 0))
      .execute();
    return rows.map((row) => certificateFromRow(this.codec, row));
  }

  async setCertificateStatus(
    caId: string,
    serial: string,
    status: CertificateStatus,
    revokedAt: Date | null,
    reason: RevocationReason | null,
    attribution?: RevocationAttribution,
  ): Promise<void> {
    await this.db
      .updateTable('certificates')
      .set({
        status,
        revoked_at: revokedAt === null ? null : this.codec.time(revokedAt),
        revocation_reason: reason,
        revoked_branch_id: attribution?.branchId ?? null,
        revoked_channel: attribution?.channel ?? null,
      })
      .where('ca_id', '=', caId)
      .where('serial', '=', serial)
      .execute();
  }

  async revokedCertificates(caId: string): Promise<CertificateRecord[]> {
    // Serials are hex without leading zeros, so (length, text) is numeric order ('F' < '1A' < '100').
    const rows = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('ca_id', '=', caId)
      .where('status', 'in', ['revoked', 'suspended'])
      .orderBy(sql`length(serial)`)
      .orderBy('serial')
      .execute();
    return rows.map((row) => certificateFromRow(this.codec, row));
  }

  // KMC escrow

  async insertEscrowedKey(key: EscrowedKeyRecord): Promise<void> {
    const result = await this.db
      .insertInto('escrowed_keys')
      .values(escrowedKeyToRow(this.codec, key))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result))
      throw new StoreConflictError('escrowedKey', `escrowed key ${key.id} already exists`);
  }

  async takePoolKey(assign: {
    uscc: string;
    caId: string;
    certificateSerial: string;
    at: Date;
  }): Promise<EscrowedKeyRecord | undefined> {
    // One statement, so it is atomic on `read` as well. On PostgreSQL SKIP LOCKED lets parallel
    // takers pass over a key another transaction holds instead of queueing behind it (R12);
    // SQLite runs one writer at a time, so the plain subquery is enough there.
    const oldest = this.db
      .selectFrom('escrowed_keys')
      .select('id')
      .where('state', '=', 'pool')
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .$if(this.postgres, (q) => q.forUpdate().skipLocked());
    const row = await this.db
      .updateTable('escrowed_keys')
      .set({
        state: 'assigned',
        uscc: assign.uscc,
        ca_id: assign.caId,
        certificate_serial: assign.certificateSerial,
        assigned_at: this.codec.time(assign.at),
      })
      .where('id', '=', oldest)
      .where('state', '=', 'pool')
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : escrowedKeyFromRow(this.codec, row);
  }

  async countPoolKeys(): Promise<number> {
    const row = await this.db
      .selectFrom('escrowed_keys')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('state', '=', 'pool')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async getEscrowedKey(id: string): Promise<EscrowedKeyRecord | undefined> {
    const row = await this.db.selectFrom('escrowed_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : escrowedKeyFromRow(this.codec, row);
  }

  async listEscrowedKeys(uscc: string): Promise<EscrowedKeyRecord[]> {
    const rows = await this.db
      .selectFrom('escrowed_keys')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => escrowedKeyFromRow(this.codec, row));
  }

  // audit (R3)

  appendAudit(input: AuditInput, chain: (prevHash: string, seq: number) => string): Promise<AuditEntry> {
    return this.atomic(async (tx) => {
      // The head row is the chain's lock: on PostgreSQL FOR UPDATE makes a parallel append wait
      // for this transaction and then read the head it left; SQLite transactions already run
      // one at a time (BEGIN IMMEDIATE, see dialects.ts), so a plain read is enough there. Once
      // read, nobody else can move the head before this transaction ends, so the next appends
      // of the same transaction (an issuance makes three) take it from memory, and the head row
      // is written once, at the end of the transaction (`run`).
      const head =
        tx.#auditHead ??
        (await tx.db
          .selectFrom('audit_head')
          .select(['seq', 'hash'])
          .where('id', '=', 1)
          .$if(tx.postgres, (q) => q.forUpdate())
          .executeTakeFirstOrThrow());
      const seq = Number(head.seq) + 1;
      const entry: AuditEntry = {
        seq,
        at: input.at,
        actor: input.actor,
        action: input.action,
        object: input.object,
        reason: input.reason,
        detail: input.detail,
        prevHash: head.hash,
        hash: chain(head.hash, seq),
      };
      await tx.db.insertInto('audit_entries').values(auditEntryToRow(tx.codec, entry)).execute();
      tx.#auditHead = { seq, hash: entry.hash, stored: false };
      return entry;
    });
  }

  async auditEntries(from: number, to?: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '>=', from)
      .$if(to !== undefined, (q) => q.where('seq', '<=', to ?? 0))
      .orderBy('seq')
      .execute();
    return rows.map((row) => auditEntryFromRow(this.codec, row));
  }

  async insertAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    const result = await this.db
      .insertInto('audit_checkpoints')
      .values(auditCheckpointToRow(this.codec, checkpoint))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result)) {
      throw new StoreConflictError('auditCheckpoint', `a checkpoint at seq ${checkpoint.seq} already exists`);
    }
  }

  async latestAuditCheckpoint(): Promise<AuditCheckpoint | undefined> {
    const row = await this.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : auditCheckpointFromRow(this.codec, row);
  }

  // statistics (R4, R25): grouped counts computed by the database, not by loading rows. Each
  // count reads one index of 0009_scale_indexes only, and the certificates and applications are
  // grouped once each, by all their columns together, then summed per column here.

  async statistics(query: StatisticsQuery): Promise<Statistics> {
    const certificates = await this.db
      .selectFrom('certificates')
      .select(['status', 'role', 'ca_id', sql<number | string>`count(*)`.as('n')])
      .groupBy(['status', 'role', 'ca_id'])
      .execute();
    const applications = await this.db
      .selectFrom('applications')
      .select(['business_type', 'channel', sql<number | string>`count(*)`.as('n')])
      .$if(query.from !== undefined, (q) =>
        q.where('created_at', '>=', this.codec.time(query.from ?? new Date(0))),
      )
      .$if(query.to !== undefined, (q) =>
        q.where('created_at', '<', this.codec.time(query.to ?? new Date(0))),
      )
      .groupBy(['business_type', 'channel'])
      .execute();
    const until = new Date(query.at.getTime() + query.expiringWithinDays * 86_400_000);
    const expiring = await this.db
      .selectFrom('certificates')
      .select(sql<number | string>`count(*)`.as('n'))
      .where('status', '=', 'valid')
      .where('not_after', '>=', this.codec.time(query.at))
      .where('not_after', '<', this.codec.time(until))
      .executeTakeFirstOrThrow();
    const persons = await this.db
      .selectFrom('legal_persons')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return {
      legalPersons: Number(persons.n),
      certificatesByStatus: countBy(certificates, (row) => row.status),
      certificatesByRole: countBy(certificates, (row) => row.role),
      certificatesByCa: countBy(certificates, (row) => row.ca_id),
      applicationsByBusinessType: countBy(applications, (row) => row.business_type),
      applicationsByChannel: countBy(applications, (row) => row.channel),
      expiring: Number(expiring.n),
    };
  }

  // KMC key recovery

  async insertRecoveryRequest(request: RecoveryRequestRecord): Promise<void> {
    const result = await this.db
      .insertInto('kmc_recovery')
      .values(recoveryToRow(this.codec, request))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result))
      throw new StoreConflictError('recoveryRequest', `recovery request ${request.id} already exists`);
  }

  async getRecoveryRequest(id: string): Promise<RecoveryRequestRecord | undefined> {
    const row = await this.db
      .selectFrom('kmc_recovery')
      .selectAll()
      .where('id', '=', id)
      .$if(this.postgres, (q) => q.forUpdate())
      .executeTakeFirst();
    return row === undefined ? undefined : recoveryFromRow(this.codec, row);
  }

  async updateRecoveryRequest(
    id: string,
    change: Partial<Pick<RecoveryRequestRecord, 'state' | 'approvals' | 'completedAt'>>,
  ): Promise<void> {
    const set: Updateable<Database['kmc_recovery']> = {};
    if (change.state !== undefined) set.state = change.state;
    if (change.approvals !== undefined) set.approvals = approvalsJson(change.approvals);
    if (change.completedAt !== undefined) set.completed_at = timeOrNull(this.codec, change.completedAt);
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('kmc_recovery').set(set).where('id', '=', id).execute();
  }

  // outbox

  async insertOutbox(job: OutboxJob): Promise<void> {
    const result = await this.db
      .insertInto('outbox')
      .values(outboxToRow(this.codec, job))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!inserted(result)) throw new StoreConflictError('outbox', `outbox job ${job.id} already exists`);
  }

  async pendingOutbox(limit: number): Promise<OutboxJob[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('done_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => outboxFromRow(this.codec, row));
  }

  async markOutboxDone(id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ done_at: this.codec.time(at) })
      .where('id', '=', id)
      .execute();
  }
}
