/**
 * Key recovery with dual control (R12): an old encryption key — from a pair replaced by renewal —
 * is recovered for the holder's new signing key after two different approvers; the requester,
 * a repeated approver and a second delivery are refused; every step is audited. SQLite and
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, certificatePublicKey, openEnvelopedKey, parseName } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  approveRecovery,
  completeRecovery,
  issueDual,
  renewPair,
  requestRecovery,
  verifyAudit,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const csrOf = (key: Sm2PrivateKey) =>
  buildCertificationRequest({ subject: parseName('C=CN,CN=杭州某某科技有限公司') }, key).der;

describe.each(STORE_KINDS)('KMC key recovery on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-01-10T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
  });
  afterAll(async () => t?.dispose());

  it('ok/an old encryption key is recovered to the new signing key after two approvals, once', async () => {
    const first = await issueDual(context, {
      request: csrOf(Sm2PrivateKey.generate()),
      legalPerson: { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司' },
      channel: 'counter',
      actor: 'op',
    });
    clock.set(new Date(first.sign.notAfter.getTime() - 20 * 86_400_000));
    const newSigningKey = Sm2PrivateKey.generate();
    await renewPair(context, {
      serial: first.sign.serial,
      request: csrOf(newSigningKey),
      channel: 'online',
      actor: 'holder',
    });

    const request = await requestRecovery(context, {
      serial: first.enc.serial,
      reason: '持有人需解密 2026 年加密的投标文件',
      actor: 'ra-wang',
    });
    const complete = () =>
      completeRecovery(context, {
        id: request.id,
        holderSigningKey: newSigningKey.publicKey,
        actor: 'ra-wang',
      });
    await expect(approveRecovery(context, { id: request.id, actor: 'ra-wang' })).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
    });
    await approveRecovery(context, { id: request.id, actor: 'kmc-li' });
    await expect(approveRecovery(context, { id: request.id, actor: 'kmc-li' })).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
    });
    await expect(complete()).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });
    expect((await approveRecovery(context, { id: request.id, actor: 'kmc-zhao' })).state).toBe('approved');

    const { envelope } = await complete();
    const recovered = openEnvelopedKey(envelope, newSigningKey);
    expect(recovered.publicKey.equals(certificatePublicKey(first.encCertificate))).toBe(true);
    await expect(complete()).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });

    const actions = (await t.store.read.auditEntries(1)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('kmc.recover.'))).toEqual([
      'kmc.recover.request',
      'kmc.recover.approve',
      'kmc.recover.approve',
      'kmc.recover.deliver',
    ]);
    expect((await verifyAudit(t.store)).valid).toBe(true);
  });

  it('error/a request without a reason or for an unknown certificate is refused', async () => {
    await expect(
      requestRecovery(context, { serial: 'ABCDEF12', reason: '', actor: 'ra' }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
    await expect(
      requestRecovery(context, { serial: 'ABCDEF12', reason: '解密历史文件', actor: 'ra' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_CERT_NOT_FOUND' });
  });
});
