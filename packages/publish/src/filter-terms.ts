/**
 * What a search filter tells the database backend before any entry is read (R6: every search one
 * index look-up or range when it can be): the name prefixes that every matching legal person's
 * name starts with, and whether the filter or the attribute selection needs an attribute at all
 * (CRLs are only read when they can be returned or tested).
 */
import { directoryNameKey } from '@yizheng/core';
import { type Filter, attributeDescription } from '@yizheng/ldap';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(value: Uint8Array): string | undefined {
  try {
    return utf8.decode(value);
  } catch {
    return undefined;
  }
}

/** `o` and `cn` both hold a legal person's name. */
const NAME_TYPES: ReadonlySet<string> = new Set(['o', 'cn']);

function isName(attribute: string): boolean {
  return NAME_TYPES.has(attributeDescription(attribute).type.key);
}

/** A substring piece prepared as the server compares it: like the name key, but not trimmed. */
function prepareInitial(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ');
}

function collect(filter: Filter): string[] | undefined {
  switch (filter.type) {
    case 'equality':
    case 'approx': {
      if (!isName(filter.attribute)) return undefined;
      const text = textOf(filter.value);
      return text === undefined ? [] : [directoryNameKey(text)];
    }
    case 'substrings': {
      if (!isName(filter.attribute) || filter.initial === undefined) return undefined;
      const text = textOf(filter.initial);
      return text === undefined ? [] : [prepareInitial(text)];
    }
    case 'and': {
      let best: string[] | undefined;
      for (const inner of filter.filters) {
        const prefixes = collect(inner);
        if (prefixes !== undefined && (best === undefined || prefixes.length < best.length)) best = prefixes;
      }
      return best;
    }
    case 'or': {
      const union: string[] = [];
      for (const inner of filter.filters) {
        const prefixes = collect(inner);
        if (prefixes === undefined) return undefined;
        union.push(...prefixes);
      }
      return union;
    }
    default:
      return undefined;
  }
}

/**
 * Name-key prefixes one of which every legal person matching `filter` has (`(cn=杭州*)` →
 * `['杭州']`, `(o=杭州某某科技有限公司)` → the whole key, through `and` and `or`), none of them a prefix
 * of another so their ranges do not overlap; `undefined` when the filter does not pin the name
 * down (or pins it to the empty prefix, which is no better than a scan).
 */
export function namePrefixes(filter: Filter): string[] | undefined {
  const prefixes = collect(filter);
  if (prefixes === undefined || prefixes.includes('')) return undefined;
  const kept: string[] = [];
  for (const prefix of [...new Set(prefixes)].sort((a, b) => a.length - b.length))
    if (!kept.some((shorter) => prefix.startsWith(shorter))) kept.push(prefix);
  return kept.sort();
}

/** True when `filter` tests an attribute of one of the types `typeKeys` (or every attribute). */
export function filterMentions(filter: Filter, typeKeys: ReadonlySet<string>): boolean {
  switch (filter.type) {
    case 'and':
    case 'or':
      return filter.filters.some((inner) => filterMentions(inner, typeKeys));
    case 'not':
      return filterMentions(filter.filter, typeKeys);
    case 'extensible':
      return filter.attribute === undefined || typeKeys.has(attributeDescription(filter.attribute).type.key);
    default:
      return typeKeys.has(attributeDescription(filter.attribute).type.key);
  }
}

/** True when the attribute selection returns values of one of the user attribute types `typeKeys`. */
export function selectionWants(selectors: readonly string[], typeKeys: ReadonlySet<string>): boolean {
  if (selectors.length === 0) return true;
  return selectors.some((selector) => {
    const trimmed = selector.trim();
    if (trimmed === '*') return true;
    if (trimmed === '+' || trimmed === '1.1') return false;
    return typeKeys.has(attributeDescription(trimmed).type.key);
  });
}
