/**
 * A DirectoryBackend held in memory, with equality indexes: the backend of the tests, the demo
 * and the benchmark, and the reference for what the database backend must return (R5, R6).
 *
 * @example
 * const directory = new InMemoryDirectory(['o=Yizheng Demo CA,c=CN']);
 * directory.put({ dn: 'o=Yizheng Demo CA,c=CN', attributes: new Map([['objectClass', ['organization']], ['o', ['Yizheng Demo CA']]]) });
 */
import type { DirectoryBackend, DirectoryEntry, DirectorySearch } from './directory.js';
import { PreparedEntry, prepareEntry } from './entry.js';
import { LdapError } from './errors.js';
import { equalityTerms } from './matching.js';
import { parentDn, parseDn, type ParsedDn } from './rfc4514-dn.js';
import { attributeType, prepareCaseIgnore } from './schema.js';

/** Yield to the event loop this often during a scan, so one big search cannot starve the others. */
const SCAN_SLICE = 1024;

export class InMemoryDirectory implements DirectoryBackend {
  private readonly entries = new Map<string, PreparedEntry>();
  private readonly children = new Map<string, Set<string>>();
  /** type key → caseIgnore-prepared value → DN keys. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  /** `indexed`: attribute types with an equality index (default: uscc, serialNumber, cn). */
  constructor(
    readonly namingContexts: readonly string[],
    indexed: readonly string[] = ['uscc', 'serialNumber', 'cn'],
  ) {
    for (const name of indexed) this.indexes.set(attributeType(name).key, new Map());
  }

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Adds `entry`, or replaces the entry with the same DN. */
  put(entry: DirectoryEntry): void {
    const prepared = prepareEntry(entry);
    const key = prepared.dn.key;
    this.deleteKey(key);
    this.entries.set(key, prepared);
    const parent = parentDn(prepared.dn).key;
    let siblings = this.children.get(parent);
    if (siblings === undefined) this.children.set(parent, (siblings = new Set()));
    siblings.add(key);
    this.updateIndexes(prepared, (set) => set.add(key));
  }

  /** Removes the entry named `dn`; true if there was one. */
  delete(dn: string): boolean {
    return this.deleteKey(parseDn(dn).key);
  }

  private deleteKey(key: string): boolean {
    const prepared = this.entries.get(key);
    if (prepared === undefined) return false;
    this.entries.delete(key);
    this.children.get(parentDn(prepared.dn).key)?.delete(key);
    this.updateIndexes(prepared, (set) => set.delete(key));
    return true;
  }

  private updateIndexes(entry: PreparedEntry, change: (set: Set<string>) => void): void {
    for (const [typeKey, index] of this.indexes) {
      for (const attribute of entry.ofType(typeKey)) {
        for (const value of attribute.preparedValues()) {
          if (value === undefined) continue;
          let set = index.get(value);
          if (set === undefined) index.set(value, (set = new Set()));
          change(set);
          if (set.size === 0) index.delete(value);
        }
      }
    }
  }

  /** DN keys an index answers the filter with, or undefined when no indexed term pins it down. */
  private indexedCandidates(request: DirectorySearch): Set<string> | undefined {
    let best: Set<string> | undefined;
    for (const [typeKey, index] of this.indexes) {
      const terms = equalityTerms(request.filter, typeKey);
      if (terms === undefined) continue;
      const keys = new Set<string>();
      for (const term of terms) for (const key of index.get(prepareCaseIgnore(term)) ?? []) keys.add(key);
      if (best === undefined || keys.size < best.size) best = keys;
    }
    return best;
  }

  async *search(request: DirectorySearch, signal: AbortSignal): AsyncGenerator<DirectoryEntry> {
    if (!this.entries.has(request.base.key)) {
      throw new LdapError('YZ_ERR_LDAP_NO_SUCH_OBJECT', `no entry "${request.baseDn}"`);
    }
    const indexed = this.indexedCandidates(request);
    const keys = indexed ?? this.scopeKeys(request.base, request.scope);
    let count = 0;
    for (const key of keys) {
      if (++count % SCAN_SLICE === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) return;
      }
      const entry = this.entries.get(key);
      if (entry !== undefined) yield entry.entry;
    }
  }

  /** DN keys in `scope` of `base`, walking the tree from the base. */
  private *scopeKeys(base: ParsedDn, scope: DirectorySearch['scope']): Generator<string> {
    if (scope !== 'one') yield base.key;
    if (scope === 'base') return;
    const stack = [...(this.children.get(base.key) ?? [])];
    while (stack.length > 0) {
      const key = stack.pop()!;
      yield key;
      if (scope === 'sub') stack.push(...(this.children.get(key) ?? []));
    }
  }
}
