/**
 * Logins and sessions (issue 5 "Authentication"; R34 legal-person portal, R37 electronic work
 * badges), on SQLite and PostgreSQL: password login with lockout after 5 failures for 15 minutes,
 * the same refusal for every reason (the audit trail tells them apart), certificate login over a
 * single-use nonce for an operator's work badge and a legal person's signing certificate issued
 * by this platform, password reset and change, logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, utf8 } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  type AccountActor,
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  LOGIN_LOCKOUT,
  authenticateSession,
  changeOwnPassword,
  createBranch,
  createOperator,
  issueDual,
  issueLoginChallenge,
  loginWithCertificate,
  loginWithPassword,
  logout,
  resetOperatorPassword,
  revokeCertificate,
  tokenHash,
  updateOperator,
} from '../src/index.js';
import { demoContext } from '../../../tools/test-support/core-context.js';
import { type Issued, makeLeaf, makeRoot } from '../../../tools/test-support/pki-fixtures.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';

const ADMIN: AccountActor = { name: 'operator:admin', roles: ['ca-admin'], branchId: null };
const USCC = '91330106MA2B3C4D5D';
const PASSWORD = 'Xihu-counter-2026';
const MINUTE = 60_000;

describe.each(STORE_KINDS)('authentication on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');
  let holderKey: Sm2PrivateKey;
  let pair: IssuedPair;
  let badge: Issued;

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    await createBranch(
      context,
      { id: 'hz-xihu-01', name: '西湖区网点', regionCode: '330106', address: '杭州市西湖区某某路 1 号' },
      ADMIN,
    );
    await createOperator(
      context,
      {
        login: 'wang',
        name: '王某某',
        roles: ['branch-operator'],
        branchId: 'hz-xihu-01',
        password: PASSWORD,
      },
      ADMIN,
    );
    holderKey = Sm2PrivateKey.generate();
    pair = await issueDual(context, {
      request: buildCertificationRequest(
        { subject: parseName('C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司') },
        holderKey,
      ).der,
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司', legalRepresentative: '张三' },
      channel: 'online',
      actor: 'operator:wang',
    });
    badge = makeLeaf(makeRoot('某某省数字证书认证中心员工CA', 10, clock.now()), {
      subject: 'C=CN,O=某某省数字证书认证中心,CN=王某某',
      now: clock.now(),
      extensions: [],
    });
    await updateOperator(context, 'wang', { workBadge: badge.cert.der }, ADMIN);
  });
  afterAll(async () => t?.dispose());

  const audit = async () => t.store.read.auditEntries(1);
  const since = async (count: number) =>
    (await audit()).slice(count).map((e) => [e.action, e.object, e.reason]);

  /** Signs a fresh challenge with `key` and logs in with `certificate`. */
  async function certificateLogin(
    as: 'operator' | 'legal-person',
    certificate: Uint8Array,
    key: Sm2PrivateKey,
  ) {
    const { nonce, message } = await issueLoginChallenge(context);
    return loginWithCertificate(context, {
      as,
      nonce,
      certificate,
      signature: key.sign(utf8(message)),
      from: '10.0.0.7',
    });
  }

  it('ok/password login: a session token that authenticates until it expires (8 hours), audited', async () => {
    const before = (await audit()).length;
    const grant = await loginWithPassword(context, { login: 'wang', password: PASSWORD, from: '10.0.0.7' });
    expect(grant.token).toMatch(/^yzs_[A-Za-z0-9_-]{43}$/);
    expect(grant.expiresAt).toEqual(new Date(clock.now().getTime() + 8 * 60 * MINUTE));
    expect(await authenticateSession(context, grant.token)).toEqual({
      kind: 'operator',
      id: 'wang',
      roles: ['branch-operator'],
      branchId: 'hz-xihu-01',
      uscc: null,
      scopes: [],
      expiresAt: grant.expiresAt,
    });
    expect(await since(before)).toEqual([['session.login', 'operator:wang', null]]);
    // the store has the token's hash only
    const stored = await t.store.read.getSession(tokenHash(grant.token));
    expect(stored).toMatchObject({ subject: 'wang', expiresAt: grant.expiresAt });
    expect(JSON.stringify(stored)).not.toContain(grant.token);
    clock.advance(8 * 60 * MINUTE);
    expect(await authenticateSession(context, grant.token)).toBeUndefined();
    expect(await authenticateSession(context, 'yzs_not-a-token')).toBeUndefined();
  });

  it('error/5 wrong passwords lock the operator for 15 minutes; every refusal reads the same', async () => {
    const before = (await audit()).length;
    const refusals: string[] = [];
    for (let i = 0; i < LOGIN_LOCKOUT.maxFailures; i++)
      refusals.push(
        await loginWithPassword(context, { login: 'wang', password: `Wrong-guess-${i}` }).then(
          () => 'logged in',
          (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
        ),
      );
    const locked = await t.store.read.getOperator('wang');
    expect(locked!.lockedUntil).toEqual(new Date(clock.now().getTime() + 15 * MINUTE));
    // locked: even the right password is refused, with the same words as a wrong one
    refusals.push(
      await loginWithPassword(context, { login: 'wang', password: PASSWORD }).then(
        () => 'logged in',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
      ),
    );
    refusals.push(
      await loginWithPassword(context, { login: 'nobody', password: PASSWORD }).then(
        () => 'logged in',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
      ),
    );
    expect(new Set(refusals).size).toBe(1);
    expect(refusals[0]).toMatch(/^YZ_ERR_LOGIN_FAILED: /);
    const trail = await since(before);
    expect(trail.slice(0, 4)).toEqual(
      Array(4).fill(['session.login-failed', 'operator:wang', 'wrong password']),
    );
    expect(trail.slice(4, 6)).toEqual([
      ['session.login-failed', 'operator:wang', 'wrong password'],
      ['operator.lockout', 'operator:wang', '5 failed logins in a row'],
    ]);
    expect(trail[6]).toEqual([
      'session.login-failed',
      'operator:wang',
      expect.stringMatching(/^locked until/),
    ]);
    expect(trail[7]).toEqual(['session.login-failed', 'operator:nobody', 'unknown login']);
    clock.advance(15 * MINUTE);
    const grant = await loginWithPassword(context, { login: 'wang', password: PASSWORD });
    expect(grant.principal.id).toBe('wang');
    expect(await t.store.read.getOperator('wang')).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('ok/reset clears a lockout and ends the sessions; a disabled operator cannot log in', async () => {
    for (let i = 0; i < LOGIN_LOCKOUT.maxFailures; i++)
      await loginWithPassword(context, { login: 'wang', password: 'Wrong-guess' }).catch(() => undefined);
    const { generatedPassword } = await resetOperatorPassword(context, { login: 'wang' }, ADMIN);
    expect((await audit()).at(-1)).toMatchObject({
      action: 'operator.password.reset',
      actor: 'operator:admin',
    });
    const grant = await loginWithPassword(context, { login: 'wang', password: generatedPassword! });
    await resetOperatorPassword(context, { login: 'wang', newPassword: PASSWORD }, ADMIN);
    expect(await authenticateSession(context, grant.token)).toBeUndefined();
    await updateOperator(context, 'wang', { status: 'disabled' }, ADMIN);
    await expect(loginWithPassword(context, { login: 'wang', password: PASSWORD })).rejects.toMatchObject({
      code: 'YZ_ERR_LOGIN_FAILED',
    });
    expect((await audit()).at(-1)).toMatchObject({ reason: 'operator disabled' });
    await updateOperator(context, 'wang', { status: 'active' }, ADMIN);
  });

  it('ok/own password change needs the old password; a wrong one counts as a failed login', async () => {
    await expect(
      changeOwnPassword(context, {
        login: 'wang',
        oldPassword: 'Not-the-password',
        newPassword: 'New-desk-password-1',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    expect((await t.store.read.getOperator('wang'))!.failedLogins).toBe(1);
    await expect(
      changeOwnPassword(context, { login: 'wang', oldPassword: PASSWORD, newPassword: 'short' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_PASSWORD_POLICY' });
    await changeOwnPassword(context, {
      login: 'wang',
      oldPassword: PASSWORD,
      newPassword: 'New-desk-password-1',
    });
    expect((await audit()).at(-1)).toMatchObject({
      action: 'operator.password.change',
      actor: 'operator:wang',
    });
    await loginWithPassword(context, { login: 'wang', password: 'New-desk-password-1' });
    await resetOperatorPassword(context, { login: 'wang', newPassword: PASSWORD }, ADMIN);
  });

  it("ok/work badge login: the badge key signs the nonce, the session is the operator's", async () => {
    const before = (await audit()).length;
    const grant = await certificateLogin('operator', badge.cert.der, badge.key);
    expect(grant.principal).toMatchObject({ kind: 'operator', id: 'wang', roles: ['branch-operator'] });
    expect(await since(before)).toEqual([['session.login', 'operator:wang', null]]);
    expect((await audit()).at(-1)!.detail).toMatchObject({ method: 'work-badge', from: '10.0.0.7' });
  });

  it('error/work badge login with another key, an unknown badge or a replayed nonce is refused', async () => {
    const other = Sm2PrivateKey.generate();
    await expect(certificateLogin('operator', badge.cert.der, other)).rejects.toMatchObject({
      code: 'YZ_ERR_LOGIN_FAILED',
    });
    expect((await t.store.read.getOperator('wang'))!.failedLogins).toBe(1);
    const stranger = makeLeaf(makeRoot('某某员工CA', 10, clock.now()), { now: clock.now(), extensions: [] });
    await expect(certificateLogin('operator', stranger.cert.der, stranger.key)).rejects.toMatchObject({
      code: 'YZ_ERR_LOGIN_FAILED',
    });
    const { nonce, message } = await issueLoginChallenge(context);
    const signature = badge.key.sign(utf8(message));
    await loginWithCertificate(context, { as: 'operator', nonce, certificate: badge.cert.der, signature });
    await expect(
      loginWithCertificate(context, { as: 'operator', nonce, certificate: badge.cert.der, signature }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    expect((await audit()).at(-1)).toMatchObject({ reason: 'unknown, used or expired challenge' });
  });

  it('ok/legal person: its signing certificate logs in as applicant for its own USCC (2 hours)', async () => {
    const grant = await certificateLogin('legal-person', pair.signCertificate.der, holderKey);
    expect(grant.principal).toEqual({
      kind: 'legal-person',
      id: USCC,
      roles: ['applicant'],
      branchId: null,
      uscc: USCC,
      scopes: [],
      expiresAt: new Date(clock.now().getTime() + 120 * MINUTE),
    });
    expect((await audit()).at(-1)).toMatchObject({
      action: 'session.login',
      object: `legal-person:${USCC}`,
      detail: { method: 'certificate', certificate: { serial: pair.sign.serial, caId: pair.sign.caId } },
    });
    await logout(context, grant.token, grant.principal);
    expect(await authenticateSession(context, grant.token)).toBeUndefined();
    expect((await audit()).at(-1)).toMatchObject({ action: 'session.logout', actor: `legal-person:${USCC}` });
  });

  it('error/legal person: an expired challenge, a wrong key, the encryption certificate, a foreign one, a revoked one', async () => {
    const refused = async (certificate: Uint8Array, key: Sm2PrivateKey, reason: string | RegExp) => {
      await expect(certificateLogin('legal-person', certificate, key)).rejects.toMatchObject({
        code: 'YZ_ERR_LOGIN_FAILED',
      });
      expect((await audit()).at(-1)).toMatchObject({
        action: 'session.login-failed',
        reason: expect.stringMatching(reason),
      });
    };
    const { nonce, message } = await issueLoginChallenge(context);
    clock.advance(5 * MINUTE);
    await expect(
      loginWithCertificate(context, {
        as: 'legal-person',
        nonce,
        certificate: pair.signCertificate.der,
        signature: holderKey.sign(utf8(message)),
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_LOGIN_FAILED' });
    expect((await audit()).at(-1)).toMatchObject({ reason: 'unknown, used or expired challenge' });
    await refused(pair.signCertificate.der, Sm2PrivateKey.generate(), 'signature does not verify');
    await refused(pair.encCertificate.der, holderKey, /role enc/);
    const foreign = makeLeaf(makeRoot('某某省数字证书认证根CA', 20, clock.now()), { now: clock.now() });
    await refused(foreign.cert.der, foreign.key, 'certificate not issued by this platform');
    await revokeCertificate(context, { serial: pair.sign.serial, actor: 'operator:wang' });
    await refused(pair.signCertificate.der, holderKey, 'certificate revoked');
  });

  it('error/bad input: a certificate that does not parse changes nothing (the nonce survives)', async () => {
    const before = (await audit()).length;
    const { nonce, message } = await issueLoginChallenge(context);
    await expect(
      loginWithCertificate(context, {
        as: 'legal-person',
        nonce,
        certificate: new Uint8Array([0x30, 0x01, 0x00]),
        signature: holderKey.sign(utf8(message)),
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^YZ_ERR_DER/) });
    expect((await audit()).length).toBe(before);
    const grant = await loginWithCertificate(context, {
      as: 'operator',
      nonce,
      certificate: badge.cert.der,
      signature: badge.key.sign(utf8(message)),
    });
    expect(grant.principal.id).toBe('wang');
  });
});
