/**
 * Filter evaluation (RFC 4511 §4.5.1.7, three-valued: TRUE, FALSE, Undefined) against prepared
 * entries, and `equalityTerms`, which tells a backend which index look-ups answer a filter (R5, R6).
 *
 * Matching rules: caseIgnore (RFC 4517 caseIgnoreMatch with the RFC 4518 preparation in
 * `prepareCaseIgnore`) for names, USCCs and certificate serials in hex; octetString for
 * certificates and CRLs. approxMatch is treated as equality. A substring or ordering assertion on
 * a type without such a rule (certificates) is Undefined, as is a value that is not UTF-8 where
 * text is expected; an entry is returned only when its filter is TRUE.
 */
import type { AttributeValue } from './directory.js';
import type { PreparedAttribute, PreparedEntry } from './entry.js';
import type { Filter } from './filter.js';
import { parseDnParts } from './rfc4514-dn.js';
import { attributeDescription, attributeType, descriptionSelects, prepareCaseIgnore } from './schema.js';

/** TRUE, FALSE or Undefined (`undefined`). */
export type Truth = boolean | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function textOf(value: Uint8Array): string | undefined {
  try {
    return utf8.decode(value);
  } catch {
    return undefined;
  }
}

function bytesOf(value: AttributeValue): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Substring pieces keep their edge spaces (RFC 4518 §2.6.2), but are otherwise prepared alike. */
function prepareSubstring(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ');
}

/** Evaluates `filter` on `entry`. */
export function evaluateFilter(filter: Filter, entry: PreparedEntry): Truth {
  switch (filter.type) {
    case 'and': {
      let result: Truth = true;
      for (const inner of filter.filters) {
        const truth = evaluateFilter(inner, entry);
        if (truth === false) return false;
        if (truth === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: Truth = false;
      for (const inner of filter.filters) {
        const truth = evaluateFilter(inner, entry);
        if (truth === true) return true;
        if (truth === undefined) result = undefined;
      }
      return result;
    }
    case 'not': {
      const truth = evaluateFilter(filter.filter, entry);
      return truth === undefined ? undefined : !truth;
    }
    case 'present':
      return selected(entry, filter.attribute).some((attribute) => attribute.values.length > 0);
    case 'equality':
    case 'approx':
      return anyValue(entry, filter.attribute, (attribute) => equalityOf(attribute, filter.value));
    case 'greaterOrEqual':
    case 'lessOrEqual': {
      const sign = filter.type === 'greaterOrEqual' ? 1 : -1;
      return anyValue(entry, filter.attribute, (attribute) => orderingOf(attribute, filter.value, sign));
    }
    case 'substrings':
      return anyValue(entry, filter.attribute, (attribute) => substringsOf(attribute, filter));
    case 'extensible':
      return extensibleOf(filter, entry);
  }
}

/** True when `filter` is TRUE for `entry`. */
export function matchesFilter(filter: Filter, entry: PreparedEntry): boolean {
  return evaluateFilter(filter, entry) === true;
}

function selected(entry: PreparedEntry, description: string): readonly PreparedAttribute[] {
  const wanted = attributeDescription(description);
  return entry.ofType(wanted.type.key).filter((held) => descriptionSelects(wanted, held.description));
}

/** TRUE if `test` is TRUE for some selected attribute, Undefined if one is Undefined, else FALSE. */
function anyValue(entry: PreparedEntry, description: string, test: (a: PreparedAttribute) => Truth): Truth {
  let result: Truth = false;
  for (const attribute of selected(entry, description)) {
    const truth = test(attribute);
    if (truth === true) return true;
    if (truth === undefined) result = undefined;
  }
  return result;
}

function equalityOf(attribute: PreparedAttribute, assertion: Uint8Array): Truth {
  if (attribute.description.type.matching === 'octetString') {
    return attribute.values.some((value) => compareBytes(bytesOf(value), assertion) === 0);
  }
  const text = textOf(assertion);
  const prepared = text === undefined ? undefined : prepareCaseIgnore(text);
  const values = attribute.preparedValues();
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined) {
      if (compareBytes(bytesOf(attribute.values[i]!), assertion) === 0) return true;
    } else if (prepared === undefined) {
      return undefined;
    } else if (value === prepared) {
      return true;
    }
  }
  return false;
}

function orderingOf(attribute: PreparedAttribute, assertion: Uint8Array, sign: 1 | -1): Truth {
  if (attribute.description.type.matching === 'octetString') return undefined;
  const text = textOf(assertion);
  if (text === undefined) return undefined;
  const prepared = prepareCaseIgnore(text);
  return attribute
    .preparedValues()
    .some((value) => value !== undefined && (value === prepared || (value > prepared ? 1 : -1) === sign));
}

/** Prepared text of an optional piece: `undefined` when absent, `null` when not UTF-8. */
function pieceText(piece: Uint8Array | undefined): string | undefined | null {
  if (piece === undefined) return undefined;
  const text = textOf(piece);
  return text === undefined ? null : prepareSubstring(text);
}

function substringsOf(attribute: PreparedAttribute, filter: Filter & { type: 'substrings' }): Truth {
  if (attribute.description.type.matching === 'octetString') return undefined;
  const initial = pieceText(filter.initial);
  const final = pieceText(filter.final);
  if (initial === null || final === null) return undefined;
  const any: string[] = [];
  for (const piece of filter.any) {
    const text = pieceText(piece);
    if (text == null) return undefined;
    any.push(text);
  }
  return attribute.preparedValues().some((value) => {
    if (value === undefined) return false;
    let from = 0;
    let to = value.length;
    if (initial !== undefined) {
      if (!value.startsWith(initial)) return false;
      from = initial.length;
    }
    if (final !== undefined) {
      if (!value.endsWith(final) || value.length - final.length < from) return false;
      to = value.length - final.length;
    }
    for (const piece of any) {
      const at = value.indexOf(piece, from);
      if (at < 0 || at + piece.length > to) return false;
      from = at + piece.length;
    }
    return true;
  });
}

/** Matching rules an extensible match may name (RFC 4517 §4.2), by OID and by name. */
const EXTENSIBLE_RULES = new Map<string, 'caseIgnore' | 'caseExact' | 'octetString'>([
  ['2.5.13.2', 'caseIgnore'],
  ['caseignorematch', 'caseIgnore'],
  ['2.5.13.5', 'caseExact'],
  ['caseexactmatch', 'caseExact'],
  ['2.5.13.17', 'octetString'],
  ['octetstringmatch', 'octetString'],
]);

function extensibleOf(filter: Filter & { type: 'extensible' }, entry: PreparedEntry): Truth {
  const rule =
    filter.matchingRule === undefined
      ? attributeType(filter.attribute!).matching
      : EXTENSIBLE_RULES.get(filter.matchingRule.toLowerCase());
  if (rule === undefined) return undefined;
  const assertion = textOf(filter.value);
  const matches = (value: AttributeValue): Truth => {
    if (rule === 'octetString' || typeof value !== 'string')
      return compareBytes(bytesOf(value), filter.value) === 0;
    if (assertion === undefined) return undefined;
    if (rule === 'caseIgnore') return prepareCaseIgnore(value) === prepareCaseIgnore(assertion);
    return (
      value.normalize('NFKC').replace(/\s+/gu, ' ').trim() ===
      assertion.normalize('NFKC').replace(/\s+/gu, ' ').trim()
    );
  };
  const wantedKey =
    filter.attribute === undefined ? undefined : attributeDescription(filter.attribute).type.key;
  let result: Truth = false;
  const consider = (truth: Truth): boolean => {
    if (truth === undefined) result = undefined;
    return truth === true;
  };
  const attributes = wantedKey === undefined ? entry.attributes : selected(entry, filter.attribute!);
  for (const attribute of attributes)
    for (const value of attribute.values) if (consider(matches(value))) return true;
  if (filter.dnAttributes) {
    for (const rdn of parseDnParts(entry.entry.dn)) {
      for (const { type, value } of rdn) {
        if (wantedKey !== undefined && attributeType(type).key !== wantedKey) continue;
        if (consider(matches(value))) return true;
      }
    }
  }
  return result;
}

/**
 * Values of `attribute` one of which every entry matching `filter` must hold (equality or
 * approx on that type, through `and`, and `or` of such terms), or `undefined` when the filter
 * does not pin the attribute down. A backend answers `(uscc=X)` or `(|(uscc=X)(uscc=Y))` with
 * index look-ups and lets the server re-check the rest. Values are the assertion text as sent
 * (not prepared); a value that is not UTF-8 matches nothing and is left out.
 */
export function equalityTerms(filter: Filter, attribute: string): string[] | undefined {
  const key = attributeType(attribute.split(';')[0]!).key;
  switch (filter.type) {
    case 'equality':
    case 'approx': {
      if (attributeDescription(filter.attribute).type.key !== key) return undefined;
      const text = textOf(filter.value);
      return text === undefined ? [] : [text];
    }
    case 'and': {
      let best: string[] | undefined;
      for (const inner of filter.filters) {
        const terms = equalityTerms(inner, attribute);
        if (terms !== undefined && (best === undefined || terms.length < best.length)) best = terms;
      }
      return best;
    }
    case 'or': {
      if (filter.filters.length === 0) return [];
      const union = new Set<string>();
      for (const inner of filter.filters) {
        const terms = equalityTerms(inner, attribute);
        if (terms === undefined) return undefined;
        for (const term of terms) union.add(term);
      }
      return [...union];
    }
    default:
      return undefined;
  }
}
