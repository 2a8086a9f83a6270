/**
 * The store contract (issue 4 "Storage"): one suite, run on SQLite (a temporary directory) and on
 * PostgreSQL (a fresh schema per test in the machine's server), so both adapters keep the exact
 * behaviour the core relies on — records round-trip field by field, unique keys are
 * `StoreConflictError`s, transactions are all or nothing (also across a SIGKILL), the audit chain
 * (R3) never forks and the KMC pool (R12) never hands one key out twice under concurrency.
 *
 * PostgreSQL: 127.0.0.1:5432, trust auth, database `test` (`YIZHENG_TEST_DATABASE_URL`
 * overrides). When it is unreachable the PostgreSQL cases fail with that message; they never skip.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  StoreConflictError,
  type ApplicationRecord,
  type AuditEntry,
  type AuditInput,
  type CaRecord,
  type CertificateRecord,
  type CrlIssueRecord,
  type ChargeRecord,
  type MediumRecord,
  type UnlockRecord,
  type EscrowedKeyRecord,
  type OutboxJob,
  type ProfileRecord,
  type Store,
} from '@yizheng/core';
import { AUDIT_GENESIS_HASH, openStore, type OpenStoreOptions } from '../src/index.js';

const POSTGRES_URL = process.env.YIZHENG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** This file run's schema prefix: parallel runs (and other test files) never share a schema. */
const RUN_PREFIX = `yz_store_${randomBytes(5).toString('hex')}`;
const CRASH_WRITER = fileURLToPath(new URL('./crash-writer.mjs', import.meta.url));
const BUILT_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Where a fresh store lives, and how to remove it afterwards. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** Throws a clear error when the database cannot be used at all. */
  ready(): Promise<void>;
  location(): OpenStoreOptions;
  remove(location: OpenStoreOptions): Promise<void>;
  removeAll(): Promise<void>;
}

const tempDirs: string[] = [];
const sqlite: Backend = {
  name: 'sqlite',
  ready: async () => undefined,
  location() {
    const dataDir = mkdtempSync(join(tmpdir(), 'yz-store-'));
    tempDirs.push(dataDir);
    return { dataDir };
  },
  async remove(location) {
    if (location.dataDir !== undefined) rmSync(location.dataDir, { recursive: true, force: true });
  },
  async removeAll() {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  },
};

async function withPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

let schemaCount = 0;
let postgresReachable: Promise<void> | undefined;
const postgres: Backend = {
  name: 'postgres',
  ready() {
    postgresReachable ??= withPostgres((client) => client.query('select 1')).then(
      () => undefined,
      (error: unknown) => {
        throw new Error(
          `PostgreSQL is not reachable at ${POSTGRES_URL} (${String(error)}). The store contract must pass on ` +
            'PostgreSQL too: start it, or point YIZHENG_TEST_DATABASE_URL at one. These tests fail, never skip.',
        );
      },
    );
    return postgresReachable;
  },
  location: () => ({ databaseUrl: POSTGRES_URL, schema: `${RUN_PREFIX}_${++schemaCount}` }),
  async remove(location) {
    await withPostgres((client) => client.query(`drop schema if exists ${location.schema} cascade`));
  },
  async removeAll() {
    // Nothing to remove when PostgreSQL was never reached (each case has failed already).
    if (!(await postgresReachable?.then(() => true).catch(() => false))) return;
    await withPostgres(async (client) => {
      const left = await client.query<{ name: string }>(
        'select nspname as name from pg_namespace where nspname like $1',
        [`${RUN_PREFIX}%`],
      );
      for (const { name } of left.rows) await client.query(`drop schema if exists ${name} cascade`);
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Fixtures: fixed times (tests never read the clock), bytes with 0x00 and 0xff, JSON with nesting.

const T0 = new Date('2026-01-02T03:04:05.678Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const DAY = 86_400_000;
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function ca(id: string, extra: Partial<CaRecord> = {}): CaRecord {
  return {
    id,
    name: `测试 CA ${id}`,
    status: 'active',
    keyRef: `vault:${id}`,
    certificateDer: bytes(0x30, 0x82, 0x00, 0xff, 0x01),
    chainDer: [bytes(0x30, 1), bytes(0x30, 2, 0)],
    createdAt: T0,
    ...extra,
  };
}

function profile(id: string, version: number, active: boolean): ProfileRecord {
  return {
    id,
    version,
    name: `法人证书 v${version}`,
    role: 'sign',
    definition: {
      validityDays: 365 * version,
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      nested: { a: null },
    },
    active,
    createdAt: at(version),
  };
}

/** Distinct public keys unless a test sets one: only the unique-key cases want a collision. */
let keyCount = 0;

function cert(serial: string, extra: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    caId: 'CA1',
    serial,
    role: 'sign',
    pairId: `pair-${serial}`,
    uscc: '91330106MA2B3C4D5D',
    subject: `C=CN,O=某某公司,CN=${serial}`,
    notBefore: T0,
    notAfter: at(365 * DAY),
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    predecessorPairId: null,
    publicKeyHash: `key-${++keyCount}`,
    applicationId: null,
    escrowId: null,
    der: bytes(0x30, 0x00, 0xff, serial.length),
    createdAt: T0,
    ...extra,
  };
}

function poolKey(id: string, createdAt: Date): EscrowedKeyRecord {
  return {
    id,
    state: 'pool',
    publicKey: bytes(0x04, 1, 2, 3),
    sealed: bytes(0, 0xff, 0),
    uscc: null,
    caId: null,
    certificateSerial: null,
    createdAt,
    assignedAt: null,
  };
}

function application(id: string, createdAt: Date): ApplicationRecord {
  return {
    id,
    uscc: '91330106MA2B3C4D5D',
    businessType: 'new',
    channel: 'counter',
    state: 'submitted',
    actor: 'operator-7',
    data: { materials: [{ name: '营业执照', sm3: 'ab'.repeat(32) }], fee: 300, urgent: false },
    createdAt,
    updatedAt: createdAt,
  };
}

function outbox(id: string, createdAt: Date): OutboxJob {
  return { id, kind: 'ldap.publish', payload: { serial: id, attempts: 0 }, createdAt, doneAt: null };
}

function auditInput(i: number): AuditInput {
  return {
    at: at(i),
    actor: 'operator-1',
    action: 'test.append',
    object: `object:${i}`,
    reason: null,
    detail: { i },
  };
}

/** The test's chain function: any deterministic function of (prevHash, seq) does for the store. */
const chain = (prevHash: string, seq: number): string =>
  createHash('sha256').update(`${prevHash}|${seq}`).digest('hex');

/** Checks seq 1..n without gaps and every prevHash equal to the hash before it. */
function expectChain(entries: readonly AuditEntry[], n: number): void {
  expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  let prev = AUDIT_GENESIS_HASH;
  for (const entry of entries) {
    expect(entry.prevHash).toBe(prev);
    expect(entry.hash).toBe(chain(entry.prevHash, entry.seq));
    prev = entry.hash;
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function expectConflict(promise: Promise<unknown>, what: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  expect((error as StoreConflictError).what).toBe(what);
}

describe('openStore', () => {
  it('error/a databaseUrl that is not PostgreSQL', async () => {
    await expect(openStore({ databaseUrl: 'mysql://localhost/test' })).rejects.toThrow(RangeError);
  });
  it('error/neither databaseUrl nor dataDir', async () => {
    await expect(openStore({})).rejects.toThrow(/dataDir/);
  });
  it('error/a schema name that is not a plain identifier', async () => {
    await expect(openStore({ databaseUrl: POSTGRES_URL, schema: 'x; drop table y' })).rejects.toThrow(
      RangeError,
    );
  });
  it('ok/:memory: SQLite', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    await store.read.insertOutbox(outbox('j1', T0));
    expect(await store.read.pendingOutbox(10)).toHaveLength(1);
    await store.close();
  });
});

describe.each([sqlite, postgres])('store contract on $name', (backend) => {
  let location: OpenStoreOptions;
  let store: Store;
  /** Set once the store is open, so a failed beforeEach leaves nothing to clean up. */
  let cleanup: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    cleanup = undefined;
    // In beforeEach rather than beforeAll: vitest reports a failed beforeAll as skipped tests,
    // and an unreachable PostgreSQL must show as every PostgreSQL case failing.
    await backend.ready();
    location = backend.location();
    store = await openStore(location);
    cleanup = async () => {
      // The crash case closes and reopens the store; a failure in between may leave it closed.
      await store.close().catch(() => undefined);
      await backend.remove(location);
    };
  });
  afterEach(() => cleanup?.());
  afterAll(() => backend.removeAll());

  // --- round trips -----------------------------------------------------------------------------

  it('ok/round trip: CAs, with and without a certificate; updateCa', async () => {
    const issued = ca('CA1');
    const pending: CaRecord = {
      id: 'CA0',
      name: 'pending',
      status: 'active',
      keyRef: 'vault:ca0',
      chainDer: [],
      createdAt: at(-1),
    };
    await store.transaction(async (tx) => {
      await tx.insertCa(issued);
      await tx.insertCa(pending);
    });
    // toStrictEqual: a Buffer where the model says Uint8Array, or an undefined key, fails.
    expect(await store.read.getCa('CA1')).toStrictEqual(issued);
    const readPending = await store.read.getCa('CA0');
    expect(readPending).toStrictEqual(pending);
    expect(readPending !== undefined && 'certificateDer' in readPending).toBe(false);
    expect(await store.read.listCas()).toStrictEqual([pending, issued]);
    expect(await store.read.getCa('nope')).toBeUndefined();

    await store.read.updateCa('CA0', { certificateDer: bytes(9, 9), chainDer: [bytes(7), bytes(8)] });
    await store.read.updateCa('CA1', { status: 'retired', chainDer: [] });
    expect(await store.read.getCa('CA0')).toStrictEqual({
      ...pending,
      certificateDer: bytes(9, 9),
      chainDer: [bytes(7), bytes(8)],
    });
    expect(await store.read.getCa('CA1')).toStrictEqual({ ...issued, status: 'retired', chainDer: [] });
  });

  it('error/duplicate CA id', async () => {
    await store.read.insertCa(ca('CA1'));
    await expectConflict(store.read.insertCa(ca('CA1', { name: 'other' })), 'ca');
  });

  it('ok/profile versions and activateProfile', async () => {
    const v1 = profile('legal-sign', 1, true);
    const v2 = profile('legal-sign', 2, false);
    const other = profile('agent-sign', 1, true);
    await store.read.insertProfile(v1);
    await store.read.insertProfile(v2);
    await store.read.insertProfile(other);
    expect(await store.read.getProfile('legal-sign')).toStrictEqual(v1);
    expect(await store.read.getProfile('legal-sign', 2)).toStrictEqual(v2);
    expect(await store.read.getProfile('legal-sign', 3)).toBeUndefined();

    await store.read.activateProfile('legal-sign', 2);
    expect(await store.read.getProfile('legal-sign')).toStrictEqual({ ...v2, active: true });
    expect(await store.read.listProfiles()).toStrictEqual([
      other,
      { ...v1, active: false },
      { ...v2, active: true },
    ]);
  });

  it('error/profile: duplicate version, a second active version, activating a missing version', async () => {
    await store.read.insertProfile(profile('p', 1, true));
    await expectConflict(store.read.insertProfile(profile('p', 1, false)), 'profile');
    await expectConflict(store.read.insertProfile(profile('p', 2, true)), 'profile');
    await expect(store.read.activateProfile('p', 9)).rejects.toMatchObject({ code: 'YZ_ERR_PROFILE' });
    expect(await store.read.getProfile('p')).toStrictEqual(profile('p', 1, true));
  });

  it('ok/round trip: vault key (empty and 0x00/0xff bytes); duplicate ref', async () => {
    const key = {
      ref: 'vault:audit',
      label: '审计密钥',
      publicKey: bytes(4, 0, 0xff),
      sealed: new Uint8Array(0),
      createdAt: T0,
    };
    await store.read.insertVaultKey(key);
    expect(await store.read.getVaultKey('vault:audit')).toStrictEqual(key);
    expect(await store.read.getVaultKey('vault:none')).toBeUndefined();
    await expectConflict(store.read.insertVaultKey(key), 'vaultKey');
  });

  it('ok/round trip: legal person upsert replaces', async () => {
    const person = {
      uscc: '91330106MA2B3C4D5D',
      name: '杭州某某科技有限公司',
      legalRepresentative: '张三',
      registryStatus: 'active' as const,
      updatedAt: T0,
    };
    await store.read.upsertLegalPerson(person);
    expect(await store.read.getLegalPerson(person.uscc)).toStrictEqual(person);
    const changed = {
      ...person,
      legalRepresentative: '李四',
      registryStatus: 'deregistered' as const,
      updatedAt: at(DAY),
    };
    await store.read.upsertLegalPerson(changed);
    expect(await store.read.getLegalPerson(person.uscc)).toStrictEqual(changed);
  });

  it('ok/searchLegalPersons: name contains the text (% and _ literal, Latin letters in any case), by USCC, limited', async () => {
    const person = (uscc: string, name: string) => ({
      uscc,
      name,
      legalRepresentative: '张三',
      registryStatus: 'active' as const,
      updatedAt: T0,
    });
    await store.read.upsertLegalPerson(person('91330201MA2C3D4E55', '宁波某某贸易有限公司'));
    await store.read.upsertLegalPerson(person('91330106MA2B3C4D5D', '杭州某某科技有限公司'));
    await store.read.upsertLegalPerson(person('91330106MA2B3C4D6G', '杭州某某ABC_100%有限公司'));
    const names = async (nameContains: string, limit = 10) =>
      (await store.read.searchLegalPersons({ nameContains, limit })).map((p) => p.uscc);
    expect(await names('某某')).toEqual(['91330106MA2B3C4D5D', '91330106MA2B3C4D6G', '91330201MA2C3D4E55']);
    expect(await names('某某', 2)).toEqual(['91330106MA2B3C4D5D', '91330106MA2B3C4D6G']);
    expect(await names('abc')).toEqual(['91330106MA2B3C4D6G']);
    expect(await names('_100%')).toEqual(['91330106MA2B3C4D6G']);
    expect(await names('%')).toEqual(['91330106MA2B3C4D6G']);
    expect(await names('科_')).toEqual([]);
    expect(await store.read.searchLegalPersons({ nameContains: '杭州某某科技', limit: 5 })).toStrictEqual([
      person('91330106MA2B3C4D5D', '杭州某某科技有限公司'),
    ]);
  });

  it('ok/round trip: applications, updateApplication, listApplications order', async () => {
    const later = application('app-2', at(2));
    const earlier = application('app-1', at(1));
    await store.read.insertApplication(later);
    await store.read.insertApplication(earlier);
    await store.read.insertApplication({ ...application('app-3', at(3)), uscc: '91110000000000000X' });
    expect(await store.read.getApplication('app-2')).toStrictEqual(later);
    const data = { review: { by: 'operator-9', result: 'ok' }, list: [1, 'two', null] };
    await store.read.updateApplication('app-1', {
      state: 'approved',
      actor: 'operator-9',
      data,
      updatedAt: at(DAY),
    });
    const updated = { ...earlier, state: 'approved' as const, actor: 'operator-9', data, updatedAt: at(DAY) };
    expect(await store.read.listApplications(earlier.uscc)).toStrictEqual([updated, later]);
    await expectConflict(store.read.insertApplication(later), 'application');
  });

  it('ok/listApplicationsByState: the review queue, oldest first, at most limit (R26)', async () => {
    const reviews = [3, 1, 2].map((n) => ({ ...application(`app-r${n}`, at(n)), state: 'review' as const }));
    for (const a of reviews) await store.read.insertApplication(a);
    await store.read.insertApplication(application('app-s', at(0)));
    const byAge = [...reviews].sort((a, b) => +a.createdAt - +b.createdAt);
    expect(await store.read.listApplicationsByState('review', 10)).toStrictEqual(byAge);
    expect(await store.read.listApplicationsByState('review', 2)).toStrictEqual(byAge.slice(0, 2));
    await store.read.updateApplication('app-r1', { state: 'rejected' });
    expect((await store.read.listApplicationsByState('review', 10)).map((a) => a.id)).toEqual([
      'app-r2',
      'app-r3',
    ]);
    expect(await store.read.listApplicationsByState('approved', 10)).toEqual([]);
  });

  it('ok/round trip: certificates with every field set and with nulls; status changes', async () => {
    const full = cert('7F3A', {
      role: 'enc',
      uscc: '91330106MA2B3C4D5D',
      status: 'revoked',
      revokedAt: at(5),
      revocationReason: 'keyCompromise',
      predecessorPairId: 'pair-old',
      applicationId: 'app-1',
      escrowId: 'esc-1',
    });
    const bare = cert('1', { uscc: null, caId: 'CA2' });
    await store.read.insertCertificate(full);
    await store.read.insertCertificate(bare);
    expect(await store.read.getCertificate('CA1', '7F3A')).toStrictEqual(full);
    expect(await store.read.getCertificate('CA2', '1')).toStrictEqual(bare);
    expect(await store.read.getCertificate('CA1', '1')).toBeUndefined();
    expect(await store.read.findCertificateByPublicKeyHash(bare.publicKeyHash)).toStrictEqual(bare);
    expect(await store.read.findCertificateByPublicKeyHash('none')).toBeUndefined();

    const sameSerial = cert('7F3A', { caId: 'CA0' });
    await store.read.insertCertificate(sameSerial);
    expect(await store.read.findCertificatesBySerial('7F3A')).toStrictEqual([sameSerial, full]);

    await store.read.setCertificateStatus('CA1', '7F3A', 'valid', null, null);
    expect(await store.read.getCertificate('CA1', '7F3A')).toStrictEqual({
      ...full,
      status: 'valid',
      revokedAt: null,
      revocationReason: null,
    });
    await store.read.setCertificateStatus('CA2', '1', 'suspended', at(9), 'certificateHold');
    expect(await store.read.getCertificate('CA2', '1')).toStrictEqual({
      ...bare,
      status: 'suspended',
      revokedAt: at(9),
      revocationReason: 'certificateHold',
    });
  });

  it('error/duplicate serial in one CA', async () => {
    await store.read.insertCertificate(cert('ABC'));
    await expectConflict(store.read.insertCertificate(cert('ABC')), 'serial');
    await store.read.insertCertificate(cert('ABC', { caId: 'CA2' }));
  });

  it('error/duplicate public key, in any CA and role', async () => {
    await store.read.insertCertificate(cert('A1', { publicKeyHash: 'same' }));
    await expectConflict(store.read.insertCertificate(cert('A2', { publicKeyHash: 'same' })), 'publicKey');
    await expectConflict(
      store.read.insertCertificate(cert('A3', { publicKeyHash: 'same', caId: 'CA2', role: 'enc' })),
      'publicKey',
    );
  });

  it('ok/a caught conflict leaves the transaction usable (retry with a new serial)', async () => {
    await store.read.insertCertificate(cert('10'));
    await store.transaction(async (tx) => {
      await tx.insertOutbox(outbox('job-1', T0));
      await expectConflict(tx.insertCertificate(cert('10')), 'serial');
      await tx.insertCertificate(cert('11'));
    });
    expect(await store.read.getCertificate('CA1', '11')).toBeDefined();
    expect(await store.read.pendingOutbox(10)).toHaveLength(1);
  });

  // --- transactions ----------------------------------------------------------------------------

  it('ok/transaction commits and returns the value of work', async () => {
    const result = await store.transaction(async (tx) => {
      await tx.insertCertificate(cert('1'));
      return (await tx.appendAudit(auditInput(1), chain)).seq;
    });
    expect(result).toBe(1);
    expect(await store.read.getCertificate('CA1', '1')).toBeDefined();
  });

  it('error/a throw after many writes rolls all of them back', async () => {
    const failure = new Error('fail after the writes');
    await expect(
      store.transaction(async (tx) => {
        await tx.insertCa(ca('CA1'));
        await tx.insertProfile(profile('p', 1, true));
        await tx.insertVaultKey({
          ref: 'k',
          label: 'k',
          publicKey: bytes(4),
          sealed: bytes(1),
          createdAt: T0,
        });
        await tx.upsertLegalPerson({
          uscc: 'U',
          name: 'n',
          legalRepresentative: 'r',
          registryStatus: 'unknown',
          updatedAt: T0,
        });
        await tx.insertApplication(application('app', T0));
        await tx.insertCertificate(cert('1'));
        await tx.insertEscrowedKey(poolKey('esc', T0));
        await tx.appendAudit(auditInput(1), chain);
        await tx.insertAuditCheckpoint({ seq: 1, hash: 'h', signature: bytes(1), at: T0 });
        await tx.insertOutbox(outbox('job', T0));
        throw failure;
      }),
    ).rejects.toBe(failure);
    const read = store.read;
    expect(await read.listCas()).toEqual([]);
    expect(await read.listProfiles()).toEqual([]);
    expect(await read.getVaultKey('k')).toBeUndefined();
    expect(await read.getLegalPerson('U')).toBeUndefined();
    expect(await read.getApplication('app')).toBeUndefined();
    expect(await read.queryCertificates({})).toEqual([]);
    expect(await read.countPoolKeys()).toBe(0);
    expect(await read.auditEntries(1)).toEqual([]);
    expect(await read.latestAuditCheckpoint()).toBeUndefined();
    expect(await read.pendingOutbox(10)).toEqual([]);
    // The audit head was rolled back too: the next entry is seq 1 after the genesis hash.
    expectChain([await read.appendAudit(auditInput(2), chain)], 1);
  });

  it('error/store.read or a nested transaction inside a transaction is refused, not a hang', async () => {
    let detached: Promise<number> | undefined;
    await store.transaction(async (tx) => {
      await tx.insertEscrowedKey(poolKey('k', T0));
      await expect(store.read.countPoolKeys()).rejects.toThrow(/inside store.transaction/);
      await expect(store.transaction(async () => 1)).rejects.toThrow(/inside store.transaction/);
      // Work started here that runs after the commit may use read again.
      detached = pause(20).then(() => store.read.countPoolKeys());
    });
    expect(await detached).toBe(1);
  });

  it('ok/data survives close and reopen (migrations are not run twice)', async () => {
    await store.read.insertCertificate(cert('5'));
    await store.read.appendAudit(auditInput(1), chain);
    await store.close();
    store = await openStore(location);
    expect(await store.read.getCertificate('CA1', '5')).toBeDefined();
    expectChain(
      [...(await store.read.auditEntries(1)), await store.read.appendAudit(auditInput(2), chain)],
      2,
    );
  });

  // --- queries ---------------------------------------------------------------------------------

  it('ok/queryCertificates: each filter, combined, notAfterBefore strict, limit', async () => {
    const a = cert('A', { pairId: 'p1', role: 'sign', notAfter: at(10 * DAY), createdAt: at(1) });
    const b = cert('B', { pairId: 'p1', role: 'enc', notAfter: at(10 * DAY), createdAt: at(2) });
    const c = cert('C', {
      pairId: 'p2',
      uscc: '91110000000000000X',
      notAfter: at(20 * DAY),
      createdAt: at(3),
    });
    const d = cert('D', {
      caId: 'CA2',
      pairId: 'p3',
      status: 'revoked',
      revokedAt: T0,
      revocationReason: 'superseded',
      createdAt: at(4),
    });
    for (const x of [c, a, d, b]) await store.read.insertCertificate(x);
    const q = store.read.queryCertificates.bind(store.read);
    expect(await q({})).toStrictEqual([a, b, c, d]);
    expect(await q({ caId: 'CA2' })).toStrictEqual([d]);
    expect(await q({ uscc: '91110000000000000X' })).toStrictEqual([c]);
    expect(await q({ pairId: 'p1' })).toStrictEqual([a, b]);
    expect(await q({ status: 'revoked' })).toStrictEqual([d]);
    expect(await q({ role: 'enc' })).toStrictEqual([b]);
    expect(await q({ notAfterBefore: at(10 * DAY) })).toStrictEqual([]);
    expect(await q({ notAfterBefore: at(10 * DAY + 1) })).toStrictEqual([a, b]);
    expect(await q({ caId: 'CA1', status: 'valid', notAfterBefore: at(30 * DAY) })).toStrictEqual([a, b, c]);
    expect(await q({ caId: 'CA1', limit: 2 })).toStrictEqual([a, b]);
  });

  it('ok/revokedCertificates: revoked and suspended of one CA, in numeric serial order', async () => {
    const revoked = (serial: string, status: 'revoked' | 'suspended', caId = 'CA1') =>
      cert(serial, {
        caId,
        status,
        revokedAt: T0,
        revocationReason: status === 'revoked' ? 'keyCompromise' : 'certificateHold',
      });
    for (const x of [
      revoked('100', 'revoked'),
      revoked('F', 'revoked'),
      revoked('1A', 'suspended'),
      cert('2'),
      revoked('3', 'revoked', 'CA2'),
    ]) {
      await store.read.insertCertificate(x);
    }
    expect((await store.read.revokedCertificates('CA1')).map((x) => x.serial)).toEqual(['F', '1A', '100']);
    expect((await store.read.revokedCertificates('CA2')).map((x) => x.serial)).toEqual(['3']);
    expect(await store.read.revokedCertificates('CA3')).toEqual([]);
  });

  // --- KMC pool --------------------------------------------------------------------------------

  it('ok/pool: keys are taken oldest first until empty, then undefined', async () => {
    await store.read.insertEscrowedKey(poolKey('k-new', at(3)));
    await store.read.insertEscrowedKey(poolKey('k-old', at(1)));
    await store.read.insertEscrowedKey(poolKey('k-mid', at(2)));
    expect(await store.read.getEscrowedKey('k-old')).toStrictEqual(poolKey('k-old', at(1)));
    expect(await store.read.countPoolKeys()).toBe(3);
    const assign = (serial: string) => ({ uscc: 'U1', caId: 'CA1', certificateSerial: serial, at: at(DAY) });

    const first = await store.transaction((tx) => tx.takePoolKey(assign('S1')));
    expect(first).toStrictEqual({
      ...poolKey('k-old', at(1)),
      state: 'assigned',
      uscc: 'U1',
      caId: 'CA1',
      certificateSerial: 'S1',
      assignedAt: at(DAY),
    });
    expect(await store.read.countPoolKeys()).toBe(2);
    expect((await store.read.takePoolKey(assign('S2')))?.id).toBe('k-mid');
    expect((await store.transaction((tx) => tx.takePoolKey(assign('S3'))))?.id).toBe('k-new');
    expect(await store.read.countPoolKeys()).toBe(0);
    expect(await store.transaction((tx) => tx.takePoolKey(assign('S4')))).toBeUndefined();
    expect((await store.read.listEscrowedKeys('U1')).map((k) => [k.id, k.certificateSerial])).toEqual([
      ['k-old', 'S1'],
      ['k-mid', 'S2'],
      ['k-new', 'S3'],
    ]);
    await expectConflict(store.read.insertEscrowedKey(poolKey('k-old', T0)), 'escrowedKey');
  });

  it('ok/pool: keys stored together (one createdAt, a refill chunk) are taken in id order', async () => {
    for (const id of ['k-c', 'k-a', 'k-b']) await store.read.insertEscrowedKey(poolKey(id, T0));
    const assign = (serial: string) => ({ uscc: 'U1', caId: 'CA1', certificateSerial: serial, at: at(DAY) });
    const taken = [];
    for (const serial of ['S1', 'S2', 'S3'])
      taken.push((await store.transaction((tx) => tx.takePoolKey(assign(serial))))?.id);
    expect(taken).toEqual(['k-a', 'k-b', 'k-c']);
  });

  // --- audit and outbox ------------------------------------------------------------------------

  it('ok/audit: seq from 1, prevHash links, ranges, checkpoints', async () => {
    const appended: AuditEntry[] = [];
    for (let i = 1; i <= 4; i++) appended.push(await store.read.appendAudit(auditInput(i), chain));
    expect(appended[0]).toStrictEqual({
      ...auditInput(1),
      seq: 1,
      prevHash: AUDIT_GENESIS_HASH,
      hash: chain(AUDIT_GENESIS_HASH, 1),
    });
    expect(await store.read.auditEntries(1)).toStrictEqual(appended);
    expectChain(appended, 4);
    expect((await store.read.auditEntries(2, 3)).map((e) => e.seq)).toEqual([2, 3]);
    expect((await store.read.auditEntries(4)).map((e) => e.seq)).toEqual([4]);
    expect(await store.read.auditEntries(5)).toEqual([]);
    const withReason = await store.read.appendAudit({ ...auditInput(5), reason: '法人申请撤销' }, chain);
    expect((await store.read.auditEntries(5))[0]).toStrictEqual(withReason);

    expect(await store.read.latestAuditCheckpoint()).toBeUndefined();
    const cp2 = { seq: 2, hash: appended[1]?.hash ?? '', signature: bytes(0x30, 0x45, 0), at: at(10) };
    const cp4 = { seq: 4, hash: appended[3]?.hash ?? '', signature: bytes(0x30, 0x44, 0xff), at: at(20) };
    await store.read.insertAuditCheckpoint(cp4);
    await store.read.insertAuditCheckpoint(cp2);
    expect(await store.read.latestAuditCheckpoint()).toStrictEqual(cp4);
    await expectConflict(store.read.insertAuditCheckpoint(cp2), 'auditCheckpoint');
  });

  it('ok/audit: appends in one transaction chain on, and the next transaction continues after them', async () => {
    const first = await store.transaction(async (tx) => [
      await tx.appendAudit(auditInput(1), chain),
      await tx.appendAudit(auditInput(2), chain),
      await tx.appendAudit(auditInput(3), chain),
    ]);
    expectChain(first, 3);
    const next = await store.transaction((tx) => tx.appendAudit(auditInput(4), chain));
    const onRead = await store.read.appendAudit(auditInput(5), chain);
    expectChain([...first, next, onRead], 5);
    expect(await store.read.auditEntries(1)).toStrictEqual([...first, next, onRead]);
  });

  it('ok/statistics: grouped counts of certificates and applications, a period, the expiring window', async () => {
    const certificates = [
      cert('1', { role: 'sign', notAfter: at(10 * DAY) }),
      cert('2', { role: 'enc', notAfter: at(10 * DAY) }),
      cert('3', { role: 'sign', notAfter: at(40 * DAY) }),
      cert('4', { caId: 'CA2', role: 'enc', notAfter: at(5 * DAY - 1) }),
      cert('5', { status: 'revoked', revokedAt: T0, revocationReason: 'superseded', notAfter: at(20 * DAY) }),
      cert('6', { caId: 'CA2', status: 'suspended', revokedAt: T0, revocationReason: 'certificateHold' }),
    ];
    for (const c of certificates) await store.read.insertCertificate(c);
    const applications: ApplicationRecord[] = [
      application('a1', at(0)),
      { ...application('a2', at(DAY)), businessType: 'renew', channel: 'online' },
      { ...application('a3', at(2 * DAY)), businessType: 'renew', channel: 'mobile' },
      { ...application('a4', at(3 * DAY)), channel: 'online' },
    ];
    for (const a of applications) await store.read.insertApplication(a);
    for (const uscc of ['91330106MA2B3C4D5D', '91330201MA2C3D4E55'])
      await store.read.upsertLegalPerson({
        uscc,
        name: '杭州某某科技有限公司',
        legalRepresentative: '张三',
        registryStatus: 'active',
        updatedAt: T0,
      });

    // expiring: valid, notAfter in [at, at + 30 days): certificates 1 and 2 (4 ends before, 3 after)
    expect(await store.read.statistics({ at: at(5 * DAY), expiringWithinDays: 30 })).toStrictEqual({
      legalPersons: 2,
      certificatesByStatus: { valid: 4, revoked: 1, suspended: 1 },
      certificatesByRole: { sign: 4, enc: 2 },
      certificatesByCa: { CA1: 4, CA2: 2 },
      applicationsByBusinessType: { new: 2, renew: 2 },
      applicationsByChannel: { counter: 1, online: 2, mobile: 1 },
      expiring: 2,
    });
    const period = await store.read.statistics({
      at: at(5 * DAY),
      expiringWithinDays: 35,
      from: at(DAY),
      to: at(3 * DAY),
    });
    expect(period.applicationsByBusinessType).toStrictEqual({ renew: 2 });
    expect(period.applicationsByChannel).toStrictEqual({ online: 1, mobile: 1 });
    expect(period.certificatesByStatus).toStrictEqual({ valid: 4, revoked: 1, suspended: 1 });
    expect(period.expiring).toBe(2);
    expect((await store.read.statistics({ at: at(5 * DAY), expiringWithinDays: 36 })).expiring).toBe(3);
  });

  it('ok/outbox: pending oldest first, markOutboxDone, duplicate id', async () => {
    await store.read.insertOutbox(outbox('j3', at(3)));
    await store.read.insertOutbox(outbox('j1', at(1)));
    await store.read.insertOutbox(outbox('j2', at(2)));
    expect(await store.read.pendingOutbox(2)).toStrictEqual([outbox('j1', at(1)), outbox('j2', at(2))]);
    await store.read.markOutboxDone('j1', at(5));
    expect((await store.read.pendingOutbox(10)).map((j) => j.id)).toEqual(['j2', 'j3']);
    await expectConflict(store.read.insertOutbox(outbox('j1', T0)), 'outbox');
  });

  // --- concurrency -----------------------------------------------------------------------------

  /**
   * PostgreSQL: two stores (two pools, as two server nodes would have) on one schema. SQLite: one
   * store — better-sqlite3 waits for a lock synchronously, so a second connection in the same
   * process would block the event loop its lock holder needs (one store per process, design §6).
   */
  async function parallelStores(): Promise<Store[]> {
    return backend.name === 'postgres' ? [store, await openStore(location)] : [store];
  }

  // --- after-sales services and retention (migration 0003_service) ---------------------------

  function medium(serial: string, extra: Partial<MediumRecord> = {}): MediumRecord {
    return {
      serial,
      model: 'FT-ePass3000GM',
      scheme: 'skf-sha1-sm4',
      state: 'stock',
      branchId: null,
      batch: null,
      uscc: null,
      pairId: null,
      soPinSealed: null,
      createdAt: T0,
      updatedAt: T0,
      ...extra,
    };
  }

  function unlockRecord(id: string, challenge: string, createdAt: Date): UnlockRecord {
    return {
      id,
      mediumSerial: 'M-0001',
      challenge,
      uscc: '91330106MA2B3C4D5D',
      pairId: 'pair-1',
      actor: 'op',
      evidence: { kind: 'counter', reference: '身份证核验' },
      applicationId: `app-${id}`,
      createdAt,
    };
  }

  it('ok/round trip: media, updateMedium, listMedia; duplicate serial', async () => {
    const read = store.read;
    await read.insertMedium(medium('M-0001'));
    await read.insertMedium(medium('M-0002', { soPinSealed: bytes(0, 0xff, 7) }));
    expect(await read.getMedium('M-0001')).toEqual(medium('M-0001'));
    expect(await read.getMedium('M-0002')).toEqual(medium('M-0002', { soPinSealed: bytes(0, 0xff, 7) }));
    expect(await read.getMedium('M-none')).toBeUndefined();
    await read.updateMedium('M-0001', {
      state: 'issued',
      uscc: '91330106MA2B3C4D5D',
      pairId: 'pair-9',
      soPinSealed: bytes(1, 2),
      updatedAt: at(5),
    });
    expect(await read.listMedia('91330106MA2B3C4D5D')).toEqual([
      medium('M-0001', {
        state: 'issued',
        uscc: '91330106MA2B3C4D5D',
        pairId: 'pair-9',
        soPinSealed: bytes(1, 2),
        updatedAt: at(5),
      }),
    ]);
    await expectConflict(read.insertMedium(medium('M-0001')), 'medium');
  });

  it('ok/unlocks: a (medium, challenge) is answered once; countUnlocks counts from a time', async () => {
    const read = store.read;
    await read.insertUnlock(unlockRecord('u1', 'AA00', at(0)));
    await read.insertUnlock(unlockRecord('u2', 'AA01', at(DAY)));
    await expectConflict(read.insertUnlock(unlockRecord('u3', 'AA00', at(2 * DAY))), 'unlockChallenge');
    expect(await read.countUnlocks('M-0001', at(0))).toBe(2);
    expect(await read.countUnlocks('M-0001', at(1))).toBe(1);
    expect(await read.countUnlocks('M-0002', at(0))).toBe(0);
  });

  it('ok/concurrency: 8 parallel answers to one challenge, exactly one wins', async () => {
    const stores = await parallelStores();
    let results: PromiseSettledResult<void>[];
    try {
      results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          (stores[i % stores.length] as Store).transaction(async (tx) => {
            await pause(i % 2);
            await tx.insertUnlock(unlockRecord(`race-${i}`, 'BEEF', at(i)));
          }),
        ),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected'))
      expect(r.reason).toMatchObject({ name: 'StoreConflictError', what: 'unlockChallenge' });
    expect(await store.read.countUnlocks('M-0001', at(0))).toBe(1);
  });

  it('ok/concurrency: 8 parallel issuers of one serial, exactly one certificate is stored', async () => {
    const stores = await parallelStores();
    let results: PromiseSettledResult<void>[];
    try {
      results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          (stores[i % stores.length] as Store).transaction(async (tx) => {
            await tx.insertOutbox(outbox(`serial-race-${i}`, at(i)));
            await pause(i % 2);
            await tx.insertCertificate(cert('7E57AB1E', { pairId: `pair-race-${i}` }));
          }),
        ),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected'))
      expect(r.reason).toMatchObject({ name: 'StoreConflictError', what: 'serial' });
    expect(await store.read.findCertificatesBySerial('7E57AB1E')).toHaveLength(1);
    // the losers rolled back whole: their outbox rows are gone too
    expect(await store.read.pendingOutbox(100)).toHaveLength(1);
  });

  it('ok/fee schedules by version and time; charges by legal person; settings upsert', async () => {
    const read = store.read;
    const items = [{ code: 'medium.usbkey', name: 'USB-KEY 介质费', amountFen: 8000 }];
    await read.insertFeeSchedule({ version: 1, items, publishedAt: at(0), publishedBy: 'finance' });
    await read.insertFeeSchedule({
      version: 2,
      items: [{ ...items[0]!, amountFen: 6000 }],
      publishedAt: at(DAY),
      publishedBy: 'finance',
    });
    await expectConflict(
      read.insertFeeSchedule({ version: 2, items, publishedAt: at(DAY), publishedBy: 'x' }),
      'feeSchedule',
    );
    expect((await read.feeScheduleAt(at(DAY - 1)))?.version).toBe(1);
    expect(await read.feeScheduleAt(at(DAY))).toEqual({
      version: 2,
      items: [{ ...items[0]!, amountFen: 6000 }],
      publishedAt: at(DAY),
      publishedBy: 'finance',
    });
    expect(await read.feeScheduleAt(at(-1))).toBeUndefined();
    expect((await read.latestFeeSchedule())?.version).toBe(2);
    const charge: ChargeRecord = {
      id: 'c1',
      applicationId: 'app-1',
      uscc: '91330106MA2B3C4D5D',
      code: 'medium.usbkey',
      name: 'USB-KEY 介质费',
      amountFen: 6000,
      status: 'due',
      note: 'fee schedule version 2',
      scheduleVersion: 2,
      createdAt: at(DAY + 5),
    };
    await read.insertCharge(charge);
    await read.insertCharge({
      ...charge,
      id: 'c0',
      status: 'waived',
      amountFen: 0,
      scheduleVersion: null,
      createdAt: at(DAY),
    });
    expect((await read.listCharges('91330106MA2B3C4D5D')).map((c) => c.id)).toEqual(['c0', 'c1']);
    expect((await read.listCharges('91330106MA2B3C4D5D'))[1]).toEqual(charge);
    expect(await read.getSetting('service-policy')).toBeUndefined();
    await read.putSetting('service-policy', { maxUnlocksPerDay: 3 }, at(0));
    await read.putSetting('service-policy', { maxUnlocksPerDay: 5, period: null }, at(1));
    expect(await read.getSetting('service-policy')).toEqual({ maxUnlocksPerDay: 5, period: null });
  });

  it('ok/retention: certificatesEndedBefore needs notAfter and revokedAt before the cutoff; deleteCertificate', async () => {
    const read = store.read;
    await read.insertCertificate(cert('E1', { notAfter: at(DAY) }));
    await read.insertCertificate(
      cert('E2', {
        notAfter: at(3 * DAY),
        status: 'revoked',
        revokedAt: at(DAY),
        revocationReason: 'superseded',
      }),
    );
    await read.insertCertificate(
      cert('E3', {
        notAfter: at(2 * DAY),
        status: 'revoked',
        revokedAt: at(2 * DAY),
        revocationReason: 'keyCompromise',
      }),
    );
    expect((await read.certificatesEndedBefore(at(2 * DAY), 10)).map((c) => c.serial)).toEqual(['E1']);
    expect((await read.certificatesEndedBefore(at(4 * DAY), 10)).map((c) => c.serial)).toEqual([
      'E1',
      'E3',
      'E2',
    ]);
    expect((await read.certificatesEndedBefore(at(4 * DAY), 2)).map((c) => c.serial)).toEqual(['E1', 'E3']);
    await read.deleteCertificate('CA1', 'E1');
    expect(await read.getCertificate('CA1', 'E1')).toBeUndefined();
    expect(await read.getCertificate('CA1', 'E2')).toBeDefined();
  });

  it('ok/concurrency: 20 parallel transactions appending audit entries never fork the chain', async () => {
    const stores = await parallelStores();
    const perTransaction = 3;
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, t) =>
          (stores[t % stores.length] as Store).transaction(async (tx) => {
            await tx.insertOutbox(outbox(`job-${t}`, at(t)));
            await pause(t % 3);
            for (let k = 0; k < perTransaction; k++) {
              await tx.appendAudit(auditInput(t * 10 + k), chain);
              await pause(1);
            }
          }),
        ),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    const entries = await store.read.auditEntries(1);
    expectChain(entries, 20 * perTransaction);
    // The head lock is held to commit, so one transaction's entries are consecutive.
    for (let t = 0; t < 20; t++) {
      const seqs = entries.filter((e) => Math.floor(Number(e.detail.i) / 10) === t).map((e) => e.seq);
      expect(seqs).toEqual([seqs[0], (seqs[0] ?? 0) + 1, (seqs[0] ?? 0) + 2]);
    }
  });

  it('ok/concurrency: appendAudit on read from parallel callers keeps the chain', async () => {
    const stores = await parallelStores();
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (stores[i % stores.length] as Store).read.appendAudit(auditInput(i), chain),
        ),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    expectChain(await store.read.auditEntries(1), 20);
  });

  it('ok/concurrency: 12 parallel takers of 10 pool keys get 10 distinct keys and 2 undefined', async () => {
    for (let i = 0; i < 10; i++) await store.read.insertEscrowedKey(poolKey(`k${i}`, at(i)));
    const stores = await parallelStores();
    let taken: (EscrowedKeyRecord | undefined)[];
    try {
      taken = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const target = stores[i % stores.length] as Store;
          const assign = { uscc: `U${i}`, caId: 'CA1', certificateSerial: `S${i}`, at: T0 };
          // Half hold their key in a transaction for a while (the others must skip it), half use read.
          return i % 2 === 0
            ? target.transaction(async (tx) => {
                const key = await tx.takePoolKey(assign);
                await pause(20);
                return key;
              })
            : target.read.takePoolKey(assign);
        }),
      );
    } finally {
      for (const extra of stores.slice(1)) await extra.close();
    }
    const ids = taken.filter((k) => k !== undefined).map((k) => k.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    expect(taken.filter((k) => k === undefined)).toHaveLength(2);
    expect(await store.read.countPoolKeys()).toBe(0);
    // Each key went to the one taker that got it.
    for (const [i, key] of taken.entries()) {
      if (key !== undefined)
        expect((await store.read.getEscrowedKey(key.id))?.certificateSerial).toBe(`S${i}`);
    }
  });

  it('ok/concurrency: a key held by an open transaction is passed over, not waited for (PostgreSQL)', async () => {
    await store.read.insertEscrowedKey(poolKey('k0', at(0)));
    await store.read.insertEscrowedKey(poolKey('k1', at(1)));
    const assign = { uscc: 'U', caId: 'CA1', certificateSerial: 'S', at: T0 };
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holderKey: string | undefined;
    const holder = store.transaction(async (tx) => {
      holderKey = (await tx.takePoolKey(assign))?.id;
      await held;
    });
    while (holderKey === undefined) await pause(1);
    expect(holderKey).toBe('k0');
    const stores = await parallelStores();
    try {
      const taker = (stores[stores.length - 1] as Store).read.takePoolKey(assign);
      if (backend.name === 'postgres') {
        // SKIP LOCKED: the taker gets k1 while k0's transaction is still open.
        const first = await Promise.race([taker, pause(5_000).then(() => 'still waiting' as const)]);
        expect(first === 'still waiting' ? first : first?.id).toBe('k1');
        release();
      } else {
        // SQLite runs one transaction at a time: the taker goes after the holder commits.
        release();
        expect((await taker)?.id).toBe('k1');
      }
      await holder;
    } finally {
      release();
      for (const extra of stores.slice(1)) await extra.close();
    }
  });

  // --- status publication (migration 0007_status_publication) ----------------------------------

  function crlIssue(number: bigint, extra: Partial<CrlIssueRecord> = {}): CrlIssueRecord {
    return {
      caId: 'CA1',
      number,
      kind: 'full',
      baseNumber: null,
      thisUpdate: at(Number(number)),
      nextUpdate: at(Number(number) + DAY),
      entries: 3,
      der: bytes(0x30, 0x00, 0xff, Number(number % 256n)),
      ...extra,
    };
  }

  it('ok/CRL issues: round trip, latest by kind, one number sequence per CA, deleteCrlIssuesBefore (R5)', async () => {
    const full = crlIssue(1_767_322_800_000n);
    const delta = crlIssue(1_767_322_800_001n, { kind: 'delta', baseNumber: full.number, entries: 0 });
    await store.read.insertCrlIssue(full);
    await store.read.insertCrlIssue(delta);
    await store.read.insertCrlIssue(crlIssue(5n, { caId: 'CA2' }));
    expect(await store.read.getCrlIssue('CA1', full.number)).toEqual(full);
    expect(await store.read.getCrlIssue('CA1', 5n)).toBeUndefined();
    expect(await store.read.latestCrlIssue('CA1')).toEqual({ ...delta, der: undefined });
    expect((await store.read.latestCrlIssue('CA1', 'full'))?.number).toBe(full.number);
    expect((await store.read.latestCrlIssue('CA1', 'delta'))?.baseNumber).toBe(full.number);
    expect(await store.read.latestCrlIssue('CA3')).toBeUndefined();
    await expectConflict(
      store.read.insertCrlIssue(crlIssue(full.number, { kind: 'delta', baseNumber: 1n })),
      'crlNumber',
    );
    expect(await store.read.deleteCrlIssuesBefore('CA1', delta.number)).toBe(1);
    expect(await store.read.getCrlIssue('CA1', full.number)).toBeUndefined();
    expect((await store.read.latestCrlIssue('CA2'))?.number).toBe(5n);
  });

  it('error/CRL issues: a delta without a lower base number is refused by the schema', async () => {
    await expect(
      store.read.insertCrlIssue(crlIssue(10n, { kind: 'delta', baseNumber: 10n })),
    ).rejects.toThrow();
    await expect(store.read.insertCrlIssue(crlIssue(11n, { baseNumber: 3n }))).rejects.toThrow();
    expect(await store.read.latestCrlIssue('CA1')).toBeUndefined();
  });

  it('ok/lastAuditSeq follows the chain head', async () => {
    expect(await store.read.lastAuditSeq()).toBe(0);
    await store.read.appendAudit(auditInput(1), chain);
    await store.transaction(async (tx) => {
      await tx.appendAudit(auditInput(2), chain);
      expect(await tx.lastAuditSeq()).toBe(2);
    });
    expect(await store.read.lastAuditSeq()).toBe(2);
  });

  it('ok/tryLockSingleton: one holder at a time across stores on one database, released at commit', async () => {
    await expect(store.read.tryLockSingleton('crl:CA1')).rejects.toThrow(/inside store.transaction/);
    const stores = await parallelStores();
    const other = stores[stores.length - 1] as Store;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holderLocked: boolean | undefined;
    const holder = store.transaction(async (tx) => {
      holderLocked = await tx.tryLockSingleton('crl:CA1');
      await held;
    });
    try {
      while (holderLocked === undefined) await pause(1);
      expect(holderLocked).toBe(true);
      if (backend.name === 'postgres') {
        // another node (its own pool) is refused this lock while the holder's transaction is open,
        // but not a lock of another name
        expect(await other.transaction((tx) => tx.tryLockSingleton('crl:CA1'))).toBe(false);
        expect(await other.transaction((tx) => tx.tryLockSingleton('crl:CA2'))).toBe(true);
      }
      release();
      await holder;
      // SQLite: transactions run one at a time, so the single writer is the lock
      expect(await other.transaction((tx) => tx.tryLockSingleton('crl:CA1'))).toBe(true);
    } finally {
      release();
      for (const extra of stores.slice(1)) await extra.close();
    }
  });

  // --- crash safety ----------------------------------------------------------------------------

  it('ok/crash: a SIGKILLed writer leaves only whole transactions (certificate + audit + outbox)', async () => {
    if (!existsSync(BUILT_ENTRY)) {
      throw new Error(
        `${BUILT_ENTRY} is missing: run "npx tsc -b" first (npm test does) — the crash writer runs the build`,
      );
    }
    await store.close(); // the writer is the only one on the database while it runs
    const child = spawn(process.execPath, [CRASH_WRITER, JSON.stringify(location)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let lastReported = -1;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (/^\d+$/.test(line)) lastReported = Number(line);
        if (lastReported >= 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`the crash writer exited on its own: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    store = await openStore(location);
    const certificates = await store.read.queryCertificates({ caId: 'CRASH' });
    const entries = await store.read.auditEntries(1);
    const jobs = await store.read.pendingOutbox(100_000);
    const certIndexes = certificates.map((c) => Number(c.pairId.slice('pair-'.length))).sort((x, y) => x - y);
    const auditIndexes = entries.map((e) => Number(e.object.slice('crash:'.length)));
    const jobIndexes = jobs.map((j) => Number(j.id.slice('crash-'.length))).sort((x, y) => x - y);
    // Every reported commit is there; at most the one being committed at the kill is there too.
    const committed = certIndexes.length;
    expect(committed === lastReported + 1 || committed === lastReported + 2).toBe(true);
    expect(certIndexes).toEqual(Array.from({ length: committed }, (_, i) => i));
    // No partial transaction: the three tables hold exactly the same transactions.
    expect(auditIndexes).toEqual(certIndexes);
    expect(jobIndexes).toEqual(certIndexes);
    expectChain(entries, committed);
    // And the store goes on from there.
    expect((await store.read.appendAudit(auditInput(0), chain)).seq).toBe(committed + 1);
  });
});

describe('tryLockSingleton on PostgreSQL', () => {
  afterAll(() => postgres.removeAll());

  it('ok/the lock key includes the schema: deployments sharing a database do not exclude each other', async () => {
    await postgres.ready();
    const store = await openStore(postgres.location());
    const neighbour = await openStore(postgres.location());
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holderLocked: boolean | undefined;
    const holder = store.transaction(async (tx) => {
      holderLocked = await tx.tryLockSingleton('crl:CA1');
      await held;
    });
    try {
      while (holderLocked === undefined) await pause(1);
      expect(await neighbour.transaction((tx) => tx.tryLockSingleton('crl:CA1'))).toBe(true);
    } finally {
      release();
      await holder;
      await neighbour.close();
      await store.close();
    }
  });
});
