/**
 * The embedded read-only LDAPv3 server (R5, R6) on `node:net`: anonymous clients search the
 * certificates and CRLs a `DirectoryBackend` holds. Every limit that bounds a client's cost is
 * here with its default — connections, message size, BER depth, filter size, operations in
 * flight, entries per search, time per search, idle time — and a bad client only ever loses its
 * own connection.
 *
 * @example
 * const server = new LdapServer({ backend: directory });
 * const { port } = await server.listen(389, '0.0.0.0');
 * // ldapsearch -x -H ldap://host:389 -b 'o=Yizheng Demo CA,c=CN' '(uscc=91330106MA2B3C4D5D)'
 * await server.close();
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { LdapConnection, type ConnectionSettings, type LdapServerEvent } from './connection.js';
import type { DirectoryBackend } from './directory.js';
import { DEFAULT_FILTER_LIMITS } from './filter.js';
import { DEFAULT_BER_LIMITS } from './rfc4511-ber.js';
import { noticeOfDisconnection } from './rfc4511-responses.js';
import { ResultCode } from './rfc4511-result-codes.js';
import { rootDse } from './root-dse.js';

/** Settings of an LdapServer; everything but the backend has a default. */
export interface LdapServerOptions {
  readonly backend: DirectoryBackend;
  /** Open connections; one more gets a Notice of Disconnection with `busy`. Default 1024. */
  readonly maxConnections?: number;
  /** Close a connection after this long without traffic. Default 5 minutes. */
  readonly idleTimeoutMs?: number;
  /** Most entries a search (or a page) returns, whatever the client asks. Default 1000. */
  readonly sizeLimit?: number;
  /** Longest a search may run. Default 10 s (R6 asks for answers within 3 s). */
  readonly timeLimitMs?: number;
  /** Largest request message. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Deepest filter nesting and most filter items. Default 16 and 512. */
  readonly maxFilterDepth?: number;
  readonly maxFilterItems?: number;
  /** Operations of one connection in flight at once. Default 32. */
  readonly maxOutstanding?: number;
  /** Paged searches one connection may keep open. Default 8. */
  readonly maxPagedSearches?: number;
  /** Called for protocol errors, backend failures and socket errors (for the log). */
  readonly onEvent?: (event: LdapServerEvent) => void;
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export class LdapServer {
  private readonly server: Server;
  private readonly connections = new Set<LdapConnection>();
  private readonly settings: ConnectionSettings;
  private readonly maxConnections: number;

  constructor(options: LdapServerOptions) {
    this.maxConnections = options.maxConnections ?? 1024;
    this.settings = {
      env: {
        backend: options.backend,
        rootDse: rootDse(options.backend.namingContexts, PACKAGE_VERSION),
        limits: {
          sizeLimit: options.sizeLimit ?? 1000,
          timeLimitMs: options.timeLimitMs ?? 10_000,
          maxPagedSearches: options.maxPagedSearches ?? 8,
        },
      },
      berLimits: {
        maxMessageBytes: options.maxMessageBytes ?? DEFAULT_BER_LIMITS.maxMessageBytes,
        maxDepth: DEFAULT_BER_LIMITS.maxDepth,
      },
      filterLimits: {
        maxDepth: options.maxFilterDepth ?? DEFAULT_FILTER_LIMITS.maxDepth,
        maxItems: options.maxFilterItems ?? DEFAULT_FILTER_LIMITS.maxItems,
      },
      maxOutstanding: options.maxOutstanding ?? 32,
      idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
      onEvent: options.onEvent ?? (() => undefined),
    };
    this.server = createServer((socket) => this.accept(socket));
  }

  private report(message: string): void {
    this.settings.onEvent({ type: 'connection-error', remote: '', message });
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= this.maxConnections) {
      socket.on('error', () => undefined);
      socket.end(noticeOfDisconnection(ResultCode.busy, 'too many connections; try again later'));
      return;
    }
    const connection = new LdapConnection(socket, this.settings);
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }

  /** Starts listening; port 0 picks a free port. Resolves with the bound address. */
  listen(port = 389, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // After listening, errors (e.g. EMFILE on accept) are reported, never thrown.
        this.server.on('error', (error) => this.report(error.message));
        const address = this.server.address() as AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, lets running operations finish for up to `graceMs`, sends every client the
   * Notice of Disconnection (`unavailable`), and resolves when all sockets are closed.
   */
  async close(graceMs = 5000): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.shutdown(graceMs)));
    await stopped;
  }
}
