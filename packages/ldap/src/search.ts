/**
 * The search operation (RFC 4511 §4.5): base DN checks, the root DSE, candidate entries from the
 * backend re-checked for scope and filter, attribute selection, size and time limits, and paged
 * results (RFC 2696). Written against an `emit` callback, not a socket, so the connection decides
 * how bytes travel and abandon is just an aborted signal (R5, R6).
 */
import type { DirectoryBackend, DirectoryEntry, DirectorySearch } from './directory.js';
import { prepareEntry, type PreparedEntry } from './entry.js';
import { randomBytes, toHex } from '@yizheng/gm';
import { LdapError, isLdapError } from './errors.js';
import { matchesFilter } from './matching.js';
import { AttributeSelection } from './attribute-selection.js';
import { formatFilter } from './rfc4515-filter-string.js';
import {
  PAGED_RESULTS_OID,
  encodePagedResultsValue,
  type PagedResultsValue,
} from './rfc2696-paged-results.js';
import type { BerNode } from './rfc4511-ber.js';
import type { Control, LdapResult } from './rfc4511-message.js';
import type { SearchRequest } from './rfc4511-requests.js';
import { encodeSearchResultEntry } from './rfc4511-responses.js';
import { ResultCode } from './rfc4511-result-codes.js';
import { inScope, parseDn, type ParsedDn } from './rfc4514-dn.js';

/** Server-side bounds of one search (R6: every request costs bounded work). */
export interface SearchLimits {
  /** Most entries a search returns, and most per page of a paged search; 0: no limit. */
  readonly sizeLimit: number;
  /** Longest a search (or one page) may run, in milliseconds. */
  readonly timeLimitMs: number;
  /** Paged searches a connection may keep open; the oldest is dropped beyond this. */
  readonly maxPagedSearches: number;
}

/** What every search needs from the server. */
export interface SearchEnvironment {
  readonly backend: DirectoryBackend;
  readonly rootDse: DirectoryEntry;
  readonly limits: SearchLimits;
}

/** The SearchResultDone to send, with its response controls. */
export interface SearchOutcome {
  readonly result: LdapResult;
  readonly controls: readonly Control[];
}

/** Thrown when the search was abandoned or its connection closed: nothing more is sent. */
export class SearchAbandoned extends Error {
  override readonly name = 'SearchAbandoned';
}

function success(): LdapResult {
  return { resultCode: ResultCode.success, matchedDn: '', diagnosticMessage: '' };
}

function outcome(
  resultCode: number,
  diagnosticMessage = '',
  controls: readonly Control[] = [],
): SearchOutcome {
  return { result: { resultCode, matchedDn: '', diagnosticMessage }, controls };
}

/**
 * Entries of `request` in scope with a TRUE filter. Base `''` is the root DSE for scope base and
 * every naming context otherwise (so `ldapsearch` without `-b` finds the directory).
 */
export async function* matchingEntries(
  env: SearchEnvironment,
  request: SearchRequest,
  base: ParsedDn,
  sizeLimit: number,
  signal: AbortSignal,
): AsyncGenerator<PreparedEntry> {
  if (base.rdns.length === 0) {
    if (request.scope === 'base') {
      const dse = prepareEntry(env.rootDse);
      if (matchesFilter(request.filter, dse)) yield dse;
      return;
    }
    for (const context of env.backend.namingContexts) {
      const scope = request.scope === 'one' ? 'base' : 'sub';
      yield* matchingEntries(
        env,
        { ...request, baseDn: context, scope },
        parseDn(context),
        sizeLimit,
        signal,
      );
    }
    return;
  }
  if (!env.backend.namingContexts.some((context) => inScope(base, parseDn(context), 'sub'))) {
    throw new LdapError(
      'YZ_ERR_LDAP_NO_SUCH_OBJECT',
      `no naming context of this directory holds "${request.baseDn}"`,
    );
  }
  const search: DirectorySearch = {
    baseDn: request.baseDn,
    base,
    scope: request.scope,
    filter: request.filter,
    sizeLimit,
    attributes: request.attributes,
    typesOnly: request.typesOnly,
  };
  for await (const entry of env.backend.search(search, signal)) {
    const prepared = prepareEntry(entry);
    if (inScope(prepared.dn, base, request.scope) && matchesFilter(request.filter, prepared)) yield prepared;
  }
}

/** `promise`, or a rejection as soon as `signal` aborts (a backend may not listen to it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Paged searches of one connection, by cookie. */
export class PagedSearches {
  private readonly states = new Map<string, PagedSearch>();

  constructor(readonly max: number) {}

  /** Removes and returns the search `cookie` continues, if any. */
  take(cookie: Uint8Array): PagedSearch | undefined {
    const key = toHex(cookie);
    const state = this.states.get(key);
    this.states.delete(key);
    return state;
  }

  /** Keeps `state` for its next page; returns the fresh cookie. Drops the oldest beyond `max`. */
  put(state: PagedSearch): Uint8Array {
    while (this.states.size >= this.max) {
      const [oldest, dropped] = this.states.entries().next().value!;
      this.states.delete(oldest);
      dropped.close();
    }
    const cookie = randomBytes(12);
    this.states.set(toHex(cookie), state);
    return cookie;
  }

  /** Closes every paged search (connection closed, or a new bind). */
  clear(): void {
    for (const state of this.states.values()) state.close();
    this.states.clear();
  }
}

/** The state kept between the pages of one paged search. */
export class PagedSearch {
  /** An entry read ahead to learn that another page exists. */
  pending: PreparedEntry | undefined;
  sent = 0;
  private readonly controller = new AbortController();
  readonly iterator: AsyncGenerator<PreparedEntry, void>;

  constructor(
    env: SearchEnvironment,
    request: SearchRequest,
    base: ParsedDn,
    readonly fingerprint: string,
  ) {
    this.iterator = matchingEntries(env, request, base, 0, this.controller.signal);
  }

  close(): void {
    this.controller.abort();
    this.iterator.return(undefined).catch(() => undefined);
  }
}

/** Identifies the search a cookie belongs to: RFC 2696 wants the same request for every page. */
function fingerprintOf(request: SearchRequest, base: ParsedDn): string {
  return JSON.stringify([
    base.key,
    request.scope,
    formatFilter(request.filter),
    request.attributes,
    request.typesOnly,
  ]);
}

/** Emits one entry as a SearchResultEntry node. */
export type EmitEntry = (node: BerNode) => Promise<void>;

/**
 * Runs `request`: emits its entries and returns the SearchResultDone to send. Throws
 * `SearchAbandoned` when `signal` aborts (abandon, closed connection); other errors are backend
 * failures for the caller to report.
 */
export async function runSearch(
  env: SearchEnvironment,
  request: SearchRequest,
  paged: { readonly value: PagedResultsValue; readonly store: PagedSearches } | undefined,
  emit: EmitEntry,
  signal: AbortSignal,
): Promise<SearchOutcome> {
  const clientMs = request.timeLimit > 0 ? request.timeLimit * 1000 : Infinity;
  // One controller and one timer per search: AbortSignal.timeout/any cost more than the lookup.
  const stopping = new AbortController();
  const stop = stopping.signal;
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      stopping.abort();
    },
    Math.min(env.limits.timeLimitMs, clientMs),
  );
  const abandon = (): void => stopping.abort();
  signal.addEventListener('abort', abandon, { once: true });
  const selection = new AttributeSelection(request.attributes);
  const send = (entry: PreparedEntry): Promise<void> =>
    untilAborted(
      emit(encodeSearchResultEntry(entry.entry.dn, selection.apply(entry, request.typesOnly))),
      stop,
    );
  try {
    const base = parseDn(request.baseDn);
    return paged === undefined
      ? await searchAll(env, request, base, send, stop)
      : await searchPage(env, request, base, paged.value, paged.store, send, stop);
  } catch (error) {
    if (signal.aborted) throw new SearchAbandoned('search abandoned');
    if (timedOut) return outcome(ResultCode.timeLimitExceeded, 'time limit exceeded');
    if (isLdapError(error)) return outcome(error.resultCode, `${error.code}: ${error.message}`);
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abandon);
  }
}

async function searchAll(
  env: SearchEnvironment,
  request: SearchRequest,
  base: ParsedDn,
  send: (entry: PreparedEntry) => Promise<void>,
  stop: AbortSignal,
): Promise<SearchOutcome> {
  const limits = [request.sizeLimit, env.limits.sizeLimit].filter((limit) => limit > 0);
  const sizeLimit = limits.length === 0 ? 0 : Math.min(...limits);
  const iterator = matchingEntries(env, request, base, sizeLimit, stop);
  let sent = 0;
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), stop);
      if (next.done) return { result: success(), controls: [] };
      if (sizeLimit > 0 && sent === sizeLimit)
        return outcome(ResultCode.sizeLimitExceeded, 'size limit exceeded');
      await send(next.value);
      sent++;
    }
  } finally {
    iterator.return(undefined).catch(() => undefined);
  }
}

function pagedControl(cookie: Uint8Array): Control {
  return { type: PAGED_RESULTS_OID, critical: false, value: encodePagedResultsValue({ size: 0, cookie }) };
}

const NO_COOKIE = new Uint8Array(0);

async function searchPage(
  env: SearchEnvironment,
  request: SearchRequest,
  base: ParsedDn,
  value: PagedResultsValue,
  store: PagedSearches,
  send: (entry: PreparedEntry) => Promise<void>,
  stop: AbortSignal,
): Promise<SearchOutcome> {
  const fingerprint = fingerprintOf(request, base);
  let state: PagedSearch;
  if (value.cookie.length === 0) {
    state = new PagedSearch(env, request, base, fingerprint);
  } else {
    const found = store.take(value.cookie);
    if (found === undefined || found.fingerprint !== fingerprint) {
      found?.close();
      throw new LdapError(
        'YZ_ERR_LDAP_CONTROL',
        'paged results cookie is unknown, expired, or belongs to another search',
        ResultCode.unwillingToPerform,
      );
    }
    state = found;
  }
  let kept = false;
  try {
    // A page size of 0 abandons the paged search (RFC 2696 §3).
    if (value.size === 0) return { result: success(), controls: [pagedControl(NO_COOKIE)] };
    const pageSize = env.limits.sizeLimit > 0 ? Math.min(value.size, env.limits.sizeLimit) : value.size;
    const next = async (): Promise<PreparedEntry | undefined> => {
      const pending = state.pending;
      state.pending = undefined;
      if (pending !== undefined) return pending;
      const result = await untilAborted(state.iterator.next(), stop);
      return result.done ? undefined : result.value;
    };
    for (let count = 0; ; count++) {
      const entry = await next();
      if (entry === undefined) return { result: success(), controls: [pagedControl(NO_COOKIE)] };
      if (request.sizeLimit > 0 && state.sent === request.sizeLimit) {
        return outcome(ResultCode.sizeLimitExceeded, 'size limit exceeded', [pagedControl(NO_COOKIE)]);
      }
      if (count === pageSize) {
        state.pending = entry;
        kept = true;
        return { result: success(), controls: [pagedControl(store.put(state))] };
      }
      await send(entry);
      state.sent++;
    }
  } finally {
    if (!kept) state.close();
  }
}
