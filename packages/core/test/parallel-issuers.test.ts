/**
 * Parallel issuers (issue 4 "Storage": serial numbers unique under concurrency). Two platform
 * nodes — two stores with their own connection pools on one PostgreSQL schema, as two server
 * processes would run — issue dual pairs at the same time: every issuance commits whole, serials
 * and KMC keys are never shared, and the audit chain stays one unforked chain. SQLite runs the
 * same with one store and concurrent callers (one writer per file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import { openStore } from '@yizheng/store';
import {
  FixedClock,
  type IssuanceContext,
  Kmc,
  StoreKeyVault,
  type Store,
  issueDual,
  verifyAudit,
} from '../src/index.js';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const PER_NODE = 24;

describe.each(STORE_KINDS)('parallel issuers on %s', (kind) => {
  let t: TestStore;
  let first: IssuanceContext;
  const extraStores: Store[] = [];
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    first = await demoContext(t.store, clock);
    await first.kmc.refillPool(PER_NODE); // fewer pool keys than issuances: some are made on the spot
  });
  afterAll(async () => {
    for (const store of extraStores) await store.close();
    await t?.dispose();
  });

  it('ok/two nodes issue concurrently: all commit, serials and KMC keys unique, one audit chain', async () => {
    const nodes: IssuanceContext[] = [first];
    if (kind === 'postgres') {
      const store = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: t.where });
      extraStores.push(store);
      nodes.push({
        store,
        vault: new StoreKeyVault(store, 'vault master secret for tests', clock),
        kmc: new Kmc(store, 'kmc master secret for tests', clock),
        clock,
      });
    }
    const requests = Array.from({ length: 2 * PER_NODE }, (_, i) => ({
      uscc: testUscc(50_000 + i),
      der: buildCertificationRequest(
        { subject: parseName(`C=CN,CN=丽水某某科技有限公司${i}`) },
        Sm2PrivateKey.generate(),
      ).der,
    }));
    const issued = await Promise.all(
      requests.map((r, i) =>
        issueDual(nodes[i % nodes.length]!, {
          request: r.der,
          legalPerson: { uscc: r.uscc, name: `丽水某某科技有限公司${i}`, legalRepresentative: '赵六' },
          channel: 'api',
          actor: `node-${i % nodes.length}`,
        }),
      ),
    );
    const serials = issued.flatMap((p) => [p.sign.serial, p.enc.serial]);
    expect(new Set(serials).size).toBe(4 * PER_NODE);
    const stored = await t.store.read.queryCertificates({});
    expect(stored.filter((c) => serials.includes(c.serial))).toHaveLength(4 * PER_NODE);
    const escrowIds = issued.map((p) => p.enc.escrowId);
    expect(new Set(escrowIds).size).toBe(2 * PER_NODE);
    const keys = await Promise.all(escrowIds.map((id) => t.store.read.getEscrowedKey(id!)));
    expect(new Set(keys.map((k) => Buffer.from(k!.publicKey).toString('hex'))).size).toBe(2 * PER_NODE);
    expect(keys.every((k, i) => k!.state === 'assigned' && k!.uscc === requests[i]!.uscc)).toBe(true);
    const audit = await verifyAudit(t.store);
    expect(audit.valid).toBe(true);
    const issues = (await t.store.read.auditEntries(1)).filter((e) => e.action === 'certificate.issue');
    expect(issues).toHaveLength(4 * PER_NODE);
  });
});
