/**
 * Status publication over HTTP (R5 CRL download; OCSP per RFC 6960 / RFC 5019, beyond the seed),
 * through `app.inject` on a platform opened as `npm start` opens it: CRL download with ETag /
 * 304 and cache headers, verified by BouncyCastle and our verifier and read by `openssl crl`;
 * OCSP by POST and GET (base64 and base64url) for good, revoked and unknown, with and without a
 * nonce, verified by BouncyCastle and our verifier and read by `openssl ocsp`; a revocation seen
 * by OCSP within 1 s; the scheduler's CRLs; malformed and oversized requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import {
  type Certificate,
  type CertIdHash,
  buildCertificationRequest,
  buildOcspRequest,
  certificatePublicKey,
  parseCertificate,
  parseCrl,
  parseName,
  parseOcspResponse,
  verifyCrlSignature,
  verifyOcspResponse,
} from '@yizheng/pki';
import {
  FixedClock,
  type IssuedPair,
  bootstrapDemo,
  currentResponderCertificate,
  issueCrl,
  issueDual,
  revokeCertificate,
  suspendCertificate,
} from '@yizheng/core';
import {
  DEFAULT_CONFIG,
  type Platform,
  StatusScheduler,
  type YizhengServer,
  buildServer,
  loadConfig,
  openPlatform,
  startServer,
} from '../src/index.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-status-'));
  dirs.push(dir);
  return dir;
};
const scratch = new Scratch();
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  scratch.cleanup();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CRL and OCSP over HTTP', () => {
  let platform: Platform;
  let server: YizhengServer;
  let caId: string;
  let ca: Certificate;
  let responderDer: Uint8Array;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    platform = await openPlatform({ dataDir: tempDir(), note: () => undefined, clock });
    server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
    caId = (await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 4 })).ca
      .record.id;
    ca = parseCertificate((await platform.store.read.getCa(caId))!.certificateDer!);
    responderDer = (await currentResponderCertificate(platform.store, caId, clock.now()))!.certificate.der;
  });
  afterAll(async () => {
    await server?.app.close();
    await platform?.close();
  });

  const issuePair = (): Promise<IssuedPair> =>
    issueDual(platform, {
      request: buildCertificationRequest(
        { subject: parseName('C=CN,CN=杭州某某科技有限公司') },
        Sm2PrivateKey.generate(),
      ).der,
      legalPerson: { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司' },
      channel: 'online',
      actor: 'test',
    });
  const ocspRequest = (serial: string, options: { hash?: CertIdHash; nonce?: Uint8Array } = {}) =>
    buildOcspRequest({ certs: [{ issuer: ca, serialNumber: BigInt('0x' + serial) }], ...options }).der;
  const post = (body: Uint8Array | string, type = 'application/ocsp-request') =>
    server.app.inject({
      method: 'POST',
      url: '/ocsp',
      headers: { 'content-type': type },
      payload: Buffer.from(body),
    });

  describe('CRL download', () => {
    let revoked: IssuedPair;

    it('ok/404 problem before the first CRL; the full CRL with its content type, ETag, Last-Modified and max-age', async () => {
      const none = await server.app.inject(`/crl/${caId}.crl`);
      expect([none.statusCode, none.json().code]).toEqual([404, 'YZ_ERR_NOT_FOUND']);
      revoked = await issuePair();
      await revokeCertificate(platform, {
        serial: revoked.sign.serial,
        reason: 'keyCompromise',
        actor: 'test',
      });
      const issued = await issueCrl(platform, { caId, actor: 'test' });
      const reply = await server.app.inject(`/crl/${caId}.crl`);
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['content-type']).toBe('application/pkix-crl');
      expect(reply.headers.etag).toBe(`"${issued.number}"`);
      expect(reply.headers['last-modified']).toBe(issued.thisUpdate.toUTCString());
      expect(reply.headers.expires).toBe(issued.nextUpdate.toUTCString());
      // nextUpdate is 24 h away, but the next full CRL is due in 6 h: caches keep it that long
      expect(reply.headers['cache-control']).toBe('public, max-age=21600, no-transform');
      const crl = parseCrl(reply.rawPayload);
      expect(crl.crlNumber).toBe(issued.number);
      expect(crl.tbs.entries.map((e) => e.serialNumber.toString(16).toUpperCase())).toEqual(
        expect.arrayContaining([revoked.sign.serial, revoked.enc.serial]),
      );
    });

    it('ok/If-None-Match with the ETag (or If-Modified-Since) is 304 without a body; another ETag gets the CRL', async () => {
      const etag = (await server.app.inject(`/crl/${caId}.crl`)).headers.etag as string;
      const same = await server.app.inject({ url: `/crl/${caId}.crl`, headers: { 'if-none-match': etag } });
      expect([same.statusCode, same.body, same.headers.etag]).toEqual([304, '', etag]);
      const weak = await server.app.inject({
        url: `/crl/${caId}.crl`,
        headers: { 'if-none-match': `"1", W/${etag}` },
      });
      expect(weak.statusCode).toBe(304);
      const modified = await server.app.inject({
        url: `/crl/${caId}.crl`,
        headers: { 'if-modified-since': clock.now().toUTCString() },
      });
      expect(modified.statusCode).toBe(304);
      const other = await server.app.inject({ url: `/crl/${caId}.crl`, headers: { 'if-none-match': '"1"' } });
      expect([other.statusCode, other.rawPayload.length > 0]).toEqual([200, true]);
    });

    it('ok/the delta CRL; both verify with BouncyCastle and our verifier and print with openssl crl', async () => {
      const held = await issuePair();
      await suspendCertificate(platform, { serial: held.enc.serial, actor: 'test' });
      clock.advance(5 * 60_000);
      const issued = await issueCrl(platform, { caId, actor: 'test', kind: 'delta' });
      const reply = await server.app.inject(`/crl/${caId}-delta.crl`);
      expect([reply.statusCode, reply.headers['content-type'], reply.headers.etag]).toEqual([
        200,
        'application/pkix-crl',
        `"${issued.number}"`,
      ]);
      const full = (await server.app.inject(`/crl/${caId}.crl`)).rawPayload;
      const delta = reply.rawPayload;
      expect(parseCrl(delta).baseCrlNumber).toBe(parseCrl(full).crlNumber);
      for (const der of [full, delta])
        expect(verifyCrlSignature(parseCrl(der), certificatePublicKey(ca))).toBe(true);
      const [bcFull, bcDelta] = runBc(
        [full, delta].map((der) => `crl-verify ${bcHex(ca.der)} ${bcHex(der)}`),
      );
      expect(bcFull!.fields.slice(0, 2)).toEqual(['true', 'true']);
      expect(bcDelta!.fields.slice(0, 2)).toEqual(['true', 'true']);
      expect(bcDelta!.fields[5]!.split(',').sort()).toEqual(
        [held.sign.serial, held.enc.serial].map((serial) => `${serial.toLowerCase()}:6`).sort(),
      );
      const fullText = openssl([
        'crl',
        '-inform',
        'DER',
        '-in',
        scratch.write('full.crl', full),
        '-noout',
        '-text',
      ]);
      expect(fullText.stdout.toString()).toMatch(/X509v3 CRL Number:\s+\S+/);
      expect(fullText.stdout.toString()).toContain(revoked.sign.serial);
      expect(fullText.stdout.toString()).toContain('Key Compromise');
      const deltaText = openssl([
        'crl',
        '-inform',
        'DER',
        '-in',
        scratch.write('delta.crl', delta),
        '-noout',
        '-text',
      ]);
      expect(deltaText.stdout.toString()).toContain('Delta CRL Indicator');
      expect(deltaText.stdout.toString()).toContain('Certificate Hold');
    });

    it('error/unknown CA is a 404 problem; a name that is not a CRL file is a 400 problem', async () => {
      const missing = await server.app.inject('/crl/ca-none.crl');
      expect([missing.statusCode, missing.headers['content-type'], missing.json().code]).toEqual([
        404,
        'application/problem+json; charset=utf-8',
        'YZ_ERR_NOT_FOUND',
      ]);
      const bad = await server.app.inject('/crl/x.exe');
      expect([bad.statusCode, bad.json().code]).toEqual([400, 'YZ_ERR_INPUT']);
    });
  });

  describe('OCSP', () => {
    let good: IssuedPair;
    let revoked: IssuedPair;

    beforeAll(async () => {
      good = await issuePair();
      revoked = await issuePair();
      await revokeCertificate(platform, {
        serial: revoked.sign.serial,
        reason: 'cessationOfOperation',
        actor: 'test',
      });
    });

    it('ok/POST good, revoked and unknown, with and without a nonce; BouncyCastle, our verifier and openssl ocsp read them', async () => {
      const nonce = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
      const cases = [
        [good.sign.serial, {}, 'good'],
        [revoked.sign.serial, { hash: 'sha1' as const }, 'revoked:5'],
        ['7E57AB1E0000000000000002', { hash: 'sha256' as const }, 'unknown'],
        [good.enc.serial, { nonce }, 'good'],
        [revoked.enc.serial, { nonce }, 'revoked:5'],
      ] as const;
      const replies = [];
      for (const [serial, options] of cases) replies.push(await post(ocspRequest(serial, options)));
      for (const [i, reply] of replies.entries()) {
        expect(reply.statusCode).toBe(200);
        expect(reply.headers['content-type']).toBe('application/ocsp-response');
        expect(reply.headers['cache-control']).toBe('no-store');
        const response = parseOcspResponse(reply.rawPayload);
        const withNonce = 'nonce' in cases[i]![1];
        expect(
          verifyOcspResponse(response, { issuer: ca, now: clock.now(), ...(withNonce ? { nonce } : {}) }),
        ).toMatchObject({ valid: true, signedBy: 'delegated' });
        expect(response.basic!.nonce ? toHex(response.basic!.nonce) : undefined).toBe(
          withNonce ? toHex(nonce) : undefined,
        );
      }
      const bc = runBc(replies.map((r) => `ocsp-verify ${bcHex(responderDer)} ${bcHex(r.rawPayload)}`));
      expect(bc.map((a) => a.error || a.fields.join(' '))).toEqual(cases.map(([, , s]) => `true ${s}`));
      const texts = replies.map((r, i) =>
        openssl([
          'ocsp',
          '-respin',
          scratch.write(`resp-${i}.der`, r.rawPayload),
          '-resp_text',
          '-noverify',
        ]).stdout.toString(),
      );
      expect(texts[0]).toContain('OCSP Response Status: successful (0x0)');
      expect(texts[0]).toContain('Cert Status: good');
      expect(texts[1]).toContain('Cert Status: revoked');
      expect(texts[1]).toContain('Revocation Reason: cessationOfOperation');
      expect(texts[2]).toContain('Cert Status: unknown');
      expect(texts[3]).toContain('OCSP Nonce');
    });

    it('ok/GET in base64 (URL-encoded) and base64url: the pre-produced response, with RFC 5019 cache headers', async () => {
      const der = ocspRequest(good.sign.serial);
      const b64 = Buffer.from(der).toString('base64');
      const first = await server.app.inject(`/ocsp/${encodeURIComponent(b64)}`);
      const url = await server.app.inject(`/ocsp/${Buffer.from(der).toString('base64url')}`);
      const raw = await server.app.inject(`/ocsp/${b64}`);
      expect(first.statusCode).toBe(200);
      expect(statusOf(first.rawPayload)).toBe('good');
      expect(toHex(url.rawPayload)).toBe(toHex(first.rawPayload));
      expect(toHex(raw.rawPayload)).toBe(toHex(first.rawPayload));
      expect(first.headers['cache-control']).toBe('max-age=3600, public, no-transform, must-revalidate');
      const response = parseOcspResponse(first.rawPayload).basic!.responses[0]!;
      expect(first.headers['last-modified']).toBe(response.thisUpdate.toUTCString());
      expect(first.headers.expires).toBe(response.nextUpdate!.toUTCString());
      expect(first.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
      // the POST of the same nonce-less request gets the same pre-produced bytes, uncached by HTTP
      const posted = await post(der);
      expect(toHex(posted.rawPayload)).toBe(toHex(first.rawPayload));
      expect(server.ocsp.cachedResponses).toBeGreaterThan(0);
    });

    it('ok/a revocation committed through the core is answered by OCSP within 1 s', async () => {
      const pair = await issuePair();
      const url = `/ocsp/${encodeURIComponent(Buffer.from(ocspRequest(pair.sign.serial)).toString('base64'))}`;
      expect(statusOf((await server.app.inject(url)).rawPayload)).toBe('good');
      await revokeCertificate(platform, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'test' });
      const committed = performance.now();
      let status = 'good';
      while (status === 'good' && performance.now() - committed < 3000) {
        status = statusOf((await server.app.inject(url)).rawPayload);
        if (status === 'good') await pause(20);
      }
      const elapsed = performance.now() - committed;
      expect(status).toBe('revoked');
      expect(elapsed).toBeLessThan(1000);
    });

    it('error/malformed requests are answered malformedRequest in OCSP; a foreign CA unauthorized', async () => {
      for (const reply of [
        await post(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)),
        await post(new Uint8Array(0)),
        await server.app.inject('/ocsp/not%20base64!'),
        await server.app.inject('/ocsp/MAMCAQU'), // valid base64url of a DER that is no OCSPRequest
      ]) {
        expect([reply.statusCode, reply.headers['content-type']]).toEqual([200, 'application/ocsp-response']);
        expect(statusOf(reply.rawPayload)).toBe('malformedRequest');
      }
      const text = openssl([
        'ocsp',
        '-respin',
        scratch.write('malformed.der', (await post('junk')).rawPayload),
        '-resp_text',
        '-noverify',
      ]);
      expect(text.stdout.toString() + text.stderr).toContain('malformedrequest');
      const foreignIssuer = parseCertificate((await platform.store.read.getCa(caId))!.chainDer[0]!); // the root
      const foreign = buildOcspRequest({ certs: [{ issuer: foreignIssuer, serialNumber: 99n }] }).der;
      expect(statusOf((await post(foreign)).rawPayload)).toBe('unauthorized');
    });

    it('error/an oversized body is a 413 problem; another media type a 415 problem', async () => {
      const big = await post(new Uint8Array(64 * 1024));
      expect([big.statusCode, big.headers['content-type'], big.json().code]).toEqual([
        413,
        'application/problem+json; charset=utf-8',
        'YZ_ERR_BODY_TOO_LARGE',
      ]);
      const json = await post('{"serial":"1"}', 'application/json');
      expect([json.statusCode, json.json().code]).toEqual([415, 'YZ_ERR_MEDIA_TYPE']);
    });

    it('ok/metrics count OCSP answers; the OpenAPI document lists /crl and /ocsp', async () => {
      const metrics = (await server.app.inject('/metrics')).body;
      expect(metrics).toMatch(/yizheng_ocsp_responses_total\{status="successful",method="POST"\} \d+/);
      expect(metrics).toMatch(/yizheng_ocsp_responses_total\{status="malformedRequest",method="GET"\} \d+/);
      const doc = (await server.app.inject('/docs/json')).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/crl/{file}', '/ocsp']));
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/ocsp/'))).toBe(true);
    });
  });

  describe('scheduler', () => {
    it('ok/full and delta CRLs when due, none while current; a delta right after a revocation', async () => {
      const scheduler = new StatusScheduler(platform, DEFAULT_CONFIG, server.statusWatch, server.app.log, {
        tickMs: 50,
        minDeltaGapMs: 0,
        checkEveryMs: 3_600_000,
      });
      clock.advance(7 * 3_600_000);
      await scheduler.runDue();
      const full = await platform.store.read.latestCrlIssue(caId);
      expect(full).toMatchObject({ kind: 'full', thisUpdate: clock.now() });
      await scheduler.runDue();
      expect(await platform.store.read.latestCrlIssue(caId)).toEqual(full); // current: nothing issued
      clock.advance(5 * 60_000);
      await scheduler.runDue();
      const delta = await platform.store.read.latestCrlIssue(caId);
      expect(delta).toMatchObject({ kind: 'delta', baseNumber: full!.number });
      // a delta is good for two delta intervals
      expect(delta!.nextUpdate.getTime() - delta!.thisUpdate.getTime()).toBe(10 * 60_000);
      // the full CRL names where the deltas are
      const fullDer = (await platform.store.read.getCrlIssue(caId, full!.number))!.der;
      expect(Buffer.from(fullDer).includes(Buffer.from(`/crl/${caId}-delta.crl`))).toBe(true);

      scheduler.start();
      try {
        clock.advance(1000);
        const pair = await issuePair();
        await revokeCertificate(platform, {
          serial: pair.sign.serial,
          reason: 'keyCompromise',
          actor: 'test',
        });
        const started = performance.now();
        let entries: string[] = [];
        while (!entries.includes(pair.sign.serial) && performance.now() - started < 5000) {
          await pause(50);
          const reply = await server.app.inject(`/crl/${caId}-delta.crl`);
          entries = parseCrl(reply.rawPayload).tbs.entries.map((e) =>
            e.serialNumber.toString(16).toUpperCase(),
          );
        }
        expect(entries).toContain(pair.sign.serial);
        expect(scheduler.pendingDeltas).toEqual([]);
      } finally {
        await scheduler.stop();
      }
    });
  });
});

describe('configuration of status publication', () => {
  it('ok/OCSP settings from the environment; error/a full CRL that would expire before the next one', () => {
    const config = loadConfig({
      env: { YIZHENG_OCSP_NEXT_UPDATE_MINUTES: '30', YIZHENG_STATUS_POLL_MS: '100' },
    });
    expect(config.ocsp).toEqual({ nextUpdateMinutes: 30, cacheSize: 50_000, statusPollMs: 100 });
    expect(() => loadConfig({ env: { YIZHENG_CRL_FULL_MINUTES: '1500' } })).toThrow(
      /crl\/nextUpdateHours: must be longer than crl.fullIntervalMinutes/,
    );
  });
});

describe('startServer', () => {
  it('ok/the first full CRL is issued at start and the responder answers; closing stops the scheduler', async () => {
    const running = await startServer(
      { ...DEFAULT_CONFIG, httpPort: 0, ldapPort: 0, dataDir: tempDir(), logLevel: 'silent' },
      {
        print: () => undefined,
        logger: false,
        env: { YIZHENG_MASTER_KEY: 'test master secret', YIZHENG_KMC_MASTER_KEY: 'test kmc secret' },
      },
    );
    try {
      const [caRecord] = await running.platform.store.read.listCas();
      let crl = await fetch(`${running.url}/crl/${caRecord!.id}.crl`);
      for (let i = 0; crl.status !== 200 && i < 100; i++) {
        await pause(50);
        crl = await fetch(`${running.url}/crl/${caRecord!.id}.crl`);
      }
      expect([crl.status, crl.headers.get('content-type')]).toEqual([200, 'application/pkix-crl']);
      const issuer = parseCertificate(caRecord!.certificateDer!);
      const answer = await fetch(`${running.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.from(buildOcspRequest({ certs: [{ issuer, serialNumber: 0x1234abcdn }] }).der),
      });
      expect(statusOf(new Uint8Array(await answer.arrayBuffer()))).toBe('unknown');
    } finally {
      await running.close();
    }
  });
});

function statusOf(der: Uint8Array): string {
  const response = parseOcspResponse(der);
  return response.basic ? response.basic.responses[0]!.status.type : response.status;
}
