/**
 * The registry port over HTTP (design §4: configurable URL, timeouts, retries), speaking the
 * contract of docs/integration-registry.md: `GET {base}/legal-persons/{uscc}` and
 * `GET {base}/events?since={ISO 8601}`.
 *
 * - 5xx answers and network errors are retried with exponential backoff (`backoffMs`, doubled
 *   each time), up to `retries` more attempts: gateways in front of provincial databases drop
 *   the odd request.
 * - A timeout is not retried: an applicant is waiting at the counter (R6: answers within 3 s),
 *   and the core sends the application to manual review instead.
 * - 404 with the contract's `{"error":"not-found"}` body is "no such legal person"; a bare 404
 *   means a wrong URL, which must not pass for "not found".
 * - Anything else — other statuses, a body outside the contract, a record for another code — is
 *   `YZ_ERR_REGISTRY_UNAVAILABLE`.
 */
import {
  CoreError,
  isCoreError,
  type LegalPersonRegistry,
  type RegistryEvent,
  type RegistryRecord,
} from '@yizheng/core';
import { NOT_FOUND_BODY, eventsFromJson, recordFromJson } from './legal-person-registry-wire.js';

/** Where the registry is and how patiently to ask it. */
export interface HttpRegistryOptions {
  /** e.g. `https://gateway.zj.gov.cn/frk/v1` (no trailing slash needed). */
  readonly baseUrl: string;
  /** Per attempt, in ms (default 2000). */
  readonly timeoutMs?: number;
  /** Further attempts after a 5xx or network error (default 2). */
  readonly retries?: number;
  /** Wait before the first retry, in ms; doubled for each next one (default 200). */
  readonly backoffMs?: number;
  /** Sent as `Authorization: Bearer <token>` when the gateway requires it. */
  readonly token?: string;
}

function unavailable(message: string): CoreError {
  return new CoreError('YZ_ERR_REGISTRY_UNAVAILABLE', message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP adapter of the registry port. */
export class HttpLegalPersonRegistry implements LegalPersonRegistry {
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: HttpRegistryOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new CoreError('YZ_ERR_INPUT', `registry URL ${JSON.stringify(options.baseUrl)} is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new CoreError('YZ_ERR_INPUT', `registry URL must be http(s), got ${base.protocol}`);
    this.#base = base.href.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 200;
    this.#headers = {
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    };
  }

  async lookup(uscc: string): Promise<RegistryRecord | undefined> {
    const { status, body } = await this.#get(`/legal-persons/${encodeURIComponent(uscc)}`);
    if (status === 404) {
      if ((body as { error?: unknown } | undefined)?.error === NOT_FOUND_BODY.error) return undefined;
      throw unavailable(
        `${this.#base} answered 404 without the contract's not-found body: check the registry URL`,
      );
    }
    if (status !== 200) throw unavailable(`the registry answered HTTP ${status} for ${uscc}`);
    const record = recordFromJson(body);
    if (record.uscc !== uscc) throw unavailable(`asked for ${uscc}, the registry answered ${record.uscc}`);
    return record;
  }

  async events(since: Date): Promise<RegistryEvent[]> {
    const { status, body } = await this.#get(`/events?since=${encodeURIComponent(since.toISOString())}`);
    if (status !== 200) throw unavailable(`the registry answered HTTP ${status} for its events`);
    return eventsFromJson(body);
  }

  /** GET with timeout and retries; the body parsed as JSON (undefined when it is not JSON). */
  async #get(path: string): Promise<{ status: number; body: unknown }> {
    const url = this.#base + path;
    for (let attempt = 1; ; attempt++) {
      const retry = attempt <= this.#retries;
      try {
        const response = await fetch(url, {
          headers: this.#headers,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        const text = await response.text();
        if (response.status >= 500) {
          if (retry) {
            await sleep(this.#backoffMs * 2 ** (attempt - 1));
            continue;
          }
          throw unavailable(`${url} answered HTTP ${response.status} (${attempt} attempts)`);
        }
        return { status: response.status, body: parseJson(text) };
      } catch (error) {
        if (isCoreError(error)) throw error;
        if (error instanceof DOMException && error.name === 'TimeoutError')
          throw unavailable(`${url} did not answer within ${this.#timeoutMs} ms`);
        if (retry) {
          await sleep(this.#backoffMs * 2 ** (attempt - 1));
          continue;
        }
        const { cause } = error as { cause?: { code?: string; message?: string } };
        const why = cause?.code ?? cause?.message ?? String(error);
        throw unavailable(`${url} cannot be reached: ${why} (${attempt} attempts)`);
      }
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
