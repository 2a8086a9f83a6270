/**
 * The online subsystem (R34) on SQLite and PostgreSQL: agent SMS login (codes random, hashed at
 * rest, 5-minute TTL, single use, attempts and rate limits, registered phones only) and the
 * electronic authorisation letter (a good letter approves the online application without manual
 * review; a wrong signer, a revoked signer certificate, an expired letter, a tampered text and a
 * replayed nonce are each refused with their code; a registry that changed goes to review).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, encodePem, sm3, toHex, utf8 } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  CoreError,
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  type LegalPersonRegistry,
  type RegistryRecord,
  SMS_CODE_RULES,
  SimulatedPaymentGateway,
  SimulatedSmsGateway,
  confirmPayment,
  createPaymentOrder,
  reissuePair,
  issueDual,
  loginWithSmsCode,
  requestSmsCode,
  revokeCertificate,
  signAuthorisationLetter,
  startOnlineNewApplication,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };
const NINGBO = { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司', legalRepresentative: '李四' };
const AGENT = {
  name: '王五',
  idType: 'resident-id' as const,
  idNumber: '330106199003070022',
  phone: '13800138000',
};
const NINGBO_AGENT = { ...AGENT, name: '赵六', idNumber: '11010519491231002X', phone: '13900139000' };

class TableRegistry implements LegalPersonRegistry {
  readonly records = new Map<string, RegistryRecord>();
  add(p: { uscc: string; name: string; legalRepresentative: string }) {
    const at = new Date('2019-05-20T00:00:00+08:00');
    this.records.set(p.uscc, { ...p, status: 'active', registeredAt: at, updatedAt: at });
  }
  async lookup(uscc: string) {
    return this.records.get(uscc);
  }
  async events() {
    return [];
  }
}

const csr = (key: Sm2PrivateKey, name = HANGZHOU.name) =>
  buildCertificationRequest({ subject: parseName(`C=CN,O=${name},CN=${name}`) }, key).der;

function codeIn(sms: SimulatedSmsGateway, phone: string): string {
  const last = sms.outbox(phone).at(-1);
  return /验证码为 (\d{6})/.exec(last?.text ?? '')![1]!;
}

describe.each(STORE_KINDS)('online subsystem on %s (R34)', (kind) => {
  let test: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-03-01T08:00:00Z');
  const registry = new TableRegistry();
  const sms = new SimulatedSmsGateway(clock);
  const repKey = Sm2PrivateKey.generate();
  const ningboKey = Sm2PrivateKey.generate();
  let repPair: IssuedPair;
  let ningboPair: IssuedPair;

  beforeAll(async () => {
    test = await openTestStore(kind);
    context = await demoContext(test.store, clock);
    registry.add(HANGZHOU);
    registry.add(NINGBO);
    const issue = (key: Sm2PrivateKey, person: typeof HANGZHOU, agent: typeof AGENT) =>
      issueDual(context, {
        request: csr(key, person.name),
        legalPerson: person,
        channel: 'counter',
        actor: 'operator:desk',
        applicant: { agent },
      });
    repPair = await issue(repKey, HANGZHOU, AGENT);
    ningboPair = await issue(ningboKey, NINGBO, NINGBO_AGENT);
  }, 60_000);
  afterAll(() => test?.dispose());

  const login = { ...HANGZHOU, phone: AGENT.phone, from: '203.0.113.7' };
  const smsContext = () => ({ ...context, sms });

  describe('SMS login', () => {
    it('error/an unregistered phone gets no code', async () => {
      await expect(requestSmsCode(smsContext(), { ...login, phone: '13700137000' })).rejects.toMatchObject({
        code: 'YZ_ERR_AGENT_NOT_REGISTERED',
      });
      expect(sms.outbox('13700137000')).toHaveLength(0);
    });

    it('ok/a registered agent gets six random digits, kept only as a hash, and logs in once', async () => {
      clock.advance(3600_000);
      const sent = await requestSmsCode(smsContext(), login);
      expect(sent.phone).toBe('138****8000');
      const code = codeIn(sms, AGENT.phone);
      const stored = await test.store.read.latestSmsCode(HANGZHOU.uscc, AGENT.phone);
      expect(stored!.codeHash).toBe(toHex(sm3(utf8(`${stored!.id}:${code}`))));
      expect(JSON.stringify(stored)).not.toContain(`"${code}"`);
      const grant = await loginWithSmsCode(context, { ...login, code });
      expect(grant.principal).toMatchObject({
        kind: 'legal-person',
        uscc: HANGZHOU.uscc,
        roles: ['applicant'],
      });
      expect(grant.agent.name).toBe('王五');
      await expect(loginWithSmsCode(context, { ...login, code })).rejects.toMatchObject({
        code: 'YZ_ERR_SMS_CODE',
      });
    });

    it('error/a second code within a minute is rate limited', async () => {
      await expect(requestSmsCode(smsContext(), login)).rejects.toMatchObject({
        code: 'YZ_ERR_RATE_LIMITED',
      });
    });

    it('error/a code expires after five minutes', async () => {
      clock.advance(61_000);
      await requestSmsCode(smsContext(), login);
      const code = codeIn(sms, AGENT.phone);
      clock.advance(SMS_CODE_RULES.ttlMinutes * 60_000 + 1);
      await expect(loginWithSmsCode(context, { ...login, code })).rejects.toMatchObject({
        code: 'YZ_ERR_SMS_CODE',
      });
    });

    it('error/five wrong codes kill the code, the right one no longer works', async () => {
      clock.advance(61_000);
      await requestSmsCode(smsContext(), login);
      const code = codeIn(sms, AGENT.phone);
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < SMS_CODE_RULES.maxAttempts; i++)
        await expect(loginWithSmsCode(context, { ...login, code: wrong })).rejects.toMatchObject({
          code: 'YZ_ERR_SMS_CODE',
        });
      await expect(loginWithSmsCode(context, { ...login, code })).rejects.toMatchObject({
        code: 'YZ_ERR_SMS_CODE',
      });
    });

    it('error/per phone and per address limits an hour', async () => {
      clock.advance(3600_000);
      for (let i = 0; i < SMS_CODE_RULES.perPhonePerHour; i++) {
        await requestSmsCode(smsContext(), login);
        clock.advance(61_000);
      }
      await expect(requestSmsCode(smsContext(), login)).rejects.toMatchObject({
        code: 'YZ_ERR_RATE_LIMITED',
      });
      clock.advance(3600_000);
      const other = { ...NINGBO, phone: NINGBO_AGENT.phone, from: '198.51.100.9' };
      for (let i = 0; i < SMS_CODE_RULES.perAddressPerHour; i++) {
        await test.store.transaction((tx) =>
          tx.insertSmsCode({
            id: `sms-filler-${kind}-${i}`,
            uscc: NINGBO.uscc,
            phone: `1390000${String(i).padStart(4, '0')}`,
            codeHash: 'x',
            fromAddress: other.from,
            createdAt: clock.now(),
            expiresAt: clock.now(),
            attempts: 0,
            usedAt: null,
          }),
        );
      }
      await expect(requestSmsCode(smsContext(), other)).rejects.toMatchObject({
        code: 'YZ_ERR_RATE_LIMITED',
      });
    });
    it('error/the provider down: YZ_ERR_SMS_UNAVAILABLE, the code kept is void', async () => {
      clock.advance(2 * 3600_000);
      const down = { send: async () => Promise.reject(new Error('gateway timeout')) };
      await expect(requestSmsCode({ ...context, sms: down }, login)).rejects.toMatchObject({
        code: 'YZ_ERR_SMS_UNAVAILABLE',
      });
      const kept = await test.store.read.latestSmsCode(HANGZHOU.uscc, AGENT.phone);
      expect(kept!.usedAt).not.toBeNull();
    });
  });

  describe('electronic authorisation letter', () => {
    const letterContext = () => ({ ...context, registry });
    const start = () =>
      startOnlineNewApplication(letterContext(), {
        uscc: HANGZHOU.uscc,
        agentPhone: AGENT.phone,
        request: csr(Sm2PrivateKey.generate()),
        actor: 'legal-person:91330106MA2B3C4D5D',
      });
    const sign = (letterId: string, text: string, key = repKey, certificate = repPair.sign.der) =>
      signAuthorisationLetter(letterContext(), {
        letterId,
        signature: key.sign(utf8(text), { id: '1234567812345678' }),
        certificate,
        actor: 'legal-person:91330106MA2B3C4D5D',
      });

    it('ok/a good letter approves the application without manual review and is kept as evidence', async () => {
      const { application, letter } = await start();
      expect(application.state).toBe('submitted');
      expect(letter.text).toContain('经办人 agent: 王五');
      expect(letter.text).toContain('330106199003070022');
      expect(letter.text).toContain(`随机数 nonce: ${letter.nonce}`);
      const result = await sign(letter.id, letter.text);
      expect(result.outcome).toBe('approved');
      const done = await test.store.read.getApplication(application.id);
      expect(done!.state).toBe('completed');
      expect(done!.data).toMatchObject({ authorisationLetter: { id: letter.id, outcome: 'approved' } });
      const kept = await test.store.read.getAuthorisationLetter(letter.id);
      expect(kept!.state).toBe('approved');
      expect(kept!.signerCertificate).toEqual(repPair.sign.der);
      expect(kept!.verification).toMatchObject({ outcome: 'approved', checks: { signature: 'ok' } });
      // replayed: the same signed letter again
      await expect(sign(letter.id, letter.text)).rejects.toMatchObject({ code: 'YZ_ERR_LETTER_REPLAY' });
    });

    it.each([
      ['error/wrong signer: another legal person’s certificate', 'YZ_ERR_LETTER_SIGNER'],
      ['error/tampered text', 'YZ_ERR_LETTER_SIGNATURE'],
      ['error/expired letter', 'YZ_ERR_LETTER_EXPIRED'],
    ])('%s is refused, changing nothing', async (name, code) => {
      const { application, letter } = await start();
      const attempt = name.includes('wrong signer')
        ? sign(letter.id, letter.text, ningboKey, ningboPair.sign.der)
        : name.includes('tampered')
          ? sign(letter.id, letter.text.replace('新办 new', '撤销 revoke'))
          : (clock.advance(31 * 86_400_000), sign(letter.id, letter.text));
      await expect(attempt).rejects.toBeInstanceOf(CoreError);
      await expect(attempt).rejects.toMatchObject({ code });
      expect((await test.store.read.getAuthorisationLetter(letter.id))!.state).toBe('pending');
      expect((await test.store.read.getApplication(application.id))!.state).toBe('submitted');
    });

    it('error/a revoked signer certificate is refused', async () => {
      const key = Sm2PrivateKey.generate();
      const pair = await issueDual(context, {
        request: csr(key),
        legalPerson: HANGZHOU,
        channel: 'counter',
        actor: 'operator:desk',
      });
      await revokeCertificate(context, {
        serial: pair.sign.serial,
        actor: 'operator:desk',
        reason: 'keyCompromise',
      });
      const { letter } = await start();
      await expect(sign(letter.id, letter.text, key, pair.sign.der)).rejects.toMatchObject({
        code: 'YZ_ERR_LETTER_CERTIFICATE',
      });
    });

    it('review/a representative changed in the registry sends the application to manual review', async () => {
      const { application, letter } = await start();
      registry.add({ ...HANGZHOU, legalRepresentative: '钱七' });
      try {
        const result = await sign(letter.id, letter.text);
        expect(result.outcome).toBe('review');
        const stored = await test.store.read.getApplication(application.id);
        expect(stored!.state).toBe('review');
        expect(String((stored!.data as { reviewReason: string }).reviewReason)).toContain('钱七');
      } finally {
        registry.add(HANGZHOU);
      }
    });

    it('evidence/the letter PEM-encodes nothing secret and names its signer', async () => {
      const letters = await test.store.read.listAuthorisationLetters(HANGZHOU.uscc);
      expect(letters.length).toBeGreaterThan(3);
      const approved = letters.find((l) => l.state === 'approved')!;
      expect(encodePem('CERTIFICATE', approved.signerCertificate!)).toContain('BEGIN CERTIFICATE');
    });
  });

  describe('payment', () => {
    it('ok/the due medium fee of an online reissue becomes an order; the verified confirmation pays it', async () => {
      const payments = new SimulatedPaymentGateway(clock);
      const reissued = await reissuePair(context, {
        serial: ningboPair.sign.serial,
        request: csr(Sm2PrivateKey.generate(), NINGBO.name),
        channel: 'online',
        actor: 'legal-person:91330201MA2C3D4E55',
      });
      const paymentContext = { ...context, payments };
      const { order, payment } = await createPaymentOrder(paymentContext, {
        uscc: NINGBO.uscc,
        applicationId: reissued.applicationId,
        actor: 'legal-person:91330201MA2C3D4E55',
      });
      expect(order).toMatchObject({ amountFen: 8000, scheduleVersion: 1, state: 'created' });
      expect(payment.payUrl).toContain(order.id);
      const confirmation = payments.settle(order.id);
      await expect(confirmPayment(paymentContext, { ...confirmation, amountFen: 1 })).rejects.toMatchObject({
        code: 'YZ_ERR_PAYMENT',
      });
      const forged = new SimulatedPaymentGateway(clock).verifyConfirmation(confirmation);
      expect(forged).toBe(false);
      const paid = await confirmPayment(paymentContext, confirmation);
      expect(paid).toMatchObject({ state: 'paid', providerRef: confirmation.providerRef });
      const charges = (await test.store.read.listCharges(NINGBO.uscc)).filter(
        (c) => c.applicationId === reissued.applicationId,
      );
      expect(charges.map((c) => c.status)).toEqual(['paid']);
      // the provider repeats its callback: answered with the paid order
      expect((await confirmPayment(paymentContext, confirmation)).state).toBe('paid');
      await expect(
        createPaymentOrder(paymentContext, {
          uscc: NINGBO.uscc,
          applicationId: reissued.applicationId,
          actor: 'x',
        }),
      ).rejects.toMatchObject({ code: 'YZ_ERR_PAYMENT' });
    });
  });
});
