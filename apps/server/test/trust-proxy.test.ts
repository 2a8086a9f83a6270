/**
 * Per-address rate limits behind a reverse proxy (issue 5 "rate limits on login and unlock";
 * `trustProxy`, YIZHENG_TRUST_PROXY): with the proxy's address trusted, the client address in its
 * X-Forwarded-For is what the limiter counts, so clients behind one proxy no longer share one
 * budget; X-Forwarded-For from any other peer is ignored (a client cannot pick a fresh address per
 * request); without the setting every peer counts as itself. Bad entries stop the start with
 * YZ_ERR_CONFIG naming them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, bootstrapDemo } from '@yizheng/core';
import {
  DEFAULT_CONFIG,
  type Platform,
  type YizhengServer,
  buildServer,
  loadConfig,
  openPlatform,
} from '../src/index.js';
import { LOGIN_RATE_LIMITS } from '../src/routes/session-routes.js';

const PER_ADDRESS = LOGIN_RATE_LIMITS.perAddress.limit;
const PROXY = '10.1.2.3';
const STRANGER = '192.0.2.50';

describe('trustProxy and the per-address login limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-proxy-'));
  let platform: Platform;
  let behindProxy: YizhengServer;
  let direct: YizhengServer;

  beforeAll(async () => {
    platform = await openPlatform({
      dataDir: dir,
      note: () => undefined,
      clock: new FixedClock('2026-03-01T08:00:00Z'),
    });
    await bootstrapDemo(platform, { actor: 'test', baseUrl: 'http://localhost:8080', pool: 4 });
    behindProxy = await buildServer(
      platform,
      { ...DEFAULT_CONFIG, trustProxy: ['10.0.0.0/8'] },
      { logger: false },
    );
    direct = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
  });
  afterAll(async () => {
    await behindProxy?.app.close();
    await direct?.app.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One login challenge (counted per address like a password login) from `peer`. */
  const challenge = (server: YizhengServer, peer: string, forwardedFor?: string) =>
    server.app
      .inject({
        method: 'POST',
        url: '/api/v1/session/challenge',
        remoteAddress: peer,
        headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      })
      .then((r) => r.statusCode);

  it('ok/through the trusted proxy each forwarded client has its own budget: one is limited, the next client behind the proxy is not', async () => {
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await challenge(behindProxy, PROXY, '203.0.113.7')).toBe(200);
    expect(await challenge(behindProxy, PROXY, '203.0.113.7')).toBe(429);
    // the proxy appends the peer it saw: the right-most untrusted address is the client
    expect(await challenge(behindProxy, PROXY, '198.51.100.1, 203.0.113.7')).toBe(429);
    expect(await challenge(behindProxy, PROXY, '203.0.113.8')).toBe(200);
  });

  it('error/X-Forwarded-For from an untrusted peer is ignored: a fresh header per request does not escape the limit', async () => {
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await challenge(behindProxy, STRANGER, `203.0.113.${100 + (i % 100)}`)).toBe(200);
    expect(await challenge(behindProxy, STRANGER, '203.0.113.250')).toBe(429);
  });

  it('ok/without trustProxy (the default) the proxy itself is the address counted', async () => {
    for (let i = 0; i < PER_ADDRESS; i++)
      expect(await challenge(direct, PROXY, `203.0.113.${i % 250}`)).toBe(200);
    expect(await challenge(direct, PROXY, '203.0.113.251')).toBe(429);
  });

  it('ok/YIZHENG_TRUST_PROXY is a comma-separated list; error/entries that are not addresses or CIDRs are named', () => {
    expect(
      loadConfig({ env: { YIZHENG_TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,fd00::/8' } }).trustProxy,
    ).toEqual(['10.0.0.5', '172.16.0.0/12', 'fd00::/8']);
    expect(loadConfig({ env: {} }).trustProxy).toBeUndefined();
    expect(() => loadConfig({ env: { YIZHENG_TRUST_PROXY: 'proxy.local,10.0.0.0/33,fd00::/129' } })).toThrow(
      /\/trustProxy\/0: "proxy\.local" is not an IP address or CIDR[\s\S]*\/trustProxy\/1: "10\.0\.0\.0\/33": the prefix length must be 0\.\.32[\s\S]*\/trustProxy\/2: "fd00::\/129": the prefix length must be 0\.\.128/,
    );
  });
});
