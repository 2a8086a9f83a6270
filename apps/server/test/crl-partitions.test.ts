/**
 * Partition CRLs over HTTP (R5 "plus partitions if the CA is configured with them"): a CA with two
 * partitions serves `/crl/{ca}-p{n}.crl` — the URL its certificates name — with the caching
 * headers of the full CRL, the bytes the store holds, and 304 for a matching ETag; the full CRL
 * stays at `/crl/{ca}.crl`; a partition the CA does not have is 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCrl, readExtension } from '@yizheng/pki';
import {
  FixedClock,
  type IssuedPair,
  bootstrapDemo,
  configureCrlPartitions,
  issueCrl,
  loadProfile,
  partitionCrlKey,
  partitionUrlTemplate,
  revokeCertificate,
} from '@yizheng/core';
import {
  DEFAULT_CONFIG,
  StatusScheduler,
  type Platform,
  type YizhengServer,
  buildServer,
  openPlatform,
} from '../src/index.js';
import { issueTestPair } from '../../../tools/test-support/core-context.js';

describe('partition CRLs over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-partitions-'));
  let platform: Platform;
  let server: YizhengServer;
  let caId: string;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    platform = await openPlatform({ dataDir: dir, note: () => undefined, clock });
    server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
    caId = (await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 4 })).ca
      .record.id;
    const profile = await loadProfile(platform.store, 'legal-person-sign');
    await configureCrlPartitions(platform, {
      caId,
      count: 2,
      urls: profile.definition.crlUrls.map(partitionUrlTemplate),
      actor: 'test',
    });
  });
  afterAll(async () => {
    await server?.app.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const issuePair = (): Promise<IssuedPair> => issueTestPair(platform);

  it('ok/R5 each certificate names /crl/{ca}-p{n}.crl; that URL serves its partition’s CRL with ETag, Last-Modified and max-age; 304 on a match', async () => {
    const pair = await issuePair();
    await revokeCertificate(platform, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'test' });
    const issued = await issueCrl(platform, { caId, actor: 'test' });
    for (const [record, cert] of [
      [pair.sign, pair.signCertificate],
      [pair.enc, pair.encCertificate],
    ] as const) {
      const path = `/crl/${caId}-p${record.crlPartition}.crl`;
      const cdp = readExtension(cert.tbs.extensions, 'cRLDistributionPoints')![0]!.distributionPoint!;
      expect(cdp.type === 'fullName' && cdp.value.map((n) => n.value)).toEqual([
        `http://localhost:8080${path}`,
      ]);
      const reply = await server.app.inject(path);
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['content-type']).toBe('application/pkix-crl');
      expect(reply.headers.etag).toBe(`"${issued.number}"`);
      expect(reply.headers['last-modified']).toBe(issued.thisUpdate.toUTCString());
      expect(reply.headers['cache-control']).toBe('public, max-age=21600, no-transform');
      const crl = parseCrl(reply.rawPayload);
      expect(crl.tbs.entries.map((e) => e.serialNumber.toString(16).toUpperCase())).toContain(record.serial);
      const idp = readExtension(crl.tbs.extensions, 'issuingDistributionPoint')!.distributionPoint!;
      expect(idp.type === 'fullName' && idp.value.map((n) => n.value)).toEqual([
        `http://localhost:8080${path}`,
      ]);
      const again = await server.app.inject({
        url: path,
        headers: { 'if-none-match': reply.headers.etag as string },
      });
      expect([again.statusCode, again.rawPayload.length]).toEqual([304, 0]);
    }
    const full = await server.app.inject(`/crl/${caId}.crl`);
    expect(
      readExtension(parseCrl(full.rawPayload).tbs.extensions, 'issuingDistributionPoint'),
    ).toBeUndefined();
  });

  it('ok/R5 the scheduler re-issues a partition’s CRL within seconds of a revocation in it, and with each scheduled full CRL', async () => {
    const scheduler = new StatusScheduler(platform, DEFAULT_CONFIG, server.statusWatch, server.app.log, {
      tickMs: 50,
      minDeltaGapMs: 0,
      checkEveryMs: 3_600_000,
    });
    clock.advance(7 * 3_600_000);
    await scheduler.runDue();
    const full = (await platform.store.read.latestCrlIssue(caId, 'full'))!;
    for (const n of [0, 1])
      expect((await platform.store.read.latestCrlIssue(partitionCrlKey(caId, n), 'full'))?.number).toBe(
        full.number,
      );
    scheduler.start();
    try {
      clock.advance(1000);
      const pair = await issuePair();
      await revokeCertificate(platform, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'test' });
      const path = `/crl/${caId}-p${pair.sign.crlPartition}.crl`;
      const started = performance.now();
      let entries: string[] = [];
      while (!entries.includes(pair.sign.serial) && performance.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        entries = parseCrl((await server.app.inject(path)).rawPayload).tbs.entries.map((e) =>
          e.serialNumber.toString(16).toUpperCase(),
        );
      }
      expect(entries).toContain(pair.sign.serial);
    } finally {
      await scheduler.stop();
    }
  });

  it('error/a partition the CA does not have is a 404 problem', async () => {
    const missing = await server.app.inject(`/crl/${caId}-p2.crl`);
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'YZ_ERR_NOT_FOUND']);
  });
});
