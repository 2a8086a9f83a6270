/**
 * Test fixtures for the pki layer: a small SM2 hierarchy (root → subordinate CA → end entity)
 * with realistic but fictional Chinese names, built with our own certificate builder.
 */
import { Sm2PrivateKey } from '@yizheng/gm';
import {
  type Certificate,
  type Extension,
  type Name,
  buildCertificate,
  extension,
  keyIdentifier,
  parseName,
  randomSerialNumber,
  uriName,
} from '@yizheng/pki';

/** A certificate with its private key. */
export interface Issued {
  readonly key: Sm2PrivateKey;
  readonly cert: Certificate;
  readonly name: Name;
}

const DAY = 86_400_000;

/** A self-signed root CA valid from yesterday for `years` years. */
export function makeRoot(cn = '某某省数字证书认证根CA', years = 20, now = new Date()): Issued {
  const key = Sm2PrivateKey.generate();
  const name = parseName(`C=CN,O=某某省数字证书认证中心,CN=${cn}`);
  const cert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: name,
      subject: name,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + years * 365 * DAY),
      publicKey: key.publicKey,
      extensions: [
        extension('basicConstraints', { cA: true, pathLenConstraint: undefined }, true),
        extension('keyUsage', ['keyCertSign', 'cRLSign'], true),
        extension('subjectKeyIdentifier', keyIdentifier(key.publicKey)),
      ],
    },
    key,
  );
  return { key, cert, name };
}

/** A CA certificate issued by `issuer`. */
export function makeSubCa(issuer: Issued, cn = '某某省法人数字证书CA', now = new Date()): Issued {
  const key = Sm2PrivateKey.generate();
  const name = parseName(`C=CN,O=某某省数字证书认证中心,CN=${cn}`);
  const cert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: issuer.name,
      subject: name,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 10 * 365 * DAY),
      publicKey: key.publicKey,
      extensions: [
        extension('basicConstraints', { cA: true, pathLenConstraint: 0n }, true),
        extension('keyUsage', ['keyCertSign', 'cRLSign'], true),
        extension('subjectKeyIdentifier', keyIdentifier(key.publicKey)),
        extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(issuer.key.publicKey) }),
      ],
    },
    issuer.key,
  );
  return { key, cert, name };
}

/** An end-entity (legal-person signing) certificate issued by `issuer`. */
export function makeLeaf(
  issuer: Issued,
  options: { subject?: string; extensions?: Extension[]; now?: Date; days?: number } = {},
): Issued {
  const now = options.now ?? new Date();
  const key = Sm2PrivateKey.generate();
  const name = parseName(
    options.subject ?? 'C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,CN=杭州某某科技有限公司',
  );
  const cert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: issuer.name,
      subject: name,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + (options.days ?? 365) * DAY),
      publicKey: key.publicKey,
      extensions: options.extensions ?? [
        extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
        extension('subjectKeyIdentifier', keyIdentifier(key.publicKey)),
        extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(issuer.key.publicKey) }),
        extension('cRLDistributionPoints', [
          { distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/ca1.crl')] } },
        ]),
        extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
      ],
    },
    issuer.key,
  );
  return { key, cert, name };
}
