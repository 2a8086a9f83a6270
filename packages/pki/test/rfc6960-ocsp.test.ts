/**
 * OCSP on SM2 (RFC 6960 / RFC 5019 / RFC 8954; R5, R6, R11, R13): requests we build are read by
 * OpenSSL; OpenSSL's requests (SHA-1 and SM3 CertIDs, signed or not) parse with ours and match
 * our CertIDs; responses we build (good / revoked with reason / unknown, byKey and byName, nonce,
 * delegated responder) print with `openssl ocsp -resp_text`, verify with `openssl pkeyutl` over
 * tbsResponseData and with BouncyCastle's BasicOCSPResp; responses made by `openssl ocsp` as a
 * responder parse and verify with ours; bad input gives coded errors or coded results.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, der, exportPrivateKeyPem, exportPublicKeyPem, toHex } from '@yizheng/gm';
import {
  type OcspResponse,
  type OcspSingleResponse,
  Oid,
  buildCertificate,
  buildOcspErrorResponse,
  buildOcspRequest,
  buildOcspResponse,
  certIdFor,
  certIdHash,
  certificateToPem,
  decodeOcspRequestFromGetPath,
  encodeOcspRequestForGet,
  extension,
  keyIdentifier,
  matchCertId,
  parseName,
  parseOcspRequest,
  parseOcspResponse,
  prepareOcspResponder,
  randomSerialNumber,
  verifyOcspResponse,
} from '../src/index.js';
import { Scratch, openssl, opensslSm2Verify } from '../../../tools/test-support/openssl.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { type Issued, makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const DAY = 86_400_000;
const now = new Date();
const root = makeRoot();
const ca = makeSubCa(root);
const good = makeLeaf(ca);
const revoked = makeLeaf(ca, { subject: 'C=CN,O=宁波某某贸易有限公司,CN=宁波某某贸易有限公司' });
const stranger = makeLeaf(ca, { subject: 'C=CN,O=温州某某电子有限公司,CN=温州某某电子有限公司' });

/** A delegated responder: extKeyUsage ocspSigning and ocspNoCheck (RFC 6960 §4.2.2.2, §4.2.2.2.1). */
function makeResponder(issuer: Issued, extensions = true): Issued {
  const key = Sm2PrivateKey.generate();
  const name = parseName('C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA OCSP 服务');
  const cert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: issuer.name,
      subject: name,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 30 * DAY),
      publicKey: key.publicKey,
      extensions: [
        extension('keyUsage', ['digitalSignature'], true),
        extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(issuer.key.publicKey) }),
        ...(extensions ? [extension('extKeyUsage', [Oid.ocspSigning]), extension('ocspNoCheck', null)] : []),
      ],
    },
    issuer.key,
  );
  return { key, cert, name };
}
const delegated = makeResponder(ca);

const caPem = scratch.write('ca.pem', certificateToPem(ca.cert));
const goodPem = scratch.write('good.pem', certificateToPem(good.cert));
scratch.write('ca.key', exportPrivateKeyPem(ca.key));
scratch.write('good.key', exportPrivateKeyPem(good.key));

/** The three statuses for good, revoked (keyCompromise) and unknown, CertIDs in `hash`. */
function threeStatuses(hash: 'sm3' | 'sha1' = 'sm3'): OcspSingleResponse[] {
  const thisUpdate = new Date(now.getTime() - 60_000);
  const nextUpdate = new Date(now.getTime() + DAY);
  return [
    {
      certId: certIdFor(ca.cert, good.cert.tbs.serialNumber, hash),
      status: { type: 'good' },
      thisUpdate,
      nextUpdate,
    },
    {
      certId: certIdFor(ca.cert, revoked.cert.tbs.serialNumber, hash),
      status: { type: 'revoked', time: new Date(now.getTime() - DAY), reason: 'keyCompromise' },
      thisUpdate,
      nextUpdate,
    },
    {
      certId: certIdFor(ca.cert, stranger.cert.tbs.serialNumber + 1n, hash),
      status: { type: 'unknown' },
      thisUpdate,
    },
  ];
}

const nonce = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const byKey = buildOcspResponse({
  responder: { certificate: ca.cert, signer: ca.key, idBy: 'key' },
  producedAt: now,
  responses: threeStatuses(),
  nonce,
});
const byName = buildOcspResponse({
  responder: { certificate: ca.cert, signer: ca.key, idBy: 'name' },
  producedAt: now,
  responses: threeStatuses('sha1'),
});
const byDelegate = buildOcspResponse({
  responder: prepareOcspResponder({
    certificate: delegated.cert,
    signer: delegated.key,
    idBy: 'key',
    issuer: ca.cert,
  }),
  producedAt: now,
  responses: threeStatuses(),
  nonce,
});

function hexUpper(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/** OpenSSL index.txt / -req_text serial form: whole bytes, upper-case hex. */
function serialHex(serial: bigint): string {
  const hex = serial.toString(16).toUpperCase();
  return hex.length % 2 ? '0' + hex : hex;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('requests', () => {
  it('ok/ours round-trips and OpenSSL prints it (SM3 and SHA-1 CertIDs, nonce)', () => {
    for (const hash of ['sm3', 'sha1'] as const) {
      const req = buildOcspRequest({
        certs: [
          { issuer: ca.cert, serialNumber: good.cert.tbs.serialNumber },
          { issuer: ca.cert, serialNumber: revoked.cert.tbs.serialNumber },
        ],
        hash,
        nonce,
      });
      const parsed = parseOcspRequest(req.der);
      expect(parsed.requests).toEqual(req.requests);
      expect(parsed.nonce).toEqual(nonce);
      expect(parsed.signature).toBeUndefined();
      const path = scratch.write(`req-${hash}.der`, req.der);
      const r = openssl(['ocsp', '-reqin', path, '-req_text']);
      expect(r.status, r.stderr).toBe(0);
      const text = r.stdout.toString();
      const id = req.requests[0]!.certId;
      expect(text).toContain(`Hash Algorithm: ${hash}`);
      expect(text).toContain(`Issuer Name Hash: ${hexUpper(id.issuerNameHash)}`);
      expect(text).toContain(`Issuer Key Hash: ${hexUpper(id.issuerKeyHash)}`);
      expect(text).toContain(`Serial Number: ${serialHex(good.cert.tbs.serialNumber)}`);
      expect(text).toContain(`Serial Number: ${serialHex(revoked.cert.tbs.serialNumber)}`);
      expect(text).toContain(`OCSP Nonce: \n            0410${hexUpper(nonce)}`);
    }
  });

  it('ok/OpenSSL requests parse and match our CertID (-sha1 default, -sm3, nonce)', () => {
    for (const [hash, args] of [
      ['sha1', ['-no_nonce']],
      ['sm3', ['-sm3', '-nonce']],
    ] as const) {
      const out = scratch.path(`openssl-req-${hash}.der`);
      const r = openssl(['ocsp', ...args, '-issuer', caPem, '-cert', goodPem, '-reqout', out]);
      expect(r.status, r.stderr).toBe(0);
      const req = parseOcspRequest(scratch.read(`openssl-req-${hash}.der`));
      expect(req.requests).toHaveLength(1);
      const id = req.requests[0]!.certId;
      expect(certIdHash(id)).toBe(hash);
      expect(id).toEqual(certIdFor(ca.cert, good.cert.tbs.serialNumber, hash));
      expect(matchCertId(id, ca.cert, good.cert.tbs.serialNumber)).toBe(true);
      expect(matchCertId(id, root.cert, good.cert.tbs.serialNumber)).toBe(false);
      expect(matchCertId(id, ca.cert, revoked.cert.tbs.serialNumber)).toBe(false);
      expect(req.nonce?.length).toBe(hash === 'sm3' ? 16 : undefined);
    }
  });

  it('ok/a request OpenSSL signed with SM2 parses; its signature is kept', () => {
    const out = scratch.path('signed-req.der');
    const r = openssl([
      'ocsp',
      '-issuer',
      caPem,
      '-cert',
      goodPem,
      '-signer',
      goodPem,
      '-signkey',
      scratch.path('good.key'),
      '-reqout',
      out,
      '-no_nonce',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const req = parseOcspRequest(scratch.read('signed-req.der'));
    expect(req.requestorName).toEqual({ type: 'directoryName', value: good.name });
    expect(req.signature?.algorithm.algorithm).toBe(Oid.sm2WithSm3);
    expect(req.signature?.certificates).toEqual([good.cert.der]);
    // the signature covers tbsRequest with OpenSSL's default (empty) SM2 ID: kept, not checked
    expect(good.key.publicKey.verify(req.tbsRequestDer, req.signature!.value, { id: '' })).toBe(true);
  });

  it('ok/GET path encoding (RFC 6960 Appendix A.1) round-trips, escaped or not', () => {
    const req = buildOcspRequest({ certs: [{ issuer: ca.cert, serialNumber: good.cert.tbs.serialNumber }] });
    const segment = encodeOcspRequestForGet(req.der);
    expect(segment).not.toMatch(/[/+=]/);
    expect(decodeOcspRequestFromGetPath('/' + segment)).toEqual(req.der);
    expect(decodeOcspRequestFromGetPath('/ocsp/' + segment, '/ocsp/')).toEqual(req.der);
    const raw = Buffer.from(req.der).toString('base64'); // a client that does not escape
    expect(parseOcspRequest(decodeOcspRequestFromGetPath('/' + raw)).requests).toEqual(req.requests);
  });

  it.each([
    ['error/GET path not base64', () => decodeOcspRequestFromGetPath('/not*base64'), 'YZ_ERR_OCSP'],
    ['error/GET path bad escape', () => decodeOcspRequestFromGetPath('/%E4%'), 'YZ_ERR_OCSP'],
    ['error/GET path outside base', () => decodeOcspRequestFromGetPath('/x', '/ocsp/'), 'YZ_ERR_OCSP'],
    [
      'error/nonce of 33 octets',
      () => buildOcspRequest({ certs: [{ issuer: ca.cert, serialNumber: 5n }], nonce: new Uint8Array(33) }),
      'YZ_ERR_OCSP',
    ],
    ['error/no certificates', () => buildOcspRequest({ certs: [] }), 'YZ_ERR_OCSP'],
    // OCSPRequest { TBSRequest { requestList {} } }
    [
      'error/empty requestList',
      () => parseOcspRequest(Uint8Array.of(0x30, 0x04, 0x30, 0x02, 0x30, 0x00)),
      'YZ_ERR_OCSP',
    ],
    [
      'error/version 2',
      () => parseOcspRequest(Uint8Array.of(0x30, 0x09, 0x30, 0x07, 0xa0, 0x03, 0x02, 0x01, 0x01, 0x30, 0x00)),
      'YZ_ERR_OCSP',
    ],
    [
      'error/truncated request',
      () => parseOcspRequest(Uint8Array.of(0x30, 0x04, 0x30, 0x02, 0x30)),
      'YZ_ERR_DER_TRUNCATED',
    ],
  ])('%s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });
});

describe('responses we build', () => {
  it('ok/round-trip: parse gives back what was built', () => {
    for (const resp of [byKey, byName, byDelegate]) {
      const parsed = parseOcspResponse(resp.der);
      expect(parsed.status).toBe('successful');
      expect(parsed.basic!.responses).toEqual(resp.basic!.responses);
      expect(parsed.basic!.responderId).toEqual(resp.basic!.responderId);
      expect(parsed.basic!.producedAt).toEqual(resp.basic!.producedAt);
      expect(parsed.basic!.nonce).toEqual(resp.basic!.nonce);
      expect(parsed.basic!.tbsResponseDataDer).toEqual(resp.basic!.tbsResponseDataDer);
      expect(parsed.basic!.certificates.map((c) => c.der)).toEqual(
        resp.basic!.certificates.map((c) => c.der),
      );
    }
    expect(byKey.basic!.certificates).toHaveLength(0); // the CA signs: no certs (RFC 5019 size)
    expect(byDelegate.basic!.certificates.map((c) => c.der)).toEqual([delegated.cert.der]);
  });

  it('ok/OpenSSL prints statuses, reason, responder and nonce', () => {
    const cases: Array<[string, OcspResponse, string]> = [
      ['bykey', byKey, `Responder Id: ${hexUpper(keyIdentifier(ca.key.publicKey))}`],
      ['byname', byName, 'Responder Id: C = CN, O = '],
      ['delegated', byDelegate, `Responder Id: ${hexUpper(keyIdentifier(delegated.key.publicKey))}`],
    ];
    for (const [name, resp, responder] of cases) {
      const path = scratch.write(`resp-${name}.der`, resp.der);
      const r = openssl(['ocsp', '-respin', path, '-resp_text', '-noverify']);
      expect(r.status, r.stderr).toBe(0);
      const text = r.stdout.toString();
      expect(text).toContain('OCSP Response Status: successful (0x0)');
      expect(text).toContain(responder);
      expect(text.match(/Cert Status: \w+/g)).toEqual([
        'Cert Status: good',
        'Cert Status: revoked',
        'Cert Status: unknown',
      ]);
      expect(text).toContain('Revocation Reason: keyCompromise (0x1)');
      expect(text).toContain(`Serial Number: ${serialHex(revoked.cert.tbs.serialNumber)}`);
      expect(text).toContain('Signature Algorithm: SM2-with-SM3');
      if (resp.basic!.nonce) expect(text).toContain(`OCSP Nonce: \n            0410${hexUpper(nonce)}`);
      if (name === 'delegated') expect(text).toContain('OCSP Signing');
    }
  });

  it('ok/openssl pkeyutl verifies the signature over tbsResponseData (distid 1234567812345678)', () => {
    for (const [resp, key] of [
      [byKey, ca.key],
      [byDelegate, delegated.key],
    ] as const) {
      const verify = (id: string | null) =>
        opensslSm2Verify(
          scratch,
          exportPublicKeyPem(key.publicKey),
          resp.basic!.tbsResponseDataDer,
          resp.basic!.signature,
          id,
        );
      const r = verify('1234567812345678');
      expect(r.stdout.toString(), r.stderr).toContain('Signature Verified Successfully');
      expect(verify(null).stdout.toString()).toContain('Signature Verification Failure'); // empty ID
    }
  });

  it('ok/BouncyCastle BasicOCSPResp.isSignatureValid and statuses; an unrelated cert is false', () => {
    const answers = runBc([
      `ocsp-verify ${bcHex(ca.cert.der)} ${bcHex(byKey.der)}`,
      `ocsp-verify ${bcHex(ca.cert.der)} ${bcHex(byName.der)}`,
      `ocsp-verify ${bcHex(delegated.cert.der)} ${bcHex(byDelegate.der)}`,
      `ocsp-verify ${bcHex(root.cert.der)} ${bcHex(byKey.der)}`,
    ]);
    const expected = 'good,revoked:1,unknown';
    expect(answers.map((a) => a.error || a.fields.join(' '))).toEqual([
      `true ${expected}`,
      `true ${expected}`,
      `true ${expected}`,
      `false ${expected}`,
    ]);
  });

  it('ok/our verifier: the CA itself, or a delegated responder it issued', () => {
    expect(verifyOcspResponse(byKey, { issuer: ca.cert, nonce })).toMatchObject({
      valid: true,
      signedBy: 'issuer',
    });
    expect(verifyOcspResponse(byName, { issuer: ca.cert })).toMatchObject({
      valid: true,
      signedBy: 'issuer',
    });
    const v = verifyOcspResponse(parseOcspResponse(byDelegate.der), { issuer: ca.cert, nonce });
    expect(v).toMatchObject({ valid: true, signedBy: 'delegated' });
    expect(v.signer?.der).toEqual(delegated.cert.der);
  });

  it('ok/a prepared responder answers only for its CA', () => {
    const responder = prepareOcspResponder({ certificate: ca.cert, signer: ca.key, idBy: 'key' });
    for (const hash of ['sm3', 'sha1', 'sha256'] as const)
      expect(responder.answersFor(certIdFor(ca.cert, 1234n, hash))).toBe(true);
    expect(responder.answersFor(certIdFor(root.cert, 1234n))).toBe(false);
  });

  it('ok/error statuses carry no responseBytes and OpenSSL names them', () => {
    for (const [status, code] of [
      ['malformedRequest', 1],
      ['internalError', 2],
      ['tryLater', 3],
      ['sigRequired', 5],
      ['unauthorized', 6],
    ] as const) {
      const resp = buildOcspErrorResponse(status);
      expect(resp.der).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, code));
      expect(parseOcspResponse(resp.der)).toEqual({ der: resp.der, status });
      const r = openssl([
        'ocsp',
        '-respin',
        scratch.write(`err-${status}.der`, resp.der),
        '-resp_text',
        '-noverify',
      ]);
      expect(r.stdout.toString() + r.stderr).toContain(`Responder Error: ${status.toLowerCase()} (${code})`);
      expect(verifyOcspResponse(resp, { issuer: ca.cert })).toMatchObject({
        valid: false,
        code: 'YZ_ERR_OCSP',
      });
    }
  });
});

describe('responses made by openssl ocsp as a responder', () => {
  const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  const dn = '/C=CN/CN=x';
  scratch.write(
    'index.txt',
    [
      `V\t${stamp(good.cert.tbs.validity.notAfter)}\t\t${serialHex(good.cert.tbs.serialNumber)}\tunknown\t${dn}`,
      `R\t${stamp(revoked.cert.tbs.validity.notAfter)}\t${stamp(new Date(now.getTime() - DAY))},keyCompromise\t${serialHex(revoked.cert.tbs.serialNumber)}\tunknown\t${dn}`,
      '',
    ].join('\n'),
  );
  const request = buildOcspRequest({
    certs: [good, revoked, stranger].map((c) => ({ issuer: ca.cert, serialNumber: c.cert.tbs.serialNumber })),
    hash: 'sm3',
    nonce,
  });
  const reqPath = scratch.write('our-req.der', request.der);

  function respond(name: string, extra: string[]): OcspResponse {
    const out = scratch.path(`${name}.der`);
    const r = openssl([
      'ocsp',
      '-index',
      scratch.path('index.txt'),
      '-rsigner',
      caPem,
      '-rkey',
      scratch.path('ca.key'),
      '-CA',
      caPem,
      '-reqin',
      reqPath,
      '-respout',
      out,
      '-nmin',
      '60',
      ...extra,
    ]);
    expect(r.status, r.stderr).toBe(0);
    return parseOcspResponse(scratch.read(`${name}.der`));
  }

  it('ok/with -rsigopt distid:1234567812345678 it parses and verifies with the default ID', () => {
    const resp = respond('openssl-resp', ['-rsigopt', 'distid:1234567812345678']);
    const basic = resp.basic!;
    expect(basic.responderId).toEqual({ type: 'byName', value: expect.any(Uint8Array) });
    expect(basic.nonce).toEqual(nonce);
    expect(basic.responses.map((r) => r.certId)).toEqual(request.requests.map((r) => r.certId));
    expect(basic.responses.map((r) => r.status)).toEqual([
      { type: 'good' },
      { type: 'revoked', time: expect.any(Date), reason: 'keyCompromise' },
      { type: 'unknown' },
    ]);
    expect(basic.responses[0]!.nextUpdate!.getTime() - basic.responses[0]!.thisUpdate.getTime()).toBe(
      3_600_000,
    );
    expect(basic.certificates.map((c) => c.der)).toEqual([ca.cert.der]); // openssl includes the signer
    expect(verifyOcspResponse(resp, { issuer: ca.cert, nonce })).toMatchObject({
      valid: true,
      signedBy: 'issuer',
    });
  });

  it('ok/without -rsigopt OpenSSL 3.0 signs with the empty SM2 ID (verifies only with id "")', () => {
    const resp = respond('openssl-resp-noid', ['-resp_key_id']);
    expect(resp.basic!.responderId).toEqual({ type: 'byKey', value: keyIdentifier(ca.key.publicKey) });
    expect(verifyOcspResponse(resp, { issuer: ca.cert })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_SIGNATURE_INVALID',
    });
    expect(verifyOcspResponse(resp, { issuer: ca.cert, id: '' })).toMatchObject({
      valid: true,
      signedBy: 'issuer',
    });
  });
});

describe('bad responses', () => {
  /** Signs with `other` while claiming to be the CA: a forged or broken responder. */
  function forged(): OcspResponse {
    const other = Sm2PrivateKey.generate();
    return buildOcspResponse({
      responder: {
        certificate: ca.cert,
        signer: { publicKey: ca.key.publicKey, signDigest: (e) => other.signDigest(e) },
        idBy: 'key',
      },
      producedAt: now,
      responses: threeStatuses(),
    });
  }

  it.each([
    ['error/truncated', byKey.der.subarray(0, byKey.der.length - 1), 'YZ_ERR_DER_TRUNCATED'],
    ['error/wrong outer tag', Uint8Array.from([0x31, ...byKey.der.subarray(1)]), 'YZ_ERR_DER_TAG'],
    ['error/responseStatus 4 (unused)', Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x04), 'YZ_ERR_OCSP'],
    ['error/responseStatus 7', Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x07), 'YZ_ERR_OCSP'],
    ['error/responseStatus as INTEGER', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00), 'YZ_ERR_DER_TAG'],
    ['error/successful without responseBytes', Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00), 'YZ_ERR_OCSP'],
    [
      'error/tryLater with responseBytes',
      (() => {
        const bytes = byKey.der.slice();
        bytes[6] = 3; // 30 82 LL LL 0a 01 [00]
        return bytes;
      })(),
      'YZ_ERR_OCSP',
    ],
  ])('%s', (_name, bytes, code) => {
    expect(() => parseOcspResponse(bytes)).toThrow(expect.objectContaining({ code }));
  });

  it('error/responseType other than id-pkix-ocsp-basic', () => {
    const basicOid = der.encodeTlv(der.Tag.OBJECT_IDENTIFIER, Uint8Array.of(0x2b, 6, 1, 5, 5, 7, 48, 1, 1));
    const at = Buffer.from(byKey.der).indexOf(Buffer.from(basicOid));
    const bytes = byKey.der.slice();
    bytes[at + basicOid.length - 1] = 3; // id-pkix-ocsp-crl
    expect(() => parseOcspResponse(bytes)).toThrow(expect.objectContaining({ code: 'YZ_ERR_OCSP' }));
  });

  it('error/signed by an unrelated key while naming the CA: YZ_ERR_SIGNATURE_INVALID', () => {
    expect(verifyOcspResponse(forged(), { issuer: ca.cert })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_SIGNATURE_INVALID',
      signedBy: 'issuer',
    });
  });

  it('error/signed by another CA: no authorised responder', () => {
    const other = makeRoot('另一个根CA');
    const resp = buildOcspResponse({
      responder: { certificate: other.cert, signer: other.key, idBy: 'name', includeCertificates: true },
      producedAt: now,
      responses: threeStatuses(),
    });
    expect(verifyOcspResponse(resp, { issuer: ca.cert })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_OCSP',
    });
  });

  it('error/included certificate issued by the CA but without ocspSigning', () => {
    const plain = makeResponder(ca, false);
    const resp = buildOcspResponse({
      responder: { certificate: plain.cert, signer: plain.key, idBy: 'key', includeCertificates: true },
      producedAt: now,
      responses: threeStatuses(),
    });
    expect(verifyOcspResponse(resp, { issuer: ca.cert })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_OCSP',
      signedBy: 'delegated',
    });
    expect(
      codeOf(() =>
        prepareOcspResponder({ certificate: plain.cert, signer: plain.key, idBy: 'key', issuer: ca.cert }),
      ),
    ).toBe('YZ_ERR_OCSP');
  });

  it('error/delegated responder used outside its validity', () => {
    const v = verifyOcspResponse(byDelegate, { issuer: ca.cert, now: new Date(now.getTime() + 60 * DAY) });
    expect(v).toMatchObject({ valid: false, code: 'YZ_ERR_OCSP', signedBy: 'delegated' });
  });

  it('error/delegated responder of another CA', () => {
    const v = verifyOcspResponse(byDelegate, { issuer: root.cert });
    expect(v).toMatchObject({ valid: false, code: 'YZ_ERR_OCSP' });
  });

  it('error/nonce not echoed', () => {
    expect(verifyOcspResponse(byName, { issuer: ca.cert, nonce })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_OCSP',
    });
    const other = Uint8Array.of(9, 9, 9);
    expect(verifyOcspResponse(byKey, { issuer: ca.cert, nonce: other })).toMatchObject({
      code: 'YZ_ERR_OCSP',
    });
  });

  it('error/signature algorithm not SM2-with-SM3: YZ_ERR_ALGORITHM', () => {
    const sm2WithSm3 = Buffer.from('2a811ccf55018375', 'hex');
    const bytes = byKey.der.slice();
    const at = Buffer.from(bytes).lastIndexOf(sm2WithSm3);
    bytes[at + sm2WithSm3.length - 1] = 0x76; // 1.2.156.10197.1.502, SM2 with SHA-256
    expect(verifyOcspResponse(parseOcspResponse(bytes), { issuer: ca.cert })).toMatchObject({
      valid: false,
      code: 'YZ_ERR_ALGORITHM',
    });
  });

  it('error/responder options refused: signer key not the certificate key', () => {
    expect(codeOf(() => prepareOcspResponder({ certificate: ca.cert, signer: root.key, idBy: 'key' }))).toBe(
      'YZ_ERR_OCSP',
    );
  });

  it('error/builder refuses nextUpdate before thisUpdate and empty responses', () => {
    const responder = { certificate: ca.cert, signer: ca.key, idBy: 'key' } as const;
    const [first] = threeStatuses();
    const backwards = { ...first!, nextUpdate: new Date(first!.thisUpdate.getTime() - 1000) };
    expect(codeOf(() => buildOcspResponse({ responder, producedAt: now, responses: [backwards] }))).toBe(
      'YZ_ERR_OCSP',
    );
    expect(codeOf(() => buildOcspResponse({ responder, producedAt: now, responses: [] }))).toBe(
      'YZ_ERR_OCSP',
    );
  });
});
