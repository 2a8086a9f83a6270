/**
 * A demo CA core on a test store (issue 4 tests): vault and KMC with test master secrets, a demo
 * root + issuing CA, the demo profiles and fee schedule, as `yizheng ca init --demo` makes them.
 */
import {
  type Clock,
  DEMO_FEE_ITEMS,
  type IssuanceContext,
  type IssuedPair,
  type MediaContext,
  SoPinVault,
  publishFeeSchedule,
  Kmc,
  StoreKeyVault,
  type Store,
  demoProfileDefinitions,
  initDemoCa,
  issueDual,
  saveProfile,
} from '@yizheng/core';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';

export async function demoContext(store: Store, clock: Clock): Promise<IssuanceContext & MediaContext> {
  const context: IssuanceContext & MediaContext = {
    store,
    vault: new StoreKeyVault(store, 'vault master secret for tests', clock),
    kmc: new Kmc(store, 'kmc master secret for tests', clock),
    soPins: new SoPinVault('vault master secret for tests'),
    clock,
  };
  const ca = await initDemoCa(context, { actor: 'op' });
  for (const [id, definition] of Object.entries(demoProfileDefinitions('http://ca.example.cn', ca.record.id)))
    await saveProfile(store, clock, id, id, definition, 'op');
  await publishFeeSchedule(context, DEMO_FEE_ITEMS, 'op');
  return context;
}

/** A PKCS#10 request (DER) for `C=CN,CN=<name>` with a fresh SM2 key, as a legal person's tool makes it. */
export function csrDer(name = '杭州某某科技有限公司'): Uint8Array {
  return buildCertificationRequest({ subject: parseName(`C=CN,CN=${name}`) }, Sm2PrivateKey.generate()).der;
}

/** Issues a dual pair to a legal person (default 杭州某某科技有限公司) from a fresh key's request. */
export function issueTestPair(
  context: IssuanceContext,
  legalPerson: { uscc: string; name: string } = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司' },
): Promise<IssuedPair> {
  return issueDual(context, {
    request: csrDer(legalPerson.name),
    legalPerson,
    channel: 'counter',
    actor: 'op',
  });
}
