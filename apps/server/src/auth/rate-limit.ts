/**
 * Rate limits on logins and unlocks (issue 5 "rate limits on login and unlock"). A sliding window
 * per key, in memory: a node counts what it sees, which is enough to make guessing slow — the
 * limits that hold across nodes are in the core: the per-operator lockout (5 failures, 15
 * minutes) and the unlocks per medium in 24 hours (`maxUnlocksPerDay`). Keys are kept only while
 * their window is open, so memory stays bounded by the traffic of one window.
 */
import { type Clock, CoreError } from '@yizheng/core';
import type { FastifyReply } from 'fastify';

export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    readonly limit: number,
    readonly windowMs: number,
    /** What is counted, for the refusal: `login attempts`, `unlock requests`. */
    readonly what = 'login attempts',
  ) {}

  /**
   * Counts one attempt under every key, or refuses `YZ_ERR_RATE_LIMITED` (429, with Retry-After)
   * when any key has used its limit in the window; a refused attempt is not counted.
   */
  hit(reply: FastifyReply, ...keys: readonly string[]): void {
    const now = this.clock.now().getTime();
    this.sweep(now);
    let waitMs = 0;
    for (const key of keys) {
      const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
      this.#hits.set(key, recent);
      if (recent.length >= this.limit) waitMs = Math.max(waitMs, recent[0]! + this.windowMs - now);
    }
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      throw new CoreError('YZ_ERR_RATE_LIMITED', `too many ${this.what}; try again in ${seconds} s`);
    }
    for (const key of keys) this.#hits.get(key)!.push(now);
  }

  /** Drops keys whose window has closed (once per window). */
  private sweep(now: number): void {
    if (now - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = now;
    for (const [key, times] of this.#hits)
      if (times.every((t) => t <= now - this.windowMs)) this.#hits.delete(key);
  }
}
