/**
 * Certificate profiles (证书类别, R4, R9, R13): what a CA writes into each kind of certificate.
 * A profile is data (stored, versioned, editable); these functions turn it into GM/T 0015
 * extensions and a subject name. Dual certificates (R12, reference §4.3): the signing profile
 * sets digitalSignature + nonRepudiation, the encryption profile keyEncipherment +
 * dataEncipherment + keyAgreement, both critical.
 */
import type { Sm2PublicKey } from '@yizheng/gm';
import {
  type Extension,
  type Name,
  type NameAttribute,
  Oid,
  extension,
  keyIdentifier,
  parseName,
  uriName,
} from '@yizheng/pki';
import { CoreError } from './errors.js';
import type { CertificateRole } from './model.js';

/** The stored definition of a profile version. */
export interface ProfileDefinition {
  /** 产品名称, e.g. "某某省法人数字证书" (R9: owned by the buyer, configurable). */
  readonly productName: string;
  readonly role: Extract<CertificateRole, 'sign' | 'enc' | 'ocsp'>;
  /** 有效期 in days (R18: one year). */
  readonly validityDays: number;
  /** DN template: C=CN, then ST, L, O=<legal person>, OU=<product name> when set, CN=<legal person>. */
  readonly subject: {
    readonly province?: string;
    readonly locality?: string;
    readonly productInOu?: boolean;
  };
  /** Which USCC extension(s): GM/T 0015-2023 (1.2.156.10260.4.4), 2012 practice (OrganizationCode .4.1.4), or both. */
  readonly identity: 'uscc-2023' | 'uscc-2012' | 'both';
  readonly crlUrls: readonly string[];
  readonly deltaCrlUrls?: readonly string[];
  readonly ocspUrl?: string;
  readonly caIssuersUrl?: string;
  readonly policies?: readonly string[];
  readonly extKeyUsage?: readonly string[];
}

const KEY_USAGE = {
  sign: ['digitalSignature', 'nonRepudiation'],
  enc: ['keyEncipherment', 'dataEncipherment', 'keyAgreement'],
  ocsp: ['digitalSignature'],
} as const;

function profileError(message: string): CoreError {
  return new CoreError('YZ_ERR_PROFILE', message);
}

/** Checks a definition read from the store or an operator (YZ_ERR_PROFILE naming the field). */
export function checkProfileDefinition(value: Readonly<Record<string, unknown>>): ProfileDefinition {
  const d = value as Partial<ProfileDefinition>;
  if (typeof d.productName !== 'string' || d.productName.trim() === '')
    throw profileError('productName is required');
  if (d.role !== 'sign' && d.role !== 'enc' && d.role !== 'ocsp')
    throw profileError('role must be sign, enc or ocsp');
  if (!Number.isInteger(d.validityDays) || d.validityDays! < 1 || d.validityDays! > 3660)
    throw profileError('validityDays must be a whole number of days, 1..3660');
  if (d.identity !== 'uscc-2023' && d.identity !== 'uscc-2012' && d.identity !== 'both')
    throw profileError('identity must be uscc-2023, uscc-2012 or both');
  if (
    !Array.isArray(d.crlUrls) ||
    d.crlUrls.some((u) => typeof u !== 'string' || !/^(https?|ldap):\/\//.test(u))
  )
    throw profileError('crlUrls must be http(s) or ldap URLs');
  if (typeof d.subject !== 'object' || d.subject === null) throw profileError('subject template is required');
  return d as ProfileDefinition;
}

/**
 * Extensions every certificate of the profile carries (the prepared issuer encodes them once).
 * `partitionCrlUrls`: the certificate belongs to a CRL partition (crl-partitions.ts), so its
 * cRLDistributionPoints names that partition's CRL, and no freshestCRL: a partition CRL is
 * re-issued on every change of its entries and has no delta CRLs.
 */
export function fixedExtensions(
  definition: ProfileDefinition,
  caPublicKey: Sm2PublicKey,
  partitionCrlUrls?: readonly string[],
): Extension[] {
  const list: Extension[] = [
    extension('keyUsage', [...KEY_USAGE[definition.role]], true),
    extension('authorityKeyIdentifier', { keyIdentifier: keyIdentifier(caPublicKey) }),
  ];
  const eku = definition.role === 'ocsp' ? [Oid.ocspSigning] : definition.extKeyUsage;
  if (eku?.length) list.push(extension('extKeyUsage', [...eku]));
  if (definition.role === 'ocsp') list.push(extension('ocspNoCheck', null));
  if (definition.policies?.length)
    list.push(
      extension(
        'certificatePolicies',
        definition.policies.map((policyIdentifier) => ({ policyIdentifier })),
      ),
    );
  const crlUrls = partitionCrlUrls ?? definition.crlUrls;
  if (crlUrls.length && definition.role !== 'ocsp')
    list.push(
      extension('cRLDistributionPoints', [
        { distributionPoint: { type: 'fullName', value: crlUrls.map(uriName) } },
      ]),
    );
  if (definition.deltaCrlUrls?.length && definition.role !== 'ocsp' && !partitionCrlUrls)
    list.push(
      extension('freshestCRL', [
        { distributionPoint: { type: 'fullName', value: definition.deltaCrlUrls.map(uriName) } },
      ]),
    );
  const access = [
    ...(definition.ocspUrl ? [{ accessMethod: Oid.ocsp, accessLocation: uriName(definition.ocspUrl) }] : []),
    ...(definition.caIssuersUrl
      ? [{ accessMethod: Oid.caIssuers, accessLocation: uriName(definition.caIssuersUrl) }]
      : []),
  ];
  if (access.length) list.push(extension('authorityInfoAccess', access));
  return list;
}

/** The holder's own extensions: key identifier and the unified social credit code. */
export function holderExtensions(
  definition: ProfileDefinition,
  publicKey: Sm2PublicKey,
  uscc: string | null,
): Extension[] {
  const list = [extension('subjectKeyIdentifier', keyIdentifier(publicKey))];
  if (uscc && definition.role !== 'ocsp') {
    if (definition.identity !== 'uscc-2012') list.push(extension('unifiedSocialCreditCode', uscc));
    if (definition.identity !== 'uscc-2023') list.push(extension('organizationCode', uscc));
  }
  return list;
}

function attribute(type: string, value: string): NameAttribute[] {
  return parseName(`${type}=${value.replace(/([,+="\\<>;])/g, '\\$1')}`)[0]! as NameAttribute[];
}

/** The subject DN of a legal person's certificate under `definition`. */
export function subjectFor(definition: ProfileDefinition, organization: string): Name {
  const rdns: NameAttribute[][] = [attribute('C', 'CN')];
  if (definition.subject.province) rdns.push(attribute('ST', definition.subject.province));
  if (definition.subject.locality) rdns.push(attribute('L', definition.subject.locality));
  rdns.push(attribute('O', organization));
  if (definition.subject.productInOu) rdns.push(attribute('OU', definition.productName));
  rdns.push(attribute('CN', organization));
  return rdns;
}

/**
 * The subject DN of a staff member's work badge 电子工作证 (R37): C, ST, L of the profile, OU the
 * product name, CN the person (name and login) — no organisation's USCC, since it names no
 * legal person.
 */
export function staffSubjectFor(definition: ProfileDefinition, person: string): Name {
  const rdns: NameAttribute[][] = [attribute('C', 'CN')];
  if (definition.subject.province) rdns.push(attribute('ST', definition.subject.province));
  if (definition.subject.locality) rdns.push(attribute('L', definition.subject.locality));
  rdns.push(attribute('OU', definition.productName));
  rdns.push(attribute('CN', person));
  return rdns;
}

/**
 * The demo platform's profiles: a province's legal-person signing and encryption certificates,
 * the CA's OCSP responder certificate, and the staff's electronic work badge. The URLs are where the server publishes CA `caId`'s
 * CRLs, OCSP and certificate (`/crl/{ca}.crl`, `/crl/{ca}-delta.crl`, `/ocsp`, `/ca/{ca}.crt`).
 */
export function demoProfileDefinitions(baseUrl: string, caId: string): Record<string, ProfileDefinition> {
  const ca = encodeURIComponent(caId);
  const common = {
    productName: '某某省法人数字证书',
    validityDays: 365,
    subject: { province: '浙江省', productInOu: true },
    identity: 'both' as const,
    crlUrls: [`${baseUrl}/crl/${ca}.crl`],
    deltaCrlUrls: [`${baseUrl}/crl/${ca}-delta.crl`],
    ocspUrl: `${baseUrl}/ocsp`,
    caIssuersUrl: `${baseUrl}/ca/${ca}.crt`,
  };
  return {
    'legal-person-sign': { ...common, role: 'sign' },
    'legal-person-enc': { ...common, role: 'enc' },
    'ocsp-signing': { ...common, role: 'ocsp', validityDays: 90, crlUrls: [], subject: {} },
    // 电子工作证 (R37): a staff member's signing certificate for certificate login, no USCC
    'work-badge': { ...common, productName: '电子工作证', role: 'sign', validityDays: 730 },
  };
}
