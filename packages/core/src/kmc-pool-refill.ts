/**
 * Background refill of the KMC key pool (R12, design §2 step 5): issuance takes pre-generated
 * encryption key pairs so it never waits on key generation; a refiller keeps the pool between a
 * low-water mark and a target. It runs in small chunks (one transaction each) so it never holds
 * the database long, and it never stops issuance: an empty pool only makes `assignKey` generate
 * on the spot. The server's scheduler starts it; `yizheng kmc refill` is the manual equivalent.
 */
import type { Kmc } from './kmc.js';
import type { Store } from './ports/store.js';

export interface PoolRefillPolicy {
  /** Refill when the pool has fewer keys than this. */
  readonly low: number;
  /** Refill up to this many keys. */
  readonly target: number;
  /** Keys generated per transaction. */
  readonly chunk: number;
}

export const DEFAULT_POOL_REFILL: PoolRefillPolicy = { low: 200, target: 1000, chunk: 50 };

/** Brings the pool up to `target` if it is below `low`; returns how many keys were added. */
export async function topUpPool(
  store: Store,
  kmc: Kmc,
  policy: PoolRefillPolicy = DEFAULT_POOL_REFILL,
): Promise<number> {
  let size = await store.read.countPoolKeys();
  if (size >= policy.low) return 0;
  let added = 0;
  while (size < policy.target) {
    const n = Math.min(policy.chunk, policy.target - size);
    size = await kmc.refillPool(n);
    added += n;
  }
  return added;
}

/** Timer functions, injectable so tests drive the refiller without waiting. */
export interface RefillTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: RefillTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref(); // a refiller never keeps a process alive on its own
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Checks the pool every `intervalMs` and tops it up; errors go to `onError` and the loop goes on. */
export class PoolRefiller {
  #handle: unknown;
  #running = false;
  #stopped = true;

  constructor(
    private readonly store: Store,
    private readonly kmc: Kmc,
    private readonly options: {
      policy?: PoolRefillPolicy;
      intervalMs?: number;
      onRefill?: (added: number) => void;
      onError?: (error: unknown) => void;
      timers?: RefillTimers;
    } = {},
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops scheduling; a top-up in progress finishes its current chunk. */
  stop(): void {
    this.#stopped = true;
    if (this.#handle !== undefined) (this.options.timers ?? NODE_TIMERS).clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** One check now (also what the timer runs). */
  async runOnce(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    try {
      const added = await topUpPool(this.store, this.kmc, this.options.policy);
      if (added > 0) this.options.onRefill?.(added);
      return added;
    } catch (error) {
      this.options.onError?.(error);
      return 0;
    } finally {
      this.#running = false;
    }
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#handle = (this.options.timers ?? NODE_TIMERS).setTimeout(() => {
      void this.runOnce().then(() => this.#schedule(this.options.intervalMs ?? 30_000));
    }, ms);
  }
}
