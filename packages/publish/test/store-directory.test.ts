/**
 * The embedded LDAP server on the database backend (R5: publication straight from the store; R6:
 * bounded work per search), on SQLite and PostgreSQL, through our LDAP client over a socket:
 * pairs issued by the core are found by uscc (base DN or filter), by serialNumber and by name
 * prefix with their exact DER; a revocation is gone at the next search; CA entries carry the CA
 * certificate and the newest CRLs; scans stop at the size limit, page through everything, and give
 * up with adminLimitExceeded when nothing matches for too long; each kind of search asks the store
 * the one indexed question it should.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  type Store,
  type StoreTx,
  configureCrlPartitions,
  directoryNameKey,
  issueCrl,
  issueDual,
  latestCrl,
  partitionCrlKey,
  revokeCertificate,
} from '@yizheng/core';
import {
  type ClientEntry,
  LdapClient,
  LdapServer,
  PAGED_RESULTS_OID,
  ResultCode,
  decodePagedResultsValue,
  encodePagedResultsValue,
  prepareCaseIgnore,
} from '@yizheng/ldap';
import { DirectoryTree, PersonLoader, StoreDirectory } from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const SUFFIX = 'o=Yizheng Demo CA,c=CN';
const PERSONS = `ou=legal-persons,${SUFFIX}`;
const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';

/** Counts the store's read calls by operation (and the query kinds of directoryPersons). */
function countingStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const read = new Proxy(store.read, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const query = args[0] as { by?: string };
        calls.push(property === 'directoryPersons' ? `directoryPersons:${query.by}` : String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as StoreTx;
  return {
    store: { transaction: (work) => store.transaction(work), read, close: () => store.close() },
    calls,
  };
}

const texts = (entry: ClientEntry | undefined, name: string): string[] =>
  (entry?.attributes.get(name) ?? []).map((v) => new TextDecoder().decode(v));
const hexes = (entry: ClientEntry | undefined, name: string): string[] =>
  (entry?.attributes.get(name) ?? []).map(toHex);

describe.each(STORE_KINDS)('StoreDirectory on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  let counting: { store: Store; calls: string[] };
  let server: LdapServer;
  let client: LdapClient;
  let hangzhou: IssuedPair;
  let ningbo: IssuedPair;
  let caId: string;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  const issue = (uscc: string, name: string): Promise<IssuedPair> =>
    issueDual(context, {
      request: buildCertificationRequest({ subject: parseName(`C=CN,CN=${name}`) }, Sm2PrivateKey.generate())
        .der,
      legalPerson: { uscc, name, legalRepresentative: '张某某' },
      channel: 'counter',
      actor: 'op',
    });

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    caId = (await t.store.read.listCas()).find((c) => c.status === 'active')!.id;
    hangzhou = await issue(HANGZHOU, '杭州某某科技有限公司');
    ningbo = await issue(NINGBO, '宁波某某贸易有限公司');
    // legal persons without certificates, for scans
    for (let n = 1; n <= 30; n++)
      await t.store.read.upsertLegalPerson({
        uscc: testUscc(n, '330501'),
        name: `湖州某某${n}号有限公司`,
        legalRepresentative: '李某某',
        registryStatus: 'active',
        updatedAt: clock.now(),
      });
    counting = countingStore(t.store);
    const directory = new StoreDirectory(counting.store, clock, {
      tree: DirectoryTree.ofOrganization('Yizheng Demo CA'),
      pageSize: 7,
      maxUnmatched: 12,
    });
    server = new LdapServer({ backend: directory, sizeLimit: 20 });
    const { port } = await server.listen(0);
    client = await LdapClient.connect(port);
  });
  afterAll(async () => {
    client?.close();
    await server?.close(100);
    await t?.dispose();
  });

  const search = async (
    filter: string,
    options: {
      baseDn?: string;
      scope?: 'base' | 'one' | 'sub';
      attributes?: string[];
      sizeLimit?: number;
    } = {},
  ) => {
    counting.calls.length = 0;
    return client.search({ baseDn: options.baseDn ?? SUFFIX, filter, ...options });
  };

  it('ok/R5 (uscc=…) finds the legal person with its signing and encryption certificates, exact DER; one indexed query', async () => {
    const { entries, result } = await search(`(uscc=${HANGZHOU.toLowerCase()})`);
    expect(result.resultCode).toBe(ResultCode.success);
    expect(entries.map((e) => e.dn)).toEqual([`uscc=${HANGZHOU},${PERSONS}`]);
    const [entry] = entries;
    expect(texts(entry, 'objectClass')).toEqual(['top', 'organization', 'pkiUser', 'yzLegalPerson']);
    expect(texts(entry, 'uscc')).toEqual([HANGZHOU]);
    expect(texts(entry, 'o')).toEqual(['杭州某某科技有限公司']);
    expect(texts(entry, 'cn')).toEqual(['杭州某某科技有限公司']);
    expect(texts(entry, 'serialNumber')).toEqual([hangzhou.sign.serial, hangzhou.enc.serial]);
    expect(hexes(entry, 'userCertificate;binary')).toEqual([
      toHex(hangzhou.sign.der),
      toHex(hangzhou.enc.der),
    ]);
    expect(counting.calls).toEqual(['directoryPersons:uscc']);
  });

  it('ok/R5 base-scope lookups by DN; an unknown legal person or DN is noSuchObject', async () => {
    const base = await search('(objectClass=*)', {
      baseDn: `USCC=${NINGBO},OU=Legal-Persons,${SUFFIX}`,
      scope: 'base',
    });
    expect(base.entries.map((e) => texts(e, 'cn')[0])).toEqual(['宁波某某贸易有限公司']);
    expect(counting.calls).toEqual(['directoryPersons:uscc']);
    for (const baseDn of [
      `uscc=${testUscc(99)},${PERSONS}`,
      `uscc=nobody,${PERSONS}`,
      `ou=elsewhere,${SUFFIX}`,
      `cn=ca-none,ou=CA,${SUFFIX}`,
    ]) {
      const { result } = await search('(objectClass=*)', { baseDn, scope: 'base' });
      expect([baseDn, result.resultCode]).toEqual([baseDn, ResultCode.noSuchObject]);
    }
    const suffix = await search('(objectClass=*)', { scope: 'base' });
    expect(suffix.entries.map((e) => [e.dn, texts(e, 'o')])).toEqual([[SUFFIX, ['Yizheng Demo CA']]]);
    const children = await search('(objectClass=*)', { scope: 'one' });
    expect(children.entries.map((e) => e.dn)).toEqual([`ou=CA,${SUFFIX}`, PERSONS]);
  });

  it('ok/R5 (serialNumber=…) in any case finds the holder; a serial nobody holds finds nothing', async () => {
    const { entries } = await search(`(serialNumber=${ningbo.enc.serial.toLowerCase()})`, {
      attributes: ['uscc'],
    });
    expect(entries.map((e) => texts(e, 'uscc'))).toEqual([[NINGBO]]);
    expect(counting.calls).toEqual(['findCertificatesBySerial', 'directoryPersons:uscc']);
    expect((await search('(serialNumber=ABCDEF0123)')).entries).toEqual([]);
    expect((await search('(serialNumber=not hex)')).entries).toEqual([]);
  });

  it('ok/R5 (cn=杭州*) and (o=…) are name-key ranges; full-width digits and the case of the type do not matter', async () => {
    const prefix = await search('(cn=杭州*)', { attributes: ['uscc'] });
    expect(prefix.entries.map((e) => texts(e, 'uscc')[0])).toEqual([HANGZHOU]);
    // the CAs and their CRL partitions (settings) for ou=CA, then one name-key range
    expect(counting.calls).toEqual(['listCas', 'getSetting', 'directoryPersons:name']);
    const exact = await search('(o=宁波某某贸易有限公司)', { attributes: ['uscc'] });
    expect(exact.entries.map((e) => texts(e, 'uscc')[0])).toEqual([NINGBO]);
    const both = await search('(|(CN=湖州某某１号*)(cn=杭州*))', { attributes: ['uscc'], scope: 'sub' });
    expect(both.entries.map((e) => texts(e, 'uscc')[0])).toEqual([HANGZHOU, testUscc(1, '330501')]);
  });

  it('ok/R5 the CA entries: certificate and the newest full and delta CRLs; CRLs read only when they can be returned', async () => {
    const none = await search('(objectClass=pkiCA)', { baseDn: `ou=CA,${SUFFIX}`, scope: 'one' });
    expect(none.entries.map((e) => [...e.attributes.keys()])).toEqual([
      ['objectClass', 'cn', 'description', 'cACertificate;binary'],
    ]);
    const full = await issueCrl(context, { caId, actor: 'op' });
    const delta = await issueCrl(context, { caId, actor: 'op', kind: 'delta' });
    const { entries } = await search('(objectClass=*)', {
      baseDn: `cn=${caId},ou=CA,${SUFFIX}`,
      scope: 'base',
    });
    const ca = (await t.store.read.getCa(caId))!;
    expect(entries.map((e) => e.dn)).toEqual([`cn=${caId},ou=CA,${SUFFIX}`]);
    expect(hexes(entries[0], 'cACertificate;binary')).toEqual([toHex(ca.certificateDer!)]);
    expect(hexes(entries[0], 'certificateRevocationList;binary')).toEqual([toHex(full.der)]);
    expect(hexes(entries[0], 'deltaRevocationList;binary')).toEqual([toHex(delta.der)]);
    expect(counting.calls.filter((c) => c === 'getCrlIssue')).toHaveLength(2);
    // again: the CRLs come from memory; asking for cACertificate only reads no CRL at all
    await search('(objectClass=*)', { baseDn: `cn=${caId},ou=CA,${SUFFIX}`, scope: 'base' });
    expect(counting.calls).not.toContain('getCrlIssue');
    await search('(cn=*)', { baseDn: `ou=CA,${SUFFIX}`, attributes: ['cACertificate'] });
    expect(counting.calls).not.toContain('latestCrlIssue');
  });

  it('ok/R5 a revocation is gone at the next search: values of the revoked pair only', async () => {
    const extra = await issue(HANGZHOU, '杭州某某科技有限公司');
    let entry = (await search(`(uscc=${HANGZHOU})`)).entries[0];
    expect(texts(entry, 'serialNumber')).toHaveLength(4);
    await revokeCertificate(context, { serial: hangzhou.sign.serial, actor: 'op', reason: 'keyCompromise' });
    entry = (await search(`(uscc=${HANGZHOU})`)).entries[0];
    expect(texts(entry, 'serialNumber')).toEqual([extra.sign.serial, extra.enc.serial]);
    expect(hexes(entry, 'userCertificate;binary')).toEqual([toHex(extra.sign.der), toHex(extra.enc.der)]);
    expect((await search(`(serialNumber=${hangzhou.sign.serial})`)).entries).toEqual([]);
  });

  it('ok/R6 a scan stops at the size limit; paged results walk every legal person', async () => {
    const limited = await search('(objectClass=organization)', { sizeLimit: 5 });
    expect([limited.result.resultCode, limited.entries.length]).toEqual([ResultCode.sizeLimitExceeded, 5]);
    const seen: string[] = [];
    let cookie: Uint8Array = new Uint8Array(0);
    do {
      const page = await client.search({
        baseDn: PERSONS,
        scope: 'one',
        filter: '(uscc=*)',
        attributes: ['1.1'],
        controls: [
          { type: PAGED_RESULTS_OID, critical: true, value: encodePagedResultsValue({ size: 9, cookie }) },
        ],
      });
      expect(page.result.resultCode).toBe(ResultCode.success);
      seen.push(...page.entries.map((e) => e.dn));
      cookie = decodePagedResultsValue(page.controls[0]!.value!).cookie;
    } while (cookie.length > 0);
    expect(seen).toHaveLength(32);
    expect(new Set(seen).size).toBe(32);
  });

  it('ok/R6 look-ups by uscc that arrive together are one store query; each caller gets its own', async () => {
    const loader = new PersonLoader(counting.store, clock);
    counting.calls.length = 0;
    const [a, b, c, none] = await Promise.all([
      loader.load([HANGZHOU]),
      loader.load([NINGBO, HANGZHOU]),
      loader.load([testUscc(3, '330501')]),
      loader.load([]),
    ]);
    expect(counting.calls).toEqual(['directoryPersons:uscc']);
    expect([a, b, c, none].map((persons) => persons.map((p) => p.uscc))).toEqual([
      [HANGZHOU],
      [HANGZHOU, NINGBO],
      [testUscc(3, '330501')],
      [],
    ]);
    // a failing query fails every caller of that turn, and the next turn queries afresh
    const failing = new PersonLoader(
      {
        ...counting.store,
        read: { ...counting.store.read, directoryPersons: () => Promise.reject(new Error('database gone')) },
      },
      clock,
    );
    const both = [failing.load([HANGZHOU]), failing.load([NINGBO])];
    for (const result of await Promise.allSettled(both))
      expect(result).toMatchObject({ status: 'rejected', reason: { message: 'database gone' } });
    expect((await loader.load([NINGBO])).map((p) => p.name)).toEqual(['宁波某某贸易有限公司']);
  });

  it('error/R6 an unindexed search that matches nothing gives up with adminLimitExceeded', async () => {
    const { result, entries } = await search('(description=no such thing)', { baseDn: PERSONS });
    expect(entries).toEqual([]);
    expect(result.resultCode).toBe(ResultCode.adminLimitExceeded);
    expect(result.diagnosticMessage).toMatch(/^YZ_ERR_LDAP_ADMIN_LIMIT: 12 legal persons in a row/);
    // two pages of 7 were enough to know
    expect(counting.calls.filter((c) => c === 'directoryPersons:all')).toHaveLength(2);
  });

  it('ok/R5 CRL partitions: one cn=<ca>-p<n> entry each (cRLDistributionPoint) with that partition’s newest CRL; found by base DN and under ou=CA', async () => {
    await configureCrlPartitions(context, {
      caId,
      count: 2,
      urls: [`http://ca.example.cn/crl/${caId}-p{n}.crl`],
      actor: 'op',
    });
    const pair = await issue(HANGZHOU, '杭州某某科技有限公司');
    await revokeCertificate(context, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'op' });
    clock.set('2026-03-01T00:10:00Z');
    await issueCrl(context, { caId, actor: 'op' });
    const children = await search('(objectClass=cRLDistributionPoint)', {
      baseDn: `ou=CA,${SUFFIX}`,
      scope: 'one',
    });
    expect(children.entries.map((e) => e.dn)).toEqual([0, 1].map((n) => `cn=${caId}-p${n},ou=CA,${SUFFIX}`));
    for (const n of [0, 1]) {
      const { entries } = await search('(objectClass=*)', {
        baseDn: `cn=${caId}-p${n},ou=CA,${SUFFIX}`,
        scope: 'base',
      });
      const crl = (await latestCrl(t.store, partitionCrlKey(caId, n), 'full'))!;
      expect(texts(entries[0], 'cn')).toEqual([`${caId}-p${n}`]);
      expect(hexes(entries[0], 'certificateRevocationList;binary')).toEqual([toHex(crl.der)]);
    }
    const missing = await search('(objectClass=*)', {
      baseDn: `cn=${caId}-p2,ou=CA,${SUFFIX}`,
      scope: 'base',
    });
    expect(missing.result.resultCode).toBe(ResultCode.noSuchObject);
  });
});

describe('directoryNameKey', () => {
  it("ok/equals the LDAP server's caseIgnore preparation (RFC 4518)", () => {
    for (const name of [
      '杭州某某科技有限公司',
      '  Hangzhou   ＡＢＣ（西湖） ',
      'ǅemal İstanbul',
      '杭州\t某某\u3000工作室',
      '⼈民',
    ])
      expect(directoryNameKey(name)).toBe(prepareCaseIgnore(name));
  });
});
