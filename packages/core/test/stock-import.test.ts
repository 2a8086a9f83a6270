/**
 * Stock certificate import (存量证书, R16) on SQLite and PostgreSQL: certificates an earlier
 * system signed with the CA's key (built outside the core) are imported with their legal-person
 * data, then looked up, renewed (R19: old notAfter + 1 year) and revoked (R23) like our own.
 * Bad files are refused one by one with their code while the batch goes on; nothing is written
 * for them, and importing again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, encodePem, utf8 } from '@yizheng/gm';
import { type Certificate, certificateToPem, extension, parseName } from '@yizheng/pki';
import {
  FixedClock,
  type ImportManifest,
  type IssuanceContext,
  type StockSource,
  importStockCertificates,
  loadIssuingCa,
  parseImportManifest,
  plusOneYear,
  renewPair,
  revokeCertificate,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';
import { makeLeaf, makeRoot } from '../../../tools/test-support/pki-fixtures.js';
import { type LegacyIssuer, legacyCertificate } from '../../../tools/test-support/stock-fixtures.js';

const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';
const DAY = 86_400_000;
const csr = () => csrDer('杭州某某科技有限公司');
const pem = (name: string, ...certs: Certificate[]): StockSource => ({
  name,
  data: utf8(certs.map(certificateToPem).join('')),
});
const der = (name: string, cert: Certificate): StockSource => ({ name, data: cert.der });

function manifestOf(text: string): ImportManifest {
  const { manifest, errors } = parseImportManifest(text, 'csv');
  expect(errors).toEqual([]);
  return manifest;
}

describe('stock import manifest (R16)', () => {
  it('ok/CSV with a BOM, quotes and revoked rows; JSON with the same fields', () => {
    const csv = parseImportManifest(
      utf8(
        '\uFEFFuscc,name,legalRepresentative,serial,status,revokedAt,reason\n' +
          `${HANGZHOU},"杭州某某科技有限公司",张三,,,,\n` +
          `# a comment\n${NINGBO},"宁波某某贸易有限公司, 分公司",李四,00ab12,revoked,2025-06-01T00:00:00Z,keyCompromise\n`,
      ),
      'csv',
    );
    expect(csv.errors).toEqual([]);
    expect(csv.manifest.legalPersons.get(NINGBO)).toEqual({
      name: '宁波某某贸易有限公司, 分公司',
      legalRepresentative: '李四',
    });
    expect(csv.manifest.statuses.get('AB12')).toEqual({
      status: 'revoked',
      revokedAt: new Date('2025-06-01T00:00:00Z'),
      reason: 'keyCompromise',
    });
    const json = parseImportManifest(
      JSON.stringify([{ uscc: HANGZHOU, name: '杭州某某科技有限公司', legalRepresentative: '张三' }]),
      'json',
    );
    expect([json.errors, json.manifest.legalPersons.get(HANGZHOU)?.legalRepresentative]).toEqual([
      [],
      '张三',
    ]);
  });

  it('error/bad rows are reported by line: invalid USCC, revoked without a date, unknown column, GBK bytes', () => {
    const { errors } = parseImportManifest(
      'uscc,name,legalRepresentative,serial,status\n' +
        '91330106MA2B3C4D5X,某公司,王五,,\n' +
        `${HANGZHOU},杭州某某科技有限公司,张三,1F,revoked\n` +
        `${HANGZHOU},另一个名称,张三,,\n`,
      'csv',
    );
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(errors[1]!.message).toMatch(/needs revokedAt/);
    expect(parseImportManifest('uscc,name,rep\n', 'csv').errors[0]!.message).toMatch(/unknown column/);
    const gbk = new Uint8Array([0x75, 0x73, 0x63, 0x63, 0x0a, 0xba, 0xbc, 0xd6, 0xdd]); // "uscc\n杭州" in GBK
    expect(parseImportManifest(gbk, 'csv').errors).toEqual([
      { line: 0, message: expect.stringMatching(/not UTF-8/) },
    ]);
  });
});

describe.each(STORE_KINDS)('stock import on %s (R16)', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  let legacy: LegacyIssuer;
  let caId: string;
  // the CA has run since 2024; the earlier system issued under its key in 2025
  const clock = new FixedClock('2024-01-01T00:00:00Z');
  const pairValidity = {
    notBefore: new Date('2025-04-01T00:00:00Z'),
    notAfter: new Date('2026-04-01T00:00:00Z'),
  };

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    const ca = await loadIssuingCa(t.store);
    caId = ca.record.id;
    legacy = { name: ca.certificate.tbs.subject, signer: await context.vault.signer(ca.record.keyRef) };
    clock.set('2026-03-01T00:00:00Z');
  });
  afterAll(async () => t?.dispose());

  const count = async () => (await t.store.read.queryCertificates({})).length;
  const auditCount = async () => (await t.store.read.auditEntries(1)).length;

  // made once, shared by the tests below in order: import, re-import, renew, revoke
  let sign: Certificate;
  let enc: Certificate;
  let expired: Certificate;
  let revoked: Certificate;
  let sources: StockSource[];
  let manifest: ImportManifest;

  it('ok/a legacy pair, an expired and a revoked certificate import with their legal-person data', async () => {
    sign = legacyCertificate(legacy, { role: 'sign', uscc: HANGZHOU, ...pairValidity });
    enc = legacyCertificate(legacy, { role: 'enc', uscc: HANGZHOU, ...pairValidity, identity: 'uscc-2012' });
    expired = legacyCertificate(legacy, {
      role: 'sign',
      uscc: NINGBO,
      name: '宁波某某贸易有限公司',
      identity: 'subject-serial',
      notBefore: new Date('2024-12-01T00:00:00Z'),
      notAfter: new Date('2025-12-01T00:00:00Z'),
    });
    revoked = legacyCertificate(legacy, {
      role: 'sign',
      uscc: HANGZHOU,
      notBefore: new Date('2024-04-01T00:00:00Z'),
      notAfter: new Date('2027-04-01T00:00:00Z'),
    });
    const revokedSerial = revoked.tbs.serialNumber.toString(16).toUpperCase();
    manifest = manifestOf(
      'uscc,name,legalRepresentative,serial,status,revokedAt,reason\n' +
        `${HANGZHOU},杭州某某科技有限公司,张三,,,,\n` +
        `${HANGZHOU},杭州某某科技有限公司,张三,${revokedSerial},revoked,2025-05-20T08:00:00Z,keyCompromise\n`,
    );
    sources = [pem('pair.pem', sign, enc), der('ningbo.cer', expired), pem('old.crt', revoked)];
    const progress: [number, number][] = [];
    const summary = await importStockCertificates(context, {
      sources,
      manifest,
      channel: 'cli',
      actor: 'op-import',
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect([summary.imported, summary.duplicate, summary.failed]).toEqual([4, 0, 0]);
    expect(summary.results.map((r) => r.item)).toEqual(['pair.pem#1', 'pair.pem#2', 'ningbo.cer', 'old.crt']);
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);

    // look up by serial: the pair shares one pairId, no escrow (we hold no stock encryption key)
    const serial = sign.tbs.serialNumber.toString(16).toUpperCase();
    const [found] = await t.store.read.findCertificatesBySerial(serial);
    expect(found).toMatchObject({ caId, role: 'sign', uscc: HANGZHOU, status: 'valid', escrowId: null });
    expect(found!.notAfter).toEqual(pairValidity.notAfter);
    const pair = await t.store.read.queryCertificates({ pairId: found!.pairId });
    expect(pair.map((c) => c.role).sort()).toEqual(['enc', 'sign']);

    // look up by USCC: the pair and the revoked one, with the manifest's revocation
    const hangzhou = await t.store.read.queryCertificates({ uscc: HANGZHOU });
    expect(hangzhou).toHaveLength(3);
    expect(hangzhou.find((c) => c.serial === revokedSerial)).toMatchObject({
      status: 'revoked',
      revokedAt: new Date('2025-05-20T08:00:00Z'),
      revocationReason: 'keyCompromise',
    });
    expect(await t.store.read.getLegalPerson(HANGZHOU)).toMatchObject({
      name: '杭州某某科技有限公司',
      legalRepresentative: '张三',
    });
    // not in the manifest: the name comes from the subject's O, the representative is unknown
    expect(await t.store.read.getLegalPerson(NINGBO)).toMatchObject({
      name: '宁波某某贸易有限公司',
      legalRepresentative: '',
    });
    const applications = await t.store.read.listApplications(HANGZHOU);
    expect(applications.map((a) => [a.businessType, a.channel, a.state])).toEqual([
      ['import', 'cli', 'completed'],
      ['import', 'cli', 'completed'],
    ]);
    const audit = (await t.store.read.auditEntries(1)).filter((e) => e.action === 'certificate.import');
    expect(audit).toHaveLength(4);
    expect(audit.every((e) => e.actor === 'op-import')).toBe(true);
    expect(await t.store.read.revokedCertificates(caId)).toEqual([
      expect.objectContaining({ serial: revokedSerial }),
    ]);
  });

  it('ok/importing the same files again reports duplicates and changes nothing', async () => {
    const [certificates, entries] = [await count(), await auditCount()];
    const again = await importStockCertificates(context, { sources, manifest, channel: 'cli', actor: 'op' });
    expect([again.imported, again.duplicate, again.failed]).toEqual([0, 4, 0]);
    expect([await count(), await auditCount()]).toEqual([certificates, entries]);
  });

  it('ok/renew of an imported pair: old notAfter + 1 year (R19), the old pair kept as for our own', async () => {
    const [old] = await t.store.read.findCertificatesBySerial(
      enc.tbs.serialNumber.toString(16).toUpperCase(),
    );
    clock.set(new Date(pairValidity.notAfter.getTime() - 30 * DAY));
    const renewed = await renewPair(context, {
      serial: old!.serial,
      request: csr(),
      channel: 'counter',
      actor: 'op',
    });
    expect(renewed.sign.notAfter).toEqual(plusOneYear(pairValidity.notAfter));
    expect(renewed.enc.notAfter).toEqual(new Date('2027-04-01T00:00:00Z'));
    expect(renewed.sign.predecessorPairId).toBe(old!.pairId);
    expect(renewed.enc.escrowId).not.toBeNull(); // the renewal's encryption key is the KMC's
    expect(renewed.signCertificate.tbs.subject).toEqual(
      parseName('C=CN,ST=浙江省,O=杭州某某科技有限公司,OU=某某省法人数字证书,CN=杭州某某科技有限公司'),
    );
    const oldPair = await t.store.read.queryCertificates({ pairId: old!.pairId });
    expect(oldPair.map((c) => c.status)).toEqual(['valid', 'valid']);
  });

  it('ok/revoke of an imported certificate revokes its pair; an expired one is past renewal', async () => {
    const serial = sign.tbs.serialNumber.toString(16);
    const changed = await revokeCertificate(context, { serial, reason: 'affiliationChanged', actor: 'op' });
    expect(changed.map((c) => [c.role, c.status]).sort()).toEqual([
      ['enc', 'revoked'],
      ['sign', 'revoked'],
    ]);
    await expect(
      renewPair(context, {
        serial: expired.tbs.serialNumber.toString(16),
        request: csr(),
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
      message: expect.stringMatching(/expired more than 30 days/),
    });
  });

  it('ok/lone halves imported in separate runs join into one pair', async () => {
    const validity = {
      notBefore: new Date('2025-07-01T00:00:00Z'),
      notAfter: new Date('2026-07-01T00:00:00Z'),
    };
    const lateSign = legacyCertificate(legacy, { role: 'sign', uscc: NINGBO, ...validity });
    const lateEnc = legacyCertificate(legacy, { role: 'enc', uscc: NINGBO, ...validity });
    await importStockCertificates(context, {
      sources: [der('s.der', lateSign)],
      channel: 'cli',
      actor: 'op',
    });
    const second = await importStockCertificates(context, {
      sources: [der('e.der', lateEnc)],
      channel: 'cli',
      actor: 'op',
    });
    const [first] = await t.store.read.findCertificatesBySerial(
      lateSign.tbs.serialNumber.toString(16).toUpperCase(),
    );
    expect(second.results[0]).toMatchObject({ outcome: 'imported', record: { pairId: first!.pairId } });
  });

  it('error/each bad file is refused with its code, the batch goes on, nothing is written for it', async () => {
    const validity = {
      notBefore: new Date('2025-09-01T00:00:00Z'),
      notAfter: new Date('2026-09-01T00:00:00Z'),
    };
    const good = legacyCertificate(legacy, { role: 'sign', uscc: NINGBO, ...validity });
    const otherRoot = makeRoot('其他省数字证书认证根CA');
    const tampered = new Uint8Array(good.der);
    tampered[tampered.length - 1]! ^= 0x01; // last byte of the signature's s
    const holderKey = Sm2PrivateKey.generate().publicKey;
    const certified = legacyCertificate(legacy, {
      role: 'sign',
      uscc: NINGBO,
      ...validity,
      publicKey: holderKey,
    });
    await importStockCertificates(context, {
      sources: [der('certified.der', certified)],
      channel: 'cli',
      actor: 'op',
    });
    const cases: [StockSource, string][] = [
      [der('other-root.der', makeLeaf(otherRoot).cert), 'YZ_ERR_UNKNOWN_ISSUER'],
      [{ name: 'tampered.der', data: tampered }, 'YZ_ERR_CERT_SIGNATURE'],
      [
        der(
          'bad-uscc.der',
          legacyCertificate(legacy, { role: 'sign', uscc: '91330106MA2B3C4D5X', ...validity }),
        ),
        'YZ_ERR_USCC',
      ],
      [
        der('no-uscc.der', legacyCertificate(legacy, { role: 'sign', uscc: null, ...validity })),
        'YZ_ERR_USCC',
      ],
      [{ name: 'notes.txt', data: utf8('存量证书清单，不是证书') }, 'YZ_ERR_INPUT'],
      [{ name: 'key.pem', data: utf8(encodePem('PRIVATE KEY', new Uint8Array(40))) }, 'YZ_ERR_INPUT'],
      [
        der(
          'ca.der',
          legacyCertificate(legacy, {
            role: 'sign',
            uscc: NINGBO,
            ...validity,
            extensions: [extension('basicConstraints', { cA: true }, true)],
          }),
        ),
        'YZ_ERR_INPUT',
      ],
      [
        der(
          'same-key.der',
          legacyCertificate(legacy, { role: 'enc', uscc: NINGBO, ...validity, publicKey: holderKey }),
        ),
        'YZ_ERR_KEY_ALREADY_CERTIFIED',
      ],
      [
        der(
          'same-serial.der',
          legacyCertificate(legacy, {
            role: 'sign',
            uscc: NINGBO,
            ...validity,
            serialNumber: certified.tbs.serialNumber,
          }),
        ),
        'YZ_ERR_SERIAL_CONFLICT',
      ],
    ];
    const [certificates, entries] = [await count(), await auditCount()];
    const summary = await importStockCertificates(context, {
      sources: [...cases.map(([source]) => source), der('good.der', good)],
      channel: 'cli',
      actor: 'op',
    });
    expect(summary.results.map((r) => [r.item, r.outcome === 'failed' ? r.code : r.outcome])).toEqual([
      ...cases.map(([source, code]) => [source.name, code]),
      ['good.der', 'imported'],
    ]);
    expect([summary.imported, summary.duplicate, summary.failed]).toEqual([1, 0, cases.length]);
    expect(await count()).toBe(certificates + 1);
    expect(await auditCount()).toBe(entries + 1);
    await expect(
      importStockCertificates(context, { sources: [], caId: 'ca-nonexistent', channel: 'cli', actor: 'op' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_CA_NOT_FOUND' });
  });
});
