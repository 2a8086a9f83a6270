/**
 * The business API refuses bad input and wrong callers and changes nothing (issue 5 "Bad input:
 * unauthenticated or wrong-role calls → 401/403 with nothing changed"; "errors as
 * application/problem+json with a YZ_ERR_* code"; "size limits; rate limits on … unlock"): bad
 * certificate requests, roles and API scopes, a legal person reaching for another USCC, oversized
 * bodies, unknown objects, staff revocations without their reference, a notice with a bad line;
 * and the back office (fees published to anyone, profile versions, policy) and the application
 * department's query and verify interface (R25, R39).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, utf8 } from '@yizheng/gm';
import { type ApiHarness, HANGZHOU, NINGBO, csrBase64, csrPem, openApiHarness } from './api-support.js';
import { UNLOCK_RATE_LIMITS } from '../src/index.js';

let api: ApiHarness;
const tokens: Record<string, string> = {};
const holder = Sm2PrivateKey.generate();
/** The pairs issued in `beforeAll`, as the API answered them. */
interface IssuedJson {
  readonly sign: { readonly serial: string };
  readonly enc: { readonly serial: string };
  readonly signCertificate: string;
}
const pairs = {} as Record<'hangzhou' | 'ningbo', IssuedJson>;

const post = (url: string, token: string | undefined, payload: unknown = {}) =>
  api.call({ method: 'POST', url, ...(token ? { token } : {}), payload });
const get = (url: string, token?: string) => api.call({ method: 'GET', url, ...(token ? { token } : {}) });

beforeAll(async () => {
  api = await openApiHarness('yz-api-refusals-');
  tokens.counter = await api.operator('sun', ['branch-operator']);
  tokens.regulator = await api.operator('jian', ['regulator']);
  tokens.auditor = await api.operator('shen', ['auditor']);
  tokens.reviewer = await api.operator('wang', ['reviewer']);
  for (const [which, person, key] of [
    ['hangzhou', HANGZHOU, holder],
    ['ningbo', NINGBO, Sm2PrivateKey.generate()],
  ] as const) {
    const response = await post('/api/v1/applications', tokens.counter, {
      csr: csrPem(key, person.name),
      legalPerson: person,
    });
    if (response.statusCode !== 201) throw new Error(response.body);
    pairs[which] = response.json().pair;
  }
  tokens.applicant = await api.legalPerson(pairs.hangzhou.signCertificate, holder);
  const client = async (scopes: string[]) =>
    (
      await post('/api/v1/clients', api.adminToken, {
        name: '某某市政务服务平台',
        department: '某某市数据局',
        scopes,
      })
    ).json().key as string;
  tokens.queryClient = await client(['certificates:query']);
  tokens.verifyClient = await client(['certificates:verify', 'statistics:read']);
});
afterAll(async () => api?.close());

/** Runs `act`, expects the problem `[status, code]`, and that the audit trail did not grow. */
async function refusedUnchanged(
  act: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<void> {
  const before = await api.auditCount();
  const response = await act();
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect([response.statusCode, response.json().code]).toEqual([status, code]);
  expect(await api.auditCount()).toBe(before);
}

describe('refusals of the business API', () => {
  it('error/a bad certificate request is 400 YZ_ERR_INPUT and nothing is stored', async () => {
    const good = csrBase64(Sm2PrivateKey.generate(), NINGBO.name);
    const der = Buffer.from(good, 'base64');
    der[der.length - 5]! ^= 0x01; // the signature no longer verifies: no proof of possession
    for (const csr of [
      'not base64 at all!',
      Buffer.from('garbage').toString('base64'),
      der.toString('base64'),
    ])
      await refusedUnchanged(
        () => post('/api/v1/applications', tokens.counter, { csr, legalPerson: NINGBO }),
        400,
        'YZ_ERR_INPUT',
      );
    await refusedUnchanged(
      () =>
        post('/api/v1/applications', tokens.counter, {
          csr: good,
          legalPerson: { ...NINGBO, uscc: '91330201MA2C3D4E56' },
        }),
      400,
      'YZ_ERR_USCC',
    );
    await refusedUnchanged(
      () => post('/api/v1/applications', tokens.counter, { csr: good, legalPerson: NINGBO, channel: 'fax' }),
      400,
      'YZ_ERR_INPUT',
    );
  });

  it('error/wrong role: 403 YZ_ERR_FORBIDDEN before the body is read; no credentials: 401', async () => {
    await refusedUnchanged(
      () => post('/api/v1/applications', tokens.regulator, { csr: 'x', legalPerson: NINGBO }),
      403,
      'YZ_ERR_FORBIDDEN',
    );
    await refusedUnchanged(
      () =>
        post(`/api/v1/certificates/${pairs.ningbo.sign.serial}/revoke`, tokens.auditor, {
          requestedBy: 'ca',
          note: 'x',
        }),
      403,
      'YZ_ERR_FORBIDDEN',
    );
    await refusedUnchanged(
      () => post('/api/v1/fees', tokens.counter, { items: [] }),
      403,
      'YZ_ERR_FORBIDDEN',
    );
    await refusedUnchanged(() => get('/api/v1/statistics'), 401, 'YZ_ERR_UNAUTHENTICATED');
  });

  it('error/a legal person reaching another USCC: 403 YZ_ERR_OUT_OF_SCOPE, nothing changed', async () => {
    const other = pairs.ningbo.sign.serial;
    const attempts = [
      () =>
        post('/api/v1/applications', tokens.applicant, {
          csr: csrPem(Sm2PrivateKey.generate()),
          legalPerson: NINGBO,
        }),
      () => post(`/api/v1/certificates/${other}/revoke`, tokens.applicant, { reason: 'keyCompromise' }),
      () => post(`/api/v1/certificates/${other}/suspend`, tokens.applicant),
      () =>
        post(`/api/v1/certificates/${other}/renew`, tokens.applicant, {
          csr: csrPem(Sm2PrivateKey.generate()),
        }),
      () => get(`/api/v1/certificates/${other}.der`, tokens.applicant),
      () => get(`/api/v1/certificates?uscc=${NINGBO.uscc}`, tokens.applicant),
      () => get(`/api/v1/legal-persons/${NINGBO.uscc}/history`, tokens.applicant),
      () => get(`/api/v1/applications?uscc=${NINGBO.uscc}`, tokens.applicant),
    ];
    for (const attempt of attempts) await refusedUnchanged(attempt, 403, 'YZ_ERR_OUT_OF_SCOPE');
    const ningbo = (await get(`/api/v1/certificates/${other}`, tokens.counter)).json();
    expect(ningbo.status).toBe('valid');
    // its own are within reach, and the counter is not a channel it can claim
    expect((await get(`/api/v1/certificates?uscc=${HANGZHOU.uscc}`, tokens.applicant)).json()).toHaveLength(
      2,
    );
    await refusedUnchanged(
      () =>
        post(`/api/v1/certificates/${pairs.hangzhou.sign.serial}/reissue`, tokens.applicant, {
          csr: csrPem(Sm2PrivateKey.generate()),
          channel: 'counter',
        }),
      400,
      'YZ_ERR_INPUT',
    );
  });

  it('error/an oversized body is 413 YZ_ERR_BODY_TOO_LARGE', async () => {
    await refusedUnchanged(
      () =>
        post('/api/v1/applications', tokens.counter, {
          csr: 'A'.repeat(1024 * 1024 + 1),
          legalPerson: NINGBO,
        }),
      413,
      'YZ_ERR_BODY_TOO_LARGE',
    );
  });

  it('error/unknown objects are 404 with their code', async () => {
    for (const [url, code] of [
      ['/api/v1/certificates/ABCDEF0123456789', 'YZ_ERR_CERT_NOT_FOUND'],
      ['/api/v1/certificates/ABCDEF0123456789.der', 'YZ_ERR_CERT_NOT_FOUND'],
      ['/api/v1/applications/app-00000000-0000-4000-8000-000000000000', 'YZ_ERR_NOT_FOUND'],
      ['/api/v1/legal-persons/91330108MA2D5E6F71', 'YZ_ERR_NOT_FOUND'],
    ] as const)
      await refusedUnchanged(() => get(url, tokens.counter), 404, code);
    await refusedUnchanged(
      () =>
        post('/api/v1/certificates/ABCDEF0123456789/revoke', tokens.counter, {
          requestedBy: 'holder',
          note: '申请表 0001',
        }),
      404,
      'YZ_ERR_CERT_NOT_FOUND',
    );
    await refusedUnchanged(
      () => post('/api/v1/applications/app-00000000-0000-4000-8000-000000000000/approve', tokens.reviewer),
      404,
      'YZ_ERR_NOT_FOUND',
    );
    await refusedUnchanged(
      () =>
        post('/api/v1/media/FT-NO-SUCH-KEY/personalise', tokens.counter, {
          certificateSerial: pairs.hangzhou.sign.serial,
        }),
      404,
      'YZ_ERR_MEDIUM_NOT_FOUND',
    );
  });

  it('error/R23 staff revoke on a request: who asked and the reference are required, then audited', async () => {
    const url = `/api/v1/certificates/${pairs.ningbo.sign.serial}/revoke`;
    await refusedUnchanged(() => post(url, tokens.counter, { reason: 'keyCompromise' }), 400, 'YZ_ERR_INPUT');
    await refusedUnchanged(() => post(url, tokens.counter, { requestedBy: 'judicial' }), 400, 'YZ_ERR_INPUT');
    const revoked = await post(url, tokens.counter, {
      reason: 'privilegeWithdrawn',
      requestedBy: 'judicial',
      note: '（2026）浙0106执123号 协助执行通知书',
    });
    expect(revoked.json().map((c: { status: string }) => c.status)).toEqual(['revoked', 'revoked']);
    const entries = await api.platform.store.read.auditEntries(1);
    expect(entries.findLast((e) => e.action === 'certificate.revoke')).toMatchObject({
      actor: 'operator:sun',
      reason: '司法机关 judicial authority: （2026）浙0106执123号 协助执行通知书',
    });
  });

  it('error/a registry notice with a bad line is refused whole: nothing revoked', async () => {
    await refusedUnchanged(
      () =>
        api.call({
          method: 'POST',
          url: '/api/v1/revocations/batch',
          token: api.adminToken,
          headers: { 'content-type': 'text/csv' },
          payload: `${HANGZHOU.uscc},deregistered\n91330201MA2C3D4E56,deregistered\n`,
        }),
      400,
      'YZ_ERR_INPUT',
    );
    expect(
      (await get(`/api/v1/certificates/${pairs.hangzhou.sign.serial}`, tokens.counter)).json().status,
    ).toBe('valid');
  });

  it('error/unlock requests are rate-limited per caller: 429 YZ_ERR_RATE_LIMITED with Retry-After', async () => {
    const token = await api.operator('zhao', ['branch-operator']);
    const body = { challenge: '0011223344556677', evidence: { kind: 'counter', reference: '柜面核验' } };
    for (let i = 0; i < UNLOCK_RATE_LIMITS.perCaller.limit; i++)
      expect((await post(`/api/v1/media/FT-PROBE-${i}/unlock`, token, body)).statusCode).toBe(404);
    const limited = await post('/api/v1/media/FT-PROBE-LAST/unlock', token, body);
    expect([limited.statusCode, limited.json().code]).toEqual([429, 'YZ_ERR_RATE_LIMITED']);
    expect(Number(limited.headers['retry-after'])).toBe(UNLOCK_RATE_LIMITS.perCaller.minutes * 60);
    // another caller is not held up
    expect((await post('/api/v1/media/FT-PROBE-LAST/unlock', tokens.counter, body)).statusCode).toBe(404);
  });
});

describe('application departments (R25, R39): query and verify under their scopes', () => {
  it('ok/certificates:query finds certificates and legal persons, but not the history', async () => {
    const found = (
      await get(`/api/v1/certificates?uscc=${HANGZHOU.uscc}&role=sign`, tokens.queryClient)
    ).json();
    expect(found.map((c: { serial: string }) => c.serial)).toEqual([pairs.hangzhou.sign.serial]);
    expect((await get(`/api/v1/legal-persons/${HANGZHOU.uscc}`, tokens.queryClient)).json()).toMatchObject(
      HANGZHOU,
    );
    await refusedUnchanged(
      () => get(`/api/v1/legal-persons/${HANGZHOU.uscc}/history`, tokens.queryClient),
      403,
      'YZ_ERR_FORBIDDEN',
    );
    await refusedUnchanged(
      () => post('/api/v1/certificates/verify', tokens.queryClient, { certificate: 'x' }),
      403,
      'YZ_ERR_FORBIDDEN',
    );
    await refusedUnchanged(() => get('/api/v1/statistics', tokens.queryClient), 403, 'YZ_ERR_FORBIDDEN');
    await refusedUnchanged(
      () => get(`/api/v1/certificates/${pairs.hangzhou.sign.serial}`, tokens.verifyClient),
      403,
      'YZ_ERR_FORBIDDEN',
    );
  });

  it('ok/certificates:verify: issued here, valid now, and whether a signature verifies', async () => {
    const data = utf8('某某市政务服务平台 办件 2026-0301-0001');
    const signature = Buffer.from(holder.sign(data)).toString('base64');
    const verify = (body: object) => post('/api/v1/certificates/verify', tokens.verifyClient, body);
    const good = await verify({
      certificate: pairs.hangzhou.signCertificate,
      data: Buffer.from(data).toString('base64'),
      signature,
    });
    expect(good.json()).toMatchObject({
      issuedHere: true,
      validNow: true,
      signatureValid: true,
      certificate: { serial: pairs.hangzhou.sign.serial, status: 'valid' },
    });
    const tampered = await verify({
      certificate: pairs.hangzhou.signCertificate,
      data: Buffer.from(utf8('某某市政务服务平台 办件 2026-0301-0002')).toString('base64'),
      signature,
    });
    expect(tampered.json()).toMatchObject({ issuedHere: true, signatureValid: false });
    // the revoked 宁波 certificate is ours but not valid now
    const ningbo = (await get(`/api/v1/certificates/${pairs.ningbo.sign.serial}`, tokens.counter)).json();
    expect((await verify({ certificate: ningbo.pem })).json()).toMatchObject({
      issuedHere: true,
      validNow: false,
      signatureValid: null,
      certificate: { status: 'revoked' },
    });
    const issuingCa = (await api.platform.store.read.listCas())[0]!.certificateDer!;
    expect((await verify({ certificate: Buffer.from(issuingCa).toString('base64') })).json()).toMatchObject({
      issuedHere: false,
      validNow: false,
      certificate: null,
    });
    await refusedUnchanged(
      () => verify({ certificate: Buffer.from('garbage').toString('base64') }),
      400,
      'YZ_ERR_INPUT',
    );
    expect((await get('/api/v1/statistics', tokens.verifyClient)).statusCode).toBe(200);
  });

  it('ok/a name search takes % and _ literally', async () => {
    expect((await get('/api/v1/certificates?name=%25', tokens.queryClient)).json()).toEqual([]);
    const byName = (
      await get(`/api/v1/certificates?name=${encodeURIComponent('宁波某某')}`, tokens.queryClient)
    ).json();
    expect(byName.map((c: { uscc: string }) => c.uscc)).toEqual([NINGBO.uscc, NINGBO.uscc]);
  });
});

describe('the back office', () => {
  it('ok/R17 the fee schedule is public; a CA administrator publishes a new version', async () => {
    const published = (await get('/api/v1/fees')).json();
    expect(published).toMatchObject({
      version: 1,
      items: expect.arrayContaining([{ code: 'medium.usbkey', name: expect.any(String), amountFen: 8000 }]),
    });
    const items = published.items.map((i: { code: string; amountFen: number }) =>
      i.code === 'medium.usbkey' ? { ...i, amountFen: 6000 } : i,
    );
    const next = await post('/api/v1/fees', api.adminToken, { items });
    expect([next.statusCode, next.json().version]).toEqual([201, 2]);
    expect((await get('/api/v1/fees')).json().items).toEqual(items);
    await refusedUnchanged(
      () => post('/api/v1/fees', api.adminToken, { items: [{ code: 'Bad Code', name: 'x', amountFen: 1 }] }),
      400,
      'YZ_ERR_INPUT',
    );
  });

  it('ok/R4 profiles: a new version becomes active; a bad definition is 400 YZ_ERR_PROFILE', async () => {
    const profiles = (await get('/api/v1/profiles', tokens.reviewer)).json();
    const sign = profiles.find(
      (p: { id: string; active: boolean }) => p.id === 'legal-person-sign' && p.active,
    );
    await refusedUnchanged(
      () =>
        post('/api/v1/profiles/legal-person-sign', api.adminToken, {
          name: sign.name,
          definition: { ...sign.definition, validityDays: 0 },
        }),
      400,
      'YZ_ERR_PROFILE',
    );
    const saved = await post('/api/v1/profiles/legal-person-sign', api.adminToken, {
      name: sign.name,
      definition: { ...sign.definition, validityDays: 730 },
    });
    expect(saved.json()).toEqual({ id: 'legal-person-sign', version: sign.version + 1 });
    const after = (await get('/api/v1/profiles', tokens.reviewer)).json();
    expect(
      after
        .filter((p: { id: string }) => p.id === 'legal-person-sign')
        .map((p: { version: number; active: boolean }) => [p.version, p.active]),
    ).toEqual([
      [sign.version, false],
      [sign.version + 1, true],
    ]);
  });

  it('ok/R24 the service policy: read by staff, changed by a CA administrator, checked', async () => {
    expect((await get('/api/v1/policy', tokens.counter)).json()).toMatchObject({
      servicePeriod: null,
      retentionYears: 5,
    });
    await refusedUnchanged(
      () => api.call({ method: 'PATCH', url: '/api/v1/policy', token: api.adminToken, payload: {} }),
      400,
      'YZ_ERR_INPUT',
    );
    await refusedUnchanged(
      () =>
        api.call({
          method: 'PATCH',
          url: '/api/v1/policy',
          token: api.adminToken,
          payload: { servicePeriod: { from: '2026-12-31', to: '2026-01-01' } },
        }),
      400,
      'YZ_ERR_INPUT',
    );
    const changed = await api.call({
      method: 'PATCH',
      url: '/api/v1/policy',
      token: api.adminToken,
      payload: { servicePeriod: { from: '2026-01-01', to: '2028-12-31' }, maxUnlocksPerDay: 5 },
    });
    expect(changed.json()).toMatchObject({
      servicePeriod: { from: '2026-01-01T00:00:00.000Z', to: '2028-12-31T00:00:00.000Z' },
      maxUnlocksPerDay: 5,
    });
  });
});
