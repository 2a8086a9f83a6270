/**
 * The online subsystem through the API (R34, R17, R27): an agent registered at the counter logs
 * in with the SMS code read from the simulator's outbox, applies online for a new pair, the legal
 * representative signs the electronic authorisation letter and the pair is issued without manual
 * review; the letter is evidence; another legal person cannot reach it; the medium fee of an
 * online reissue is paid through the payment simulator's verified callback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, utf8 } from '@yizheng/gm';
import { type ApiHarness, HANGZHOU, NINGBO, csrPem, openApiHarness } from './api-support.js';

const AGENT = { name: '王五', idType: 'resident-id', idNumber: '330106199003070022', phone: '13800138000' };
let api: ApiHarness;
const repKey = Sm2PrivateKey.generate();
let repCertificate: string;
let repSerial: string;
let agentToken: string;

beforeAll(async () => {
  api = await openApiHarness('yz-portal-');
  const desk = await api.operator('counter-wang', ['branch-operator']);
  const issued = await api.call({
    method: 'POST',
    url: '/api/v1/applications',
    token: desk,
    payload: { csr: csrPem(repKey), legalPerson: HANGZHOU, agent: AGENT },
  });
  expect(issued.statusCode).toBe(201);
  repCertificate = issued.json().pair.signCertificate;
  repSerial = issued.json().pair.sign.serial;
}, 60_000);
afterAll(async () => api?.close());

async function smsCode(phone: string): Promise<string> {
  const outbox = await api.call({ method: 'GET', url: `/api/v1/dev/sms-outbox?phone=${phone}` });
  return /验证码为 (\d{6})/.exec(outbox.json()[0].text)![1]!;
}

/** The representative's signature on a letter's text, sent by the agent's session. */
const signLetter = (id: string, text: string) =>
  api.call({
    method: 'POST',
    url: `/api/v1/portal/letters/${id}/signature`,
    token: agentToken,
    payload: {
      signature: Buffer.from(repKey.sign(utf8(text))).toString('base64'),
      certificate: repCertificate,
    },
  });

describe('portal API (R34)', () => {
  it('error/an unregistered phone is refused and gets no message', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/portal/sms-code',
      payload: { uscc: HANGZHOU.uscc, phone: '13700137000' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('YZ_ERR_AGENT_NOT_REGISTERED');
  });

  it('ok/SMS login: the code from the simulator opens a legal-person session; a wrong one is 401', async () => {
    const sent = await api.call({
      method: 'POST',
      url: '/api/v1/portal/sms-code',
      payload: { uscc: HANGZHOU.uscc, phone: AGENT.phone },
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.json().phone).toBe('138****8000');
    const code = await smsCode(AGENT.phone);
    const wrong = await api.call({
      method: 'POST',
      url: '/api/v1/portal/session/sms',
      payload: { uscc: HANGZHOU.uscc, phone: AGENT.phone, code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('YZ_ERR_SMS_CODE');
    const login = await api.call({
      method: 'POST',
      url: '/api/v1/portal/session/sms',
      payload: { uscc: HANGZHOU.uscc, phone: AGENT.phone, code },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({
      principal: { kind: 'legal-person', uscc: HANGZHOU.uscc, roles: ['applicant'], name: HANGZHOU.name },
      agent: { name: '王五' },
    });
    agentToken = login.json().token;
  });

  it('ok/home: own certificates with days to expiry and the renewal window', async () => {
    const overview = await api.call({ method: 'GET', url: '/api/v1/portal/overview', token: agentToken });
    expect(overview.statusCode).toBe(200);
    const body = overview.json();
    expect(body).toMatchObject({ uscc: HANGZHOU.uscc, legalRepresentative: '张三', renewalWindowDays: 90 });
    expect(body.certificates.map((c: { role: string }) => c.role).sort()).toEqual(['enc', 'sign']);
    expect(body.certificates[0]).toMatchObject({ daysLeft: 365, renewalDue: false, status: 'valid' });
  });

  it('ok/online new pair approved by the representative’s authorisation letter, no manual review', async () => {
    const started = await api.call({
      method: 'POST',
      url: '/api/v1/portal/applications',
      token: agentToken,
      payload: {
        csr: csrPem(Sm2PrivateKey.generate()),
        agentPhone: AGENT.phone,
        materials: [
          {
            kind: 'business-licence',
            fileName: '营业执照.pdf',
            content: Buffer.from('licence').toString('base64'),
          },
        ],
      },
    });
    expect(started.statusCode).toBe(201);
    const { letter, application } = started.json();
    expect(application).toMatchObject({ state: 'submitted', channel: 'online' });
    expect(letter.text).toContain('法定代表人 legal representative: 张三');
    const tampered = await signLetter(letter.id, letter.text + ' ');
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('YZ_ERR_LETTER_SIGNATURE');
    const signed = await signLetter(letter.id, letter.text);
    expect(signed.statusCode).toBe(201);
    expect(signed.json()).toMatchObject({ outcome: 'approved', letter: { state: 'approved' } });
    const evidence = await api.call({
      method: 'GET',
      url: `/api/v1/portal/letters/${letter.id}`,
      token: agentToken,
    });
    expect(evidence.json()).toMatchObject({
      state: 'approved',
      signerCertificate: repCertificate,
      verification: { outcome: 'approved' },
    });
    const done = await api.call({
      method: 'GET',
      url: `/api/v1/applications/${application.id}`,
      token: agentToken,
    });
    expect(done.json()).toMatchObject({
      state: 'completed',
      data: { authorisationLetter: { outcome: 'approved' } },
    });
    const messages = await api.call({ method: 'GET', url: '/api/v1/portal/messages', token: agentToken });
    expect(messages.json()).toContainEqual(
      expect.objectContaining({ applicationId: application.id, state: 'completed', businessType: 'new' }),
    );
    expect(
      messages.json().filter((m: { applicationId: string }) => m.applicationId === application.id),
    ).toMatchObject([{ state: 'completed' }, { state: 'submitted' }]);
    const replay = await signLetter(letter.id, letter.text);
    expect(replay.json().code).toBe('YZ_ERR_LETTER_REPLAY');

    // another legal person cannot read the letter
    const ningboKey = Sm2PrivateKey.generate();
    const desk = await api.operator('counter-li', ['branch-operator']);
    const ningbo = await api.call({
      method: 'POST',
      url: '/api/v1/applications',
      token: desk,
      payload: { csr: csrPem(ningboKey, NINGBO.name), legalPerson: NINGBO },
    });
    const ningboToken = await api.legalPerson(ningbo.json().pair.signCertificate, ningboKey);
    const foreign = await api.call({
      method: 'GET',
      url: `/api/v1/portal/letters/${letter.id}`,
      token: ningboToken,
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('YZ_ERR_OUT_OF_SCOPE');
  });

  it('ok/an online reissue’s medium fee is paid through the verified callback; a forged one is refused', async () => {
    const reissued = await api.call({
      method: 'POST',
      url: `/api/v1/certificates/${repSerial}/reissue`,
      token: agentToken,
      payload: { csr: csrPem(Sm2PrivateKey.generate()) },
    });
    expect(reissued.statusCode).toBe(201);
    const charges = await api.call({ method: 'GET', url: '/api/v1/portal/charges', token: agentToken });
    const due = charges.json().charges.find((c: { status: string }) => c.status === 'due');
    expect(due).toMatchObject({ amountFen: 8000, applicationId: reissued.json().applicationId });
    const ordered = await api.call({
      method: 'POST',
      url: '/api/v1/portal/payments',
      token: agentToken,
      payload: { applicationId: due.applicationId },
    });
    expect(ordered.statusCode).toBe(201);
    const order = ordered.json().order;
    expect(order).toMatchObject({ amountFen: 8000, scheduleVersion: 1, state: 'created' });
    const forged = await api.call({
      method: 'POST',
      url: '/api/v1/payments/callback',
      payload: {
        orderId: order.id,
        providerRef: 'X1',
        amountFen: 8000,
        paidAt: '2026-03-01T08:00:00.000Z',
        signature: '00'.repeat(32),
      },
    });
    expect(forged.statusCode).toBe(409);
    expect(forged.json().code).toBe('YZ_ERR_PAYMENT');
    const settled = await api.call({ method: 'POST', url: `/api/v1/dev/payments/${order.id}/settle` });
    expect(settled.statusCode).toBe(200);
    expect(settled.json()).toMatchObject({ state: 'paid' });
    const after = await api.call({ method: 'GET', url: '/api/v1/portal/charges', token: agentToken });
    expect(after.json().charges.find((c: { id: string }) => c.id === due.id).status).toBe('paid');
  });
});
