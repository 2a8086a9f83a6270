/**
 * Following status changes across nodes (OCSP: "a revocation is visible within 1 s of commit";
 * CRL: a delta right after a revocation batch). Every change of a certificate or CA appends an
 * audit entry in its own transaction (R3), and audit entries are numbered in commit order — the
 * chain head is a row lock held until commit, so seq N+1 cannot commit before N. Reading the
 * entries above the last seq seen is therefore a complete, ordered change feed that every node
 * can follow with one cheap primary-key range query, on SQLite and PostgreSQL alike, with no
 * table of its own and nothing to clean up. (LISTEN/NOTIFY would be PostgreSQL only and loses
 * what happens while a node reconnects; the outbox is drained and pruned by its workers.)
 *
 * A watch starts at the current head: what happened before it is already in the store, which is
 * where its followers read from.
 */
import type { AuditEntry } from './model.js';
import type { Store } from './ports/store.js';

/** A change the feed reports. */
export type StatusEvent =
  /** A certificate was issued, imported, revoked, suspended, resumed or purged (the audit action says which). */
  | {
      readonly type: 'certificate';
      readonly seq: number;
      readonly action: string;
      readonly caId: string;
      readonly serial: string;
    }
  /** A CA was installed or changed, or issued a CRL (`ca.*`, `crl.*`). */
  | { readonly type: 'ca'; readonly seq: number; readonly action: string; readonly caId: string };

const PAGE = 500;

/** The status events of one audit entry. */
export function statusEventsOf(entry: AuditEntry): StatusEvent[] {
  const { seq, action, object } = entry;
  if (object.startsWith('certificate:')) {
    const [, caId = '', serial = ''] = object.split(':');
    return [{ type: 'certificate', seq, action, caId, serial }];
  }
  if (object.startsWith('ca:')) return [{ type: 'ca', seq, action, caId: object.slice('ca:'.length) }];
  if (action === 'certificate.purge') {
    const purged = (entry.detail.certificates ?? []) as readonly { caId: string; serial: string }[];
    return purged.map((c) => ({ type: 'certificate', seq, action, caId: c.caId, serial: c.serial }));
  }
  return [];
}

/** Timer functions, injectable like the pool refiller's. */
interface WatchTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: WatchTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref(); // a watch never keeps a process alive on its own
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Follows the audit trail from where it started and hands status events to its listeners. */
export class StatusWatch {
  #cursor: number | undefined;
  #listeners: ((events: readonly StatusEvent[]) => void)[] = [];
  #handle: unknown;
  #stopped = true;
  #polling: Promise<StatusEvent[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: { timers?: WatchTimers; onError?: (error: unknown) => void } = {},
  ) {}

  /** True once the watch has a starting point: every later change will be reported. */
  get following(): boolean {
    return this.#cursor !== undefined;
  }

  /** Adds a listener for every later batch of events. */
  onEvents(listener: (events: readonly StatusEvent[]) => void): void {
    this.#listeners.push(listener);
  }

  /** Reads what happened since the last poll (the first poll only takes the starting point). */
  poll(): Promise<StatusEvent[]> {
    // one read at a time: a second caller shares the running one rather than reading twice
    this.#polling ??= this.#read().finally(() => (this.#polling = undefined));
    return this.#polling;
  }

  async #read(): Promise<StatusEvent[]> {
    if (this.#cursor === undefined) {
      this.#cursor = await this.store.read.lastAuditSeq();
      return [];
    }
    const events: StatusEvent[] = [];
    for (;;) {
      const page = await this.store.read.auditEntries(this.#cursor + 1, this.#cursor + PAGE);
      for (const entry of page) events.push(...statusEventsOf(entry));
      if (page.length > 0) this.#cursor = page[page.length - 1]!.seq;
      if (page.length < PAGE) break;
    }
    if (events.length > 0)
      for (const listener of this.#listeners) {
        try {
          listener(events);
        } catch (error) {
          this.options.onError?.(error); // one failing listener must not cost the others their events
        }
      }
    return events;
  }

  /** Polls every `intervalMs` until `stop`; errors go to `onError` and the watch goes on. */
  start(intervalMs: number): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const timers = this.options.timers ?? NODE_TIMERS;
    const tick = (): void => {
      if (this.#stopped) return;
      this.#handle = timers.setTimeout(() => {
        void this.poll()
          .catch((error: unknown) => this.options.onError?.(error))
          .finally(tick);
      }, intervalMs);
    };
    void this.poll()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(tick);
  }

  /** Stops polling and waits for a poll in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handle !== undefined) (this.options.timers ?? NODE_TIMERS).clearTimeout(this.#handle);
    this.#handle = undefined;
    await this.#polling?.catch(() => undefined);
  }
}
