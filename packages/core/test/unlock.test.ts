/**
 * Media, the SO-PIN vault and PIN unlock (R22), with the eligibility rules (R24) and charges
 * from the published fee schedule (R17), on SQLite and PostgreSQL. The USB-KEY side of the
 * protocol is simulated here with Node's own SM4 and SHA-1 (not the code under test): the key
 * checks R1 against its random and decrypts R2 to the new PIN, as the COS would.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '@yizheng/gm';
import { isValidUscc } from '@yizheng/pki';
import {
  FixedClock,
  type IssuanceContext,
  type MediaContext,
  issueDual,
  personaliseMedium,
  publishFeeSchedule,
  DEMO_FEE_ITEMS,
  readSoPin,
  receiveMedia,
  reissuePair,
  renewPair,
  changePair,
  unlockMedium,
  updateServicePolicy,
  verifyAudit,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const DAY = 86_400_000;
const csr = () => csrDer('宁波某某贸易有限公司');

/** The USB-KEY's view (reference §(b)): K = first16(SHA1(pad16(SO PIN))), SM4-ECB. */
class SimulatedKey {
  random: Uint8Array = new Uint8Array();
  constructor(private readonly soPin: string) {}
  challenge(): string {
    this.random = randomBytes(8);
    return toHex(this.random);
  }
  private pad16(data: Buffer): Buffer {
    const out = Buffer.alloc((Math.floor(data.length / 16) + 1) * 16);
    data.copy(out);
    out[data.length] = 0x80;
    return out;
  }
  private key(): Buffer {
    return createHash('sha1')
      .update(this.pad16(Buffer.from(this.soPin)))
      .digest()
      .subarray(0, 16);
  }
  /** Applies an unlock response: true and the new PIN when R1 answers this key's random. */
  apply(authentication: string, pinCryptogram: string): { ok: boolean; pin?: string } {
    const enc = createCipheriv('sm4-ecb', this.key(), null).setAutoPadding(false);
    const expected = Buffer.concat([enc.update(this.pad16(Buffer.from(this.random))), enc.final()]);
    if (expected.toString('hex').toUpperCase() !== authentication) return { ok: false };
    const dec = createDecipheriv('sm4-ecb', this.key(), null).setAutoPadding(false);
    const padded = Buffer.concat([dec.update(Buffer.from(pinCryptogram, 'hex')), dec.final()]);
    return { ok: true, pin: padded.subarray(0, padded.lastIndexOf(0x80)).toString() };
  }
}

describe.each(STORE_KINDS)('media and unlock on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext & MediaContext;
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let nextUscc = 100;
  let nextMedium = 1;

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
  });
  afterAll(async () => t?.dispose());

  async function issued(uscc: string) {
    return issueDual(context, {
      request: csr(),
      legalPerson: { uscc, name: '宁波某某贸易有限公司', legalRepresentative: '李四' },
      channel: 'counter',
      actor: 'op',
    });
  }

  /** A legal person with a pair on a personalised medium, and the key that knows its SO PIN. */
  async function holder() {
    const uscc = testUscc(nextUscc++);
    expect(isValidUscc(uscc)).toBe(true);
    const pair = await issued(uscc);
    const mediumSerial = `FT3000GM-${String(nextMedium++).padStart(6, '0')}`;
    await receiveMedia(context, { serials: [mediumSerial], model: 'FT-ePass3000GM', actor: 'stock-op' });
    const { soPin } = await personaliseMedium(context, {
      mediumSerial,
      certificateSerial: pair.sign.serial,
      actor: 'op',
    });
    return { uscc, pair, mediumSerial, soPin, key: new SimulatedKey(soPin) };
  }

  /** The 2026–2028 service period of these tests. */
  const inServicePeriod = () =>
    updateServicePolicy(
      context,
      { servicePeriod: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2028-12-31T00:00:00Z') } },
      'admin',
    );
  /** Publishes the demo schedule with one item's amount changed. */
  const feeFor = (code: string, amountFen: number) =>
    publishFeeSchedule(
      context,
      DEMO_FEE_ITEMS.map((i) => (i.code === code ? { ...i, amountFen } : i)),
      'finance',
    );
  async function resetPolicyAndFees() {
    await publishFeeSchedule(context, DEMO_FEE_ITEMS, 'finance');
    await updateServicePolicy(context, { servicePeriod: null }, 'admin');
    clock.set('2026-03-01T00:00:00Z');
  }

  const evidence = { kind: 'counter', reference: '法定代表人身份证原件核验' };

  it('ok/personalisation gives each medium its own random SO PIN, sealed at rest and read only with an audited reason', async () => {
    const a = await holder();
    const b = await holder();
    expect(a.soPin).toMatch(/^[0-9A-F]{16}$/);
    expect(a.soPin).not.toBe(b.soPin);
    const stored = await t.store.read.getMedium(a.mediumSerial);
    expect(stored).toMatchObject({
      state: 'issued',
      uscc: a.uscc,
      pairId: a.pair.pairId,
      scheme: 'skf-sha1-sm4',
    });
    expect(Buffer.from(stored!.soPinSealed!).includes(Buffer.from(a.soPin))).toBe(false);
    await expect(
      readSoPin(context, { mediumSerial: a.mediumSerial, actor: 'vendor', reason: ' ' }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
    expect(
      await readSoPin(context, {
        mediumSerial: a.mediumSerial,
        actor: 'vendor',
        reason: '厂商检修 COS 升级',
      }),
    ).toBe(a.soPin);
    const entries = await t.store.read.auditEntries(1);
    expect(entries.filter((e) => e.object === `medium:${a.mediumSerial}`).map((e) => e.action)).toEqual([
      'medium.personalise',
      'medium.so-pin.read',
    ]);
    expect(entries.some((e) => JSON.stringify(e).includes(a.soPin))).toBe(false);
  });

  it('ok/unlock answers the key challenge: the key accepts R1 and reads the chosen PIN from R2; the certificate is untouched', async () => {
    const h = await holder();
    const result = await unlockMedium(context, {
      mediumSerial: h.mediumSerial,
      challenge: h.key.challenge(),
      evidence,
      channel: 'counter',
      actor: 'op',
      newUserPin: 'Zx82k4qP',
    });
    expect(h.key.apply(result.authentication, result.pinCryptogram)).toEqual({ ok: true, pin: 'Zx82k4qP' });
    expect(result.oneTimePin).toBeUndefined();
    expect(await t.store.read.getApplication(result.applicationId)).toMatchObject({
      businessType: 'unlock',
      state: 'completed',
      data: { mediumSerial: h.mediumSerial, evidence },
    });
    const pair = await t.store.read.queryCertificates({ pairId: h.pair.pairId });
    const view = (c: { role: string; serial: string; notAfter: Date }, status: string) => [
      c.role,
      c.serial,
      status,
      c.notAfter,
    ];
    expect(pair.map((c) => view(c, c.status)).sort()).toEqual(
      [h.pair.sign, h.pair.enc].map((c) => view(c, 'valid')).sort(),
    );
    // a response for another key's random is useless to this key
    const other = await holder();
    other.key.challenge();
    expect(other.key.apply(result.authentication, result.pinCryptogram).ok).toBe(false);
  });

  it('ok/without a chosen PIN a random one-time PIN is made, never a fixed default; weak PINs are refused', async () => {
    const h = await holder();
    const result = await unlockMedium(context, {
      mediumSerial: h.mediumSerial,
      challenge: h.key.challenge(),
      evidence: { kind: 'sms', reference: '138****5678' },
      channel: 'online',
      actor: 'holder',
    });
    expect(result.oneTimePin).toMatch(/^\d{8}$/);
    expect(h.key.apply(result.authentication, result.pinCryptogram)).toEqual({
      ok: true,
      pin: result.oneTimePin,
    });
    for (const newUserPin of ['000000', '123456', '1234', 'aaaaaaa'])
      await expect(
        unlockMedium(context, {
          mediumSerial: h.mediumSerial,
          challenge: h.key.challenge(),
          evidence,
          channel: 'counter',
          actor: 'op',
          newUserPin,
        }),
      ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
  });

  it('error/a second unlock with the same challenge is refused and changes nothing', async () => {
    const h = await holder();
    const challenge = h.key.challenge();
    await unlockMedium(context, {
      mediumSerial: h.mediumSerial,
      challenge,
      evidence,
      channel: 'counter',
      actor: 'op',
    });
    const audit = (await t.store.read.auditEntries(1)).length;
    const apps = (await t.store.read.listApplications(h.uscc)).length;
    const charges = (await t.store.read.listCharges(h.uscc)).length;
    await expect(
      unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: challenge.toLowerCase(),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_UNLOCK_REPLAY' });
    expect((await t.store.read.auditEntries(1)).length).toBe(audit);
    expect((await t.store.read.listApplications(h.uscc)).length).toBe(apps);
    expect((await t.store.read.listCharges(h.uscc)).length).toBe(charges);
  });

  it('error/more unlocks than the policy allows in 24 hours are refused; the limit rolls over', async () => {
    const h = await holder();
    const start = clock.now();
    for (let i = 0; i < 3; i++)
      await unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: h.key.challenge(),
        evidence,
        channel: 'counter',
        actor: 'op',
      });
    await expect(
      unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: h.key.challenge(),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_RATE_LIMITED' });
    clock.set(new Date(start.getTime() + DAY + 1000));
    const later = await unlockMedium(context, {
      mediumSerial: h.mediumSerial,
      challenge: h.key.challenge(),
      evidence,
      channel: 'counter',
      actor: 'op',
    });
    expect(h.key.apply(later.authentication, later.pinCryptogram).ok).toBe(true);
    clock.set(start);
  });

  it('error/unknown medium, medium in stock, malformed challenge or missing evidence are refused', async () => {
    await expect(
      unlockMedium(context, {
        mediumSerial: 'NOPE-0001',
        challenge: '00'.repeat(8),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_MEDIUM_NOT_FOUND' });
    await receiveMedia(context, { serials: ['STOCK-0001'], model: 'FT-ePass3000GM', actor: 'op' });
    await expect(
      unlockMedium(context, {
        mediumSerial: 'STOCK-0001',
        challenge: '00'.repeat(8),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_MEDIUM_STATE' });
    await expect(
      receiveMedia(context, { serials: ['STOCK-0001'], model: 'x', actor: 'op' }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_MEDIUM_STATE',
    });
    const h = await holder();
    for (const challenge of ['00', 'zz'.repeat(8), '00'.repeat(12)])
      await expect(
        unlockMedium(context, {
          mediumSerial: h.mediumSerial,
          challenge,
          evidence,
          channel: 'counter',
          actor: 'op',
        }),
      ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
    await expect(
      unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: h.key.challenge(),
        evidence: { kind: '', reference: '' },
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
  });

  it('ok/R24: the first certificate is served free within the service period, even once expired', async () => {
    const h = await holder();
    await inServicePeriod();
    clock.set(new Date(h.pair.sign.notAfter.getTime() + 10 * DAY));
    const result = await unlockMedium(context, {
      mediumSerial: h.mediumSerial,
      challenge: h.key.challenge(),
      evidence,
      channel: 'counter',
      actor: 'op',
    });
    expect(result.charge).toMatchObject({
      code: 'service.unlock',
      amountFen: 0,
      status: 'waived',
      note: expect.stringMatching(/^R24 first/),
    });
    // outside the service period the expired first certificate is no longer served
    clock.set('2029-02-01T00:00:00Z');
    await expect(
      unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: h.key.challenge(),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_NOT_ELIGIBLE' });
    await updateServicePolicy(context, { servicePeriod: null }, 'admin');
    clock.set('2026-03-01T00:00:00Z');
  });

  it('ok/R24: a second certificate is served within its validity only, and charged from the published schedule', async () => {
    const first = await holder();
    clock.set('2026-03-10T00:00:00Z');
    const second = await issued(first.uscc); // a separate application: a second certificate (第二张)
    await receiveMedia(context, { serials: ['FT3000GM-SECOND'], model: 'FT-ePass3000GM', actor: 'op' });
    const { soPin } = await personaliseMedium(context, {
      mediumSerial: 'FT3000GM-SECOND',
      certificateSerial: second.sign.serial,
      actor: 'op',
    });
    const key = new SimulatedKey(soPin);
    await inServicePeriod();
    await feeFor('service.unlock', 3000);
    const paid = await unlockMedium(context, {
      mediumSerial: 'FT3000GM-SECOND',
      challenge: key.challenge(),
      evidence,
      channel: 'counter',
      actor: 'op',
    });
    expect(paid.charge).toMatchObject({
      code: 'service.unlock',
      amountFen: 3000,
      status: 'due',
      scheduleVersion: expect.any(Number),
    });
    // the first certificate of the same legal person stays free in the service period
    const free = await unlockMedium(context, {
      mediumSerial: first.mediumSerial,
      challenge: first.key.challenge(),
      evidence,
      channel: 'counter',
      actor: 'op',
    });
    expect(free.charge.status).toBe('waived');
    clock.set(new Date(second.sign.notAfter.getTime() + DAY));
    await expect(
      unlockMedium(context, {
        mediumSerial: 'FT3000GM-SECOND',
        challenge: key.challenge(),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_NOT_ELIGIBLE' });
    await resetPolicyAndFees();
  });

  it('ok/R24 change: the first lineage stays "first" after renew; change of a second certificate is charged', async () => {
    const h = await holder();
    await inServicePeriod();
    await feeFor('service.change', 5000);
    clock.set(new Date(h.pair.sign.notAfter.getTime() - 20 * DAY));
    const renewed = await renewPair(context, {
      serial: h.pair.sign.serial,
      request: csr(),
      channel: 'online',
      actor: 'holder',
    });
    // the medium follows the renewed pair
    expect((await t.store.read.getMedium(h.mediumSerial))?.pairId).toBe(renewed.pairId);
    const changed = await changePair(context, {
      serial: renewed.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'op',
      legalPerson: { uscc: h.uscc, name: '宁波某某国际贸易有限公司' },
    });
    const charges = await t.store.read.listCharges(h.uscc);
    expect(charges.find((c) => c.applicationId === changed.applicationId)).toMatchObject({
      status: 'waived',
      amountFen: 0,
    });
    const second = await issued(h.uscc);
    const changedSecond = await changePair(context, {
      serial: second.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'op',
      legalPerson: { uscc: h.uscc, name: '宁波某某国际贸易有限公司' },
    });
    expect(
      (await t.store.read.listCharges(h.uscc)).find((c) => c.applicationId === changedSecond.applicationId),
    ).toMatchObject({
      code: 'service.change',
      amountFen: 5000,
      status: 'due',
    });
    await resetPolicyAndFees();
  });

  it('ok/reissue marks the old medium lost; a lost medium cannot be unlocked; audit verifies', async () => {
    const h = await holder();
    clock.set('2026-04-01T00:00:00Z');
    await reissuePair(context, {
      serial: h.pair.sign.serial,
      request: csr(),
      channel: 'counter',
      actor: 'op',
    });
    expect((await t.store.read.getMedium(h.mediumSerial))?.state).toBe('lost');
    await expect(
      unlockMedium(context, {
        mediumSerial: h.mediumSerial,
        challenge: h.key.challenge(),
        evidence,
        channel: 'counter',
        actor: 'op',
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_MEDIUM_STATE' });
    const history = await t.store.read.listMedia(h.uscc);
    expect(history.map((m) => m.state)).toEqual(['lost']);
    const verified = await verifyAudit(t.store);
    expect(verified).toMatchObject({ valid: true, entries: expect.any(Number) });
    clock.set('2026-03-01T00:00:00Z');
  });
});
