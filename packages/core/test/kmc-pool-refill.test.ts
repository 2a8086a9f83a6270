/**
 * The KMC pool is refilled in the background (R12): below the low-water mark it is topped up to
 * the target in chunks; the refiller loop keeps going after an error and stops when told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, type IssuanceContext, PoolRefiller, topUpPool } from '../src/index.js';
import { type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

describe('KMC pool refill', () => {
  let t: TestStore;
  let context: IssuanceContext;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    context = await demoContext(t.store, new FixedClock('2026-03-01T00:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  it('ok/topUpPool fills to the target only when below the low-water mark', async () => {
    const start = await t.store.read.countPoolKeys();
    expect(await topUpPool(t.store, context.kmc, { low: start, target: start + 50, chunk: 7 })).toBe(0);
    expect(await topUpPool(t.store, context.kmc, { low: start + 1, target: start + 23, chunk: 7 })).toBe(23);
    expect(await t.store.read.countPoolKeys()).toBe(start + 23);
  });

  it('ok/the refiller runs on its timer, reports refills and errors, and stops', async () => {
    const pending: (() => void)[] = [];
    const timers = {
      setTimeout: (callback: () => void) => pending.push(callback),
      clearTimeout: () => pending.splice(0),
    };
    const refills: number[] = [];
    const errors: unknown[] = [];
    const size = await t.store.read.countPoolKeys();
    let failNext = true;
    const store = {
      ...t.store,
      read: {
        ...t.store.read,
        countPoolKeys: async () => {
          if (failNext) {
            failNext = false;
            throw new Error('database briefly unavailable');
          }
          return t.store.read.countPoolKeys();
        },
      },
      transaction: t.store.transaction.bind(t.store),
    };
    const refiller = new PoolRefiller(store, context.kmc, {
      policy: { low: size + 5, target: size + 10, chunk: 4 },
      timers,
      onRefill: (n) => refills.push(n),
      onError: (e) => errors.push(e),
    });
    refiller.start();
    const tick = async () => {
      pending.shift()!();
      await new Promise((r) => setTimeout(r, 50));
      while (pending.length === 0) await new Promise((r) => setTimeout(r, 10));
    };
    await tick(); // first run: the error is reported, the loop goes on
    expect(errors).toHaveLength(1);
    await tick(); // second run: refills to the target
    expect(refills).toEqual([10]);
    expect(await t.store.read.countPoolKeys()).toBe(size + 10);
    refiller.stop();
    expect(pending).toHaveLength(0);
  });
});
