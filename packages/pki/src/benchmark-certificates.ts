/**
 * The certificate benchmark (`npm run bench -w packages/pki`, via bench/certificates.bench.mjs):
 * legal-person signing certificates (GM/T 0015 profile with the usual extensions) built and
 * signed per second, next to SM2 signatures over a message of the same size measured in the same
 * run — the issue's target is ≥ 90 % of that rate — and certificates parsed per second (target
 * ≥ 20,000/s).
 */
import { Sm2PrivateKey, sm2Backend } from '@yizheng/gm';
import { measureAll } from './benchmark-support.js';
import {
  buildCertificate,
  keyIdentifier,
  parseCertificate,
  randomSerialNumber,
} from './gmt0015-certificate.js';
import { prepareIssuer } from './gmt0015-issuer.js';
import { parseName } from './name.js';
import { Oid } from './oids.js';
import { extension } from './rfc5280-extensions.js';
import { uriName } from './rfc5280-general-name.js';

/** One measured figure, operations per second. */
export interface CertificateBenchFigure {
  readonly name: string;
  readonly opsPerSecond: number;
}

/** The figures of one run. */
export interface CertificateBenchResult {
  readonly backend: string;
  readonly certificateBytes: number;
  readonly figures: readonly CertificateBenchFigure[];
}

const DAY = 86_400_000;

/** Runs the benchmark: about `seconds` per figure. */
export function runCertificateBenchmark(seconds = 2): CertificateBenchResult {
  const caKey = Sm2PrivateKey.generate();
  const caName = parseName('C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA');
  const caKeyId = keyIdentifier(caKey.publicKey);
  const holders = Array.from({ length: 64 }, () => Sm2PrivateKey.generate().publicKey);
  const subject = parseName('C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,CN=杭州某某科技有限公司');
  let n = 0;
  const issue = () => {
    const publicKey = holders[n++ % holders.length]!;
    const now = Date.now();
    return buildCertificate(
      {
        serialNumber: randomSerialNumber(),
        issuer: caName,
        subject,
        notBefore: new Date(now),
        notAfter: new Date(now + 365 * DAY),
        publicKey,
        extensions: [
          extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
          extension('extKeyUsage', [Oid.clientAuth]),
          extension('subjectKeyIdentifier', keyIdentifier(publicKey)),
          extension('authorityKeyIdentifier', { keyIdentifier: caKeyId }),
          extension('certificatePolicies', [{ policyIdentifier: '2.16.156.339.1.1.1.2.1' }]),
          extension('cRLDistributionPoints', [
            { distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/ca1/1.crl')] } },
          ]),
          extension('authorityInfoAccess', [
            { accessMethod: Oid.ocsp, accessLocation: uriName('http://ocsp.example.cn') },
          ]),
          extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
        ],
      },
      caKey,
    );
  };
  const issuer = prepareIssuer({
    issuer: caName,
    signer: caKey,
    extensions: [
      extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
      extension('extKeyUsage', [Oid.clientAuth]),
      extension('authorityKeyIdentifier', { keyIdentifier: caKeyId }),
      extension('certificatePolicies', [{ policyIdentifier: '2.16.156.339.1.1.1.2.1' }]),
      extension('cRLDistributionPoints', [
        { distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/ca1/1.crl')] } },
      ]),
      extension('authorityInfoAccess', [
        { accessMethod: Oid.ocsp, accessLocation: uriName('http://ocsp.example.cn') },
      ]),
    ],
  });
  const issuePrepared = () => {
    const publicKey = holders[n++ % holders.length]!;
    const now = Date.now();
    return issuer.issue({
      serialNumber: randomSerialNumber(),
      subject,
      notBefore: new Date(now),
      notAfter: new Date(now + 365 * DAY),
      publicKey,
      extensions: [
        extension('subjectKeyIdentifier', keyIdentifier(publicKey)),
        extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
      ],
    });
  };
  const sample = issue();
  const message = sample.tbsDer;
  const cases: Array<[string, () => void]> = [
    [`SM2 sign of a ${message.length}-byte message (SM3(Z‖M) + sign)`, () => caKey.sign(message)],
    ['certificate issue + sign, prepared issuer (legal-person signing profile)', () => issuePrepared()],
    ['certificate build + sign, buildCertificate (same profile, nothing prepared)', () => issue()],
    ['certificate parse (DER → fields and extensions)', () => parseCertificate(sample.der)],
  ];
  const rates = measureAll(
    seconds,
    cases.map(([, op]) => op),
  );
  return {
    backend: sm2Backend().name,
    certificateBytes: sample.der.length,
    figures: cases.map(([name], i) => ({ name, opsPerSecond: rates[i]! })),
  };
}

/** The figures as a Markdown table with the build rate's share of the sign rate. */
export function formatCertificateBenchmark(result: CertificateBenchResult): string {
  const sign = result.figures[0]!.opsPerSecond;
  return [
    `SM2 backend: ${result.backend}; certificate size ${result.certificateBytes} bytes`,
    '',
    '| operation | ops/s | share of SM2 sign/s |',
    '|---|---|---|',
    ...result.figures.map(
      (f, i) =>
        `| ${f.name} | ${f.opsPerSecond.toFixed(0)} | ${i === 1 || i === 2 ? `${((f.opsPerSecond / sign) * 100).toFixed(0)} %` : '—'} |`,
    ),
  ].join('\n');
}
