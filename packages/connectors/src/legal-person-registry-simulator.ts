/**
 * The registry simulator (design §4: every external system has a simulator the embedded default
 * starts with seeded data, so the platform runs on one machine and tests never call out):
 * `LegalPersonRegistrySimulator` answers the port in process; `startRegistrySimulatorServer`
 * serves it over HTTP with the contract of docs/integration-registry.md, so the HTTP adapter is
 * tested against a real socket and `yizheng registry serve-sim` can stand in for a province's
 * gateway. The server can be told to fail or stall, to rehearse outages.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LegalPersonRegistry, RegistryEvent, RegistryRecord } from '@yizheng/core';
import { NOT_FOUND_BODY, eventToJson, recordToJson } from './legal-person-registry-wire.js';
import { registrySeed } from './registry-seed.js';

/** The port in memory, seeded by default with `registrySeed()`. */
export class LegalPersonRegistrySimulator implements LegalPersonRegistry {
  readonly #records: Map<string, RegistryRecord>;
  readonly #events: readonly RegistryEvent[];

  constructor(
    seed: { records: readonly RegistryRecord[]; events: readonly RegistryEvent[] } = registrySeed(),
  ) {
    this.#records = new Map(seed.records.map((r) => [r.uscc, r]));
    this.#events = [...seed.events].sort((a, b) => +a.at - +b.at);
  }

  async lookup(uscc: string): Promise<RegistryRecord | undefined> {
    return this.#records.get(uscc);
  }

  async events(since: Date): Promise<RegistryEvent[]> {
    return this.#events.filter((e) => e.at >= since);
  }
}

/** A running simulator server. */
export interface RegistrySimulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The next `count` requests answer `status` (default 503) instead of the data. */
  failNext(count: number, status?: number): void;
  /** Every answer waits `ms` first (0: answer at once), to rehearse a slow gateway. */
  delayAnswers(ms: number): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function answer(
  registry: LegalPersonRegistry,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry.invalid');
  if (req.method !== 'GET') return send(res, 405, { error: 'method-not-allowed' });
  const person = /^\/legal-persons\/([^/]+)$/.exec(url.pathname);
  if (person) {
    const record = await registry.lookup(decodeURIComponent(person[1]!));
    return record ? send(res, 200, recordToJson(record)) : send(res, 404, NOT_FOUND_BODY);
  }
  if (url.pathname === '/events') {
    const since = new Date(url.searchParams.get('since') ?? '');
    if (Number.isNaN(since.getTime()))
      return send(res, 400, { error: 'bad-request', message: 'since must be an ISO 8601 date' });
    return send(res, 200, { events: (await registry.events(since)).map(eventToJson) });
  }
  send(res, 404, { error: 'no-such-route' });
}

/** Serves `registry` (default: a seeded simulator) on `host:port` (port 0: any free port). */
export async function startRegistrySimulatorServer(
  options: { registry?: LegalPersonRegistry; port?: number; host?: string } = {},
): Promise<RegistrySimulatorServer> {
  const registry = options.registry ?? new LegalPersonRegistrySimulator();
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const respond = () => {
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        return send(res, failures.status, { error: 'simulated-failure' });
      }
      answer(registry, req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
    };
    if (delayMs === 0) return respond();
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond();
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    failNext(count, status = 503) {
      failures = { count, status };
    },
    delayAnswers(ms) {
      delayMs = ms;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
