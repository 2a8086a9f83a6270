/**
 * Look-ups of legal persons by USCC, gathered over one turn of the event loop into one store
 * query (R6: thousands of `(uscc=…)` searches a second). Searches of many connections that arrive
 * together cost one indexed query instead of one each — on the 2-core development machine that
 * doubles the searches per second — and each still reads the store after it arrived, so a
 * revocation is gone at the next search as before. Nothing is kept between turns.
 */
import type { Clock, DirectoryPerson, Store } from '@yizheng/core';

/** USCCs per store query (a filter may hold up to 512 terms; many searches may arrive at once). */
const MAX_PER_QUERY = 200;

interface Waiting {
  readonly usccs: readonly string[];
  resolve(persons: DirectoryPerson[]): void;
  reject(error: unknown): void;
}

export class PersonLoader {
  #waiting: Waiting[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The legal persons among `usccs` (as stored: upper case) with their current certificates, by uscc. */
  load(usccs: readonly string[]): Promise<DirectoryPerson[]> {
    if (usccs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      // after the I/O of this turn: every search that arrived with this one joins its query
      if (this.#waiting.length === 0) setImmediate(() => void this.#flush());
      this.#waiting.push({ usccs, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    try {
      const wanted = [...new Set(waiting.flatMap((w) => w.usccs))];
      const found = new Map<string, DirectoryPerson>();
      const now = this.clock.now();
      for (let i = 0; i < wanted.length; i += MAX_PER_QUERY) {
        const usccs = wanted.slice(i, i + MAX_PER_QUERY);
        for (const person of await this.store.read.directoryPersons({ by: 'uscc', usccs }, now))
          found.set(person.uscc, person);
      }
      for (const w of waiting)
        w.resolve([...new Set(w.usccs)].sort().flatMap((uscc) => found.get(uscc) ?? []));
    } catch (error) {
      for (const w of waiting) w.reject(error);
    }
  }
}
