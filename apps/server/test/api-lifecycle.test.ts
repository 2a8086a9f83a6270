/**
 * The business API end to end (issue 5 "REST API /api/v1"; R12, R18–R27): a CA administrator
 * appoints operators; the counter applies for a legal person whose data matches the registry and
 * receives a CSRResponse whose enveloped key opens with the holder's signing key; the legal person
 * logs in with that certificate and renews, changes, suspends and revokes its own pair; the counter
 * reissues, personalises a USB-KEY and the holder unlocks it; two KMC officers approve a key
 * recovery; applications in review are approved by a reviewer other than the submitter or
 * rejected; a registry notice revokes in batch; a regulator reads the statistics and the auditor
 * verifies the audit chain. All through `app.inject`, with real logins.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, sm4Decrypt } from '@yizheng/gm';
import { certificatePublicKey, decodeCsrResponse, openEnvelopedKey, parseCertificate } from '@yizheng/pki';
import { type ApiHarness, HANGZHOU, NINGBO, csrBase64, csrPem, openApiHarness } from './api-support.js';

let api: ApiHarness;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  api = await openApiHarness('yz-api-flow-');
  tokens.counter = await api.operator('sun', ['branch-operator']);
  tokens.reviewer = await api.operator('wang', ['reviewer']);
  tokens.counterReviewer = await api.operator('zhou', ['branch-operator', 'reviewer']);
  tokens.kmc1 = await api.operator('kmc-qian', ['kmc-officer']);
  tokens.kmc2 = await api.operator('kmc-feng', ['kmc-officer']);
  tokens.regulator = await api.operator('jian', ['regulator']);
  tokens.auditor = await api.operator('shen', ['auditor']);
});
afterAll(async () => api?.close());
// a minute between the steps, as at a real counter: the history lists them in that order
beforeEach(() => api.clock.advance(60_000));

const plusOneYear = (iso: string) => {
  const date = new Date(iso);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.toISOString();
};

const post = (url: string, token: string, payload: unknown = {}) =>
  api.call({ method: 'POST', url, token, payload });
const get = (url: string, token?: string) => api.call({ method: 'GET', url, ...(token ? { token } : {}) });

/** Sixteen hex digits: the random a USB-KEY gives for an unlock (SKF_GenRandom). */
const keyRandom = () =>
  createHash('sm3').update(String(Math.random())).digest('hex').slice(0, 16).toUpperCase();

/** pad16 of the unlock schemes (ISO/IEC 9797-1 method 2), written out again as the key's COS would. */
function pad16(data: Uint8Array): Buffer {
  const out = Buffer.alloc((Math.floor(data.length / 16) + 1) * 16);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

describe('the business API (/api/v1)', () => {
  const holder = Sm2PrivateKey.generate();
  const holderRenewal = Sm2PrivateKey.generate();
  let first: {
    sign: { serial: string; notAfter: string; pairId: string };
    enc: { serial: string };
    signCertificate: string;
  };
  let applicantToken: string;
  let current: { sign: { serial: string; notAfter: string; pairId: string }; enc: { serial: string } };

  it('ok/R18 R26 the counter applies; registry match issues at once; the CSRResponse opens with the holder key', async () => {
    const response = await post('/api/v1/applications', tokens.counter!, {
      csr: csrPem(holder),
      legalPerson: HANGZHOU,
      agent: { name: '王某某', idType: 'resident-id', idNumber: '11010519491231002X', phone: '13800138000' },
      materials: [
        { kind: 'business-licence', fileName: '营业执照.pdf', sm3: 'ab'.repeat(32), size: 20480 },
        {
          kind: 'authorisation-letter',
          fileName: '授权书.pdf',
          content: Buffer.from('授权书 2026').toString('base64'),
        },
      ],
    });
    expect(response.statusCode).toBe(201);
    const { state, check, pair } = response.json();
    expect([state, check.outcome]).toEqual(['completed', 'match']);
    expect(pair.sign).toMatchObject({ role: 'sign', uscc: HANGZHOU.uscc, status: 'valid' });
    expect(pair.sign.notAfter).toBe(plusOneYear(api.clock.now().toISOString()));
    const csrResponse = decodeCsrResponse(Buffer.from(pair.csrResponse, 'base64'));
    const encCertificate = parseCertificate(pair.encCertificate);
    expect(Buffer.from(csrResponse.encryptCertificates![0]!)).toEqual(Buffer.from(encCertificate.der));
    const opened = openEnvelopedKey(csrResponse.encryptedPrivateKey!, holder);
    expect(opened.publicKey.equals(certificatePublicKey(encCertificate))).toBe(true);
    expect(certificatePublicKey(parseCertificate(pair.signCertificate)).equals(holder.publicKey)).toBe(true);
    first = pair;
    current = pair;
    const application = (await get(`/api/v1/applications/${pair.applicationId}`, tokens.counter)).json();
    expect(application.data.materials[1]).toEqual({
      kind: 'authorisation-letter',
      fileName: '授权书.pdf',
      size: Buffer.byteLength('授权书 2026'),
      sm3: createHash('sm3').update('授权书 2026').digest('hex'),
    });
  });

  it('ok/the legal person logs in with its certificate and finds, reads and downloads its own', async () => {
    applicantToken = await api.legalPerson(first.signCertificate, holder);
    const found = (await get('/api/v1/certificates', applicantToken)).json();
    expect(found.map((c: { serial: string }) => c.serial)).toEqual([first.sign.serial, first.enc.serial]);
    const der = await get(`/api/v1/certificates/${first.sign.serial}.der`, applicantToken);
    expect(der.headers['content-type']).toBe('application/pkix-cert');
    expect(der.rawPayload).toEqual(Buffer.from(parseCertificate(first.signCertificate).der));
    const pem = await get(`/api/v1/certificates/${first.sign.serial.toLowerCase()}.pem`, applicantToken);
    expect([pem.headers['content-type'], pem.body]).toEqual([
      'application/x-pem-file',
      first.signCertificate,
    ]);
    const detail = (await get(`/api/v1/certificates/${first.enc.serial}`, tokens.counter)).json();
    expect(detail).toMatchObject({ serial: first.enc.serial, role: 'enc', pairId: first.sign.pairId });
    expect(parseCertificate(detail.pem).tbs.serialNumber.toString(16).toUpperCase()).toBe(first.enc.serial);
    const byName = (
      await get(`/api/v1/certificates?name=${encodeURIComponent('某某科技')}&role=sign`, tokens.counter)
    ).json();
    expect(byName.map((c: { serial: string }) => c.serial)).toEqual([first.sign.serial]);
  });

  it('ok/R19 the holder renews its own pair: new notAfter = old + 1 year (window opened by a ca-admin policy change)', async () => {
    const refused = await post(`/api/v1/certificates/${current.sign.serial}/renew`, applicantToken, {
      csr: csrPem(Sm2PrivateKey.generate()),
    });
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'YZ_ERR_STATE']);
    const policy = await api.call({
      method: 'PATCH',
      url: '/api/v1/policy',
      token: api.adminToken,
      payload: { renewalWindowDays: 400 },
    });
    expect(policy.json()).toMatchObject({ renewalWindowDays: 400, maxUnlocksPerDay: 3 });
    const renewed = await post(`/api/v1/certificates/${current.sign.serial}/renew`, applicantToken, {
      csr: csrBase64(holderRenewal), // base64 of the DER works as well as PEM
    });
    expect(renewed.statusCode).toBe(201);
    expect(renewed.json().sign).toMatchObject({
      notAfter: plusOneYear(current.sign.notAfter),
      predecessorPairId: current.sign.pairId,
    });
    expect(renewed.json().pairId).not.toBe(current.sign.pairId);
    current = renewed.json();
  });
  it('ok/R20 the holder changes its legal representative: same notAfter, the old pair revoked (superseded)', async () => {
    const changed = await post(`/api/v1/certificates/${current.sign.serial}/change`, applicantToken, {
      csr: csrPem(Sm2PrivateKey.generate()),
      legalPerson: { name: HANGZHOU.name, legalRepresentative: '张三丰' },
      note: '法定代表人变更',
    });
    expect(changed.statusCode).toBe(201);
    expect(changed.json().sign.notAfter).toBe(current.sign.notAfter);
    const old = (await get(`/api/v1/certificates/${current.sign.serial}`, applicantToken)).json();
    expect([old.status, old.revocationReason]).toEqual(['revoked', 'superseded']);
    expect((await get(`/api/v1/legal-persons/${HANGZHOU.uscc}`, applicantToken)).json()).toMatchObject({
      legalRepresentative: '张三丰',
    });
    current = changed.json();
  });

  it('ok/R21 the counter reissues: old pair revoked keyCompromise, the medium fee charged', async () => {
    const reissued = await post(`/api/v1/certificates/${current.sign.serial}/reissue`, tokens.counter!, {
      csr: csrPem(Sm2PrivateKey.generate()),
      delivery: 'skf-enveloped-key-blob',
      note: 'USB-KEY 遗失',
    });
    expect(reissued.statusCode).toBe(201);
    expect(reissued.json()).toMatchObject({ delivery: 'skf-enveloped-key-blob' });
    const old = (await get(`/api/v1/certificates/${current.sign.serial}`, tokens.counter)).json();
    expect([old.status, old.revocationReason]).toEqual(['revoked', 'keyCompromise']);
    current = reissued.json();
    const history = (await get(`/api/v1/legal-persons/${HANGZHOU.uscc}/history`, applicantToken)).json();
    expect(history.charges.find((c: { code: string }) => c.code === 'medium.usbkey')).toMatchObject({
      amountFen: 8000,
      status: 'due',
    });
  });

  it('ok/R22 the counter personalises a USB-KEY; the holder unlocks it with a challenge/response', async () => {
    const received = await post('/api/v1/media', tokens.counter!, {
      model: 'FT-ePass3000GM',
      serials: ['FT2026030100001', 'FT2026030100002'],
    });
    expect(received.statusCode).toBe(201);
    const personalised = await post('/api/v1/media/FT2026030100001/personalise', tokens.counter!, {
      certificateSerial: current.sign.serial,
    });
    expect(personalised.statusCode).toBe(200);
    expect(personalised.headers['cache-control']).toBe('no-store');
    const { soPin, medium } = personalised.json();
    expect(medium).toMatchObject({ state: 'issued', uscc: HANGZHOU.uscc, pairId: current.sign.pairId });
    const random = keyRandom();
    const unlocked = await post('/api/v1/media/FT2026030100001/unlock', applicantToken, {
      challenge: random,
      evidence: { kind: 'sms', reference: '短信验证码 138****8000 2026-03-01' },
      newUserPin: 'Xihu2026',
    });
    expect(unlocked.statusCode).toBe(200);
    const { authentication, pinCryptogram, oneTimePin, charge } = unlocked.json();
    expect([oneTimePin, charge.code]).toEqual([null, 'service.unlock']);
    // the key's side: K = first 16 bytes of SHA-1(pad16(SO PIN)), SM4-ECB (scheme skf-sha1-sm4)
    const key = createHash('sha1')
      .update(pad16(Buffer.from(soPin)))
      .digest()
      .subarray(0, 16);
    const open = (hex: string) =>
      Buffer.from(sm4Decrypt('ecb', Buffer.from(hex, 'hex'), { key, padding: 'none' }));
    expect(open(authentication)).toEqual(pad16(Buffer.from(random, 'hex')));
    expect(open(pinCryptogram)).toEqual(pad16(Buffer.from('Xihu2026')));
    const replay = await post('/api/v1/media/FT2026030100001/unlock', tokens.counter!, {
      challenge: random,
      evidence: { kind: 'counter', reference: '柜面核验' },
    });
    expect([replay.statusCode, replay.json().code]).toEqual([409, 'YZ_ERR_UNLOCK_REPLAY']);
  });

  it('ok/R12 key recovery: requested at the counter, approved by two KMC officers, delivered once', async () => {
    const opened = await post('/api/v1/kmc/recoveries', tokens.counter!, {
      serial: first.enc.serial,
      reason: '持有人需解密 2026 年初的历史文件',
    });
    expect(opened.statusCode).toBe(201);
    const { id } = opened.json();
    expect(opened.json()).toMatchObject({ state: 'pending', requestedBy: 'operator:sun' });
    const byCounter = await post(`/api/v1/kmc/recoveries/${id}/approve`, tokens.counter!);
    expect([byCounter.statusCode, byCounter.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    expect((await post(`/api/v1/kmc/recoveries/${id}/approve`, tokens.kmc1!)).json().state).toBe('pending');
    const twice = await post(`/api/v1/kmc/recoveries/${id}/approve`, tokens.kmc1!);
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'YZ_ERR_STATE']);
    const early = await post(`/api/v1/kmc/recoveries/${id}/deliver`, tokens.counter!, {
      csr: csrPem(holder),
    });
    expect([early.statusCode, early.json().code]).toEqual([409, 'YZ_ERR_STATE']);
    const approved = (await post(`/api/v1/kmc/recoveries/${id}/approve`, tokens.kmc2!)).json();
    expect(approved.approvals.map((a: { by: string }) => a.by)).toEqual([
      'operator:kmc-qian',
      'operator:kmc-feng',
    ]);
    const newDevice = Sm2PrivateKey.generate();
    const delivered = await post(`/api/v1/kmc/recoveries/${id}/deliver`, tokens.counter!, {
      csr: csrPem(newDevice),
    });
    expect(delivered.statusCode).toBe(200);
    const key = openEnvelopedKey(Buffer.from(delivered.json().envelope, 'base64'), newDevice);
    const firstEnc = (await get(`/api/v1/certificates/${first.enc.serial}`, tokens.counter)).json();
    expect(key.publicKey.equals(certificatePublicKey(parseCertificate(firstEnc.pem)))).toBe(true);
    const again = await post(`/api/v1/kmc/recoveries/${id}/deliver`, tokens.counter!, {
      csr: csrPem(newDevice),
    });
    expect([again.statusCode, again.json().code]).toEqual([409, 'YZ_ERR_STATE']);
  });

  it('ok/R26 mismatches wait in the review queue; the submitter cannot approve; another reviewer approves or rejects', async () => {
    const submit = async (legalRepresentative: string) => {
      const response = await post('/api/v1/applications', tokens.counterReviewer!, {
        csr: csrPem(Sm2PrivateKey.generate(), NINGBO.name),
        legalPerson: { ...NINGBO, legalRepresentative },
      });
      expect(response.statusCode).toBe(202);
      return response.json();
    };
    const toApprove = await submit('李思');
    const toReject = await submit('王五');
    expect(toReject.check).toMatchObject({
      outcome: 'mismatch',
      differences: [{ field: 'legalRepresentative', applied: '王五', registry: '李四' }],
    });
    const queue = (await get('/api/v1/applications?state=review', tokens.reviewer)).json();
    expect(queue.map((a: { id: string }) => a.id).sort()).toEqual(
      [toApprove.application.id, toReject.application.id].sort(),
    );
    const own = await post(
      `/api/v1/applications/${toApprove.application.id}/approve`,
      tokens.counterReviewer!,
    );
    expect([own.statusCode, own.json().code]).toEqual([409, 'YZ_ERR_STATE']);
    const approved = await post(
      `/api/v1/applications/${toApprove.application.id}/approve`,
      tokens.reviewer!,
      {
        note: '法定代表人姓名笔误，营业执照核对无误',
      },
    );
    expect(approved.statusCode).toBe(201);
    expect(approved.json().sign).toMatchObject({ uscc: NINGBO.uscc, status: 'valid' });
    const rejected = await post(`/api/v1/applications/${toReject.application.id}/reject`, tokens.reviewer!, {
      reason: '法定代表人与法人库不一致',
    });
    expect(rejected.json()).toMatchObject({ state: 'rejected', actor: 'operator:wang' });
    expect((await get('/api/v1/applications?state=review', tokens.reviewer)).json()).toEqual([]);
  });

  it('ok/R23 a registry notice revokes in batch (text/csv), line by line', async () => {
    const notice = [
      '# 浙江省市场监督管理局 注销公告 2026-03',
      `${NINGBO.uscc},deregistered,浙市监注〔2026〕1号`,
      '91330108MA2D5E6F71,revoked,浙市监吊〔2026〕2号',
    ].join('\n');
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/revocations/batch',
      token: api.adminToken,
      headers: { 'content-type': 'text/csv' },
      payload: notice,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      processed: 2,
      revoked: 2,
      failed: 0,
      results: [
        { uscc: NINGBO.uscc, ok: true, revoked: 2 },
        { uscc: '91330108MA2D5E6F71', ok: true, revoked: 0 },
      ],
    });
    const ningbo = (await get(`/api/v1/certificates?uscc=${NINGBO.uscc}`, tokens.counter)).json();
    expect(ningbo.map((c: { revocationReason: string }) => c.revocationReason)).toEqual([
      'cessationOfOperation',
      'cessationOfOperation',
    ]);
  });

  it('ok/R23 the holder suspends its own pair, the counter resumes it, the holder revokes it', async () => {
    const serial = current.sign.serial;
    const suspended = await post(`/api/v1/certificates/${serial}/suspend`, applicantToken, { note: '挂失' });
    expect(suspended.json().map((c: { status: string }) => c.status)).toEqual(['suspended', 'suspended']);
    const byHolder = await post(`/api/v1/certificates/${serial}/resume`, applicantToken);
    expect([byHolder.statusCode, byHolder.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    expect((await post(`/api/v1/certificates/${serial}/resume`, tokens.counter!)).json()[0].status).toBe(
      'valid',
    );
    const revoked = await post(`/api/v1/certificates/${serial}/revoke`, applicantToken, {
      reason: 'cessationOfOperation',
    });
    expect(revoked.json().map((c: { revocationReason: string }) => c.revocationReason)).toEqual([
      'cessationOfOperation',
      'cessationOfOperation',
    ]);
    const entry = (await api.platform.store.read.auditEntries(1)).findLast(
      (e) => e.action === 'certificate.revoke',
    );
    expect(entry).toMatchObject({ actor: `legal-person:${HANGZHOU.uscc}`, reason: '持有人申请 holder' });
  });

  it('ok/R27 the holder reads its history: every business step in order', async () => {
    const history = (await get(`/api/v1/legal-persons/${HANGZHOU.uscc}/history`, applicantToken)).json();
    expect(history.applications.map((a: { businessType: string }) => a.businessType)).toEqual([
      'new',
      'renew',
      'change',
      'reissue',
      'unlock',
    ]);
    expect(history.media.map((m: { serial: string }) => m.serial)).toEqual(['FT2026030100001']);
    expect(JSON.stringify(history)).not.toMatch(/soPin/);
  });

  it('ok/R4 R25 the regulator reads statistics and nothing else; the auditor verifies the audit chain', async () => {
    const stats = await get('/api/v1/statistics?days=30', tokens.regulator);
    expect(stats.statusCode).toBe(200);
    // valid: the first pair (renewal keeps it until it expires) and the OCSP responder certificate;
    // revoked: the renewed, changed and reissued pairs of 杭州 and the pair of 宁波 (batch)
    expect(stats.json()).toMatchObject({
      legalPersons: 2,
      certificatesByStatus: { revoked: 8, valid: 3 },
      certificatesByRole: { sign: 5, enc: 5, ocsp: 1 },
      applicationsByBusinessType: { new: 3, renew: 1, change: 1, reissue: 1, unlock: 1 },
      afterSales: { reissue: 1, unlock: 1, recover: 0 },
      expiring: 0,
    });
    const refused = await get('/api/v1/certificates', tokens.regulator);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'YZ_ERR_FORBIDDEN']);
    const audit = await get('/api/v1/audit/verify', tokens.auditor);
    expect(audit.json()).toMatchObject({ valid: true, problem: null, checkpoint: { signatureValid: true } });
    expect(audit.json().entries).toBe(await api.auditCount());
  });
});
