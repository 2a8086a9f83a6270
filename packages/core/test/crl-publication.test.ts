/**
 * CRL issuance from the store (R5 CRL download; R7 expired certificates leave the CRL but stay on
 * record; RFC 5280 §5.2.3 numbering, §5.2.4 delta CRLs), on SQLite and PostgreSQL; two issuers on
 * one PostgreSQL schema exclude each other and keep numbers increasing. Every CRL is checked by
 * our verifier and by BouncyCastle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Crl,
  certificatePublicKey,
  parseCertificate,
  parseCrl,
  readExtension,
  verifyCrlSignature,
} from '@yizheng/pki';
import {
  type CaContext,
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  StoreKeyVault,
  deltaEntries,
  issueCrl,
  issueCrlIfDue,
  issueDual,
  latestCrl,
  resumeCertificate,
  revokeCertificate,
  suspendCertificate,
} from '../src/index.js';
import { openStore } from '@yizheng/store';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';

const DAY = 86_400_000;
const COMPANIES = [
  ['91330106MA2B3C4D5D', '杭州某某科技有限公司'],
  ['91330201MA2C3D4E55', '宁波某某贸易有限公司'],
] as const;

const csr = () => csrDer('杭州某某科技有限公司');

/** serial (hex) → reason ('-' for none) of a CRL's entries. */
function entriesOf(crl: Crl): Record<string, string> {
  return Object.fromEntries(
    crl.tbs.entries.map((e) => [e.serialNumber.toString(16).toUpperCase(), e.reason ?? '-']),
  );
}

describe.each(STORE_KINDS)('CRL issuance on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  let caId: string;
  let caDer: Uint8Array;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    const ca = (await t.store.read.listCas())[0]!;
    caId = ca.id;
    caDer = ca.certificateDer!;
  });
  afterAll(async () => t?.dispose());

  const issuePair = (i: number, at?: string): Promise<IssuedPair> => {
    if (at) clock.set(at);
    const [uscc, name] = COMPANIES[i % COMPANIES.length]!;
    return issueDual(context, {
      request: csr(),
      legalPerson: { uscc, name },
      channel: 'counter',
      actor: 'op',
    });
  };
  const full = async () => parseCrl((await issueCrl(context, { actor: 'scheduler', caId })).der);
  const delta = async () =>
    parseCrl((await issueCrl(context, { actor: 'scheduler', caId, kind: 'delta' })).der);

  function expectVerifies(...crls: Crl[]): void {
    const ca = parseCertificate(caDer);
    for (const crl of crls) expect(verifyCrlSignature(crl, certificatePublicKey(ca))).toBe(true);
    const answers = runBc(crls.map((crl) => `crl-verify ${bcHex(caDer)} ${bcHex(crl.der)}`));
    for (const [i, a] of answers.entries()) {
      expect(a.error).toBe('');
      expect(a.fields.slice(0, 3)).toEqual(['true', 'true', String(crls[i]!.tbs.entries.length)]);
      expect(a.fields[3]).toBe(crls[i]!.crlNumber.toString());
      expect(a.fields[4]).toBe(crls[i]!.baseCrlNumber?.toString() ?? '-');
    }
  }

  it('ok/R5 full CRL: revoked and suspended pairs with their reasons; stored, audited, verified by BouncyCastle', async () => {
    const revoked = await issuePair(0, '2026-03-01T01:00:00Z');
    const suspended = await issuePair(1);
    const untouched = await issuePair(0);
    await revokeCertificate(context, { serial: revoked.sign.serial, reason: 'keyCompromise', actor: 'op' });
    await suspendCertificate(context, { serial: suspended.sign.serial, actor: 'op' });
    clock.set('2026-03-01T02:00:00Z');
    const crl = await full();
    const entries = entriesOf(crl);
    expect(entries).toMatchObject({
      [revoked.sign.serial]: 'keyCompromise',
      [revoked.enc.serial]: 'keyCompromise',
      [suspended.sign.serial]: 'certificateHold',
      [suspended.enc.serial]: 'certificateHold',
    });
    expect(entries[untouched.sign.serial]).toBeUndefined();
    expect(crl.crlNumber).toBe(BigInt(clock.now().getTime()));
    expect(crl.baseCrlNumber).toBeUndefined();
    expect(crl.tbs.nextUpdate.getTime() - crl.tbs.thisUpdate.getTime()).toBe(DAY);
    expect((await latestCrl(t.store, caId, 'full'))?.der).toEqual(crl.der);
    expect(await t.store.read.latestCrlIssue(caId)).toMatchObject({
      kind: 'full',
      number: crl.crlNumber,
      entries: crl.tbs.entries.length,
    });
    const audit = await t.store.read.auditEntries(1);
    expect(audit.at(-1)).toMatchObject({
      action: 'crl.issue',
      object: `ca:${caId}`,
      detail: { crlNumber: crl.crlNumber.toString(), entries: crl.tbs.entries.length },
    });
    expectVerifies(crl);
  });

  it('ok/delta CRL: new revocations, a hold turned revocation, and removeFromCRL for a resumed pair, over the latest full CRL', async () => {
    const held = await issuePair(0, '2026-03-02T00:00:00Z');
    const heldThenRevoked = await issuePair(1);
    const resumed = await issuePair(0);
    for (const p of [held, heldThenRevoked, resumed])
      await suspendCertificate(context, { serial: p.sign.serial, actor: 'op' });
    clock.set('2026-03-02T01:00:00Z');
    const base = await full();
    expect(entriesOf(base)).toMatchObject({ [resumed.sign.serial]: 'certificateHold' });

    clock.set('2026-03-02T01:05:00Z');
    const empty = await delta();
    expect([empty.baseCrlNumber, empty.tbs.entries]).toEqual([base.crlNumber, []]);

    const revoked = await issuePair(1, '2026-03-02T01:06:00Z');
    await revokeCertificate(context, {
      serial: revoked.enc.serial,
      reason: 'affiliationChanged',
      actor: 'op',
    });
    await revokeCertificate(context, {
      serial: heldThenRevoked.sign.serial,
      reason: 'cessationOfOperation',
      actor: 'op',
    });
    await resumeCertificate(context, { serial: resumed.sign.serial, actor: 'op' });
    clock.set('2026-03-02T01:10:00Z');
    const changes = await delta();
    expect(changes.baseCrlNumber).toBe(base.crlNumber);
    expect(changes.crlNumber).toBeGreaterThan(empty.crlNumber);
    expect(readExtension(changes.tbs.extensions, 'deltaCRLIndicator')).toBe(base.crlNumber);
    expect(entriesOf(changes)).toEqual({
      [revoked.sign.serial]: 'affiliationChanged',
      [revoked.enc.serial]: 'affiliationChanged',
      [heldThenRevoked.sign.serial]: 'cessationOfOperation',
      [heldThenRevoked.enc.serial]: 'cessationOfOperation',
      [resumed.sign.serial]: 'removeFromCRL',
      [resumed.enc.serial]: 'removeFromCRL',
    });
    expect((await latestCrl(t.store, caId, 'delta'))?.der).toEqual(changes.der);
    expect((await t.store.read.auditEntries(1)).at(-1)).toMatchObject({
      action: 'crl.issue.delta',
      detail: { baseCrlNumber: base.crlNumber.toString(), entries: 6 },
    });
    // the next full CRL holds the same state as base + delta
    const next = await full();
    const merged = { ...entriesOf(base), ...entriesOf(changes) };
    expect(entriesOf(next)).toEqual(
      Object.fromEntries(Object.entries(merged).filter(([, reason]) => reason !== 'removeFromCRL')),
    );
    expectVerifies(base, empty, changes, next);
  });

  it('ok/R7 an expired certificate is on one full CRL issued after its expiry, then leaves it; it stays on record', async () => {
    const pair = await issuePair(0, '2026-03-03T00:00:00Z');
    await revokeCertificate(context, { serial: pair.sign.serial, reason: 'superseded', actor: 'op' });
    clock.set(new Date(pair.sign.notAfter.getTime() - DAY));
    const before = await full();
    clock.set(new Date(pair.sign.notAfter.getTime() + DAY));
    const firstAfter = await full();
    const afterDelta = await delta();
    clock.advance(DAY);
    const secondAfter = await full();
    expect(entriesOf(before)[pair.sign.serial]).toBe('superseded');
    expect(entriesOf(firstAfter)[pair.sign.serial]).toBe('superseded');
    expect(entriesOf(afterDelta)[pair.sign.serial]).toBe('removeFromCRL');
    expect(entriesOf(secondAfter)[pair.sign.serial]).toBeUndefined();
    expect(await t.store.read.getCertificate(caId, pair.sign.serial)).toMatchObject({ status: 'revoked' });
    expectVerifies(secondAfter);
  });

  it('ok/numbers keep increasing when the clock goes back; superseded CRLs are dropped, the previous full one stays', async () => {
    const first = await full();
    clock.set(new Date(first.tbs.thisUpdate.getTime() - 3_600_000));
    const earlier = await full();
    expect(earlier.crlNumber).toBe(first.crlNumber + 1n);
    const d = await delta();
    expect(d.crlNumber).toBe(first.crlNumber + 2n);
    expect(d.baseCrlNumber).toBe(earlier.crlNumber);
    await full();
    expect(await t.store.read.getCrlIssue(caId, first.crlNumber)).toBeUndefined();
    expect(await t.store.read.getCrlIssue(caId, earlier.crlNumber)).toBeDefined();
    expect(await t.store.read.getCrlIssue(caId, d.crlNumber)).toBeDefined();
  });

  it('ok/issueCrlIfDue: current when another issue is newer than notIssuedSince; a full CRL also makes a delta current', async () => {
    clock.set('2026-04-01T00:00:00Z');
    const issued = await issueCrlIfDue(context, { caId, actor: 'scheduler', kind: 'full' });
    expect(issued.status).toBe('issued');
    clock.set('2026-04-01T00:03:00Z');
    const since = new Date('2026-03-31T23:59:00Z');
    expect(await issueCrlIfDue(context, { caId, actor: 'scheduler', notIssuedSince: since })).toMatchObject({
      status: 'current',
    });
    expect(
      await issueCrlIfDue(context, { caId, actor: 'scheduler', kind: 'delta', notIssuedSince: since }),
    ).toMatchObject({ status: 'current', crl: { kind: 'full' } });
    const due = await issueCrlIfDue(context, {
      caId,
      actor: 'scheduler',
      kind: 'delta',
      notIssuedSince: clock.now(),
      nextUpdateMinutes: 10,
    });
    expect(due).toMatchObject({ status: 'issued', crl: { kind: 'delta', thisUpdate: clock.now() } });
    if (due.status === 'issued') expect(due.crl.nextUpdate.getTime() - clock.now().getTime()).toBe(600_000);
  });

  it('error/bad nextUpdate, unknown CA: coded, nothing issued', async () => {
    const before = await t.store.read.latestCrlIssue(caId);
    await expect(issueCrl(context, { caId, actor: 'op', nextUpdateMinutes: 0 })).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
    await expect(
      issueCrl(context, { caId, actor: 'op', nextUpdateMinutes: 8 * 24 * 60 }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
    await expect(issueCrl(context, { caId: 'ca-none', actor: 'op' })).rejects.toMatchObject({
      code: 'YZ_ERR_CA_NOT_FOUND',
    });
    expect(await t.store.read.latestCrlIssue(caId)).toEqual(before);
  });
});

describe('deltaEntries (RFC 5280 §5.2.4)', () => {
  const at = new Date('2026-03-01T00:00:00Z');
  const later = new Date('2026-03-01T00:10:00Z');
  it('ok/added, changed reason, changed date, removed; unchanged left out; sorted by serial', () => {
    const base = new Map([
      [1n, { serialNumber: 1n, revocationDate: at, reason: 'certificateHold' as const }],
      [2n, { serialNumber: 2n, revocationDate: at }],
      [3n, { serialNumber: 3n, revocationDate: at, reason: 'keyCompromise' as const }],
      [9n, { serialNumber: 9n, revocationDate: at }],
    ]);
    const current = [
      { serialNumber: 1n, revocationDate: later, reason: 'keyCompromise' as const },
      { serialNumber: 3n, revocationDate: at, reason: 'keyCompromise' as const },
      { serialNumber: 5n, revocationDate: later },
      { serialNumber: 9n, revocationDate: later },
    ];
    expect(deltaEntries(base, current)).toEqual([
      { serialNumber: 1n, revocationDate: later, reason: 'keyCompromise' },
      { serialNumber: 2n, revocationDate: at, reason: 'removeFromCRL' },
      { serialNumber: 5n, revocationDate: later },
      { serialNumber: 9n, revocationDate: later },
    ]);
  });
});

describe('two issuers on one PostgreSQL schema', () => {
  let t: TestStore;
  let first: CaContext;
  let second: CaContext & { close: () => Promise<void> };
  let caId: string;
  const clock = new FixedClock('2026-05-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore('postgres');
    first = await demoContext(t.store, clock);
    caId = (await t.store.read.listCas())[0]!.id;
    const store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: t.where });
    second = {
      store,
      vault: new StoreKeyVault(store, 'vault master secret for tests', clock),
      clock,
      close: () => store.close(),
    };
  });
  afterAll(async () => {
    await second?.close();
    await t?.dispose();
  });

  it('ok/while one holds the CA lock the other is busy (and YZ_ERR_BUSY once it stops waiting)', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked: boolean | undefined;
    const holder = t.store.transaction(async (tx) => {
      locked = await tx.tryLockSingleton(`crl:${caId}`);
      await held;
    });
    try {
      while (locked === undefined) await new Promise((r) => setTimeout(r, 1));
      expect(locked).toBe(true);
      expect(await issueCrlIfDue(second, { caId, actor: 'node-2' })).toEqual({ status: 'busy' });
      await expect(issueCrl(second, { caId, actor: 'node-2', waitMs: 0 })).rejects.toMatchObject({
        code: 'YZ_ERR_BUSY',
      });
      const waiting = issueCrl(second, { caId, actor: 'node-2', waitMs: 10_000 });
      setTimeout(release, 300);
      expect((await waiting).kind).toBe('full');
    } finally {
      release();
      await holder;
    }
  });

  it('ok/12 concurrent issues from two nodes at one clock reading: distinct numbers, increasing in commit order', async () => {
    const issued = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        issueCrl(i % 2 ? second : first, { caId, actor: `node-${i % 2}`, kind: i % 3 ? 'delta' : 'full' }),
      ),
    );
    const numbers = issued.map((c) => c.number);
    expect(new Set(numbers).size).toBe(12);
    // the audit trail is in commit order: numbers rise along it
    const audited = (await t.store.read.auditEntries(1))
      .filter((e) => e.action.startsWith('crl.issue'))
      .map((e) => BigInt(e.detail.crlNumber as string));
    expect(audited).toEqual([...audited].sort((a, b) => (a < b ? -1 : 1)));
    expect(audited.slice(-12).sort()).toEqual([...numbers].sort());
    // every delta names a full CRL issued before it
    for (const c of issued.filter((x) => x.kind === 'delta')) expect(c.baseNumber! < c.number).toBe(true);
  });
});
