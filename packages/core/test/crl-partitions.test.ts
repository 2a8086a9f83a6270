/**
 * CRL partitions (分区 CRL; R5 "plus partitions if the CA is configured with them"; RFC 5280
 * §5.2.5), on SQLite and PostgreSQL: a certificate issued while partitioning is on names its
 * partition's CRL in cRLDistributionPoints (partition stored, fixed at issuance); each partition CRL
 * carries a critical issuingDistributionPoint with the same URLs and only its partition's
 * revoked certificates; BouncyCastle's PKIX validator and our path validation find a revoked
 * certificate revoked through its partition CRL, and out of scope through another partition's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Certificate,
  type Crl,
  Oid,
  certificatePublicKey,
  crlRevocationSource,
  parseCertificate,
  parseCrl,
  readExtension,
  validatePath,
  verifyCrlSignature,
} from '@yizheng/pki';
import {
  type CertificateRecord,
  CoreError,
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  configureCrlPartitions,
  issueCrl,
  latestCrl,
  partitionCrlKey,
  partitionUrlTemplate,
  revokeCertificate,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { demoContext, issueTestPair } from '../../../tools/test-support/core-context.js';

const uris = (names: readonly { type: string; value: unknown }[] | undefined): string[] =>
  (names ?? []).filter((n) => n.type === 'uri').map((n) => n.value as string);

function cdpUris(cert: Certificate): string[] {
  return (readExtension(cert.tbs.extensions, 'cRLDistributionPoints') ?? []).flatMap((dp) =>
    dp.distributionPoint?.type === 'fullName' ? uris(dp.distributionPoint.value) : [],
  );
}

const serials = (crl: Crl): string[] =>
  crl.tbs.entries.map((e) => e.serialNumber.toString(16).toUpperCase()).sort();

describe.each(STORE_KINDS)('CRL partitions on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  let caId: string;
  let ca: Certificate;
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let urls: string[];
  const url = (n: number) => urls.map((u) => u.replace('{n}', String(n)));
  const issue = (): Promise<IssuedPair> => issueTestPair(context);
  const partitionCrl = async (n: number): Promise<Crl> =>
    parseCrl((await latestCrl(t.store, partitionCrlKey(caId, n), 'full'))!.der);

  let before: IssuedPair;
  const pairs: IssuedPair[] = [];
  /** Two pairs whose signing certificates are in partitions 0 and 1. */
  const toRevoke: IssuedPair[] = [];
  /** Certificates issued while partitioned, by partition. */
  const inPartition: CertificateRecord[][] = [[], []];

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    const record = (await t.store.read.listCas())[0]!;
    caId = record.id;
    ca = parseCertificate(record.certificateDer!);
    before = await issue();
    urls = [
      partitionUrlTemplate(`http://ca.example.cn/crl/${caId}.crl`),
      partitionUrlTemplate(
        `ldap://ldap.example.cn/cn=${caId},ou=CA,o=Yizheng%20Demo%20CA,c=CN?certificateRevocationList;binary`,
      ),
    ];
    await configureCrlPartitions(context, { caId, count: 2, urls, actor: 'op' });
    // serials are random: issue until a pair's signing certificate is in each partition (those
    // two are revoked below) and the other pairs still have certificates in both partitions
    const first = (n: number) => pairs.find((p) => p.sign.crlPartition === n);
    const complete = () => {
      const chosen = [first(0), first(1)];
      if (chosen.includes(undefined)) return false;
      const others = pairs.filter((p) => !chosen.includes(p)).flatMap((p) => [p.sign, p.enc]);
      return [0, 1].every((n) => others.some((c) => c.crlPartition === n));
    };
    while (!complete()) {
      const pair = await issue();
      pairs.push(pair);
      for (const cert of [pair.sign, pair.enc]) inPartition[cert.crlPartition!]!.push(cert);
    }
    toRevoke.push(first(0)!, first(1)!);
  });
  afterAll(async () => t?.dispose());

  it('ok/templates: …/ca.crl → …/ca-p{n}.crl, ldap cn=ca → cn=ca-p{n}; error/a URL it cannot derive', () => {
    expect(urls[0]).toBe(`http://ca.example.cn/crl/${caId}-p{n}.crl`);
    expect(urls[1]).toBe(
      `ldap://ldap.example.cn/cn=${caId}-p{n},ou=CA,o=Yizheng%20Demo%20CA,c=CN?certificateRevocationList;binary`,
    );
    expect(() => partitionUrlTemplate('http://ca.example.cn/crl')).toThrow(/\{n\}/);
  });

  it('ok/a certificate names its partition (serial mod 2, stored) and no freshestCRL; one issued before names the full CRL', async () => {
    for (const pair of pairs)
      for (const [record, cert] of [
        [pair.sign, pair.signCertificate],
        [pair.enc, pair.encCertificate],
      ] as const) {
        const n = Number(cert.tbs.serialNumber % 2n);
        expect(record.crlPartition).toBe(n);
        expect((await t.store.read.getCertificate(caId, record.serial))?.crlPartition).toBe(n);
        expect(cdpUris(cert)).toEqual(url(n));
        expect(readExtension(cert.tbs.extensions, 'freshestCRL')).toBeUndefined();
      }
    expect((await t.store.read.getCertificate(caId, before.sign.serial))?.crlPartition).toBeUndefined();
    expect(cdpUris(before.signCertificate)).toEqual([`http://ca.example.cn/crl/${caId}.crl`]);
  });

  it('ok/R5 after revocations in two partitions each partition CRL holds only its own serials, with a critical IDP; BouncyCastle and our path validation agree', async () => {
    const revoked = toRevoke;
    for (const pair of revoked)
      await revokeCertificate(context, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'op' });
    await revokeCertificate(context, { serial: before.sign.serial, reason: 'keyCompromise', actor: 'op' });
    clock.set('2026-03-01T01:00:00Z');
    const full = parseCrl((await issueCrl(context, { actor: 'scheduler', caId })).der);
    expect(readExtension(full.tbs.extensions, 'issuingDistributionPoint')).toBeUndefined();
    const revokedCerts = revoked.flatMap((p) => [p.sign, p.enc]);
    expect(serials(full)).toEqual(
      [...revokedCerts.map((c) => c.serial), before.sign.serial, before.enc.serial].sort(),
    );
    const parts = [await partitionCrl(0), await partitionCrl(1)];
    for (const [n, crl] of parts.entries()) {
      expect(serials(crl)).toEqual(
        revokedCerts
          .filter((c) => c.crlPartition === n)
          .map((c) => c.serial)
          .sort(),
      );
      expect(crl.crlNumber).toBe(full.crlNumber);
      const idp = (crl.tbs.extensions ?? []).find((e) => e.oid === Oid.issuingDistributionPoint);
      expect(idp?.critical).toBe(true);
      const value = readExtension(crl.tbs.extensions, 'issuingDistributionPoint')!;
      expect(value.distributionPoint?.type === 'fullName' && uris(value.distributionPoint.value)).toEqual(
        url(n),
      );
      expect(verifyCrlSignature(crl, certificatePublicKey(ca))).toBe(true);
    }
    const verified = runBc(parts.map((crl) => `crl-verify ${bcHex(ca.der)} ${bcHex(crl.der)}`));
    for (const [n, a] of verified.entries()) {
      expect(a.error).toBe('');
      expect(a.fields.slice(0, 3)).toEqual(['true', 'true', String(parts[n]!.tbs.entries.length)]);
    }

    // a revoked certificate of each partition, and a valid one, through PKIX with the CRLs
    const at = clock.now().getTime() + 60_000;
    const revokedIn = (n: number) => revoked.find((p) => p.sign.crlPartition === n)!.signCertificate;
    const validIn = (n: number) =>
      parseCertificate(inPartition[n]!.find((c) => !revokedCerts.includes(c))!.der);
    const path = (cert: Certificate, crl: Crl) =>
      `cert-path-crl ${bcHex(ca.der)} ${bcHex(cert.der)} ${at} ${bcHex(crl.der)}`;
    const bc = runBc([
      path(revokedIn(0), parts[0]!),
      path(revokedIn(1), parts[1]!),
      path(validIn(0), parts[0]!),
      path(validIn(1), parts[1]!),
      path(revokedIn(0), parts[1]!),
    ]);
    expect(bc[0]!.error).toMatch(/revo/i);
    expect(bc[1]!.error).toMatch(/revo/i);
    expect(bc.slice(2, 4).map((a) => a.fields)).toEqual([['valid'], ['valid']]);
    expect(bc[4]!.ok).toBe(false); // partition 1's CRL does not cover a partition 0 certificate

    const ours = (cert: Certificate, crls: Crl[]) =>
      validatePath(cert, { trustAnchors: [ca], at: new Date(at), revocation: crlRevocationSource(crls) })
        .reason;
    expect(ours(revokedIn(0), parts)).toBe('YZ_PATH_REVOKED');
    expect(ours(revokedIn(1), [parts[1]!])).toBe('YZ_PATH_REVOKED');
    expect(ours(validIn(0), [parts[0]!])).toBe('YZ_PATH_OK');
    expect(ours(revokedIn(0), [parts[1]!])).toBe('YZ_PATH_REVOCATION_UNKNOWN');
  });

  it('ok/a delta issue re-issues only the partition that changed, with the full CRL’s nextUpdate', async () => {
    const [p0, p1] = [await partitionCrl(0), await partitionCrl(1)];
    // a pair whose two certificates fall in one partition, so only that partition changes
    let pair = await issue();
    while (pair.sign.crlPartition !== pair.enc.crlPartition) pair = await issue();
    const n = pair.sign.crlPartition!;
    const target = pair.sign;
    await revokeCertificate(context, { serial: target.serial, reason: 'superseded', actor: 'op' });
    clock.set('2026-03-01T01:05:00Z');
    const delta = await issueCrl(context, { actor: 'scheduler', caId, kind: 'delta', nextUpdateMinutes: 10 });
    const [was, now] = [[p0, p1][n]!, await partitionCrl(n)];
    const [otherWas, other] = [[p0, p1][1 - n]!, await partitionCrl(1 - n)];
    expect(other.der).toEqual(otherWas.der);
    expect(now.crlNumber).toBe(delta.number);
    expect(now.crlNumber > was.crlNumber).toBe(true);
    expect(serials(now)).toEqual([...serials(was), target.serial, pair.enc.serial].sort());
    expect(now.tbs.nextUpdate).toEqual(was.tbs.nextUpdate);
    const audit = (await t.store.read.auditEntries(1)).filter((e) => e.action === 'crl.issue.delta').at(-1);
    expect(audit?.detail).toMatchObject({ partitions: [{ partition: n, entries: now.tbs.entries.length }] });
  });

  it('error/fewer partitions, a URL without {n}, unknown CA: coded, nothing changed', async () => {
    const attempts = [
      { caId, count: 1, urls },
      { caId, count: 4, urls: ['http://ca.example.cn/crl/x.crl'] },
      { caId, count: 0, urls },
      { caId: 'no-such-ca', count: 2, urls },
    ];
    const codes: string[] = [];
    for (const attempt of attempts)
      await configureCrlPartitions(context, { ...attempt, actor: 'op' }).catch((error: unknown) => {
        expect(error).toBeInstanceOf(CoreError);
        codes.push((error as CoreError).code);
      });
    expect(codes).toEqual(['YZ_ERR_INPUT', 'YZ_ERR_INPUT', 'YZ_ERR_INPUT', 'YZ_ERR_CA_NOT_FOUND']);
    const next = await issue();
    expect(next.sign.crlPartition).toBe(Number(next.signCertificate.tbs.serialNumber % 2n));
  });
});
