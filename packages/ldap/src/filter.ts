/**
 * Search filters: the RFC 4511 §4.5.1.7 Filter CHOICE as a TypeScript union, its BER codec, and
 * the limits that keep a hostile filter from costing the server more than a normal one (R6).
 *
 * Assertion values stay bytes (AssertionValue is an OCTET STRING: `(userCertificate;binary=\30\82…)`
 * is legal); the matching rule of the attribute decides later how to compare them.
 */
import { LdapError } from './errors.js';
import {
  BerReader,
  ber,
  booleanOf,
  octetsOf,
  stringOf,
  type BerElement,
  type BerNode,
} from './rfc4511-ber.js';

/** One search filter (RFC 4511 §4.5.1.7, RFC 4526 absolute true `(&)` and false `(|)`). */
export type Filter =
  | { readonly type: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly type: 'not'; readonly filter: Filter }
  | {
      readonly type: 'equality' | 'greaterOrEqual' | 'lessOrEqual' | 'approx';
      readonly attribute: string;
      readonly value: Uint8Array;
    }
  | {
      readonly type: 'substrings';
      readonly attribute: string;
      readonly initial?: Uint8Array;
      readonly any: readonly Uint8Array[];
      readonly final?: Uint8Array;
    }
  | { readonly type: 'present'; readonly attribute: string }
  | {
      readonly type: 'extensible';
      readonly matchingRule?: string;
      readonly attribute?: string;
      readonly value: Uint8Array;
      readonly dnAttributes: boolean;
    };

/** How large a filter may be before it is refused with protocolError. */
export interface FilterLimits {
  /** Deepest nesting of and/or/not. */
  readonly maxDepth: number;
  /** Most filter items (every and/or/not/assertion counts one). */
  readonly maxItems: number;
}

/** Generous for any real query (the longest ldapsearch filters seen have tens of items). */
export const DEFAULT_FILTER_LIMITS: FilterLimits = { maxDepth: 16, maxItems: 512 };

/*
 * Filter ::= CHOICE {
 *      and             [0] SET SIZE (1..MAX) OF filter Filter,
 *      or              [1] SET SIZE (1..MAX) OF filter Filter,
 *      not             [2] Filter,
 *      equalityMatch   [3] AttributeValueAssertion,
 *      substrings      [4] SubstringFilter,
 *      greaterOrEqual  [5] AttributeValueAssertion,
 *      lessOrEqual     [6] AttributeValueAssertion,
 *      present         [7] AttributeDescription,
 *      approxMatch     [8] AttributeValueAssertion,
 *      extensibleMatch [9] MatchingRuleAssertion,
 *      ...  }
 *
 * AttributeValueAssertion ::= SEQUENCE {
 *      attributeDesc   AttributeDescription,
 *      assertionValue  AssertionValue }
 *
 * SubstringFilter ::= SEQUENCE {
 *      type           AttributeDescription,
 *      substrings     SEQUENCE SIZE (1..MAX) OF substring CHOICE {
 *           initial [0] AssertionValue,  -- can occur at most once
 *           any     [1] AssertionValue,
 *           final   [2] AssertionValue } -- can occur at most once
 *      }
 *
 * MatchingRuleAssertion ::= SEQUENCE {
 *      matchingRule    [1] MatchingRuleId OPTIONAL,
 *      type            [2] AttributeDescription OPTIONAL,
 *      matchValue      [3] AssertionValue,
 *      dnAttributes    [4] BOOLEAN DEFAULT FALSE }
 */
const FilterTag = {
  and: 0xa0,
  or: 0xa1,
  not: 0xa2,
  equality: 0xa3,
  substrings: 0xa4,
  greaterOrEqual: 0xa5,
  lessOrEqual: 0xa6,
  present: 0x87,
  approx: 0xa8,
  extensible: 0xa9,
} as const;

const AVA_TYPES = ['equality', 'greaterOrEqual', 'lessOrEqual', 'approx'] as const;

function filterError(message: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_FILTER', message);
}

/** Counts items against the limits while a filter is decoded or parsed. */
export class FilterBudget {
  private items = 0;
  constructor(readonly limits: FilterLimits = DEFAULT_FILTER_LIMITS) {}

  /** Charges one item at nesting `depth`; throws YZ_ERR_LDAP_FILTER past a limit. */
  charge(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw filterError(`filter nests deeper than ${this.limits.maxDepth} levels`);
    }
    if (++this.items > this.limits.maxItems) {
      throw filterError(`filter has more than ${this.limits.maxItems} items`);
    }
  }
}

/** Decodes the Filter element `element` read by `reader` (whose depth bounds the BER nesting). */
export function decodeFilter(
  reader: BerReader,
  element: BerElement,
  budget = new FilterBudget(),
  depth = 0,
): Filter {
  budget.charge(depth);
  switch (element.tag) {
    case FilterTag.and:
    case FilterTag.or: {
      const type = element.tag === FilterTag.and ? 'and' : 'or';
      const inner = reader.enter(element, `${type} filter`);
      const filters: Filter[] = [];
      while (!inner.done) filters.push(decodeFilter(inner, inner.next('filter'), budget, depth + 1));
      return { type, filters };
    }
    case FilterTag.not: {
      const inner = reader.enter(element, 'not filter');
      const filter = decodeFilter(inner, inner.next('negated filter'), budget, depth + 1);
      if (!inner.done) throw filterError('not filter holds more than one filter');
      return { type: 'not', filter };
    }
    case FilterTag.present:
      return { type: 'present', attribute: attributeDescriptionOf(element) };
    case FilterTag.substrings:
      return decodeSubstrings(reader.enter(element, 'substrings filter'));
    case FilterTag.extensible:
      return decodeExtensible(reader.enter(element, 'extensible filter'));
    default: {
      const type = AVA_TYPES.find((name) => FilterTag[name] === element.tag);
      if (type === undefined) throw filterError(`unknown filter choice 0x${element.tag.toString(16)}`);
      const ava = reader.enter(element, `${type} filter`);
      const attribute = attributeDescriptionOf(ava.next('attribute description'));
      return { type, attribute, value: ava.octets('assertion value') };
    }
  }
}

function attributeDescriptionOf(element: BerElement): string {
  const text = stringOf(element, 'attribute description');
  if (text.length === 0) throw filterError('empty attribute description');
  return text;
}

function decodeSubstrings(reader: BerReader): Filter {
  const attribute = attributeDescriptionOf(reader.next('attribute description'));
  const parts = reader.sequence('substrings');
  let initial: Uint8Array | undefined;
  let final: Uint8Array | undefined;
  const any: Uint8Array[] = [];
  let count = 0;
  while (!parts.done) {
    const part = parts.next('substring');
    const value = octetsOf(part, 'substring');
    count++;
    if (part.tag === 0x80) {
      if (count !== 1) throw filterError('substring initial must come first');
      initial = value;
    } else if (part.tag === 0x81) {
      if (final !== undefined) throw filterError('substring any after final');
      any.push(value);
    } else if (part.tag === 0x82) {
      if (final !== undefined) throw filterError('substring final occurs twice');
      final = value;
    } else {
      throw filterError(`unknown substring choice 0x${part.tag.toString(16)}`);
    }
  }
  if (count === 0) throw filterError('substrings filter without substrings');
  return { type: 'substrings', attribute, initial, any, final };
}

function decodeExtensible(reader: BerReader): Filter {
  const rule = reader.takeIf(0x81, 'matching rule');
  const type = reader.takeIf(0x82, 'attribute description');
  const value = reader.octets('match value', 0x83);
  const dnAttributes = reader.takeIf(0x84, 'dnAttributes');
  if (rule === undefined && type === undefined) {
    throw filterError('extensible filter needs a matching rule or an attribute');
  }
  return {
    type: 'extensible',
    matchingRule: rule === undefined ? undefined : stringOf(rule, 'matching rule'),
    attribute: type === undefined ? undefined : attributeDescriptionOf(type),
    value,
    dnAttributes: dnAttributes === undefined ? false : booleanOf(dnAttributes, 'dnAttributes'),
  };
}

/** The writer node of `filter` (clients and tests send filters; the server only reads them). */
export function encodeFilter(filter: Filter): BerNode {
  switch (filter.type) {
    case 'and':
    case 'or':
      return ber.set(filter.filters.map(encodeFilter), FilterTag[filter.type]);
    case 'not':
      return ber.sequence([encodeFilter(filter.filter)], FilterTag.not);
    case 'present':
      return ber.octets(filter.attribute, FilterTag.present);
    case 'substrings': {
      const parts: BerNode[] = [];
      if (filter.initial !== undefined) parts.push(ber.octets(filter.initial, 0x80));
      for (const value of filter.any) parts.push(ber.octets(value, 0x81));
      if (filter.final !== undefined) parts.push(ber.octets(filter.final, 0x82));
      return ber.sequence([ber.octets(filter.attribute), ber.sequence(parts)], FilterTag.substrings);
    }
    case 'extensible': {
      const parts: BerNode[] = [];
      if (filter.matchingRule !== undefined) parts.push(ber.octets(filter.matchingRule, 0x81));
      if (filter.attribute !== undefined) parts.push(ber.octets(filter.attribute, 0x82));
      parts.push(ber.octets(filter.value, 0x83));
      if (filter.dnAttributes) parts.push(ber.boolean(true, 0x84));
      return ber.sequence(parts, FilterTag.extensible);
    }
    default:
      return ber.sequence([ber.octets(filter.attribute), ber.octets(filter.value)], FilterTag[filter.type]);
  }
}
