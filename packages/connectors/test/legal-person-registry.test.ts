/**
 * The legal-person registry connectors (R26, design §4): the seeded data is valid and consistent,
 * and the HTTP adapter, talking to the simulator's server over a real socket, finds records,
 * tells "not found" from a wrong URL, retries 5xx answers with backoff, gives up on a timeout with
 * `YZ_ERR_REGISTRY_UNAVAILABLE`, and refuses bodies outside the contract.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isValidUscc } from '@yizheng/pki';
import { checkRegistry } from '@yizheng/core';
import {
  HttpLegalPersonRegistry,
  LegalPersonRegistrySimulator,
  type RegistrySimulatorServer,
  eventsFromJson,
  recordFromJson,
  registrySeed,
  startRegistrySimulatorServer,
  withUsccCheckCharacter,
} from '../src/index.js';

const seed = registrySeed();
const GROUP = seed.records.find((r) => r.name === '浙江示例（集团）有限公司')!;

describe('registry seed', () => {
  it('ok/30 legal persons with valid, distinct GB 32100 codes', () => {
    expect(seed.records).toHaveLength(30);
    expect(seed.records.every((r) => isValidUscc(r.uscc))).toBe(true);
    expect(new Set(seed.records.map((r) => r.uscc)).size).toBe(30);
    expect(withUsccCheckCharacter('91330106MA2B3C4D5')).toBe('91330106MA2B3C4D5D');
    expect(withUsccCheckCharacter('91330201MA2C3D4E5')).toBe('91330201MA2C3D4E55');
    expect(() => withUsccCheckCharacter('91330106MA2B3C4DO')).toThrow(RangeError);
  });

  it('ok/statuses and change events agree with the records', () => {
    const byUscc = new Map(seed.records.map((r) => [r.uscc, r]));
    const status = (s: string) => seed.records.filter((r) => r.status === s).length;
    expect([status('deregistered'), status('revoked')]).toEqual([4, 1]);
    for (const event of seed.events) {
      const record = byUscc.get(event.uscc)!;
      expect(record.updatedAt >= event.at).toBe(true);
      if (event.type === 'deregistration') expect(record.status).toBe('deregistered');
      if (event.type === 'revocation') expect(record.status).toBe('revoked');
      for (const change of event.changes ?? []) expect(record[change.field]).toBe(change.to);
    }
    expect(seed.events.map((e) => +e.at)).toEqual([...seed.events.map((e) => +e.at)].sort((a, b) => a - b));
  });
});

describe('HTTP adapter against the simulator server', () => {
  let server: RegistrySimulatorServer;
  let registry: HttpLegalPersonRegistry;
  const simulator = new LegalPersonRegistrySimulator();

  beforeAll(async () => {
    server = await startRegistrySimulatorServer({ registry: simulator });
    registry = new HttpLegalPersonRegistry({
      baseUrl: server.url,
      timeoutMs: 1000,
      retries: 2,
      backoffMs: 10,
    });
  });
  afterEach(() => {
    server.failNext(0);
    server.delayAnswers(0);
  });
  afterAll(() => server?.close());

  it('ok/a record is found, field for field as the simulator holds it', async () => {
    expect(await registry.lookup(GROUP.uscc)).toEqual(GROUP);
  });

  it('ok/404 with the not-found body is undefined', async () => {
    expect(await registry.lookup(withUsccCheckCharacter('91330106MA2Q0Q0Q0'))).toBeUndefined();
  });

  it('ok/events since a date, as the simulator has them', async () => {
    const since = new Date('2025-06-01T00:00:00+08:00');
    const events = await registry.events(since);
    expect(events).toEqual(await simulator.events(since));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['change', 'deregistration', 'revocation']),
    );
  });

  it('ok/two 503 answers are retried with backoff, then the record comes', async () => {
    server.failNext(2, 503);
    expect(await registry.lookup(GROUP.uscc)).toEqual(GROUP);
  });

  it('error/a 503 that outlasts the retries is YZ_ERR_REGISTRY_UNAVAILABLE', async () => {
    server.failNext(3, 503);
    await expect(registry.lookup(GROUP.uscc)).rejects.toMatchObject({
      code: 'YZ_ERR_REGISTRY_UNAVAILABLE',
      message: expect.stringMatching(/HTTP 503 \(3 attempts\)/),
    });
  });

  it('error/a gateway slower than the timeout is YZ_ERR_REGISTRY_UNAVAILABLE', async () => {
    server.delayAnswers(600);
    const impatient = new HttpLegalPersonRegistry({ baseUrl: server.url, timeoutMs: 100 });
    await expect(impatient.lookup(GROUP.uscc)).rejects.toMatchObject({
      code: 'YZ_ERR_REGISTRY_UNAVAILABLE',
      message: expect.stringMatching(/did not answer within 100 ms/),
    });
  });

  it('error/a wrong base URL (bare 404) is not taken for "not found"', async () => {
    const wrong = new HttpLegalPersonRegistry({ baseUrl: `${server.url}/v2`, retries: 0 });
    await expect(wrong.lookup(GROUP.uscc)).rejects.toMatchObject({
      code: 'YZ_ERR_REGISTRY_UNAVAILABLE',
      message: expect.stringMatching(/check the registry URL/),
    });
  });

  it('error/a port nobody listens on is unreachable after the retries', async () => {
    const closed = await startRegistrySimulatorServer();
    await closed.close();
    const gone = new HttpLegalPersonRegistry({ baseUrl: closed.url, retries: 1, backoffMs: 5 });
    await expect(gone.lookup(GROUP.uscc)).rejects.toMatchObject({
      code: 'YZ_ERR_REGISTRY_UNAVAILABLE',
      message: expect.stringMatching(/cannot be reached: ECONNREFUSED \(2 attempts\)/),
    });
  });

  it('ok/the check normalises brackets: (集团) applied matches （集团） registered, over HTTP', async () => {
    const check = await checkRegistry(registry, {
      uscc: GROUP.uscc,
      name: '浙江示例(集团)有限公司',
      legalRepresentative: GROUP.legalRepresentative,
    });
    expect(check).toEqual({ outcome: 'match', differences: [], registryStatus: 'active' });
    const revoked = seed.records.find((r) => r.status === 'revoked')!;
    expect(await checkRegistry(registry, revoked)).toMatchObject({
      outcome: 'inactive',
      registryStatus: 'revoked',
    });
    server.failNext(3);
    expect(await checkRegistry(registry, GROUP)).toMatchObject({ outcome: 'unavailable' });
  });
});

describe('wire format', () => {
  it.each([
    ['a missing name', { ...GROUP, name: undefined }],
    ['an unknown status', { ...GROUP, status: 'suspended' }],
    ['a date that is not one', { ...GROUP, registeredAt: 'yesterday' }],
    ['an array', [GROUP]],
  ])('error/a record with %s is outside the contract', (_, body) => {
    expect(() => recordFromJson(JSON.parse(JSON.stringify(body)))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_REGISTRY_UNAVAILABLE' }),
    );
  });
  it('error/an event of an unknown type is outside the contract', () => {
    expect(() =>
      eventsFromJson({ events: [{ id: 'RE-1', uscc: GROUP.uscc, type: 'merger', at: '2025-01-01' }] }),
    ).toThrow(expect.objectContaining({ code: 'YZ_ERR_REGISTRY_UNAVAILABLE' }));
  });
});
