/**
 * Shared measuring loop of the pki benchmarks (`npm run bench -w packages/pki`): best-of-rounds
 * rates with the cases taking turns, so load from other processes on these shared machines hits
 * every case alike and the ratios stay meaningful.
 */

/** Operations per second of each op, best of `rounds` rounds of about `seconds / rounds` each. */
export function measureAll(seconds: number, ops: readonly (() => void)[], rounds = 3): number[] {
  for (const op of ops) for (let i = 0; i < 50; i++) op(); // warm-up: JIT, cached Z and hashes
  const best = ops.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    ops.forEach((op, k) => {
      const start = performance.now();
      const deadline = start + (seconds * 1000) / rounds;
      let count = 0;
      while (performance.now() < deadline) {
        for (let i = 0; i < 10; i++) op();
        count += 10;
      }
      best[k] = Math.max(best[k]!, count / ((performance.now() - start) / 1000));
    });
  }
  return best;
}
