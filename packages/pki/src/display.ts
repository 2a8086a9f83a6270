/**
 * Human-readable descriptions of certificates, requests and their extensions, with Chinese and
 * English labels (the CLI prints them; the API and the zh-CN UI reuse the same rows).
 *
 * A row is `{ key, zh, en, value, children? }`; renderers pick the language. Unknown extensions
 * are shown as hex rather than hidden, so a certificate from another CA is always fully visible.
 */
import { createHash } from 'node:crypto';
import { asn1, decodePublicKeyInfo, isGmError, toHex } from '@yizheng/gm';
import type { Certificate } from './gmt0015-certificate.js';
import { formatName } from './name.js';
import { oidLabel, oidName } from './oids.js';
import type { CertificationRequest } from './rfc2986-pkcs10.js';
import type { Crl } from './rfc5280-crl.js';
import type { OcspRequest, OcspResponse } from './rfc6960-ocsp.js';
import {
  type Extension,
  type ExtensionName,
  decodeExtensionValue,
  knownExtensionName,
} from './rfc5280-extensions.js';
import { type GeneralName, formatGeneralName } from './rfc5280-general-name.js';

/** One line of a description. */
export interface DisplayRow {
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  readonly value: string;
  readonly children?: readonly DisplayRow[];
}

function row(key: string, zh: string, en: string, value: string, children?: DisplayRow[]): DisplayRow {
  return children ? { key, zh, en, value, children } : { key, zh, en, value };
}

function time(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('.000Z', ' UTC');
}

function names(list: readonly GeneralName[]): string {
  return list.map((n) => formatGeneralName(n, (dn) => formatName(dn))).join(', ');
}

function hexColon(bytes: Uint8Array): string {
  return (toHex(bytes).match(/../g) ?? []).join(':').toUpperCase();
}

/** id-qt-cps (RFC 5280 §4.2.1.4): the qualifier is an IA5String URI. */
const CPS_QUALIFIER = '1.3.6.1.5.5.7.2.1';

function cpsUri(qualifier: Uint8Array): string {
  try {
    return asn1.decodeDer(asn1.Ia5String, qualifier);
  } catch {
    return `<${toHex(qualifier)}>`;
  }
}

const IDENTITY_TYPES: Record<string, string> = {
  residentCard: '居民身份证 resident ID card',
  militaryOfficerCard: '军官证 military officer card',
  passport: '护照 passport',
};

/** The value text of a known extension. */
function extensionValueText(name: ExtensionName, ext: Extension): string {
  switch (name) {
    case 'basicConstraints': {
      const v = decodeExtensionValue(name, ext.value);
      return `CA: ${v.cA ? 'TRUE' : 'FALSE'}${v.pathLenConstraint !== undefined ? `, pathLen: ${v.pathLenConstraint}` : ''}`;
    }
    case 'keyUsage':
      return decodeExtensionValue(name, ext.value).join(', ');
    case 'extKeyUsage':
      return decodeExtensionValue(name, ext.value)
        .map((oid) => oidLabel(oid))
        .join(', ');
    case 'subjectKeyIdentifier':
    case 'ocspNonce':
      return hexColon(decodeExtensionValue(name, ext.value));
    case 'authorityKeyIdentifier': {
      const v = decodeExtensionValue(name, ext.value);
      const parts = [];
      if (v.keyIdentifier) parts.push(`keyid ${hexColon(v.keyIdentifier)}`);
      if (v.authorityCertIssuer) parts.push(`issuer ${names(v.authorityCertIssuer)}`);
      if (v.authorityCertSerialNumber !== undefined)
        parts.push(`serial ${v.authorityCertSerialNumber.toString(16)}`);
      return parts.join('; ');
    }
    case 'certificatePolicies':
      return decodeExtensionValue(name, ext.value)
        .map((p) => {
          const cps = (p.policyQualifiers ?? [])
            .filter((q) => q.policyQualifierId === CPS_QUALIFIER)
            .map((q) => cpsUri(q.qualifier));
          return cps.length ? `${p.policyIdentifier} (CPS ${cps.join(', ')})` : p.policyIdentifier;
        })
        .join('; ');
    case 'subjectAltName':
      return names(decodeExtensionValue(name, ext.value));
    case 'cRLDistributionPoints':
    case 'freshestCRL':
      return decodeExtensionValue(name, ext.value)
        .map((dp) =>
          dp.distributionPoint?.type === 'fullName' ? names(dp.distributionPoint.value) : '(relative name)',
        )
        .join('; ');
    case 'authorityInfoAccess':
      return decodeExtensionValue(name, ext.value)
        .map((ad) => `${oidLabel(ad.accessMethod)} ${names([ad.accessLocation])}`)
        .join('; ');
    case 'identityCode': {
      const v = decodeExtensionValue(name, ext.value);
      return `${IDENTITY_TYPES[v.type] ?? v.type}: ${v.value}`;
    }
    case 'cRLNumber':
    case 'deltaCRLIndicator':
      return decodeExtensionValue(name, ext.value).toString();
    case 'invalidityDate':
      return time(decodeExtensionValue(name, ext.value));
    case 'cRLReason':
      return decodeExtensionValue(name, ext.value);
    case 'ocspNoCheck':
      return 'present';
    case 'issuingDistributionPoint': {
      const v = decodeExtensionValue(name, ext.value);
      const parts = [];
      if (v.distributionPoint?.type === 'fullName') parts.push(names(v.distributionPoint.value));
      for (const flag of ['onlyContainsUserCerts', 'onlyContainsCACerts', 'indirectCRL'] as const)
        if (v[flag]) parts.push(flag);
      return parts.join('; ');
    }
    default:
      return String(decodeExtensionValue(name, ext.value));
  }
}

/** A row for one extension: decoded when known, hex otherwise, the error text when malformed. */
export function describeExtension(ext: Extension): DisplayRow {
  const name = knownExtensionName(ext.oid);
  const critical = ext.critical ? ' (critical 关键)' : '';
  const zh = oidLabel(ext.oid, 'zh');
  const en = `${oidName(ext.oid) ?? ext.oid}${critical}`;
  let value: string;
  try {
    value = name ? extensionValueText(name, ext) : `<${toHex(ext.value)}>`;
  } catch (error) {
    value = `malformed: ${isGmError(error) ? error.message : String(error)}`;
  }
  return row(ext.oid, zh === en ? ext.oid : zh, en, value);
}

function publicKeyText(spki: Uint8Array): string {
  try {
    return `SM2 ${toHex(decodePublicKeyInfo(spki).toBytes())}`;
  } catch {
    return `not SM2 <${toHex(spki)}>`;
  }
}

/** Rows describing a certificate. */
export function describeCertificate(cert: Certificate): DisplayRow[] {
  const t = cert.tbs;
  return [
    row('version', '版本', 'Version', String(t.version)),
    row('serialNumber', '序列号', 'Serial number', t.serialNumber.toString(16).toUpperCase()),
    row(
      'signatureAlgorithm',
      '签名算法',
      'Signature algorithm',
      `${oidLabel(cert.signatureAlgorithm.algorithm)}`,
    ),
    row('issuer', '颁发者', 'Issuer', formatName(t.issuer)),
    row('notBefore', '有效期起', 'Not before', time(t.validity.notBefore)),
    row('notAfter', '有效期至', 'Not after', time(t.validity.notAfter)),
    row('subject', '使用者', 'Subject', formatName(t.subject)),
    row('publicKey', '公钥', 'Public key', publicKeyText(t.subjectPublicKeyInfo)),
    row(
      'extensions',
      '扩展',
      'Extensions',
      String(t.extensions?.length ?? 0),
      (t.extensions ?? []).map(describeExtension),
    ),
    row('sm3', 'SM3 指纹', 'SM3 fingerprint', hexColon(createHash('sm3').update(cert.der).digest())),
    row('sha1', 'SHA-1 指纹', 'SHA-1 fingerprint', hexColon(createHash('sha1').update(cert.der).digest())),
  ];
}

/** Rows describing a PKCS#10 request. */
export function describeCertificationRequest(csr: CertificationRequest): DisplayRow[] {
  return [
    row('subject', '使用者', 'Subject', formatName(csr.subject)),
    row('publicKey', '公钥', 'Public key', publicKeyText(csr.subjectPublicKeyInfo)),
    row('signatureAlgorithm', '签名算法', 'Signature algorithm', oidLabel(csr.signatureAlgorithm.algorithm)),
    row(
      'attributes',
      '属性',
      'Attributes',
      csr.attributes.map((a) => oidLabel(a.type)).join(', ') || '(none)',
    ),
    ...(csr.extensions
      ? [
          row(
            'extensions',
            '申请的扩展',
            'Requested extensions',
            String(csr.extensions.length),
            csr.extensions.map(describeExtension),
          ),
        ]
      : []),
    ...(csr.tempPublicKey
      ? [row('tempPublicKey', '临时公钥', 'Temporary public key', toHex(csr.tempPublicKey.toBytes()))]
      : []),
  ];
}

/** Rows describing a CRL; `maxEntries` limits the revoked entries listed (a CRL may hold millions). */
export function describeCrl(crl: Crl, maxEntries = 100): DisplayRow[] {
  const entries = crl.tbs.entries;
  const listed = entries
    .slice(0, maxEntries)
    .map((e) =>
      row(
        'entry',
        '序列号',
        'Serial',
        `${e.serialNumber.toString(16).toUpperCase()}  ${time(e.revocationDate)}${e.reason ? `  ${e.reason}` : ''}`,
      ),
    );
  if (entries.length > maxEntries)
    listed.push(row('more', '其余', 'More', `… ${entries.length - maxEntries} more`));
  return [
    row(
      'kind',
      '类型',
      'Kind',
      crl.baseCrlNumber === undefined
        ? 'full CRL 完整 CRL'
        : `delta CRL 增量 CRL (base ${crl.baseCrlNumber})`,
    ),
    row('issuer', '颁发者', 'Issuer', formatName(crl.tbs.issuer)),
    row('crlNumber', 'CRL 编号', 'CRL number', crl.crlNumber.toString()),
    row('thisUpdate', '本次更新', 'This update', time(crl.tbs.thisUpdate)),
    row('nextUpdate', '下次更新', 'Next update', time(crl.tbs.nextUpdate)),
    row('signatureAlgorithm', '签名算法', 'Signature algorithm', oidLabel(crl.signatureAlgorithm.algorithm)),
    row(
      'extensions',
      '扩展',
      'Extensions',
      String(crl.tbs.extensions?.length ?? 0),
      (crl.tbs.extensions ?? []).map(describeExtension),
    ),
    row('entries', '已撤销证书', 'Revoked certificates', String(entries.length), listed),
  ];
}

function certIdText(certId: OcspRequest['requests'][number]['certId']): string {
  return `serial ${certId.serialNumber.toString(16).toUpperCase()} (${oidLabel(certId.hashAlgorithm.algorithm)}, issuer key hash ${toHex(certId.issuerKeyHash)})`;
}

/** Rows describing an OCSP request. */
export function describeOcspRequest(request: OcspRequest): DisplayRow[] {
  return [
    row(
      'requests',
      '查询',
      'Requests',
      String(request.requests.length),
      request.requests.map((r) => row('certId', '证书', 'Certificate', certIdText(r.certId))),
    ),
    ...(request.nonce ? [row('nonce', '随机数', 'Nonce', toHex(request.nonce))] : []),
    row('signed', '请求签名', 'Signed request', request.signature ? 'yes' : 'no'),
  ];
}

/** Rows describing an OCSP response. */
export function describeOcspResponse(response: OcspResponse): DisplayRow[] {
  const rows = [row('status', '响应状态', 'Response status', response.status)];
  const basic = response.basic;
  if (!basic) return rows;
  rows.push(
    row(
      'responderId',
      '响应者',
      'Responder ID',
      `${basic.responderId.type} ${toHex(basic.responderId.value)}`,
    ),
    row('producedAt', '生成时间', 'Produced at', time(basic.producedAt)),
    row(
      'responses',
      '证书状态',
      'Certificate status',
      String(basic.responses.length),
      basic.responses.map((r) => {
        const status =
          r.status.type === 'revoked'
            ? `revoked 已撤销 ${time(r.status.time)}${r.status.reason ? ` ${r.status.reason}` : ''}`
            : r.status.type === 'good'
              ? 'good 正常'
              : 'unknown 未知';
        const next = r.nextUpdate ? `, next ${time(r.nextUpdate)}` : '';
        return row(
          'response',
          '证书',
          'Certificate',
          `${certIdText(r.certId)}: ${status} (this ${time(r.thisUpdate)}${next})`,
        );
      }),
    ),
    ...(basic.nonce ? [row('nonce', '随机数', 'Nonce', toHex(basic.nonce))] : []),
    row(
      'signatureAlgorithm',
      '签名算法',
      'Signature algorithm',
      oidLabel(basic.signatureAlgorithm.algorithm),
    ),
    row(
      'certificates',
      '附带证书',
      'Certificates',
      basic.certificates.map((c) => formatName(c.tbs.subject)).join('; ') || '(none)',
    ),
  );
  return rows;
}

/** Renders rows as indented text: `中文 English: value` (or one language). */
export function renderRows(
  rows: readonly DisplayRow[],
  language: 'both' | 'zh' | 'en' = 'both',
  indent = '  ',
): string {
  const lines: string[] = [];
  const walk = (list: readonly DisplayRow[], depth: number) => {
    for (const r of list) {
      const label =
        language === 'zh' ? r.zh : language === 'en' ? r.en : r.zh === r.en ? r.en : `${r.zh} ${r.en}`;
      lines.push(`${indent.repeat(depth)}${label}: ${r.value}`);
      if (r.children) walk(r.children, depth + 1);
    }
  };
  walk(rows, 1);
  return lines.join('\n') + '\n';
}
