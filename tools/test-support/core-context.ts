/**
 * A demo CA core on a test store (issue 4 tests): vault and KMC with test master secrets, a demo
 * root + issuing CA and the demo profiles, as `yizheng ca init --demo` makes them.
 */
import {
  type Clock,
  type IssuanceContext,
  Kmc,
  StoreKeyVault,
  type Store,
  demoProfileDefinitions,
  initDemoCa,
  saveProfile,
} from '@yizheng/core';

export async function demoContext(store: Store, clock: Clock): Promise<IssuanceContext> {
  const context: IssuanceContext = {
    store,
    vault: new StoreKeyVault(store, 'vault master secret for tests', clock),
    kmc: new Kmc(store, 'kmc master secret for tests', clock),
    clock,
  };
  await initDemoCa(context, { actor: 'op' });
  for (const [id, definition] of Object.entries(demoProfileDefinitions('http://ca.example.cn')))
    await saveProfile(store, clock, id, id, definition, 'op');
  return context;
}
