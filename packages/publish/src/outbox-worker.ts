/**
 * The outbox worker (design §2 step 8, §6): drains publication jobs that business transactions
 * wrote beside their change, oldest first, and marks each done once its handler succeeded. A
 * failure stops the pass and the worker tries again after a back-off that doubles from
 * `retryMinMs` up to `retryMaxMs`; nothing is skipped, so an outage of the target only delays
 * publication (R5: within 24 h; R6: issuance and CRLs never wait for it — they only insert rows).
 *
 * Several server nodes on one PostgreSQL: one of them drains at a time, the holder of a lease kept
 * in the settings table and renewed while it works (taken under `tryLockSingleton`, so two nodes
 * never both take it). A node that dies leaves the lease to expire after `leaseMs`.
 *
 * @example
 * const worker = new OutboxWorker(platform, { kinds: LDAP_PUBLISH_KINDS, handle: (job) => publisher.publish(job) });
 * worker.start();
 */
import { randomUUID } from 'node:crypto';
import type { Clock, OutboxJob, Store } from '@yizheng/core';

/** What the worker reports (for logs and metrics). */
export type OutboxWorkerEvent =
  | { readonly type: 'done'; readonly job: OutboxJob; readonly lagMs: number }
  | { readonly type: 'failed'; readonly job: OutboxJob; readonly error: unknown; readonly retryInMs: number }
  | { readonly type: 'error'; readonly error: unknown; readonly retryInMs: number };

/** Settings of an OutboxWorker. */
export interface OutboxWorkerOptions {
  /** Job kinds this worker drains (others stay for their own workers). */
  readonly kinds: readonly string[];
  /** Publishes one job; throws when it could not (the job stays pending). */
  readonly handle: (job: OutboxJob) => Promise<void>;
  /** Name of the lease among nodes (default `outbox:<first kind>`). */
  readonly leaseName?: string;
  /** Jobs read per store query (default 100). */
  readonly batchSize?: number;
  /** Pause between passes when nothing is pending (default 1 s). */
  readonly pollMs?: number;
  /** First back-off after a failure, doubled per failure in a row (default 1 s). */
  readonly retryMinMs?: number;
  /** Longest back-off (default 60 s). */
  readonly retryMaxMs?: number;
  /** How long a lease lasts without renewal (default 30 s). */
  readonly leaseMs?: number;
  readonly onEvent?: (event: OutboxWorkerEvent) => void;
}

/** The lease as the settings table holds it. */
interface Lease {
  readonly holder: string;
  readonly until: string;
}

export class OutboxWorker {
  readonly #holder = randomUUID();
  readonly #leaseName: string;
  #leaseUntil = 0;
  #failures = 0;
  /** Not started, or stopped: no pass is scheduled. */
  #stopped = true;
  /** `stop` was called: a running pass ends after its current job. */
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: { readonly store: Store; readonly clock: Clock },
    private readonly options: OutboxWorkerOptions,
  ) {
    this.#leaseName = options.leaseName ?? `outbox:${options.kinds[0] ?? 'none'}`;
  }

  /** Failures in a row since the last successful pass. */
  get failures(): number {
    return this.#failures;
  }

  /** The wait after `failures` failures in a row: retryMinMs · 2^(failures−1), at most retryMaxMs. */
  backoffMs(failures: number): number {
    const min = this.options.retryMinMs ?? 1000;
    const max = this.options.retryMaxMs ?? 60_000;
    return Math.min(max, min * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  }

  /** Starts draining: a pass now, then after each pass the poll interval or the back-off. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopping = false;
    this.#schedule(0);
  }

  /** Stops after the job in progress and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#pass();
    }, ms);
    this.#timer.unref(); // the worker never keeps a process alive on its own
  }

  async #pass(): Promise<void> {
    let next = this.options.pollMs ?? 1000;
    try {
      const { drained, failed } = await this.runOnce();
      if (failed) next = this.backoffMs(this.#failures);
      else if (!drained) next = 0; // a full batch: more are waiting
    } catch (error) {
      // the store itself failed (database restarting): same back-off as a failed job
      this.#failures++;
      next = this.backoffMs(this.#failures);
      this.options.onEvent?.({ type: 'error', error, retryInMs: next });
    }
    this.#schedule(next);
  }

  /**
   * One pass: unless another node holds the lease, publishes up to one batch of pending jobs in
   * order and marks each done. `drained` when fewer than a batch were pending; `failed` when a
   * job's handler threw (it stays pending, the jobs after it wait).
   */
  async runOnce(): Promise<{ published: number; drained: boolean; failed: boolean }> {
    if (!(await this.#holdLease())) return { published: 0, drained: true, failed: false };
    const batchSize = this.options.batchSize ?? 100;
    const jobs = await this.context.store.read.pendingOutboxOf(this.options.kinds, batchSize);
    let published = 0;
    for (const job of jobs) {
      if (this.#stopping) return { published, drained: false, failed: false };
      if (!(await this.#holdLease())) return { published, drained: true, failed: false };
      try {
        await this.options.handle(job);
      } catch (error) {
        this.#failures++;
        this.options.onEvent?.({ type: 'failed', job, error, retryInMs: this.backoffMs(this.#failures) });
        return { published, drained: false, failed: true };
      }
      const now = this.context.clock.now();
      await this.context.store.read.markOutboxDone(job.id, now);
      published++;
      this.#failures = 0;
      this.options.onEvent?.({ type: 'done', job, lagMs: now.getTime() - job.createdAt.getTime() });
    }
    this.#failures = 0;
    return { published, drained: jobs.length < batchSize, failed: false };
  }

  /** True while this worker holds the lease; renews it when half of it has run out. */
  async #holdLease(): Promise<boolean> {
    const leaseMs = this.options.leaseMs ?? 30_000;
    const now = this.context.clock.now();
    if (now.getTime() < this.#leaseUntil - leaseMs / 2) return true;
    const key = `lease:${this.#leaseName}`;
    const until = await this.context.store.transaction(async (tx) => {
      if (!(await tx.tryLockSingleton(key))) return 0;
      const lease = (await tx.getSetting(key)) as Lease | undefined;
      if (lease !== undefined && lease.holder !== this.#holder && new Date(lease.until) > now) return 0;
      const until = new Date(now.getTime() + leaseMs);
      await tx.putSetting(key, { holder: this.#holder, until: until.toISOString() } satisfies Lease, now);
      return until.getTime();
    });
    this.#leaseUntil = until;
    return until > 0;
  }
}
