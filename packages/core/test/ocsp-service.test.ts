/**
 * The OCSP responder of the core (R5 status; RFC 6960 / RFC 5019, beyond the seed), on SQLite and
 * PostgreSQL: the delegated responder certificate (profile ocsp-signing: id-kp-OCSPSigning,
 * id-pkix-ocsp-nocheck, key in the vault, renewable), good / revoked / unknown by SM3, SHA-1 and
 * SHA-256 CertIDs, nonces, pre-produced responses that a status change — seen through the
 * StatusWatch, from this node or another — replaces, and the refusals. Responses are checked by
 * our verifier and BouncyCastle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, toHex } from '@yizheng/gm';
import {
  type Certificate,
  type CertIdHash,
  Oid,
  buildOcspRequest,
  certificatePublicKey,
  formatName,
  parseCertificate,
  parseOcspResponse,
  readExtension,
  verifyCertificateSignature,
  verifyOcspResponse,
} from '@yizheng/pki';
import {
  type CaContext,
  FixedClock,
  type IssuanceContext,
  type IssuedPair,
  OcspService,
  StatusWatch,
  type Store,
  StoreKeyVault,
  currentResponderCertificate,
  ensureResponderCertificate,
  issueDual,
  issueResponderCertificate,
  resumeCertificate,
  revokeCertificate,
  suspendCertificate,
} from '../src/index.js';
import { openStore } from '@yizheng/store';
import {
  STORE_KINDS,
  TEST_DATABASE_URL,
  type TestStore,
  openTestStore,
} from '../../../tools/test-support/stores.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';
import { makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const DAY = 86_400_000;

const csr = () => csrDer('杭州某某科技有限公司');

describe.each(STORE_KINDS)('OCSP responder on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  let ca: Certificate;
  let caId: string;
  const clock = new FixedClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    const record = (await t.store.read.listCas())[0]!;
    caId = record.id;
    ca = parseCertificate(record.certificateDer!);
  });
  afterAll(async () => t?.dispose());

  const issuePair = (): Promise<IssuedPair> =>
    issueDual(context, {
      request: csr(),
      legalPerson: { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司' },
      channel: 'counter',
      actor: 'op',
    });
  const request = (
    serial: string,
    options: { hash?: CertIdHash; nonce?: Uint8Array; issuer?: Certificate } = {},
  ) =>
    buildOcspRequest({
      certs: [{ issuer: options.issuer ?? ca, serialNumber: BigInt('0x' + serial) }],
      ...(options.hash ? { hash: options.hash } : {}),
      ...(options.nonce ? { nonce: options.nonce } : {}),
    }).der;

  it('error/no responder certificate yet: tryLater', async () => {
    const service = new OcspService(context);
    const pair = await issuePair();
    expect((await service.respond(request(pair.sign.serial))).status).toBe('tryLater');
  });

  it('ok/responder certificate from the ocsp-signing profile: OCSPSigning, nocheck, key in the vault, issued by the CA', async () => {
    const responder = await issueResponderCertificate(context, { caId, actor: 'op' });
    const cert = responder.certificate;
    const exts = cert.tbs.extensions;
    expect(readExtension(exts, 'extKeyUsage')).toEqual([Oid.ocspSigning]);
    expect(exts?.find((e) => e.oid === Oid.ocspNoCheck)).toBeDefined();
    expect(exts?.find((e) => e.oid === Oid.keyUsage)).toMatchObject({ critical: true });
    expect(readExtension(exts, 'keyUsage')).toEqual(['digitalSignature']);
    expect(readExtension(exts, 'cRLDistributionPoints')).toBeUndefined();
    expect(readExtension(exts, 'unifiedSocialCreditCode')).toBeUndefined();
    expect(formatName(cert.tbs.issuer)).toBe(formatName(ca.tbs.subject));
    expect(formatName(cert.tbs.subject)).toMatch(/CN=某某省法人数字证书CA（演示） OCSP$/);
    expect(verifyCertificateSignature(cert, certificatePublicKey(ca))).toBe(true);
    expect(cert.tbs.validity.notAfter.getTime() - cert.tbs.validity.notBefore.getTime()).toBe(90 * DAY);
    expect(certificatePublicKey(cert).equals(await context.vault.publicKey(responder.keyRef))).toBe(true);
    expect(responder.record).toMatchObject({ role: 'ocsp', caId, uscc: null, status: 'valid' });
    expect((await currentResponderCertificate(t.store, caId, clock.now()))?.record.serial).toBe(
      responder.record.serial,
    );
    expect((await t.store.read.auditEntries(1)).at(-1)).toMatchObject({
      action: 'ocsp.responder.issue',
      object: `certificate:${caId}:${responder.record.serial}`,
    });
  });

  it('ok/good, revoked (reason), suspended (certificateHold) and unknown, by SM3, SHA-1 and SHA-256 CertIDs; our verifier and BouncyCastle agree', async () => {
    const service = new OcspService(context);
    const good = await issuePair();
    const revoked = await issuePair();
    const held = await issuePair();
    await revokeCertificate(context, { serial: revoked.sign.serial, reason: 'keyCompromise', actor: 'op' });
    await suspendCertificate(context, { serial: held.sign.serial, actor: 'op' });
    const responder = (await currentResponderCertificate(t.store, caId, clock.now()))!;
    const cases = [
      [good.sign.serial, 'sm3', 'good'],
      [revoked.enc.serial, 'sha1', 'revoked:1'],
      [held.sign.serial, 'sha256', 'revoked:6'],
      ['7E57AB1E0000000000000001', 'sm3', 'unknown'],
    ] as const;
    const answers = [];
    for (const [serial, hash] of cases) answers.push(await service.respond(request(serial, { hash })));
    for (const answer of answers) {
      expect(answer.status).toBe('successful');
      const parsed = parseOcspResponse(answer.der);
      expect(verifyOcspResponse(parsed, { issuer: ca, now: clock.now() })).toMatchObject({
        valid: true,
        signedBy: 'delegated',
      });
      expect(answer.nextUpdate!.getTime() - answer.thisUpdate!.getTime()).toBe(3_600_000);
    }
    const revokedStatus = parseOcspResponse(answers[1]!.der).basic!.responses[0]!.status;
    expect(revokedStatus).toEqual({ type: 'revoked', time: new Date(clock.now()), reason: 'keyCompromise' });
    const bc = runBc(answers.map((a) => `ocsp-verify ${bcHex(responder.certificate.der)} ${bcHex(a.der)}`));
    expect(bc.map((a) => a.error || a.fields.join(' '))).toEqual(
      cases.map(([, , status]) => `true ${status}`),
    );
  });

  it('ok/a nonce is echoed in a fresh signature; nonce-less answers are pre-produced only while a watch follows', async () => {
    const pair = await issuePair();
    const unwatched = new OcspService(context);
    await unwatched.respond(request(pair.sign.serial));
    expect(unwatched.cachedResponses).toBe(0);

    const watch = new StatusWatch(t.store);
    await watch.poll();
    const service = new OcspService(context, { watch });
    const first = await service.respond(request(pair.sign.serial));
    clock.advance(1000);
    const again = await service.respond(request(pair.sign.serial));
    expect(toHex(again.der)).toBe(toHex(first.der));
    expect([first.cacheable, service.cachedResponses]).toEqual([true, 1]);
    // the same certificate asked by SHA-1 is another CertID to echo: its own response
    await service.respond(request(pair.sign.serial, { hash: 'sha1' }));
    expect(service.cachedResponses).toBe(2);

    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const withNonce = await service.respond(request(pair.sign.serial, { nonce }));
    expect(withNonce.cacheable).toBe(false);
    expect(
      verifyOcspResponse(parseOcspResponse(withNonce.der), { issuer: ca, now: clock.now(), nonce }),
    ).toMatchObject({
      valid: true,
    });
    const otherNonce = await service.respond(
      request(pair.sign.serial, { nonce: nonce.map((b) => b ^ 0xff) }),
    );
    expect(toHex(otherNonce.der)).not.toBe(toHex(withNonce.der));
    expect(service.cachedResponses).toBe(2);
  });

  it('ok/a request seen before is answered by its bytes from the held response, and nonces by the held status, still following changes (R6)', async () => {
    const watch = new StatusWatch(t.store);
    await watch.poll();
    const service = new OcspService(context, { watch });
    const pair = await issuePair();
    const statusOf = async (der: Uint8Array) =>
      parseOcspResponse((await service.respond(der)).der).basic!.responses[0]!.status;
    // not remembered: unknown serials (anyone may ask for any number), nonces, other CAs
    expect(await statusOf(request('7E57'))).toEqual({ type: 'unknown' });
    expect(await statusOf(request('7E57'))).toEqual({ type: 'unknown' });
    await service.respond(request(pair.sign.serial, { nonce: new Uint8Array(16).fill(7) }));
    const other = makeRoot('某某其他认证根CA');
    expect((await service.respond(request(pair.sign.serial, { issuer: other.cert }))).status).toBe(
      'unauthorized',
    );
    expect(service.rememberedRequests).toBe(0);

    const sm3 = request(pair.sign.serial);
    const first = await service.respond(sm3);
    expect(toHex((await service.respond(sm3)).der)).toBe(toHex(first.der));
    await service.respond(request(pair.sign.serial, { hash: 'sha1' }));
    expect(service.rememberedRequests).toBe(2);
    // a nonce costs a signature, not a read: the status is held like the pre-produced answer
    const withNonce = () => request(pair.sign.serial, { nonce: Uint8Array.from(randomBytes(16)) });
    expect(await statusOf(withNonce())).toEqual({ type: 'good' });
    await revokeCertificate(context, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'op' });
    expect(await statusOf(sm3)).toEqual({ type: 'good' }); // until the watch reports it
    expect(await statusOf(withNonce())).toEqual({ type: 'good' });
    await watch.poll();
    expect(await statusOf(sm3)).toMatchObject({ type: 'revoked', reason: 'keyCompromise' });
    expect(await statusOf(withNonce())).toMatchObject({ type: 'revoked', reason: 'keyCompromise' });
    expect(await statusOf(request(pair.sign.serial, { hash: 'sha1' }))).toMatchObject({ type: 'revoked' });
  });

  it('ok/a revocation, suspension and resumption replace the pre-produced responses once the watch reports them', async () => {
    const watch = new StatusWatch(t.store);
    await watch.poll();
    const service = new OcspService(context, { watch });
    const pair = await issuePair();
    const statusOf = async () =>
      parseOcspResponse((await service.respond(request(pair.sign.serial))).der).basic!.responses[0]!.status;
    expect(await statusOf()).toEqual({ type: 'good' });
    await suspendCertificate(context, { serial: pair.sign.serial, actor: 'op' });
    expect(await statusOf()).toEqual({ type: 'good' }); // pre-produced, until the watch reports
    expect((await watch.poll()).map((e) => e.type === 'certificate' && e.action)).toContain(
      'certificate.suspend',
    );
    expect(await statusOf()).toMatchObject({ type: 'revoked', reason: 'certificateHold' });
    await resumeCertificate(context, { serial: pair.sign.serial, actor: 'op' });
    await watch.poll();
    expect(await statusOf()).toEqual({ type: 'good' });
    await revokeCertificate(context, { serial: pair.enc.serial, reason: 'affiliationChanged', actor: 'op' });
    await watch.poll();
    expect(await statusOf()).toMatchObject({ type: 'revoked', reason: 'affiliationChanged' });
  });

  it('ok/half-way through its validity a pre-produced response is re-signed; a responder renewed is used from then on', async () => {
    const watch = new StatusWatch(t.store);
    await watch.poll();
    const service = new OcspService(context, { watch, validityMinutes: 10 });
    const pair = await issuePair();
    const first = await service.respond(request(pair.sign.serial));
    clock.advance(6 * 60_000);
    expect(toHex((await service.respond(request(pair.sign.serial))).der)).toBe(toHex(first.der)); // still valid
    await new Promise((r) => setTimeout(r, 50)); // the background re-signing
    const refreshed = await service.respond(request(pair.sign.serial));
    expect(refreshed.thisUpdate).toEqual(new Date(Math.floor(clock.now().getTime() / 1000) * 1000));

    const before = (await currentResponderCertificate(t.store, caId, clock.now()))!;
    expect((await ensureResponderCertificate(context, { caId, actor: 'op' })).issued).toBe(false);
    clock.advance(70 * DAY);
    const renewed = await ensureResponderCertificate(context, { caId, actor: 'op' });
    expect(renewed.issued).toBe(true);
    expect(renewed.responder.record.serial).not.toBe(before.record.serial);
    await watch.poll();
    const answer = parseOcspResponse((await service.respond(request(pair.sign.serial))).der);
    expect(answer.basic!.certificates[0]!.der).toEqual(renewed.responder.certificate.der);
  });

  it('ok/a response whose status was read before a change is served but not kept', async () => {
    const pair = await issuePair();
    let gate = (): void => undefined;
    let reading = false;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    const read = new Proxy(t.store.read, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'getCertificate' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          reading = true;
          await opened;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const store: Store = {
      read,
      transaction: (work) => t.store.transaction(work),
      close: async () => undefined,
    };
    const watch = new StatusWatch(t.store);
    await watch.poll();
    const service = new OcspService({ ...context, store } as CaContext, { watch });
    const answering = service.respond(request(pair.sign.serial));
    while (!reading) await new Promise((r) => setTimeout(r, 1));
    service.applyEvents([
      { type: 'certificate', seq: 0, action: 'certificate.revoke', caId, serial: pair.sign.serial },
    ]);
    gate();
    expect((await answering).status).toBe('successful');
    expect(service.cachedResponses).toBe(0);
  });

  it('error/malformed requests, too many certificates, a CA that is not ours', async () => {
    const service = new OcspService(context, { maxCertificatesPerRequest: 2 });
    const pair = await issuePair();
    const good = request(pair.sign.serial);
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(0x30, 0x03, 0x02, 0x01),
      good.slice(0, good.length - 3),
    ])
      expect((await service.respond(bad)).status).toBe('malformedRequest');
    const three = buildOcspRequest({
      certs: [1n, 2n, 3n].map((serialNumber) => ({ issuer: ca, serialNumber })),
    }).der;
    expect((await service.respond(three)).status).toBe('malformedRequest');
    const foreign = makeSubCa(makeRoot('外省根CA'), '外省CA');
    expect((await service.respond(request('1234ABCD', { issuer: foreign.cert }))).status).toBe(
      'unauthorized',
    );
    const mixed = buildOcspRequest({
      certs: [
        { issuer: ca, serialNumber: BigInt('0x' + pair.sign.serial) },
        { issuer: foreign.cert, serialNumber: 5n },
      ],
    }).der;
    expect((await service.respond(mixed)).status).toBe('unauthorized');
    expect(() => new OcspService(context, { validityMinutes: 0 })).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_INPUT' }),
    );
  });
});

describe('OCSP on two nodes sharing PostgreSQL', () => {
  let t: TestStore;
  let context: IssuanceContext;
  let other: Store;
  const clock = new FixedClock('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    t = await openTestStore('postgres');
    context = await demoContext(t.store, clock);
    await issueResponderCertificate(context, { actor: 'op' });
    other = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: t.where });
  });
  afterAll(async () => {
    await other?.close();
    await t?.dispose();
  });

  it('ok/a revocation committed on one node reaches the other node’s pre-produced response through its watch', async () => {
    const node2: CaContext = {
      store: other,
      vault: new StoreKeyVault(other, 'vault master secret for tests', clock),
      clock,
    };
    const watch = new StatusWatch(other);
    await watch.poll();
    const service = new OcspService(node2, { watch });
    const ca = parseCertificate((await other.read.listCas())[0]!.certificateDer!);
    const pair = await issueDual(context, {
      request: csr(),
      legalPerson: { uscc: '91330201MA2C3D4E55', name: '宁波某某贸易有限公司' },
      channel: 'online',
      actor: 'op',
    });
    const ask = buildOcspRequest({
      certs: [{ issuer: ca, serialNumber: BigInt('0x' + pair.sign.serial) }],
    }).der;
    const statusOf = async () =>
      parseOcspResponse((await service.respond(ask)).der).basic!.responses[0]!.status.type;
    expect(await statusOf()).toBe('good');
    await revokeCertificate(context, { serial: pair.sign.serial, reason: 'keyCompromise', actor: 'node-1' });
    expect(await statusOf()).toBe('good');
    await watch.poll();
    expect(await statusOf()).toBe('revoked');
  });
});
