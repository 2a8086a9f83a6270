/**
 * The store contract of directory publication (migration `0011_directory`, R5 LDAP, R6), on
 * SQLite and PostgreSQL: legal persons with their current certificates by USCC, by name prefix
 * (the RFC 4518 name key: NFKC, case, spaces; code point ranges including characters beyond the
 * BMP) and in USCC order, each paged by a cursor; the name key follows a rename; rows stored before
 * the migration get their key; the outbox by kind and its backlog.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CertificateRecord,
  type LegalPersonRecord,
  type OutboxJob,
  type Store,
  directoryNameKey,
} from '@yizheng/core';
import { Kysely, Migrator, sql } from 'kysely';
import { coreMigrations, migrateToLatest } from '../src/migrations.js';
import { postgresDialect, sqliteDialect } from '../src/dialects.js';
import { prefixUpperBound } from '../src/kysely-directory-store.js';
import type { Database } from '../src/schema.js';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const T0 = new Date('2026-03-01T08:30:00.123Z');
const DAY = 86_400_000;
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);

function person(uscc: string, name: string): LegalPersonRecord {
  return { uscc, name, legalRepresentative: '张某某', registryStatus: 'active', updatedAt: T0 };
}

let keyCount = 0;
function cert(uscc: string, serial: string, extra: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    caId: 'ca-zj',
    serial,
    role: 'sign',
    pairId: `pair-${serial}`,
    uscc,
    subject: `C=CN,O=某某公司,CN=${serial}`,
    notBefore: T0,
    notAfter: at(365),
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    predecessorPairId: null,
    publicKeyHash: `key-${++keyCount}`,
    applicationId: null,
    escrowId: null,
    der: new Uint8Array([0x30, 0x03, 0x02, 0x01, serial.length]),
    createdAt: T0,
    ...extra,
  };
}

function job(id: string, kind: string, minutes: number): OutboxJob {
  return {
    id,
    kind,
    payload: { caId: 'ca-zj', serial: id },
    createdAt: new Date(T0.getTime() + minutes * 60_000),
    doneAt: null,
  };
}

const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';

describe.each(STORE_KINDS)('directory store contract on %s', (kind) => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await openTestStore(kind);
    store = t.store;
  });
  afterEach(async () => t?.dispose());

  it('ok/by uscc: the current certificates only (valid, not expired), signing first; a person without any; unknown left out', async () => {
    await store.read.upsertLegalPerson(person(NINGBO, '宁波某某贸易有限公司'));
    await store.read.upsertLegalPerson(person(HANGZHOU, '杭州某某科技有限公司'));
    await store.read.insertCertificate(cert(HANGZHOU, 'A2', { role: 'enc', pairId: 'p1' }));
    await store.read.insertCertificate(cert(HANGZHOU, 'A1', { pairId: 'p1' }));
    await store.read.insertCertificate(cert(HANGZHOU, 'B1', { status: 'revoked', revokedAt: at(1) }));
    await store.read.insertCertificate(cert(HANGZHOU, 'B2', { status: 'suspended', revokedAt: at(1) }));
    await store.read.insertCertificate(cert(HANGZHOU, 'B3', { notAfter: at(10) }));
    const found = await store.read.directoryPersons(
      { by: 'uscc', usccs: [NINGBO, HANGZHOU, testUscc(7)] },
      at(10),
    );
    expect(found).toEqual([
      {
        uscc: HANGZHOU,
        name: '杭州某某科技有限公司',
        certificates: [
          { caId: 'ca-zj', serial: 'A1', role: 'sign', der: new Uint8Array([0x30, 0x03, 0x02, 0x01, 2]) },
          { caId: 'ca-zj', serial: 'A2', role: 'enc', der: new Uint8Array([0x30, 0x03, 0x02, 0x01, 2]) },
        ],
      },
      { uscc: NINGBO, name: '宁波某某贸易有限公司', certificates: [] },
    ]);
    expect(found[0]!.certificates[0]!.der.constructor).toBe(Uint8Array);
    // one day earlier B3 had not expired yet
    const before = await store.read.directoryPersons({ by: 'uscc', usccs: [HANGZHOU] }, at(9));
    expect(before[0]!.certificates.map((c) => c.serial)).toEqual(['A1', 'A2', 'B3']);
    expect(await store.read.directoryPersons({ by: 'uscc', usccs: [] }, T0)).toEqual([]);
  });

  it('ok/by name prefix: the RFC 4518 key (NFKC, case, spaces), ordered by key then uscc, paged by a cursor', async () => {
    const names: [number, string][] = [
      [1, '杭州某某科技有限公司'],
      [2, '杭州某某科技有限公司'],
      [3, '杭州甲乙网络有限公司（西湖分公司）'],
      [4, '宁波某某贸易有限公司'],
      [5, '  Hangzhou  ＡＢＣ Trading Co '],
      [6, '杭州𠀀某某工作室'], // a character beyond the BMP (CJK extension B) after the prefix
      [7, '杭'],
    ];
    for (const [n, name] of names) await store.read.upsertLegalPerson(person(testUscc(n), name));
    const usccsOf = async (prefix: string, limit = 10, after?: { name: string; uscc: string }) =>
      (await store.read.directoryPersons({ by: 'name', prefix, limit, ...(after ? { after } : {}) }, T0)).map(
        (p) => p.uscc,
      );
    expect(await usccsOf('杭州')).toEqual([testUscc(1), testUscc(2), testUscc(3), testUscc(6)]);
    expect(await usccsOf('杭州甲乙网络有限公司(西湖')).toEqual([testUscc(3)]);
    expect(await usccsOf('hangzhou abc')).toEqual([testUscc(5)]);
    expect(await usccsOf('杭')).toEqual([testUscc(7), testUscc(1), testUscc(2), testUscc(3), testUscc(6)]);
    expect(await usccsOf('杭州某某科技有限公司')).toEqual([testUscc(1), testUscc(2)]);
    expect(await usccsOf('上海')).toEqual([]);
    // pages of two, each continuing after the last one seen
    const first = await store.read.directoryPersons({ by: 'name', prefix: '杭州', limit: 2 }, T0);
    expect(first.map((p) => p.uscc)).toEqual([testUscc(1), testUscc(2)]);
    expect(await usccsOf('杭州', 2, first[1])).toEqual([testUscc(3), testUscc(6)]);
    expect(await usccsOf('杭州', 2, { name: '杭州𠀀某某工作室', uscc: testUscc(6) })).toEqual([]);
  });

  it('ok/the name key follows a rename (upsert), and the whole directory pages in uscc order', async () => {
    for (const n of [3, 1, 2])
      await store.read.upsertLegalPerson(person(testUscc(n), `温州某某${n}有限公司`));
    await store.read.upsertLegalPerson(person(testUscc(2), '湖州某某有限公司'));
    const byName = async (prefix: string) =>
      (await store.read.directoryPersons({ by: 'name', prefix, limit: 10 }, T0)).map((p) => p.uscc);
    expect(await byName('温州')).toEqual([testUscc(1), testUscc(3)]);
    expect(await byName('湖州')).toEqual([testUscc(2)]);
    const page1 = await store.read.directoryPersons({ by: 'all', limit: 2 }, T0);
    expect(page1.map((p) => p.uscc)).toEqual([testUscc(1), testUscc(2)]);
    const page2 = await store.read.directoryPersons({ by: 'all', afterUscc: testUscc(2), limit: 2 }, T0);
    expect(page2).toEqual([{ uscc: testUscc(3), name: '温州某某3有限公司', certificates: [] }]);
  });

  it('ok/outbox by kind, oldest first; the backlog counts pending jobs and dates the oldest', async () => {
    await store.read.insertOutbox(job('j3', 'publish.status', 3));
    await store.read.insertOutbox(job('j1', 'publish.certificate', 1));
    await store.read.insertOutbox(job('j2', 'statistics.refresh', 2));
    await store.read.insertOutbox(job('j4', 'publish.crl', 4));
    const kinds = ['publish.certificate', 'publish.status', 'publish.crl'];
    expect((await store.read.pendingOutboxOf(kinds, 10)).map((j) => j.id)).toEqual(['j1', 'j3', 'j4']);
    expect(await store.read.pendingOutboxOf(kinds, 1)).toEqual([job('j1', 'publish.certificate', 1)]);
    expect(await store.read.pendingOutboxOf([], 10)).toEqual([]);
    expect(await store.read.outboxBacklog(kinds)).toEqual({
      pending: 3,
      oldestCreatedAt: job('j1', '', 1).createdAt,
    });
    await store.read.markOutboxDone('j1', at(1));
    expect(await store.read.outboxBacklog(kinds)).toEqual({
      pending: 2,
      oldestCreatedAt: job('j3', '', 3).createdAt,
    });
    await store.read.markOutboxDone('j3', at(1));
    await store.read.markOutboxDone('j4', at(1));
    expect(await store.read.outboxBacklog(kinds)).toEqual({ pending: 0, oldestCreatedAt: null });
    expect(await store.read.outboxBacklog([])).toEqual({ pending: 0, oldestCreatedAt: null });
  });
});

describe.each(STORE_KINDS)('migration 0011_directory on %s', (kind) => {
  it('ok/legal persons stored before it get their name key', async () => {
    const t = await openTestStore(kind);
    await t.store.close();
    // a second database at 0008, filled, then migrated to the latest
    const schema = `${t.where.replace(/[^a-z0-9_]/g, '')}_pre`;
    const dialect =
      kind === 'sqlite' ? sqliteDialect(`${t.where}/pre`) : postgresDialect(TEST_DATABASE_URL, schema);
    const db = new Kysely<Database>({ dialect });
    try {
      if (kind === 'postgres') await sql`create schema ${sql.id(schema)}`.execute(db);
      const all = coreMigrations(kind);
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0011'));
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => before },
        ...(kind === 'postgres' ? { migrationTableSchema: schema } : {}),
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const time = kind === 'sqlite' ? T0.getTime() : T0;
      for (const [n, name] of [
        [1, '杭州某某科技有限公司'],
        [2, 'Ｎingbo  Trading'],
      ] as const)
        await sql`insert into legal_persons (uscc, name, legal_representative, registry_status, updated_at)
                  values (${testUscc(n)}, ${name}, ${'张某某'}, ${'active'}, ${time})`.execute(db);
      await migrateToLatest(db, kind, kind === 'postgres' ? schema : undefined);
      const rows = await db
        .selectFrom('legal_persons')
        .select(['uscc', 'name_key'])
        .orderBy('uscc')
        .execute();
      expect(rows).toEqual([
        { uscc: testUscc(1), name_key: directoryNameKey('杭州某某科技有限公司') },
        { uscc: testUscc(2), name_key: 'ningbo trading' },
      ]);
    } finally {
      if (kind === 'postgres') await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
      await t.dispose();
    }
  });
});

describe('prefixUpperBound', () => {
  it.each([
    ['ok/ASCII', 'ab', 'ac'],
    ['ok/CJK', '杭州', '杭巟'],
    ['ok/beyond the BMP', '杭𠀀', '杭𠀁'],
    ['ok/before the surrogates', '\ud7ff', '\ue000'],
    ['ok/the last code point carries', 'a\u{10ffff}', 'b'],
    ['ok/nothing above', '\u{10ffff}', undefined],
  ])('%s', (_name, prefix, bound) => {
    expect(prefixUpperBound(prefix)).toBe(bound);
  });
});
