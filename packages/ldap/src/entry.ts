/**
 * A directory entry prepared for matching: its DN parsed, its attributes grouped by canonical
 * type, and caseIgnore-prepared values computed once and kept. Entries of the in-memory backend
 * are prepared once for their lifetime (a WeakMap keyed by the entry), which is what makes a
 * filter re-check cost a few map look-ups.
 */
import type { AttributeValue, DirectoryEntry } from './directory.js';
import { parseDn, type ParsedDn } from './rfc4514-dn.js';
import { attributeDescription, prepareCaseIgnore, type AttributeDescription } from './schema.js';

/** One attribute of an entry, with its parsed description. */
export class PreparedAttribute {
  private prepared: (string | undefined)[] | undefined;

  constructor(
    /** The description as the backend named it. */
    readonly name: string,
    readonly description: AttributeDescription,
    readonly values: readonly AttributeValue[],
  ) {}

  /** caseIgnore-prepared text of each value (`undefined` for a binary value). */
  preparedValues(): readonly (string | undefined)[] {
    this.prepared ??= this.values.map((value) =>
      typeof value === 'string' ? prepareCaseIgnore(value) : undefined,
    );
    return this.prepared;
  }
}

/** An entry with parsed DN and attributes by type key. */
export class PreparedEntry {
  readonly dn: ParsedDn;
  readonly attributes: readonly PreparedAttribute[];
  private readonly byType = new Map<string, PreparedAttribute[]>();

  constructor(readonly entry: DirectoryEntry) {
    this.dn = parseDn(entry.dn);
    const attributes: PreparedAttribute[] = [];
    for (const [name, values] of entry.attributes) {
      const attribute = new PreparedAttribute(name, attributeDescription(name), values);
      attributes.push(attribute);
      const key = attribute.description.type.key;
      const list = this.byType.get(key);
      if (list === undefined) this.byType.set(key, [attribute]);
      else list.push(attribute);
    }
    this.attributes = attributes;
  }

  /** Attributes of the type with canonical key `typeKey` (every option variant). */
  ofType(typeKey: string): readonly PreparedAttribute[] {
    return this.byType.get(typeKey) ?? [];
  }
}

const prepared = new WeakMap<DirectoryEntry, PreparedEntry>();

/** The prepared form of `entry`, computed once per entry object. */
export function prepareEntry(entry: DirectoryEntry): PreparedEntry {
  let result = prepared.get(entry);
  if (result === undefined) {
    result = new PreparedEntry(entry);
    prepared.set(entry, result);
  }
  return result;
}
