/**
 * The backend port of the LDAP server (R5): where entries come from. The server owns everything
 * protocol-shaped — DN normalisation, scopes, filters, attribute selection, limits, paging — and
 * asks a backend only for candidate entries. A backend may over-return: the server re-checks the
 * scope and the full filter on every entry, so the database backend of apps/server can answer
 * `(uscc=X)` with one index lookup (see `equalityTerms`) and anything else with a scan.
 */
import type { Filter } from './filter.js';
import type { ParsedDn, SearchScope } from './rfc4514-dn.js';

/** An attribute value: text (caseIgnore attributes) or bytes (certificates and CRLs, in DER). */
export type AttributeValue = string | Uint8Array;

/**
 * One directory entry. Keys are attribute descriptions as the backend names them
 * (`userCertificate;binary`, `uscc`, `cn`); certificate attributes are answered with `;binary`
 * whether or not the key carries it (RFC 4523 §2).
 */
export interface DirectoryEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly AttributeValue[]>;
}

/** What a backend is asked for. */
export interface DirectorySearch {
  /** The base DN as the client sent it, and normalised. */
  readonly baseDn: string;
  readonly base: ParsedDn;
  readonly scope: SearchScope;
  /** The full filter, for index selection; the server re-checks it on every returned entry. */
  readonly filter: Filter;
  /**
   * How many matching entries the server will send (0: no limit). A backend that filters
   * exactly may stop after `sizeLimit + 1`; one that over-returns must not cut its candidates.
   */
  readonly sizeLimit: number;
  /** Attribute descriptions the client asked for (`*`, `+`, `1.1` or names); a hint only. */
  readonly attributes: readonly string[];
  readonly typesOnly: boolean;
}

/** The port: naming contexts for the root DSE, and candidate entries for a search. */
export interface DirectoryBackend {
  /** Suffixes this directory holds, e.g. `['o=Yizheng Demo CA,c=CN']`. */
  readonly namingContexts: readonly string[];
  /**
   * Candidate entries for `request`, in any order. Throw `LdapError('YZ_ERR_LDAP_NO_SUCH_OBJECT')`
   * when the base entry does not exist. Stop early when `signal` aborts (abandon, time limit,
   * closed connection): the server stops reading anyway.
   */
  search(request: DirectorySearch, signal: AbortSignal): AsyncIterable<DirectoryEntry>;
}
