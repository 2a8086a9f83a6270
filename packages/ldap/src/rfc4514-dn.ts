/**
 * RFC 4514 — distinguished names as strings, parsed and normalised so that the server compares
 * `O=Yizheng Demo CA, C=cn`, `organizationName=yizheng demo ca,countryName=CN` and
 * `o=Yizheng\20Demo CA,c=CN` as the same entry, and `o=浙江某某CA,c=CN` (or its `\e6\b5\99…` escaped
 * form) as UTF-8 text. Used for the search base, entry DNs and scope checks (R5).
 *
 *   distinguishedName = [ relativeDistinguishedName *( COMMA relativeDistinguishedName ) ]
 *   relativeDistinguishedName = attributeTypeAndValue *( PLUS attributeTypeAndValue )
 *   attributeTypeAndValue = attributeType EQUALS attributeValue
 *   attributeValue = string / hexstring          ; hexstring = SHARP 1*hexpair (BER of the value)
 *   pair = ESC ( ESC / special / hexpair )       ; special = " + , ; < > SPACE # =
 *
 * Lenient where clients are: spaces around `,` `+` `=` are ignored (RFC 2253 habits), and only
 * `,` `+` `\` must be escaped inside a value. The normalised key lower-cases types through their
 * canonical name, prepares values with caseIgnore, and sorts the parts of a multi-valued RDN.
 */
import { LdapError } from './errors.js';
import { BerReader, octetsOf } from './rfc4511-ber.js';
import { attributeType, prepareCaseIgnore } from './schema.js';

/** A parsed DN: its RDNs from the entry itself up to the root, each as a normalised key. */
export interface ParsedDn {
  /** Normalised RDN keys, most specific first: `['uscc=91330106ma2b3c4d5d', 'ou=legal-persons', …]`. */
  readonly rdns: readonly string[];
  /** The whole normalised DN (`rdns` joined with `,`); equal keys mean the same entry. */
  readonly key: string;
}

/** The attribute types and values of each RDN, as parsed (values unescaped, not normalised). */
export type DnParts = readonly (readonly { readonly type: string; readonly value: string }[])[];

function dnError(text: string, why: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_DN', `invalid DN "${text.slice(0, 200)}": ${why}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Splits DN text into RDNs of (type, value), undoing escapes and hex strings. */
export function parseDnParts(text: string): DnParts {
  const rdns: { type: string; value: string }[][] = [];
  if (text.trim() === '') return rdns;
  let rdn: { type: string; value: string }[] = [];
  let i = 0;
  while (i <= text.length) {
    // attributeType
    while (text[i] === ' ') i++;
    const typeStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ',' && text[i] !== '+') i++;
    const type = text.slice(typeStart, i).trim();
    if (text[i] !== '=') throw dnError(text, `'=' expected after "${type}"`);
    if (!/^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/.test(type)) {
      throw dnError(text, `bad attribute type "${type}"`);
    }
    i++;
    while (text[i] === ' ') i++;
    // attributeValue
    let value: string;
    if (text[i] === '#') {
      const start = ++i;
      while (i < text.length && /[0-9A-Fa-f]/.test(text[i]!)) i++;
      value = hexStringValue(text, text.slice(start, i));
      while (text[i] === ' ') i++;
    } else {
      const start = i;
      let escaped = false;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x2c /* , */ || c === 0x2b /* + */) break;
        if (c === 0x5c /* \ */) {
          escaped = true;
          i++; // the escaped character cannot end the value
        }
      }
      const raw = text.slice(start, Math.min(i, text.length));
      // Unescaped trailing spaces are not part of the value (RFC 4514 §3: trailchar).
      value = escaped ? unescapeValue(text, raw) : raw.replace(/ +$/, '');
    }
    rdn.push({ type, value });
    if (i >= text.length) break;
    if (text[i] === ',') {
      rdns.push(rdn);
      rdn = [];
    } else if (text[i] !== '+') {
      throw dnError(text, `',' or '+' expected at character ${i}`);
    }
    i++;
  }
  rdns.push(rdn);
  return rdns;
}

/** A value with `\` escapes: escaped characters and `\XX` bytes, the bytes read as UTF-8. */
function unescapeValue(text: string, raw: string): string {
  const bytes: number[] = [];
  let trailingSpaces = 0;
  for (let i = 0; i < raw.length;) {
    if (raw[i] === '\\') {
      const next = raw.slice(i + 1, i + 3);
      if (HEX_PAIR.test(next)) {
        bytes.push(parseInt(next, 16));
        i += 3;
      } else if (i + 1 < raw.length && '\\"+,;<> #='.includes(raw[i + 1]!)) {
        bytes.push(raw.charCodeAt(i + 1));
        i += 2;
      } else {
        throw dnError(text, `bad escape in "${raw}"`);
      }
      trailingSpaces = 0;
    } else {
      const char = String.fromCodePoint(raw.codePointAt(i)!);
      bytes.push(...encoder.encode(char));
      trailingSpaces = char === ' ' ? trailingSpaces + 1 : 0;
      i += char.length;
    }
  }
  try {
    return utf8.decode(Uint8Array.from(bytes.slice(0, bytes.length - trailingSpaces)));
  } catch {
    throw dnError(text, 'value is not UTF-8');
  }
}

/** `#04…` / `#0c…`: the BER of a string value; other BER stays as its lower-case `#hex` form. */
function hexStringValue(text: string, hex: string): string {
  if (hex.length === 0 || hex.length % 2 !== 0) throw dnError(text, 'bad hex string value');
  const bytes = Uint8Array.from(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  try {
    const reader = new BerReader(bytes);
    const element = reader.next('DN value');
    if (reader.done && [0x04, 0x0c, 0x13, 0x14, 0x16].includes(element.tag)) {
      return utf8.decode(octetsOf(element, 'DN value'));
    }
  } catch {
    // Not a string in BER: kept as hex below, which still compares consistently.
  }
  return '#' + hex.toLowerCase();
}

/** Escapes `,` `+` `\` and `=` so that a key cannot be confused with another one. */
function escapeKeyValue(value: string): string {
  return value.replace(/[\\,+=]/g, (c) => '\\' + c);
}

/**
 * An attribute value written for a DN string (RFC 4514 §2.4): `"` `+` `,` `;` `<` `>` `\`
 * escaped, NUL as `\00`, a leading space or `#` and a trailing space escaped.
 *
 * @example `o=${escapeDnValue('Zhejiang CA, Ltd.')},c=CN` === 'o=Zhejiang CA\\, Ltd.,c=CN'
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  return chars
    .map((c, i) => {
      if (c === '\0') return '\\00';
      const edge = (i === 0 && (c === ' ' || c === '#')) || (i === chars.length - 1 && c === ' ');
      return edge || '\\"+,;<>'.includes(c) ? '\\' + c : c;
    })
    .join('');
}

/** Parses and normalises a DN; throws YZ_ERR_LDAP_DN (invalidDNSyntax) on bad text. */
export function parseDn(text: string): ParsedDn {
  const rdns = parseDnParts(text).map((rdn) =>
    rdn
      .map(({ type, value }) => `${attributeType(type).key}=${escapeKeyValue(prepareCaseIgnore(value))}`)
      .sort()
      .join('+'),
  );
  return { rdns, key: rdns.join(',') };
}

/** RFC 4511 §4.5.1.2 search scopes. */
export type SearchScope = 'base' | 'one' | 'sub';

/** True when `entry` lies in `scope` of `base`. */
export function inScope(entry: ParsedDn, base: ParsedDn, scope: SearchScope): boolean {
  const depth = entry.rdns.length - base.rdns.length;
  if (depth < 0 || (scope === 'base' && depth !== 0) || (scope === 'one' && depth !== 1)) return false;
  for (let i = 0; i < base.rdns.length; i++) {
    if (entry.rdns[depth + i] !== base.rdns[i]) return false;
  }
  return true;
}

/** The parent of `dn` (the root DSE `''` is its own parent). */
export function parentDn(dn: ParsedDn): ParsedDn {
  const rdns = dn.rdns.slice(1);
  return { rdns, key: rdns.join(',') };
}
