/**
 * One client connection (RFC 4511 §5): frames the byte stream into LDAPMessages, runs pipelined
 * operations concurrently under their message IDs, abandons them on request, applies
 * backpressure both ways, and ends with a Notice of Disconnection when the stream cannot be
 * trusted (§4.1.1) or the server shuts down (§4.4.1). Nothing a client sends can throw out of
 * here: the worst outcome of garbage is that this one connection is closed (R6).
 */
import type { Socket } from 'node:net';
import { LdapError, isLdapError } from './errors.js';
import type { FilterLimits } from './filter.js';
import { performOperation, errorResult } from './operations.js';
import { messageLength, type BerLimits, type BerNode } from './rfc4511-ber.js';
import {
  ProtocolOp,
  RESPONSE_TAG_OF,
  decodeControls,
  decodeEnvelope,
  encodeMessage,
  REQUEST_TAGS,
  type Control,
  type Envelope,
  type LdapResult,
} from './rfc4511-message.js';
import { decodeRequest, type LdapRequest } from './rfc4511-requests.js';
import { encodeExtendedResponse, encodeResultResponse, noticeOfDisconnection } from './rfc4511-responses.js';
import { ResultCode } from './rfc4511-result-codes.js';
import { PagedSearches, SearchAbandoned, type SearchEnvironment } from './search.js';

/** Something worth a log line; the server never logs on its own. */
export interface LdapServerEvent {
  readonly type: 'protocol-error' | 'operation-error' | 'connection-error';
  readonly remote: string;
  readonly message: string;
}

/** What a connection needs from its server. */
export interface ConnectionSettings {
  readonly env: SearchEnvironment;
  readonly berLimits: BerLimits;
  readonly filterLimits: FilterLimits;
  /** Operations of one connection in flight at once; reading pauses beyond this. */
  readonly maxOutstanding: number;
  /** A connection with no traffic for this long is closed. */
  readonly idleTimeoutMs: number;
  readonly onEvent: (event: LdapServerEvent) => void;
}

/** How long a closing socket may take to flush before it is destroyed. */
const FLUSH_MS = 2000;

export class LdapConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly operations = new Map<number, AbortController>();
  private readonly paged: PagedSearches;
  /** open → draining (shutdown waits for running operations) → closed. */
  private state: 'open' | 'draining' | 'closed' = 'open';
  private drained: Promise<void> | undefined;
  private corked = false;
  private drainedOperations: (() => void) | undefined;
  readonly remote: string;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.paged = new PagedSearches(settings.env.limits.maxPagedSearches);
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutMs);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.end());
    socket.on('error', (error) => this.report('connection-error', error.message));
    socket.once('close', () => this.abortAll());
  }

  private report(type: LdapServerEvent['type'], message: string): void {
    this.settings.onEvent({ type, remote: this.remote, message });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.pump();
  }

  /** Starts buffered messages while fewer than `maxOutstanding` operations run. */
  private pump(): void {
    let offset = 0;
    while (this.state === 'open' && this.operations.size < this.settings.maxOutstanding) {
      let length: number | undefined;
      try {
        length = messageLength(this.buffer, offset, this.settings.berLimits.maxMessageBytes);
      } catch (error) {
        this.protocolFailure(error);
        return;
      }
      if (length === undefined) break;
      const message = this.buffer.subarray(offset, offset + length);
      offset += length;
      this.dispatch(message);
    }
    this.buffer = this.buffer.subarray(offset);
    if (this.state !== 'open') return;
    if (this.operations.size >= this.settings.maxOutstanding) this.socket.pause();
    else this.socket.resume();
  }

  /** The stream cannot be trusted: Notice of Disconnection with protocolError, then close. */
  private protocolFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.report('protocol-error', message);
    this.disconnect(ResultCode.protocolError, isLdapError(error) ? `${error.code}: ${message}` : message);
  }

  private dispatch(message: Uint8Array): void {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(message, REQUEST_TAGS, this.settings.berLimits);
    } catch (error) {
      this.protocolFailure(error);
      return;
    }
    let request: LdapRequest;
    let controls: Control[];
    try {
      request = decodeRequest(envelope, this.settings.filterLimits);
      controls = decodeControls(envelope);
    } catch (error) {
      // Anything but an LdapError here is a decoder bug; the client still only loses this request.
      const refusal = isLdapError(error) ? error : new LdapError('YZ_ERR_LDAP_PROTOCOL', String(error));
      this.report('protocol-error', `message ${envelope.messageId}: ${refusal.message}`);
      this.refuseMalformed(envelope, errorResult(refusal));
      return;
    }
    this.start(envelope.messageId, request, controls);
  }

  /** Answers a recognised but malformed request with its own response type; the session goes on. */
  private refuseMalformed(envelope: Envelope, result: LdapResult): void {
    if (envelope.op.tag === ProtocolOp.unbindRequest) this.end();
    else this.refuse(envelope.messageId, envelope.op.tag, result);
  }

  /** Sends `result` in the response type of `requestTag` (abandon and unbind have none). */
  private refuse(messageId: number, requestTag: number, result: LdapResult): void {
    const tag = RESPONSE_TAG_OF.get(requestTag);
    if (tag === undefined) return;
    const op =
      tag === ProtocolOp.extendedResponse
        ? encodeExtendedResponse(result)
        : encodeResultResponse(tag, result);
    void this.send(messageId, op);
  }

  private start(messageId: number, request: LdapRequest, controls: readonly Control[]): void {
    if (request.op === 'unbind') return this.end();
    if (request.op === 'abandon') {
      this.operations.get(request.messageId)?.abort();
      return;
    }
    if (request.op === 'bind') {
      // RFC 4511 §4.2.1: a bind ends every outstanding operation of the session.
      this.abortAll();
    }
    if (this.operations.has(messageId)) {
      const diagnosticMessage = `message ID ${messageId} is already in use by an outstanding operation`;
      this.refuse(messageId, requestTagOf(request), {
        resultCode: ResultCode.protocolError,
        matchedDn: '',
        diagnosticMessage,
      });
      return;
    }
    const controller = new AbortController();
    this.operations.set(messageId, controller);
    performOperation(request, controls, {
      env: this.settings.env,
      paged: this.paged,
      signal: controller.signal,
      send: (op, responseControls) =>
        controller.signal.aborted ? Promise.resolve() : this.send(messageId, op, responseControls),
    })
      .catch((error: unknown) => {
        if (error instanceof SearchAbandoned || controller.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        this.report('operation-error', `message ${messageId}: ${message}`);
        this.refuse(messageId, requestTagOf(request), {
          resultCode: ResultCode.other,
          matchedDn: '',
          diagnosticMessage: 'internal error',
        });
      })
      .finally(() => {
        this.operations.delete(messageId);
        if (this.state === 'open') this.pump();
        else this.drainedOperations?.();
      });
  }

  /** Writes one message; resolves at once, or when the socket has drained if its buffer is full. */
  private send(messageId: number, op: BerNode, controls: readonly Control[] = []): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve();
    // Messages written in one turn of the event loop (an entry and its SearchResultDone, answers
    // to pipelined requests) leave in one system call: the write, not the search, was the cost.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    if (this.socket.write(encodeMessage(messageId, op, controls))) return Promise.resolve();
    this.drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    return this.drained;
  }

  private abortAll(): void {
    for (const controller of this.operations.values()) controller.abort();
    this.paged.clear();
  }

  /** Closes without a notice (unbind, idle timeout). */
  end(): void {
    this.close(undefined);
  }

  /** Sends the Notice of Disconnection (RFC 4511 §4.4.1) and closes. */
  disconnect(resultCode: number, message: string): void {
    this.close(noticeOfDisconnection(resultCode, message));
  }

  private close(notice: Uint8Array | undefined): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abortAll();
    if (this.socket.writable) {
      if (notice === undefined) this.socket.end();
      else this.socket.end(notice);
    }
    setTimeout(() => this.socket.destroy(), FLUSH_MS).unref();
  }

  /**
   * Graceful shutdown: reads no more requests, lets running operations finish for up to
   * `graceMs`, then sends the Notice of Disconnection with `unavailable` and closes.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.state === 'open') {
      this.state = 'draining';
      this.socket.pause();
      if (this.operations.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          this.drainedOperations = () => {
            if (this.operations.size > 0) return;
            clearTimeout(timer);
            resolve();
          };
        });
      }
      this.disconnect(ResultCode.unavailable, 'the server is shutting down');
    }
    await this.closed;
  }
}

/** The request tag of a decoded request (to pick its response tag). */
function requestTagOf(request: LdapRequest): number {
  switch (request.op) {
    case 'bind':
      return ProtocolOp.bindRequest;
    case 'search':
      return ProtocolOp.searchRequest;
    case 'compare':
      return ProtocolOp.compareRequest;
    case 'extended':
      return ProtocolOp.extendedRequest;
    case 'unbind':
      return ProtocolOp.unbindRequest;
    case 'abandon':
      return ProtocolOp.abandonRequest;
    case 'update':
      return {
        add: ProtocolOp.addRequest,
        modify: ProtocolOp.modifyRequest,
        delete: ProtocolOp.delRequest,
        modifyDN: ProtocolOp.modifyDNRequest,
      }[request.kind];
  }
}
