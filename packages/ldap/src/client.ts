/**
 * A minimal LDAPv3 client over `node:net`: bind, search, add, modify, delete, extended operations,
 * abandon and raw messages, with pipelining by message ID. It exists for the server's own checks —
 * tests that need what ldapsearch cannot send (garbage, pipelined or abandoned requests), the
 * benchmark — and for the publisher that writes to an external directory (OpenLDAP), not as a
 * general-purpose LDAP library: results come back as they are, for the caller to judge.
 *
 * @example
 * const client = await LdapClient.connect(port);
 * const { entries } = await client.search({ baseDn: 'o=Yizheng Demo CA,c=CN', filter: '(uscc=91330106MA2B3C4D5D)' });
 * client.close();
 */
import { connect, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { Filter } from './filter.js';
import { messageLength, type BerNode } from './rfc4511-ber.js';
import { encodeMessage, type Control, type LdapResult } from './rfc4511-message.js';
import {
  encodeAbandonRequest,
  encodeAddRequest,
  encodeBindRequest,
  encodeDelRequest,
  encodeExtendedRequest,
  encodeModifyRequest,
  encodeSearchRequest,
  encodeUnbindRequest,
  type ModifyChange,
  type RequestAttribute,
} from './rfc4511-requests.js';
import { decodeResponse, type LdapResponse, type LdapResponseMessage } from './rfc4511-responses.js';
import { parseFilter } from './rfc4515-filter-string.js';
import type { SearchScope } from './rfc4514-dn.js';

/** One entry of a search result. */
export interface ClientEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly Uint8Array[]>;
}

/** Everything a request got back: entries (for a search), the final response and its controls. */
export interface ClientReply {
  readonly entries: readonly ClientEntry[];
  readonly final: LdapResponse;
  readonly controls: readonly Control[];
}

/** A search as the client states it; the filter may be RFC 4515 text. */
export interface ClientSearch {
  readonly baseDn: string;
  readonly scope?: SearchScope;
  readonly filter?: string | Filter;
  readonly attributes?: readonly string[];
  readonly sizeLimit?: number;
  readonly timeLimit?: number;
  readonly typesOnly?: boolean;
  readonly controls?: readonly Control[];
}

interface Pending {
  readonly entries: ClientEntry[];
  resolve(reply: ClientReply): void;
  reject(error: Error): void;
}

/** The StartTLS extended operation (RFC 4511 §4.14.1). */
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

/** Responses are trusted more than requests, but still bounded. */
const MAX_RESPONSE_BYTES = 64 << 20;

export class LdapClient {
  private buffer: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Unsolicited notifications (message ID 0), e.g. the Notice of Disconnection. */
  readonly notices: LdapResponse[] = [];
  /** Resolves when the connection has closed. */
  readonly closed: Promise<void>;

  private constructor(private socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', this.onChunk);
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        for (const pending of this.pending.values()) pending.reject(new Error('LDAP connection closed'));
        this.pending.clear();
        resolve();
      }),
    );
  }

  /**
   * Connects to `host:port`; with `timeoutMs`, gives up (rejects) when that passes first. With
   * `tls` the connection is LDAP over TLS (`ldaps://`, RFC 8314 practice): the server's
   * certificate is checked against `tls.ca` (or the system's CAs) and the host name, and a
   * certificate that does not verify rejects with Node's TLS error (its `code` says why).
   */
  static connect(
    port: number,
    host = '127.0.0.1',
    options: { timeoutMs?: number; tls?: ConnectionOptions } = {},
  ): Promise<LdapClient> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tlsConnect({ port, host, ...(isIP(host) ? {} : { servername: host }), ...options.tls })
        : connect({ port, host });
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => socket.destroy(new Error(`LDAP connect to ${host}:${port} timed out`)),
              options.timeoutMs,
            );
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new LdapClient(socket));
      });
    });
  }

  private readonly onChunk = (chunk: Buffer): void => this.onData(chunk);

  /**
   * StartTLS (RFC 4511 §4.14, RFC 4513 §3): asks the server to start TLS on this connection and,
   * when it answers success, continues over TLS with `tls` (the server's certificate checked as
   * for `connect`). Resolves with the server's result; a refusal (not success) leaves the
   * connection as it was. A certificate that does not verify rejects with Node's TLS error.
   */
  async startTls(tls: ConnectionOptions & { host?: string }): Promise<LdapResult> {
    const result = resultOf(await this.extended(START_TLS_OID));
    if (result.resultCode !== 0) return result;
    const plain = this.socket;
    plain.off('data', this.onChunk);
    const { host, ...options } = tls;
    const secure = tlsConnect({
      socket: plain,
      ...(host !== undefined && isIP(host) === 0 ? { servername: host } : {}),
      ...(host !== undefined ? { host } : {}),
      ...options,
    });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', (error) => {
        plain.destroy();
        reject(error);
      });
    });
    secure.on('data', this.onChunk);
    secure.on('error', () => undefined);
    this.socket = secure;
    return result;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    try {
      for (;;) {
        const length = messageLength(this.buffer, offset, MAX_RESPONSE_BYTES);
        if (length === undefined) break;
        this.receive(decodeResponse(this.buffer.subarray(offset, offset + length)));
        offset += length;
      }
    } catch {
      // A server that sends garbage gets the same treatment as a client that does.
      this.socket.destroy();
      return;
    }
    this.buffer = this.buffer.subarray(offset);
  }

  private receive(message: LdapResponseMessage): void {
    if (message.messageId === 0) {
      this.notices.push(message.response);
      return;
    }
    const pending = this.pending.get(message.messageId);
    if (pending === undefined) return;
    const { response } = message;
    if (response.op === 'searchEntry') {
      pending.entries.push({
        dn: response.dn,
        attributes: new Map(response.attributes.map((attribute) => [attribute.name, attribute.values])),
      });
    } else if (response.op !== 'searchReference') {
      this.pending.delete(message.messageId);
      pending.resolve({ entries: pending.entries, final: response, controls: message.controls });
    }
  }

  /** Sends `op` under a fresh message ID; `reply` resolves with its final response. */
  send(op: BerNode, controls: readonly Control[] = []): { messageId: number; reply: Promise<ClientReply> } {
    const messageId = this.nextId++;
    const reply = new Promise<ClientReply>((resolve, reject) => {
      if (this.socket.destroyed) reject(new Error('LDAP connection closed'));
      else this.pending.set(messageId, { entries: [], resolve, reject });
    });
    this.socket.write(encodeMessage(messageId, op, controls));
    return { messageId, reply };
  }

  /** Writes bytes as they are (for tests of malformed input). */
  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Simple bind; anonymous by default. */
  async bind(name = '', password = ''): Promise<LdapResult> {
    return resultOf((await this.send(encodeBindRequest(name, password)).reply).final);
  }

  /** Searches; resolves with the entries and the SearchResultDone. */
  async search(
    search: ClientSearch,
  ): Promise<{ entries: readonly ClientEntry[]; result: LdapResult; controls: readonly Control[] }> {
    const reply = await this.send(searchRequestOf(search), search.controls).reply;
    return { entries: reply.entries, result: resultOf(reply.final), controls: reply.controls };
  }

  /** Adds the entry `dn`. */
  async add(dn: string, attributes: readonly RequestAttribute[]): Promise<LdapResult> {
    return resultOf((await this.send(encodeAddRequest(dn, attributes)).reply).final);
  }

  /** Modifies the entry `dn`: every change or none. */
  async modify(dn: string, changes: readonly ModifyChange[]): Promise<LdapResult> {
    return resultOf((await this.send(encodeModifyRequest(dn, changes)).reply).final);
  }

  /** Deletes the leaf entry `dn`. */
  async delete(dn: string): Promise<LdapResult> {
    return resultOf((await this.send(encodeDelRequest(dn)).reply).final);
  }

  /** Sends an extended operation. */
  async extended(name: string, value?: Uint8Array): Promise<LdapResponse> {
    return (await this.send(encodeExtendedRequest(name, value)).reply).final;
  }

  /** Abandons the operation `messageId` (no response comes back). */
  abandon(messageId: number): void {
    this.socket.write(encodeMessage(this.nextId++, encodeAbandonRequest(messageId)));
  }

  /** Unbinds and waits for the server to close the connection. */
  async unbind(): Promise<void> {
    this.socket.end(encodeMessage(this.nextId++, encodeUnbindRequest()));
    await this.closed;
  }

  /** Closes at once. */
  close(): void {
    this.socket.destroy();
  }
}

/** The encoded SearchRequest of `search`. */
export function searchRequestOf(search: ClientSearch): BerNode {
  return encodeSearchRequest({
    baseDn: search.baseDn,
    scope: search.scope ?? 'sub',
    derefAliases: 0,
    sizeLimit: search.sizeLimit ?? 0,
    timeLimit: search.timeLimit ?? 0,
    typesOnly: search.typesOnly ?? false,
    filter:
      typeof search.filter === 'string'
        ? parseFilter(search.filter)
        : (search.filter ?? parseFilter('(objectClass=*)')),
    attributes: search.attributes ?? [],
  });
}

function resultOf(response: LdapResponse): LdapResult {
  if (response.op === 'result' || response.op === 'extended') return response.result;
  throw new Error(`unexpected final response ${response.op}`);
}
