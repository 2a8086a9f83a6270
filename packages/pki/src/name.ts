/**
 * X.501 distinguished names (RFC 5280 §4.1.2.4; GM/T 0015 practice: C as PrintableString,
 * Chinese text as UTF8String — reference §4.2).
 *
 * The text form is the one operators type and OpenSSL prints by default: RDNs in encoding order
 * (`C=CN,ST=浙江省,O=…,CN=…`), `+` inside a multi-valued RDN, and RFC 4514 §2.4 backslash
 * escapes for `,` `+` `=` `\` `"` `<` `>` `;` and leading `#`/space or trailing space. (RFC 4514
 * itself writes RDNs in reverse order; `formatName(name, { rfc4514: true })` gives that.)
 */
import { GmError, asn1, der } from '@yizheng/gm';
import { Oid, oidName } from './oids.js';

const { Any, ObjectIdentifier, PrintableString, Utf8String, Ia5String, sequence, sequenceOf, setOf } = asn1;

/** One attribute of an RDN; `value` is text, `tag` the string type it is (or will be) encoded as. */
export interface NameAttribute {
  readonly type: string;
  readonly value: string;
  readonly tag: number;
}

/** A distinguished name: RDNs in encoding order, each a set of attributes. */
export type Name = readonly (readonly NameAttribute[])[];

/** AttributeTypeAndValue ::= SEQUENCE { type AttributeType, value AttributeValue }. */
const AttributeTypeAndValue = sequence('AttributeTypeAndValue', { type: ObjectIdentifier, value: Any });
/** Name ::= RDNSequence; RDNSequence ::= SEQUENCE OF RelativeDistinguishedName (SET OF ATAV). */
const RDNSequence = sequenceOf(setOf(AttributeTypeAndValue, 'RelativeDistinguishedName'), 'RDNSequence');

/** Short names of the text form, and back. */
const SHORT_NAMES: Record<string, string> = {
  C: Oid.countryName,
  ST: Oid.stateOrProvinceName,
  L: Oid.localityName,
  O: Oid.organizationName,
  OU: Oid.organizationalUnitName,
  CN: Oid.commonName,
  SN: Oid.surname,
  GN: Oid.givenName,
  STREET: Oid.streetAddress,
  T: Oid.title,
  serialNumber: Oid.serialNumber,
  emailAddress: Oid.emailAddress,
};
const SHORT_BY_OID = new Map(Object.entries(SHORT_NAMES).map(([short, oid]) => [oid, short]));

/** Attributes whose values must be PrintableString / IA5String (X.520, RFC 5280 Appendix A). */
const PRINTABLE_ONLY = new Set<string>([Oid.countryName, Oid.serialNumber]);
const IA5_ONLY = new Set<string>([Oid.emailAddress]);

/** The string type we write for `type` (UTF8String unless the attribute requires another). */
function preferredTag(type: string): number {
  if (PRINTABLE_ONLY.has(type)) return der.Tag.PRINTABLE_STRING;
  if (IA5_ONLY.has(type)) return der.Tag.IA5_STRING;
  return der.Tag.UTF8_STRING;
}

const STRING_TYPES = new Map<number, asn1.Asn1TaggedType<string>>([
  [der.Tag.UTF8_STRING, Utf8String],
  [der.Tag.PRINTABLE_STRING, PrintableString],
  [der.Tag.IA5_STRING, Ia5String],
]);

function decodeValue(raw: Uint8Array): { value: string; tag: number } {
  const el = der.parseDer(raw);
  const type = STRING_TYPES.get(el.tag);
  if (type) return { value: type.decode(el), tag: el.tag };
  if (el.tag === der.Tag.BMP_STRING) {
    const content = der.contentOf(el);
    if (content.length % 2) throw new GmError('YZ_ERR_DER_VALUE', 'BMPString has an odd length');
    const units = Array.from(
      { length: content.length / 2 },
      (_, i) => (content[2 * i]! << 8) | content[2 * i + 1]!,
    );
    return { value: String.fromCharCode(...units), tag: el.tag };
  }
  throw new GmError(
    'YZ_ERR_DER_TAG',
    `name attribute value has unsupported string tag 0x${el.tag.toString(16)}`,
  );
}

function encodeValue(attribute: NameAttribute): Uint8Array {
  const type = STRING_TYPES.get(attribute.tag);
  if (!type) throw new RangeError(`cannot encode a name attribute as tag 0x${attribute.tag.toString(16)}`);
  return type.encode(attribute.value);
}

/** Name from DER (a whole RDNSequence). */
export function decodeName(bytes: Uint8Array): Name {
  return asn1
    .decodeDer(RDNSequence, bytes)
    .map((rdn) => rdn.map((atav) => ({ type: atav.type, ...decodeValue(atav.value) })));
}

/**
 * Encodings of names already written, by identity: a CA writes its own name into every
 * certificate, CRL and OCSP response, and `Name` is immutable (readonly arrays of readonly
 * attributes), so the DER of a given Name object never changes.
 */
const encoded = new WeakMap<Name, Uint8Array>();

/** DER of a name (each RDN's attributes in DER SET order). */
export function encodeName(name: Name): Uint8Array {
  let der = encoded.get(name);
  if (!der) {
    der = RDNSequence.encode(name.map((rdn) => rdn.map((a) => ({ type: a.type, value: encodeValue(a) }))));
    encoded.set(name, der);
  }
  return der;
}

const SPECIAL = /[,+="\\<>;]/;

function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const edgeSpace = ch === ' ' && (i === 0 || i === value.length - 1);
    out += SPECIAL.test(ch) || edgeSpace || (ch === '#' && i === 0) ? `\\${ch}` : ch;
  }
  return out;
}

/** Text form of a name (see the module comment). */
export function formatName(name: Name, options: { rfc4514?: boolean } = {}): string {
  const rdns = name.map((rdn) =>
    rdn
      .map((a) => `${SHORT_BY_OID.get(a.type) ?? oidName(a.type) ?? a.type}=${escapeValue(a.value)}`)
      .join('+'),
  );
  return (options.rfc4514 ? rdns.reverse() : rdns).join(',');
}

/** Splits `text` at unescaped `separator`s. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/**
 * Name from its text form (`C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,CN=…`). Types are short
 * names, table names (`organizationName`) or dotted OIDs. Bad text is YZ_ERR_NAME naming the part.
 */
export function parseName(text: string): Name {
  if (typeof text !== 'string' || text.trim() === '') throw nameError('the name is empty');
  return splitUnescaped(text, ',').map((rdnText) => {
    const attributes = splitUnescaped(rdnText, '+').map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw nameError(`"${part.trim()}" is not TYPE=value`);
      const key = part.slice(0, eq).trim();
      const type =
        SHORT_NAMES[key] ??
        (Oid as Record<string, string>)[key] ??
        (/^\d+(\.\d+)+$/.test(key) ? key : undefined);
      if (!type) throw nameError(`unknown attribute type "${key}"`);
      const value = unescape(part.slice(eq + 1).trim());
      if (value === '') throw nameError(`${key} has an empty value`);
      const tag = preferredTag(type);
      if (tag === der.Tag.PRINTABLE_STRING && !/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) {
        throw nameError(`${key} must be printable ASCII, got "${value}"`);
      }
      if (type === Oid.countryName && !/^[A-Z]{2}$/.test(value))
        throw nameError(`C must be two capital letters`);
      if (tag === der.Tag.IA5_STRING && !/^[\x00-\x7f]*$/.test(value))
        throw nameError(`${key} must be ASCII`);
      return { type, value, tag };
    });
    return attributes;
  });
}

function nameError(message: string): GmError {
  return new GmError('YZ_ERR_NAME', `distinguished name: ${message}`);
}

/** Name as a declared ASN.1 type, for structures that contain one (TBSCertificate, CRL, CSR). */
export const NameType: asn1.Asn1Type<Name> = {
  name: 'Name',
  tags: [der.Tag.SEQUENCE],
  decode: (el) => decodeName(der.rawOf(el)),
  encode: (name) => encodeName(name),
};
