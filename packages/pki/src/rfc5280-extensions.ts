/**
 * X.509 v3 certificate and CRL extensions (RFC 5280 §4.2 and §5.2–5.3), the GM/T 0015 profile
 * of them (reference §4.3: keyUsage for signing vs encryption certificates) and the table that
 * maps an extension OID to its declared type.
 *
 * An extension is kept as `{ oid, critical, value }` with `value` the DER inside extnValue, so
 * a parsed certificate keeps every extension exactly as it came, including ones we do not know;
 * `readExtension` decodes a known one to its typed value, `extension` builds one.
 */
import { GmError, asn1, concatBytes, der } from '@yizheng/gm';
import { GeneralNameType, GeneralNamesType } from './rfc5280-general-name.js';
import { IdentityCodeType } from './gmt0015-identity.js';
import { Oid, oidLabel } from './oids.js';

const {
  Asn1Boolean,
  BitString,
  Enumerated,
  GeneralizedTime,
  Integer,
  Null,
  ObjectIdentifier,
  OctetString,
  PrintableString,
  Any,
  choice,
  defaulted,
  explicit,
  implicit,
  optional,
  rawWithTag,
  sequence,
  sequenceOf,
} = asn1;

/** One extension: `value` is the DER carried in extnValue. */
export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
const ExtensionType = sequence('Extension', {
  extnID: ObjectIdentifier,
  critical: defaulted(Asn1Boolean, false),
  extnValue: OctetString,
});

/** The DER of one Extension. */
export function encodeExtension(e: Extension): Uint8Array {
  return ExtensionType.encode({ extnID: e.oid, critical: e.critical, extnValue: e.value });
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; decoding refuses duplicates (§4.2). */
export const ExtensionsType: asn1.Asn1TaggedType<Extension[]> = {
  name: 'Extensions',
  tag: der.Tag.SEQUENCE,
  tags: [der.Tag.SEQUENCE],
  decode(el) {
    der.expectTag(el, der.Tag.SEQUENCE, 'Extensions');
    return this.decodeContent(el);
  },
  decodeContent(el) {
    const seen = new Set<string>();
    return der.childrenOf(el).map((child) => {
      const e = ExtensionType.decode(child);
      if (seen.has(e.extnID))
        throw new GmError('YZ_ERR_EXTENSION', `extension ${oidLabel(e.extnID)} (${e.extnID}) appears twice`);
      seen.add(e.extnID);
      return { oid: e.extnID, critical: e.critical ?? false, value: e.extnValue };
    });
  },
  encode(value) {
    return der.encodeTlv(der.Tag.SEQUENCE, this.encodeContent(value));
  },
  encodeContent(value) {
    const seen = new Set<string>();
    return concatBytes(
      ...value.map((e) => {
        if (seen.has(e.oid)) throw new RangeError(`extension ${e.oid} given twice`);
        seen.add(e.oid);
        return encodeExtension(e);
      }),
    );
  },
};

/** A BIT STRING of named bits; DER drops trailing zero bits (X.690 §11.2.2). */
function namedBits<N extends string>(name: string, names: readonly N[]): asn1.Asn1TaggedType<N[]> {
  return {
    name,
    tag: der.Tag.BIT_STRING,
    tags: [der.Tag.BIT_STRING],
    decode(el) {
      der.expectTag(el, der.Tag.BIT_STRING, name);
      return this.decodeContent(el);
    },
    decodeContent(el) {
      const { bytes, unusedBits } = BitString.decodeContent(el);
      const count = bytes.length * 8 - unusedBits;
      if (count > 0 && (bytes[bytes.length - 1]! & (1 << unusedBits)) === 0)
        throw new GmError('YZ_ERR_DER_VALUE', `${name}: trailing zero bits must be dropped in DER`);
      const set: N[] = [];
      for (let i = 0; i < count; i++) {
        if (bytes[i >> 3]! & (0x80 >> (i & 7))) {
          const bitName = names[i];
          if (!bitName) throw new GmError('YZ_ERR_DER_VALUE', `${name}: bit ${i} has no meaning`);
          set.push(bitName);
        }
      }
      return set;
    },
    encode(value) {
      return der.encodeTlv(der.Tag.BIT_STRING, this.encodeContent(value));
    },
    encodeContent(value) {
      const bits = value.map((v) => {
        const i = names.indexOf(v);
        if (i < 0) throw new RangeError(`${name}: unknown bit ${v}`);
        return i;
      });
      const highest = bits.length ? Math.max(...bits) : -1;
      const bytes = new Uint8Array(highest < 0 ? 0 : (highest >> 3) + 1);
      for (const i of bits) bytes[i >> 3]! |= 0x80 >> (i & 7);
      const unusedBits = highest < 0 ? 0 : 7 - (highest & 7);
      return BitString.encodeContent({ bytes, unusedBits });
    },
  };
}

/** KeyUsage bits (RFC 5280 §4.2.1.3). */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

/** ReasonFlags bits (RFC 5280 §4.2.1.13). */
export const REASON_FLAGS = [
  'unused',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type ReasonFlag = (typeof REASON_FLAGS)[number];

const ReasonFlagsType = namedBits('ReasonFlags', REASON_FLAGS);

const BasicConstraintsType = sequence('BasicConstraints', {
  cA: defaulted(Asn1Boolean, false),
  pathLenConstraint: optional(Integer),
});

const AuthorityKeyIdentifierType = sequence('AuthorityKeyIdentifier', {
  keyIdentifier: optional(implicit(0, OctetString)),
  authorityCertIssuer: optional(implicit(1, GeneralNamesType)),
  authorityCertSerialNumber: optional(implicit(2, Integer)),
});

const PolicyInformationType = sequence('PolicyInformation', {
  policyIdentifier: ObjectIdentifier,
  policyQualifiers: optional(
    sequenceOf(sequence('PolicyQualifierInfo', { policyQualifierId: ObjectIdentifier, qualifier: Any })),
  ),
});

/** DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RDN }. */
const DistributionPointNameType = choice('DistributionPointName', {
  fullName: implicit(0, GeneralNamesType),
  nameRelativeToCRLIssuer: rawWithTag(der.contextTag(1, true), 'nameRelativeToCRLIssuer'),
});

const DistributionPointType = sequence('DistributionPoint', {
  distributionPoint: optional(explicit(0, DistributionPointNameType)),
  reasons: optional(implicit(1, ReasonFlagsType)),
  cRLIssuer: optional(implicit(2, GeneralNamesType)),
});

const IssuingDistributionPointType = sequence('IssuingDistributionPoint', {
  distributionPoint: optional(explicit(0, DistributionPointNameType)),
  onlyContainsUserCerts: defaulted(implicit(1, Asn1Boolean), false),
  onlyContainsCACerts: defaulted(implicit(2, Asn1Boolean), false),
  onlySomeReasons: optional(implicit(3, ReasonFlagsType)),
  indirectCRL: defaulted(implicit(4, Asn1Boolean), false),
  onlyContainsAttributeCerts: defaulted(implicit(5, Asn1Boolean), false),
});

const AccessDescriptionType = sequence('AccessDescription', {
  accessMethod: ObjectIdentifier,
  accessLocation: GeneralNameType,
});

/** CRLReason ::= ENUMERATED (RFC 5280 §5.3.1; 7 is not used). */
export const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type CrlReason = Exclude<(typeof CRL_REASONS)[number], undefined>;

const CrlReasonType: asn1.Asn1Type<CrlReason> = {
  name: 'CRLReason',
  tags: [der.Tag.ENUMERATED],
  decode(el) {
    const n = Enumerated.decode(el);
    const reason = CRL_REASONS[n];
    if (reason === undefined) throw new GmError('YZ_ERR_DER_VALUE', `CRLReason ${n} is not defined`);
    return reason;
  },
  encode: (reason) => Enumerated.encode(CRL_REASONS.indexOf(reason)),
};

/** Declared type of each extension we understand, by table name (its OID is `Oid[name]`). */
export const EXTENSION_TYPES = {
  basicConstraints: BasicConstraintsType,
  keyUsage: namedBits('KeyUsage', KEY_USAGES),
  extKeyUsage: sequenceOf(ObjectIdentifier, 'ExtKeyUsageSyntax'),
  subjectKeyIdentifier: OctetString,
  authorityKeyIdentifier: AuthorityKeyIdentifierType,
  certificatePolicies: sequenceOf(PolicyInformationType, 'CertificatePolicies'),
  subjectAltName: GeneralNamesType,
  cRLDistributionPoints: sequenceOf(DistributionPointType, 'CRLDistributionPoints'),
  freshestCRL: sequenceOf(DistributionPointType, 'FreshestCRL'),
  authorityInfoAccess: sequenceOf(AccessDescriptionType, 'AuthorityInfoAccessSyntax'),
  cRLNumber: Integer,
  deltaCRLIndicator: Integer,
  issuingDistributionPoint: IssuingDistributionPointType,
  cRLReason: CrlReasonType,
  invalidityDate: GeneralizedTime,
  ocspNonce: OctetString,
  ocspNoCheck: Null,
  // GM/T 0015-2012 identity extensions (reference §4.4); non-critical everywhere observed.
  identityCode: IdentityCodeType,
  insuranceNumber: PrintableString,
  icRegistrationNumber: PrintableString,
  organizationCode: PrintableString,
  taxationNumber: PrintableString,
  // GM/T 0015-2023
  residentIdCardNumber: PrintableString,
  passportNumber: asn1.Utf8String,
  unifiedSocialCreditCode: PrintableString,
} satisfies Record<string, asn1.Asn1Type<unknown>>;

/** Name of an extension we understand. */
export type ExtensionName = keyof typeof EXTENSION_TYPES;
/** Typed value of extension `N`. */
export type ExtensionValue<N extends ExtensionName> = asn1.Decoded<(typeof EXTENSION_TYPES)[N]>;

const NAME_BY_OID = new Map<string, ExtensionName>(
  (Object.keys(EXTENSION_TYPES) as ExtensionName[]).map((name) => [Oid[name], name]),
);

/** The table name of an extension OID we understand, else undefined. */
export function knownExtensionName(oid: string): ExtensionName | undefined {
  return NAME_BY_OID.get(oid);
}

/** Builds extension `name` with `value` (criticality per the caller; RFC 5280 says which must be). */
export function extension<N extends ExtensionName>(
  name: N,
  value: ExtensionValue<N>,
  critical = false,
): Extension {
  const type = EXTENSION_TYPES[name] as asn1.Asn1Type<ExtensionValue<N>>;
  return { oid: Oid[name], critical, value: type.encode(value) };
}

/** Decodes extension `name` from `extensions`, or undefined when absent. Malformed is YZ_ERR_EXTENSION. */
export function readExtension<N extends ExtensionName>(
  extensions: readonly Extension[] | undefined,
  name: N,
): ExtensionValue<N> | undefined {
  const ext = extensions?.find((e) => e.oid === Oid[name]);
  if (!ext) return undefined;
  return decodeExtensionValue(name, ext.value);
}

/** Decodes the extnValue DER of extension `name`. */
export function decodeExtensionValue<N extends ExtensionName>(name: N, value: Uint8Array): ExtensionValue<N> {
  const type = EXTENSION_TYPES[name] as asn1.Asn1Type<ExtensionValue<N>>;
  try {
    return asn1.decodeDer(type, value);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GmError('YZ_ERR_EXTENSION', `extension ${name}: ${detail}`);
  }
}

/**
 * Throws YZ_ERR_EXTENSION for a critical extension not in `understood` (RFC 5280 §4.2: a
 * relying party must reject a certificate with a critical extension it cannot process).
 */
export function checkCriticalExtensions(
  extensions: readonly Extension[] | undefined,
  where: string,
  understood: ReadonlySet<string> = UNDERSTOOD,
): void {
  for (const e of extensions ?? []) {
    if (e.critical && !understood.has(e.oid))
      throw new GmError(
        'YZ_ERR_EXTENSION',
        `${where}: unknown critical extension ${oidLabel(e.oid)} (${e.oid})`,
      );
  }
}

const UNDERSTOOD: ReadonlySet<string> = new Set(NAME_BY_OID.keys());
