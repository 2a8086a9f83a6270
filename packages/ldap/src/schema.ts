/**
 * The attribute types this directory knows (RFC 4519 user attributes, RFC 4523 certificate
 * attributes, RFC 4512 operational and root DSE attributes, and `uscc`), attribute descriptions
 * with options (RFC 4512 §2.5), and the string preparation their matching rules use (R5).
 *
 * Attribute names are case-insensitive and have aliases (`cn` = `commonName` = `2.5.4.3`); each
 * type has one canonical lower-case key used for indexes and comparisons. A type not listed here
 * still works: it matches caseIgnore on text values and octet-by-octet on binary ones.
 */

/** How the values of a type are compared (RFC 4517 §4.2). */
export type MatchingRule = 'caseIgnore' | 'octetString';

/** One attribute type. */
export interface AttributeType {
  /** Name written in responses, e.g. `userCertificate`. */
  readonly name: string;
  /** Lower-case canonical key, e.g. `usercertificate`. */
  readonly key: string;
  readonly matching: MatchingRule;
  /** Values are BER and travel with the `;binary` transfer option (RFC 4522, RFC 4523 §2). */
  readonly binary: boolean;
  /** Returned for `+` or by name only, never for `*` (RFC 4512 §3.4, RFC 3673). */
  readonly operational: boolean;
}

type Definition = readonly [
  names: readonly string[],
  matching: MatchingRule,
  flags?: 'binary' | 'operational',
];

/** Names (first is canonical), matching rule and flags of each known type. */
const DEFINITIONS: readonly Definition[] = [
  [['objectClass', '2.5.4.0'], 'caseIgnore'],
  [['cn', 'commonName', '2.5.4.3'], 'caseIgnore'],
  [['serialNumber', '2.5.4.5'], 'caseIgnore'],
  [['c', 'countryName', '2.5.4.6'], 'caseIgnore'],
  [['l', 'localityName', '2.5.4.7'], 'caseIgnore'],
  [['st', 'stateOrProvinceName', '2.5.4.8'], 'caseIgnore'],
  [['o', 'organizationName', '2.5.4.10'], 'caseIgnore'],
  [['ou', 'organizationalUnitName', '2.5.4.11'], 'caseIgnore'],
  [['description', '2.5.4.13'], 'caseIgnore'],
  // 统一社会信用代码 (GB 32100): a directory attribute of this platform, no registered OID.
  [['uscc'], 'caseIgnore'],
  [['userCertificate', '2.5.4.36'], 'octetString', 'binary'],
  [['cACertificate', '2.5.4.37'], 'octetString', 'binary'],
  [['authorityRevocationList', '2.5.4.38'], 'octetString', 'binary'],
  [['certificateRevocationList', '2.5.4.39'], 'octetString', 'binary'],
  [['deltaRevocationList', '2.5.4.53'], 'octetString', 'binary'],
  [['createTimestamp', '2.5.18.1'], 'caseIgnore', 'operational'],
  [['modifyTimestamp', '2.5.18.2'], 'caseIgnore', 'operational'],
  [['entryDN', '1.3.6.1.1.20'], 'caseIgnore', 'operational'],
  [['namingContexts', '1.3.6.1.4.1.1466.101.120.5'], 'caseIgnore', 'operational'],
  [['supportedExtension', '1.3.6.1.4.1.1466.101.120.7'], 'caseIgnore', 'operational'],
  [['supportedControl', '1.3.6.1.4.1.1466.101.120.13'], 'caseIgnore', 'operational'],
  [['supportedSASLMechanisms', '1.3.6.1.4.1.1466.101.120.14'], 'caseIgnore', 'operational'],
  [['supportedLDAPVersion', '1.3.6.1.4.1.1466.101.120.15'], 'caseIgnore', 'operational'],
  [['supportedFeatures', '1.3.6.1.4.1.4203.1.3.5'], 'caseIgnore', 'operational'],
  [['vendorName', '1.3.6.1.1.4'], 'caseIgnore', 'operational'],
  [['vendorVersion', '1.3.6.1.1.5'], 'caseIgnore', 'operational'],
];

const TYPES = new Map<string, AttributeType>();
for (const [names, matching, flag] of DEFINITIONS) {
  const type: AttributeType = {
    name: names[0]!,
    key: names[0]!.toLowerCase(),
    matching,
    binary: flag === 'binary',
    operational: flag === 'operational',
  };
  for (const name of names) TYPES.set(name.toLowerCase(), type);
}

/** The type named `name` (any alias, any case); an unknown name gets a caseIgnore user type. */
export function attributeType(name: string): AttributeType {
  const key = name.toLowerCase();
  const known = TYPES.get(key);
  if (known !== undefined) return known;
  return { name, key, matching: 'caseIgnore', binary: false, operational: false };
}

/** `type;option;…` split (RFC 4512 §2.5): options lower-cased, `binary` apart (a transfer option). */
export interface AttributeDescription {
  readonly type: AttributeType;
  /** Tagging options, lower-cased and sorted, without `binary`. */
  readonly options: readonly string[];
  readonly binary: boolean;
}

const descriptionCache = new Map<string, AttributeDescription>();

/** Parses an attribute description such as `userCertificate;binary` or `CN`. */
export function attributeDescription(text: string): AttributeDescription {
  const cached = descriptionCache.get(text);
  if (cached !== undefined) return cached;
  const [name = '', ...rawOptions] = text.split(';');
  const options = rawOptions.map((option) => option.toLowerCase());
  const description: AttributeDescription = {
    type: attributeType(name),
    options: options.filter((option) => option !== 'binary' && option !== '').sort(),
    binary: options.includes('binary'),
  };
  // Descriptions come from clients too; the cache only keeps a bounded set of them.
  if (descriptionCache.size < 4096) descriptionCache.set(text, description);
  return description;
}

/**
 * True when the request `wanted` selects the attribute `held` (RFC 4512 §2.5.2): same type, and
 * `held` carries every tagging option `wanted` names. `;binary` only changes the transfer form.
 */
export function descriptionSelects(wanted: AttributeDescription, held: AttributeDescription): boolean {
  if (wanted.type.key !== held.type.key) return false;
  return wanted.options.every((option) => held.options.includes(option));
}

/**
 * RFC 4518 string preparation, simplified to what caseIgnoreMatch needs for Chinese and Latin
 * names: Unicode NFKC (full-width Ｏ → O), case folding, and insignificant spaces removed at both
 * ends and collapsed inside (`"  Yizheng   Demo CA "` → `"yizheng demo ca"`).
 */
export function prepareCaseIgnore(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}
