/**
 * Holds a store's singleton lock (`tryLockSingleton`, a PostgreSQL advisory lock) in an open
 * transaction until `release`, so a test can show what another node does meanwhile.
 */
import type { Store } from '@yizheng/core';

export async function holdSingletonLock(
  store: Store,
  name: string,
): Promise<{ readonly locked: boolean; release(): Promise<void> }> {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked: boolean | undefined;
  const holder = store.transaction(async (tx) => {
    locked = await tx.tryLockSingleton(name);
    await held;
  });
  while (locked === undefined) await new Promise((r) => setTimeout(r, 1));
  return {
    locked,
    async release() {
      release();
      await holder;
    },
  };
}
