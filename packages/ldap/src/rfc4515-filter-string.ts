/**
 * RFC 4515 — the string representation of search filters: `(&(objectClass=*)(uscc=91330106…))`.
 * The server receives filters in BER; the text form is for the client, the tests, logs and
 * diagnostic messages. Parsing obeys the same FilterLimits as decoding.
 *
 *   filter         = LPAREN filtercomp RPAREN
 *   filtercomp     = and / or / not / item
 *   and            = AMPERSAND filterlist
 *   or             = VERTBAR filterlist
 *   not            = EXCLAMATION filter
 *   filterlist     = *filter                      ; RFC 4526 allows (&) and (|)
 *   item           = simple / present / substring / extensible
 *   simple         = attr filtertype assertionvalue
 *   filtertype     = EQUALS / approx / greaterorequal / lessorequal   ; = ~= >= <=
 *   extensible     = ( attr [dnattrs] [matchingrule] COLON EQUALS assertionvalue )
 *                    / ( [dnattrs] matchingrule COLON EQUALS assertionvalue )
 *   present        = attr EQUALS ASTERISK
 *   substring      = attr EQUALS [initial] any [final]
 *   assertionvalue = valueencoding                ; \XX escapes a byte
 */
import { LdapError } from './errors.js';
import { FilterBudget, type Filter } from './filter.js';

const encoder = new TextEncoder();

function syntaxError(text: string, at: number, why: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_FILTER', `bad filter at character ${at} (${why}): ${text.slice(0, 200)}`);
}

/** Parses RFC 4515 text; outer parentheses may be left out, as ldapsearch allows (`uscc=X`). */
export function parseFilter(text: string, budget = new FilterBudget()): Filter {
  const source = text.trim();
  const wrapped = source.startsWith('(') ? source : `(${source})`;
  const parser = new FilterParser(wrapped, budget);
  const filter = parser.filter(0);
  if (parser.position !== wrapped.length)
    throw syntaxError(wrapped, parser.position, 'text after the filter');
  return filter;
}

class FilterParser {
  position = 0;
  constructor(
    readonly text: string,
    readonly budget: FilterBudget,
  ) {}

  filter(depth: number): Filter {
    this.expect('(');
    this.budget.charge(depth);
    const c = this.text[this.position];
    let filter: Filter;
    if (c === '&' || c === '|') {
      this.position++;
      const filters: Filter[] = [];
      while (this.text[this.position] === '(') filters.push(this.filter(depth + 1));
      filter = { type: c === '&' ? 'and' : 'or', filters };
    } else if (c === '!') {
      this.position++;
      filter = { type: 'not', filter: this.filter(depth + 1) };
    } else {
      filter = this.item();
    }
    this.expect(')');
    return filter;
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw syntaxError(this.text, this.position, `'${char}' expected`);
    this.position++;
  }

  private item(): Filter {
    const start = this.position;
    const end = this.text.indexOf(')', start);
    if (end < 0) throw syntaxError(this.text, start, 'unclosed item');
    const body = this.text.slice(start, end);
    const eq = body.indexOf('=');
    if (eq <= 0) throw syntaxError(this.text, start, "'=' expected");
    this.position = end;
    const before = body[eq - 1];
    const raw = body.slice(eq + 1);
    if (before === ':') return this.extensible(body.slice(0, eq - 1), raw, start);
    if (before === '~' || before === '>' || before === '<') {
      const attribute = this.attribute(body.slice(0, eq - 1), start);
      const type = before === '~' ? 'approx' : before === '>' ? 'greaterOrEqual' : 'lessOrEqual';
      return { type, attribute, value: this.value(raw, start + eq + 1) };
    }
    const attribute = this.attribute(body.slice(0, eq), start);
    if (raw === '*') return { type: 'present', attribute };
    if (!raw.includes('*')) return { type: 'equality', attribute, value: this.value(raw, start + eq + 1) };
    const pieces = raw.split('*');
    const initial = pieces[0]!;
    const final = pieces[pieces.length - 1]!;
    return {
      type: 'substrings',
      attribute,
      initial: initial === '' ? undefined : this.value(initial, start),
      any: pieces
        .slice(1, -1)
        .filter((piece) => piece !== '')
        .map((piece) => this.value(piece, start)),
      final: final === '' ? undefined : this.value(final, start),
    };
  }

  private attribute(name: string, at: number): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9.;-]*$/.test(name))
      throw syntaxError(this.text, at, 'bad attribute description');
    return name;
  }

  private extensible(head: string, raw: string, at: number): Filter {
    const parts = head.split(':');
    const attribute = parts[0] === '' ? undefined : this.attribute(parts[0]!, at);
    let dnAttributes = false;
    let matchingRule: string | undefined;
    for (const part of parts.slice(1)) {
      if (part.toLowerCase() === 'dn' && !dnAttributes && matchingRule === undefined) dnAttributes = true;
      else if (matchingRule === undefined && /^[A-Za-z0-9.-]+$/.test(part)) matchingRule = part;
      else throw syntaxError(this.text, at, 'bad extensible match');
    }
    if (attribute === undefined && matchingRule === undefined) {
      throw syntaxError(this.text, at, 'extensible match needs an attribute or a matching rule');
    }
    return { type: 'extensible', attribute, matchingRule, dnAttributes, value: this.value(raw, at) };
  }

  /** Assertion value bytes: UTF-8 of the text with each `\XX` replaced by the byte XX. */
  private value(raw: string, at: number): Uint8Array {
    if (/[()*]/.test(raw) || /\0/.test(raw)) throw syntaxError(this.text, at, 'unescaped special character');
    if (!raw.includes('\\')) return encoder.encode(raw);
    const bytes: number[] = [];
    for (let i = 0; i < raw.length;) {
      if (raw[i] === '\\') {
        const hex = raw.slice(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw syntaxError(this.text, at, 'bad \\XX escape');
        bytes.push(parseInt(hex, 16));
        i += 3;
      } else {
        const codePoint = raw.codePointAt(i)!;
        const char = String.fromCodePoint(codePoint);
        bytes.push(...encoder.encode(char));
        i += char.length;
      }
    }
    return Uint8Array.from(bytes);
  }
}

/** RFC 4515 text of `filter`; bytes outside printable ASCII and the specials are written `\XX`. */
export function formatFilter(filter: Filter): string {
  switch (filter.type) {
    case 'and':
      return `(&${filter.filters.map(formatFilter).join('')})`;
    case 'or':
      return `(|${filter.filters.map(formatFilter).join('')})`;
    case 'not':
      return `(!${formatFilter(filter.filter)})`;
    case 'present':
      return `(${filter.attribute}=*)`;
    case 'equality':
      return `(${filter.attribute}=${escapeValue(filter.value)})`;
    case 'approx':
      return `(${filter.attribute}~=${escapeValue(filter.value)})`;
    case 'greaterOrEqual':
      return `(${filter.attribute}>=${escapeValue(filter.value)})`;
    case 'lessOrEqual':
      return `(${filter.attribute}<=${escapeValue(filter.value)})`;
    case 'substrings':
      return `(${filter.attribute}=${filter.initial ? escapeValue(filter.initial) : ''}*${filter.any
        .map((piece) => escapeValue(piece) + '*')
        .join('')}${filter.final ? escapeValue(filter.final) : ''})`;
    case 'extensible':
      return `(${filter.attribute ?? ''}${filter.dnAttributes ? ':dn' : ''}${
        filter.matchingRule ? ':' + filter.matchingRule : ''
      }:=${escapeValue(filter.value)})`;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text with RFC 4515 specials escaped; a value that is not UTF-8 is escaped byte by byte. */
function escapeValue(value: Uint8Array): string {
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    return [...value].map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  }
  return text.replace(/[\0()*\\]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
