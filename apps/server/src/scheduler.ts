/**
 * The status scheduler (R5; issue 5 "CRL"): full and delta CRLs of every CA on their intervals
 * (defaults: full every 6 h, delta every 5 min), a delta CRL right after revocations, and the OCSP
 * responder certificates kept current. `startServer` starts it; closing the server stops it.
 *
 * Every node runs one, and they coordinate through the database only:
 * - A scheduled CRL is issued by whichever node finds it due first; the others find it current
 *   (`issueCrlIfDue` with `notIssuedSince`), or find the CA's CRL lock taken and look again at
 *   their next check.
 * - A revocation, suspension, resumption or import reaches every node through the status watch
 *   (one poll interval); each node then issues a delta CRL at its next tick, retrying while
 *   another node holds the lock. A node cannot tell whether another's delta, begun just before
 *   the change committed, holds it, so each issues its own: a few extra deltas, never a missed one.
 *   Bursts (a batch of 10,000 revocations) give one delta per CA per `minDeltaGapMs`.
 */
import {
  type StatusEvent,
  type StatusWatch,
  ensureResponderCertificate,
  issueCrlIfDue,
  publishingCas,
} from '@yizheng/core';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from './config.js';
import type { Platform } from './platform.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Audit actions that change what a CRL lists. */
const CRL_CHANGES = new Set([
  'certificate.revoke',
  'certificate.suspend',
  'certificate.resume',
  'certificate.import',
  'certificate.purge',
]);

export interface SchedulerOptions {
  /** How often due CRLs are looked for (default 30 s). */
  readonly checkEveryMs?: number;
  /** How often pending change deltas are issued (default 1 s). */
  readonly tickMs?: number;
  /** Least time between two change deltas of one CA from this node (default 5 s). */
  readonly minDeltaGapMs?: number;
}

export class StatusScheduler {
  readonly #pending = new Set<string>();
  readonly #lastDelta = new Map<string, number>();
  readonly #timers: NodeJS.Timeout[] = [];
  #running: Promise<void> = Promise.resolve();
  #respondersCheckedAt = -Infinity;
  #stopped = true;

  constructor(
    private readonly platform: Platform,
    private readonly config: ServerConfig,
    watch: StatusWatch,
    private readonly log: FastifyBaseLogger,
    private readonly options: SchedulerOptions = {},
  ) {
    watch.onEvents((events) => this.#noteChanges(events));
  }

  /** CAs waiting for a change delta. */
  get pendingDeltas(): readonly string[] {
    return [...this.#pending];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const every = (ms: number, work: () => Promise<void>) => {
      const timer = setInterval(() => this.#serialise(work), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    this.#serialise(() => this.runDue());
    every(this.options.checkEveryMs ?? 30_000, () => this.runDue());
    every(this.options.tickMs ?? 1000, () => this.issuePendingDeltas());
  }

  /** Stops the timers and waits for the run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    await this.#running;
  }

  /** One run at a time: a slow CRL build delays the next run instead of overlapping it. */
  #serialise(work: () => Promise<void>): void {
    this.#running = this.#running.then(async () => {
      if (this.#stopped) return;
      try {
        await work();
      } catch (error) {
        this.log.error({ err: error }, 'status scheduler run failed');
      }
    });
  }

  #noteChanges(events: readonly StatusEvent[]): void {
    for (const event of events) if (CRL_CHANGES.has(event.action)) this.#pending.add(event.caId);
  }

  /** Nextupdate of a delta CRL: two delta intervals (one run may be missed), at most a full CRL's. */
  #deltaNextUpdateMinutes(): number {
    return Math.min(2 * this.config.crl.deltaIntervalMinutes, this.config.crl.nextUpdateHours * 60);
  }

  #deltaCrlUrl(caId: string): string {
    return `${this.config.baseUrl}/crl/${encodeURIComponent(caId)}-delta.crl`;
  }

  /** Issues what is due for every CA (full, else delta) and renews responder certificates hourly. */
  async runDue(): Promise<void> {
    const now = this.platform.clock.now().getTime();
    const { fullIntervalMinutes, deltaIntervalMinutes, nextUpdateHours } = this.config.crl;
    for (const { record } of await publishingCas(this.platform.store)) {
      const caId = record.id;
      const full = await issueCrlIfDue(this.platform, {
        caId,
        actor: 'system:scheduler',
        kind: 'full',
        nextUpdateMinutes: nextUpdateHours * 60,
        deltaCrlUrls: [this.#deltaCrlUrl(caId)],
        notIssuedSince: new Date(now - fullIntervalMinutes * MINUTE),
      });
      if (full.status === 'issued')
        this.log.info({ caId, crlNumber: String(full.crl.number) }, 'full CRL issued');
      if (full.status !== 'current') continue;
      const delta = await issueCrlIfDue(this.platform, {
        caId,
        actor: 'system:scheduler',
        kind: 'delta',
        nextUpdateMinutes: this.#deltaNextUpdateMinutes(),
        notIssuedSince: new Date(now - deltaIntervalMinutes * MINUTE),
      });
      if (delta.status === 'issued')
        this.log.debug({ caId, crlNumber: String(delta.crl.number) }, 'delta CRL issued');
    }
    if (now - this.#respondersCheckedAt >= HOUR) {
      this.#respondersCheckedAt = now;
      await this.#ensureResponders();
    }
  }

  /** Issues a delta CRL for each CA with changes seen since its last one (see the module doc). */
  async issuePendingDeltas(): Promise<void> {
    const now = this.platform.clock.now().getTime();
    for (const caId of [...this.#pending]) {
      if (now - (this.#lastDelta.get(caId) ?? -Infinity) < (this.options.minDeltaGapMs ?? 5000)) continue;
      // taken off first: a change seen while this delta is built asks for the next one
      this.#pending.delete(caId);
      const result = await issueCrlIfDue(this.platform, {
        caId,
        actor: 'system:scheduler',
        kind: 'delta',
        nextUpdateMinutes: this.#deltaNextUpdateMinutes(),
        deltaCrlUrls: [this.#deltaCrlUrl(caId)],
      });
      if (result.status === 'busy') {
        this.#pending.add(caId);
        continue;
      }
      this.#lastDelta.set(caId, now);
      if (result.status === 'issued')
        this.log.info(
          { caId, crlNumber: String(result.crl.number), kind: result.crl.kind },
          'CRL issued after status changes',
        );
    }
  }

  async #ensureResponders(): Promise<void> {
    for (const { record } of await publishingCas(this.platform.store)) {
      try {
        const { issued, responder } = await ensureResponderCertificate(this.platform, {
          caId: record.id,
          actor: 'system:scheduler',
        });
        if (issued)
          this.log.info(
            { caId: record.id, serial: responder.record.serial },
            'OCSP responder certificate issued',
          );
      } catch (error) {
        this.log.warn(
          { err: error, caId: record.id },
          'no OCSP responder certificate: OCSP answers tryLater',
        );
      }
    }
  }
}
