/**
 * 电子工作证 electronic work badges (R37), on SQLite and PostgreSQL: the CA issues an operator a
 * badge from a CSR made with the badge's key; the badge logs in; a new badge revokes the old one
 * (whose logins are then refused); revoking the badge ends its logins and unbinds it; the badge
 * is not counted among legal persons' certificates; refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, utf8 } from '@yizheng/gm';
import { buildCertificationRequest, parseCertificate, parseName } from '@yizheng/pki';
import {
  type AccountActor,
  FixedClock,
  type IssuanceContext,
  createOperator,
  expiringCertificates,
  issueLoginChallenge,
  issueWorkBadge,
  loginWithCertificate,
  revokeWorkBadge,
  updateOperator,
} from '../src/index.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';

const ADMIN: AccountActor = { name: 'operator:admin', roles: ['ca-admin'], branchId: null };
const csrOf = (key: Sm2PrivateKey) =>
  buildCertificationRequest({ subject: parseName('C=CN,CN=李某') }, key).der;

describe.each(STORE_KINDS)('work badges on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    await createOperator(
      context,
      { login: 'li', name: '李某', roles: ['reviewer'], password: 'Review-desk-2026' },
      ADMIN,
    );
  });
  afterAll(async () => t?.dispose());

  async function badgeLogin(certificate: Uint8Array, key: Sm2PrivateKey) {
    const { nonce, message } = await issueLoginChallenge(context);
    return loginWithCertificate(context, {
      as: 'operator',
      nonce,
      certificate,
      signature: key.sign(utf8(message)),
    });
  }

  it('ok/issue: a badge certificate of the operator, bound for login, audited, not a legal person’s', async () => {
    const key = Sm2PrivateKey.generate();
    const { record, pem } = await issueWorkBadge(context, { login: 'li', request: csrOf(key), actor: ADMIN });
    expect(record).toMatchObject({ role: 'badge', uscc: null, status: 'valid' });
    expect(record.subject).toMatch(/OU=电子工作证,CN=李某 \(li\)$/);
    expect(parseCertificate(pem).der).toEqual(record.der);
    expect((await t.store.read.getOperator('li'))!.badgeKeyHash).toBe(record.publicKeyHash);
    expect((await t.store.read.auditEntries(1)).at(-1)).toMatchObject({
      action: 'operator.badge.issue',
      object: 'operator:li',
      actor: 'operator:admin',
    });
    const grant = await badgeLogin(record.der, key);
    expect(grant.principal).toMatchObject({ kind: 'operator', id: 'li', roles: ['reviewer'] });
    const expiring = await expiringCertificates(t.store, { at: clock.now(), days: 3660, limit: 10 });
    expect(expiring.certificates.map((c) => c.serial)).not.toContain(record.serial);
  });

  it('ok/a new badge revokes the old: the old one no longer logs in', async () => {
    const oldKey = Sm2PrivateKey.generate();
    const old = await issueWorkBadge(context, { login: 'li', request: csrOf(oldKey), actor: ADMIN });
    const newKey = Sm2PrivateKey.generate();
    const replacement = await issueWorkBadge(context, { login: 'li', request: csrOf(newKey), actor: ADMIN });
    const oldNow = (await t.store.read.findCertificatesBySerial(old.record.serial))[0]!;
    expect([oldNow.status, oldNow.revocationReason]).toEqual(['revoked', 'superseded']);
    await expect(badgeLogin(old.record.der, oldKey)).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    expect((await badgeLogin(replacement.record.der, newKey)).principal.id).toBe('li');
  });

  it('ok/revoke: the badge is revoked and unbound, and logs in no more — even bound again by hand', async () => {
    const key = Sm2PrivateKey.generate();
    const { record } = await issueWorkBadge(context, { login: 'li', request: csrOf(key), actor: ADMIN });
    const revoked = await revokeWorkBadge(context, { login: 'li', actor: ADMIN, note: '离职 left' });
    expect(revoked).toMatchObject({ serial: record.serial, status: 'revoked' });
    expect((await t.store.read.findCertificatesBySerial(record.serial))[0]!.status).toBe('revoked');
    expect((await t.store.read.getOperator('li'))!.badgeKeyHash).toBeNull();
    await expect(badgeLogin(record.der, key)).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    // bound again by PATCH /operators (workBadge): the certificate's status still refuses it
    await updateOperator(context, 'li', { workBadge: record.der }, ADMIN);
    await expect(badgeLogin(record.der, key)).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    expect((await t.store.read.auditEntries(1)).at(-1)).toMatchObject({
      reason: 'badge certificate revoked',
    });
    await updateOperator(context, 'li', { workBadge: null }, ADMIN);
  });

  it.each([
    ['error/no such operator', 'nobody', () => csrOf(Sm2PrivateKey.generate()), 'YZ_ERR_ACCOUNT_NOT_FOUND'],
    [
      'error/a request without proof of possession',
      'li',
      () => new Uint8Array([48, 3, 2, 1, 0]),
      'YZ_ERR_INPUT',
    ],
  ])('%s is refused and changes nothing', async (_name, login, request, code) => {
    const before = (await t.store.read.auditEntries(1)).length;
    await expect(issueWorkBadge(context, { login, request: request(), actor: ADMIN })).rejects.toMatchObject({
      code,
    });
    expect((await t.store.read.auditEntries(1)).length).toBe(before);
  });

  it('error/revoking when no badge is held is YZ_ERR_STATE', async () => {
    await expect(revokeWorkBadge(context, { login: 'li', actor: ADMIN })).rejects.toMatchObject({
      code: 'YZ_ERR_STATE',
    });
  });
});
