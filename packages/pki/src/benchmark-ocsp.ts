/**
 * The OCSP benchmark (`npm run bench -w packages/pki`, via bench/ocsp.bench.mjs): OCSP responses
 * built and signed per second by a prepared responder, next to raw SM2 signatures per second
 * measured in the same run, so the ratio shows what a response costs beyond its one signature
 * (R6: status answered well inside 3 s under load).
 */
import { randomBytes } from 'node:crypto';
import { Sm2PrivateKey, sm2Backend } from '@yizheng/gm';
import { type Certificate, buildCertificate, randomSerialNumber } from './gmt0015-certificate.js';
import { measureAll } from './benchmark-support.js';
import { parseName } from './name.js';
import { Oid } from './oids.js';
import { extension } from './rfc5280-extensions.js';
import {
  type OcspRequest,
  type OcspResponder,
  buildOcspRequest,
  buildOcspResponse,
  parseOcspRequest,
  prepareOcspResponder,
} from './rfc6960-ocsp.js';

/** One measured figure, operations per second. */
export interface OcspBenchFigure {
  readonly name: string;
  readonly opsPerSecond: number;
}

/** The figures of one run and where they were measured. */
export interface OcspBenchResult {
  readonly backend: string;
  readonly figures: readonly OcspBenchFigure[];
}

const DAY = 86_400_000;

function certificate(
  subject: string,
  key: Sm2PrivateKey,
  issuer: { name: string; key: Sm2PrivateKey },
  ocspSigning: boolean,
): Certificate {
  const now = Date.now();
  return buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: parseName(issuer.name),
      subject: parseName(subject),
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 365 * DAY),
      publicKey: key.publicKey,
      extensions: ocspSigning
        ? [extension('extKeyUsage', [Oid.ocspSigning]), extension('ocspNoCheck', null)]
        : [extension('basicConstraints', { cA: true, pathLenConstraint: undefined }, true)],
    },
    issuer.key,
  );
}

/** Runs the benchmark: about `seconds` per figure, in rounds. */
export function runOcspBenchmark(seconds = 2): OcspBenchResult {
  const caKey = Sm2PrivateKey.generate();
  const caName = 'C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA';
  const ca = certificate(caName, caKey, { name: caName, key: caKey }, false);
  const delegateKey = Sm2PrivateKey.generate();
  const delegate = certificate(
    'C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA OCSP 服务',
    delegateKey,
    { name: caName, key: caKey },
    true,
  );
  const requestDer = buildOcspRequest({
    certs: [{ issuer: ca, serialNumber: randomSerialNumber() }],
    hash: 'sm3',
    nonce: randomBytes(16),
  }).der;

  const request = parseOcspRequest(requestDer);

  /** Build and sign one `good` answer to the parsed request, nonce echoed. */
  const respond = (responder: OcspResponder, req: OcspRequest) => {
    const now = new Date();
    return buildOcspResponse({
      responder,
      producedAt: now,
      responses: req.requests.map((r) => ({
        certId: r.certId,
        status: responder.answersFor(r.certId) ? { type: 'good' } : { type: 'unknown' },
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + DAY),
      })),
      nonce: req.nonce,
    });
  };
  const byKey = prepareOcspResponder({ certificate: ca, signer: caKey, idBy: 'key' });
  const byName = prepareOcspResponder({ certificate: ca, signer: caKey, idBy: 'name' });
  const delegated = prepareOcspResponder({
    certificate: delegate,
    signer: delegateKey,
    idBy: 'key',
    issuer: ca,
  });
  const digest = randomBytes(32);
  const cases: Array<[string, () => void]> = [
    ['SM2 sign (signDigest, raw)', () => caKey.signDigest(digest)],
    ['OCSP response build + sign (CA, byKey, nonce)', () => respond(byKey, request)],
    ['OCSP response build + sign (CA, byName, nonce)', () => respond(byName, request)],
    ['OCSP response build + sign (delegated, byKey, cert included)', () => respond(delegated, request)],
    [
      'OCSP request parse + response build + sign (CA, byKey)',
      () => respond(byKey, parseOcspRequest(requestDer)),
    ],
  ];
  const rates = measureAll(
    seconds,
    cases.map(([, op]) => op),
  );
  return {
    backend: sm2Backend().name,
    figures: cases.map(([name], i) => ({ name, opsPerSecond: rates[i]! })),
  };
}

/** The figures as a Markdown table, each with its ratio to the raw SM2 signature rate. */
export function formatOcspBenchmark(result: OcspBenchResult): string {
  const sign = result.figures[0]!.opsPerSecond;
  return [
    `SM2 backend: ${result.backend}`,
    '',
    '| operation | ops/s | share of raw SM2 sign/s |',
    '|---|---|---|',
    ...result.figures.map(
      (f) => `| ${f.name} | ${f.opsPerSecond.toFixed(0)} | ${((f.opsPerSecond / sign) * 100).toFixed(0)} % |`,
    ),
  ].join('\n');
}
