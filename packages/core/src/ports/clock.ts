/** The time port (design §6: time comes from an injected clock; tests never read the wall clock). */
export interface Clock {
  now(): Date;
}

/** The wall clock, for the composition roots (CLI, server). */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved (tests, replays). */
export class FixedClock implements Clock {
  #at: number;
  constructor(at: Date | string) {
    this.#at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#at += ms;
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
}
