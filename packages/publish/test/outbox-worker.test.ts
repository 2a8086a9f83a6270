/**
 * The outbox worker on its own (R5 publication within 24 h, R6 never in the way), on SQLite and
 * PostgreSQL, with a handler that records or fails: jobs of its kinds drained oldest first and
 * marked done, other kinds left alone; a failure keeps the job and those after it pending and
 * backs off (doubling, capped); one lease among nodes, taken over when it expires; start and stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock, type OutboxJob, type Store } from '@yizheng/core';
import { OutboxWorker, type OutboxWorkerEvent } from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';

const KINDS = ['publish.certificate', 'publish.status'];

function job(id: string, kind: string, minute: number): OutboxJob {
  return {
    id,
    kind,
    payload: { caId: 'ca-zj', serial: id },
    createdAt: new Date(Date.UTC(2026, 2, 1, 8, minute)),
    doneAt: null,
  };
}

describe('OutboxWorker back-off', () => {
  it('ok/doubles from retryMinMs per failure in a row, capped at retryMaxMs', () => {
    const worker = new OutboxWorker(
      { store: undefined as unknown as Store, clock: new FixedClock('2026-03-01T00:00:00Z') },
      { kinds: KINDS, handle: async () => undefined, retryMinMs: 500, retryMaxMs: 5000 },
    );
    expect([1, 2, 3, 4, 5, 6, 100].map((n) => worker.backoffMs(n))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});

describe.each(STORE_KINDS)('OutboxWorker on %s', (kind) => {
  let t: TestStore;
  const clock = new FixedClock('2026-03-01T09:00:00Z');

  beforeEach(async () => {
    t = await openTestStore(kind);
    await t.store.read.insertOutbox(job('j3', 'publish.status', 3));
    await t.store.read.insertOutbox(job('j1', 'publish.certificate', 1));
    await t.store.read.insertOutbox(job('j2', 'statistics.refresh', 2));
    await t.store.read.insertOutbox(job('j4', 'publish.certificate', 4));
  });
  afterEach(async () => t?.dispose());

  it('ok/drains its kinds oldest first and marks them done, with their lag; other kinds stay', async () => {
    const handled: string[] = [];
    const events: OutboxWorkerEvent[] = [];
    const worker = new OutboxWorker(
      { store: t.store, clock },
      {
        kinds: KINDS,
        handle: async (j) => void handled.push(j.id),
        batchSize: 2,
        onEvent: (e) => events.push(e),
      },
    );
    expect(await worker.runOnce()).toEqual({ published: 2, drained: false, failed: false });
    expect(await worker.runOnce()).toEqual({ published: 1, drained: true, failed: false });
    expect(handled).toEqual(['j1', 'j3', 'j4']);
    expect(events.map((e) => (e.type === 'done' ? [e.job.id, e.lagMs] : e.type))).toEqual([
      ['j1', 59 * 60_000],
      ['j3', 57 * 60_000],
      ['j4', 56 * 60_000],
    ]);
    expect((await t.store.read.pendingOutbox(10)).map((j) => j.id)).toEqual(['j2']);
  });

  it('error/a failing job stays pending with those after it; the next pass retries it', async () => {
    let fail = true;
    const handled: string[] = [];
    const events: OutboxWorkerEvent[] = [];
    const worker = new OutboxWorker(
      { store: t.store, clock },
      {
        kinds: KINDS,
        handle: async (j) => {
          if (j.id === 'j3' && fail) throw new Error('directory unreachable');
          handled.push(j.id);
        },
        retryMinMs: 100,
        onEvent: (e) => events.push(e),
      },
    );
    expect(await worker.runOnce()).toEqual({ published: 1, drained: false, failed: true });
    expect(await worker.runOnce()).toEqual({ published: 0, drained: false, failed: true });
    expect(worker.failures).toBe(2);
    expect(
      events.filter((e) => e.type === 'failed').map((e) => (e as { retryInMs: number }).retryInMs),
    ).toEqual([100, 200]);
    expect((await t.store.read.outboxBacklog(KINDS)).pending).toBe(2);
    fail = false;
    expect(await worker.runOnce()).toEqual({ published: 2, drained: true, failed: false });
    expect(handled).toEqual(['j1', 'j3', 'j4']);
    expect(worker.failures).toBe(0);
  });

  it('ok/one node drains at a time: the lease holder; another takes over when the lease expires', async () => {
    const seen: string[] = [];
    const node = (name: string) =>
      new OutboxWorker(
        { store: t.store, clock },
        {
          kinds: KINDS,
          handle: async (j) => void seen.push(`${name}:${j.id}`),
          batchSize: 1,
          leaseMs: 30_000,
        },
      );
    const a = node('a');
    const b = node('b');
    expect((await a.runOnce()).published).toBe(1);
    expect((await b.runOnce()).published).toBe(0);
    clock.advance(31_000); // a stopped renewing (its node died): the lease runs out
    expect((await b.runOnce()).published).toBe(1);
    expect((await a.runOnce()).published).toBe(0);
    expect(seen).toEqual(['a:j1', 'b:j3']);
  });

  it('ok/start drains without being asked; stop waits for the pass in progress', async () => {
    const handled: string[] = [];
    const worker = new OutboxWorker(
      { store: t.store, clock },
      {
        kinds: KINDS,
        handle: async (j) => {
          await sleep(20);
          handled.push(j.id);
        },
        pollMs: 20,
      },
    );
    worker.start();
    for (let i = 0; handled.length < 3; i++) {
      expect(i).toBeLessThan(200);
      await sleep(10);
    }
    await worker.stop();
    await t.store.read.insertOutbox(job('j5', 'publish.status', 5));
    await sleep(100);
    expect(handled).toEqual(['j1', 'j3', 'j4']);
    expect((await t.store.read.outboxBacklog(KINDS)).pending).toBe(1);
  });
});
