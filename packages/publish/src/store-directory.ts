/**
 * The database backend of the embedded LDAP server (R5: publication straight from the data, so a
 * revocation is gone from the directory at the next search; R6: bounded work per search). It reads
 * the store port only, and every search is one index look-up or range:
 *
 * | the search                                   | what the store is asked                       |
 * |----------------------------------------------|-----------------------------------------------|
 * | base `uscc=X,ou=legal-persons,…`, or `(uscc=X)` | legal persons by uscc (one query, certificates joined) |
 * | `(serialNumber=0A1B…)`                        | certificates by serial, then their holders     |
 * | `(cn=杭州*)`, `(o=杭州某某科技有限公司)`            | a name-key range, in pages                     |
 * | anything else under `ou=legal-persons`        | every legal person in uscc order, in pages     |
 *
 * Look-ups by USCC of searches arriving together are one query (`PersonLoader`). The backend
 * applies the server's own scope and filter test to each legal person, so it stops
 * after the size limit, and an unindexed search (the last two rows) that reads `maxUnmatched`
 * legal persons in a row without a match ends with adminLimitExceeded instead of walking a
 * million rows. Paged results walk everything that matches, page by page. CA entries carry the
 * newest CRLs, read only when the search can return or test them and kept per CRL number; a CA
 * with CRL partitions (分区) has one `cn=<CA id>-p<n>` entry per partition beside its own.
 */
import {
  type CaRecord,
  type Clock,
  type CrlKind,
  type DirectoryPerson,
  type DirectoryPersonQuery,
  type Store,
  loadCrlPartitioning,
  partitionCrlKey,
} from '@yizheng/core';
import {
  type DirectoryBackend,
  type DirectoryEntry,
  type DirectorySearch,
  LdapError,
  type ParsedDn,
  attributeType,
  equalityTerms,
  inScope,
  matchesFilter,
  parseDn,
  parseDnParts,
  prepareEntry,
} from '@yizheng/ldap';
import { type CaCrls, DirectoryTree } from './directory-tree.js';
import { filterMentions, namePrefixes, selectionWants } from './filter-terms.js';
import { PersonLoader } from './person-loader.js';

/** Settings of a StoreDirectory; everything but the tree has a default. */
export interface StoreDirectoryOptions {
  readonly tree: DirectoryTree;
  /** Legal persons read per store query while walking a range (default 200). */
  readonly pageSize?: number;
  /** An unindexed search gives up after this many legal persons in a row without a match (default 10,000). */
  readonly maxUnmatched?: number;
}

/** Where a search base lies in the tree. */
type Place =
  | { readonly kind: 'suffix' | 'cas' | 'persons' }
  | { readonly kind: 'ca'; readonly ca: CaRecord; readonly partition?: number }
  | { readonly kind: 'person'; readonly person: DirectoryPerson };

/** What of the tree a search reaches (from its base and scope). */
interface Reach {
  suffix?: boolean;
  casContainer?: boolean;
  /** Every CA with its CRL partitions, or one CA entry, or one partition entry. */
  cas?: true | { readonly ca: CaRecord; readonly partition?: number };
  personsContainer?: boolean;
  /** Every legal person, or just one. */
  persons?: true | DirectoryPerson;
}

const CRL_TYPES: ReadonlySet<string> = new Set(['certificaterevocationlist', 'deltarevocationlist']);
/** USCCs are 18 characters of digits and upper-case letters (GB 32100); anything else is no one. */
const USCC_SHAPE = /^[0-9A-Z]{18}$/;
/** Serials are stored as upper-case hex without leading zeros (`serialNumber` values). */
const SERIAL_SHAPE = /^[0-9A-F]+$/;

function noSuchObject(dn: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_NO_SUCH_OBJECT', `no entry "${dn}"`);
}

export class StoreDirectory implements DirectoryBackend {
  readonly namingContexts: readonly string[];
  readonly tree: DirectoryTree;
  private readonly pageSize: number;
  private readonly maxUnmatched: number;
  private readonly suffix: ParsedDn;
  private readonly casKey: string;
  private readonly personsKey: string;
  /** The newest CRL of each (CA, kind) read so far, by number: a CRL is read once per issue. */
  private readonly crls = new Map<string, { readonly number: bigint; readonly der: Uint8Array }>();
  /** Look-ups by USCC of searches that arrive together share one store query. */
  private readonly persons: PersonLoader;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: StoreDirectoryOptions,
  ) {
    this.tree = options.tree;
    this.namingContexts = [this.tree.suffix];
    this.pageSize = options.pageSize ?? 200;
    this.maxUnmatched = options.maxUnmatched ?? 10_000;
    this.suffix = parseDn(this.tree.suffix);
    this.casKey = parseDn(this.tree.caContainerDn).key;
    this.personsKey = parseDn(this.tree.personsContainerDn).key;
    this.persons = new PersonLoader(store, clock);
  }

  async *search(request: DirectorySearch, signal: AbortSignal): AsyncGenerator<DirectoryEntry> {
    const now = this.clock.now();
    const place = await this.locate(request);
    const reach = reachOf(place, request.scope);
    // an entry matching (uscc=…) or (serialNumber=…) holds that attribute: only legal persons do
    const pinned =
      equalityTerms(request.filter, 'uscc') !== undefined ||
      equalityTerms(request.filter, 'serialNumber') !== undefined;
    let sent = 0;
    const wanted = (entry: DirectoryEntry): boolean =>
      inScope(prepareEntry(entry).dn, request.base, request.scope) &&
      matchesFilter(request.filter, prepareEntry(entry));
    // exact filtering allows stopping after one entry beyond the size limit (the server says 4)
    const full = (): boolean => request.sizeLimit > 0 && sent > request.sizeLimit;
    if (!pinned) {
      const fixed: (DirectoryEntry | undefined)[] = [
        reach.suffix ? this.tree.suffixEntry() : undefined,
        reach.casContainer ? this.tree.caContainerEntry() : undefined,
        ...(reach.cas === undefined ? [] : await this.caEntries(reach.cas, request)),
        reach.personsContainer ? this.tree.personsContainerEntry() : undefined,
      ];
      for (const entry of fixed) {
        if (full()) return;
        if (entry === undefined || !wanted(entry)) continue;
        sent++;
        yield entry;
      }
    }
    if (reach.persons === undefined) return;
    const candidates =
      reach.persons === true ? this.personCandidates(request, now, signal) : single(reach.persons);
    let unmatched = 0;
    for await (const { person, indexed } of candidates) {
      if (full() || signal.aborted) return;
      const entry = this.tree.personEntry(person);
      if (wanted(entry)) {
        unmatched = 0;
        sent++;
        yield entry;
      } else if (!indexed && ++unmatched >= this.maxUnmatched) {
        throw new LdapError(
          'YZ_ERR_LDAP_ADMIN_LIMIT',
          `${unmatched} legal persons in a row did not match; search by uscc, serialNumber or a name prefix (cn=杭州*)`,
        );
      }
    }
  }

  /** The place of the search base; noSuchObject for a DN the tree does not hold. */
  private async locate(request: DirectorySearch): Promise<Place> {
    const { base } = request;
    const depth = base.rdns.length - this.suffix.rdns.length;
    if (depth === 0) return { kind: 'suffix' };
    const parent = base.rdns.slice(1).join(',');
    if (depth === 1 && base.key === this.casKey) return { kind: 'cas' };
    if (depth === 1 && base.key === this.personsKey) return { kind: 'persons' };
    if (depth === 2 && parent === this.casKey) {
      const cas = await this.listCas();
      const ca = cas.find((c) => parseDn(this.tree.caDn(c.id)).key === base.key);
      if (ca !== undefined) return { kind: 'ca', ca };
      for (const c of cas) {
        const count = (await loadCrlPartitioning(this.store.read, c.id))?.count ?? 0;
        for (let n = 0; n < count; n++)
          if (parseDn(this.tree.partitionDn(c.id, n)).key === base.key)
            return { kind: 'ca', ca: c, partition: n };
      }
    }
    if (depth === 2 && parent === this.personsKey) {
      const [rdn] = parseDnParts(request.baseDn);
      const uscc = rdn?.length === 1 && attributeType(rdn[0]!.type).key === 'uscc' ? rdn[0]!.value : '';
      const normal = uscc.trim().toUpperCase();
      if (USCC_SHAPE.test(normal)) {
        const [person] = await this.persons.load([normal]);
        if (person !== undefined) return { kind: 'person', person };
      }
    }
    throw noSuchObject(request.baseDn);
  }

  /** CAs with an installed certificate (retired ones too: their CRLs are still published, R7). */
  private async listCas(): Promise<CaRecord[]> {
    return (await this.store.read.listCas()).filter((ca) => ca.certificateDer !== undefined);
  }

  /** Entries of the CAs in reach, with CRLs only when the search can return or test them. */
  private async caEntries(
    which: NonNullable<Reach['cas']>,
    request: DirectorySearch,
  ): Promise<DirectoryEntry[]> {
    const tested = filterMentions(request.filter, CRL_TYPES);
    const returned = !request.typesOnly && selectionWants(request.attributes, CRL_TYPES);
    // a filter that does not test CRLs gives the same answer without them
    const needsCrls = (bare: DirectoryEntry) =>
      tested || (returned && matchesFilter(request.filter, prepareEntry(bare)));
    const caEntry = async (ca: CaRecord) =>
      needsCrls(this.tree.caEntry(ca))
        ? this.tree.caEntry(ca, await this.newestCrls(ca.id))
        : this.tree.caEntry(ca);
    const partitionEntry = async (ca: CaRecord, n: number) =>
      needsCrls(this.tree.partitionEntry(ca.id, n))
        ? this.tree.partitionEntry(ca.id, n, await this.newestCrl(partitionCrlKey(ca.id, n), 'full'))
        : this.tree.partitionEntry(ca.id, n);
    if (which !== true)
      return [
        which.partition === undefined
          ? await caEntry(which.ca)
          : await partitionEntry(which.ca, which.partition),
      ];
    const entries: DirectoryEntry[] = [];
    for (const ca of await this.listCas()) {
      entries.push(await caEntry(ca));
      const count = (await loadCrlPartitioning(this.store.read, ca.id))?.count ?? 0;
      for (let n = 0; n < count; n++) entries.push(await partitionEntry(ca, n));
    }
    return entries;
  }

  private async newestCrls(caId: string): Promise<CaCrls> {
    const [full, delta] = await Promise.all([this.newestCrl(caId, 'full'), this.newestCrl(caId, 'delta')]);
    return { ...(full ? { full } : {}), ...(delta ? { delta } : {}) };
  }

  private async newestCrl(caId: string, kind: CrlKind): Promise<Uint8Array | undefined> {
    const summary = await this.store.read.latestCrlIssue(caId, kind);
    if (summary === undefined) return undefined;
    const key = `${caId}\n${kind}`;
    const known = this.crls.get(key);
    if (known?.number === summary.number) return known.der;
    const issue = await this.store.read.getCrlIssue(caId, summary.number);
    if (issue === undefined) return known?.der; // superseded meanwhile: the next search reads the newer one
    this.crls.set(key, { number: issue.number, der: issue.der });
    return issue.der;
  }

  /** Legal persons that may match, through the best index the filter allows. */
  private async *personCandidates(
    request: DirectorySearch,
    now: Date,
    signal: AbortSignal,
  ): AsyncGenerator<{ person: DirectoryPerson; indexed: boolean }> {
    const usccs = equalityTerms(request.filter, 'uscc');
    const serials = equalityTerms(request.filter, 'serialNumber');
    if (usccs !== undefined || serials !== undefined) {
      const holders = usccs ?? (await this.holdersOf(serials!));
      for (const person of await this.personsByUscc(holders)) yield { person, indexed: true };
      return;
    }
    const prefixes = namePrefixes(request.filter);
    if (prefixes !== undefined) {
      for (const prefix of prefixes)
        for await (const person of this.pages(
          (after) => ({
            by: 'name',
            prefix,
            limit: this.pageSize,
            ...(after ? { after: { name: after.name, uscc: after.uscc } } : {}),
          }),
          now,
          signal,
        ))
          yield { person, indexed: false };
      return;
    }
    for await (const person of this.pages(
      (after) => ({ by: 'all', limit: this.pageSize, ...(after ? { afterUscc: after.uscc } : {}) }),
      now,
      signal,
    ))
      yield { person, indexed: false };
  }

  /** USCCs of the holders of certificates with these serials (any status: the filter decides). */
  private async holdersOf(serials: readonly string[]): Promise<string[]> {
    const holders = new Set<string>();
    for (const serial of new Set(serials.map((s) => s.trim().toUpperCase()))) {
      if (!SERIAL_SHAPE.test(serial)) continue;
      for (const cert of await this.store.read.findCertificatesBySerial(serial))
        if (cert.uscc !== null) holders.add(cert.uscc);
    }
    return [...holders];
  }

  private personsByUscc(usccs: readonly string[]): Promise<DirectoryPerson[]> {
    return this.persons.load(usccs.map((u) => u.trim().toUpperCase()).filter((u) => USCC_SHAPE.test(u)));
  }

  /** Every legal person of a paged query, page after page, until a short page or an abort. */
  private async *pages(
    query: (after: DirectoryPerson | undefined) => DirectoryPersonQuery,
    now: Date,
    signal: AbortSignal,
  ): AsyncGenerator<DirectoryPerson> {
    let after: DirectoryPerson | undefined;
    for (;;) {
      if (signal.aborted) return;
      const page = await this.store.read.directoryPersons(query(after), now);
      yield* page;
      if (page.length < this.pageSize) return;
      after = page[page.length - 1];
    }
  }
}

function reachOf(place: Place, scope: DirectorySearch['scope']): Reach {
  switch (place.kind) {
    case 'suffix':
      if (scope === 'base') return { suffix: true };
      if (scope === 'one') return { casContainer: true, personsContainer: true };
      return { suffix: true, casContainer: true, cas: true, personsContainer: true, persons: true };
    case 'cas':
      if (scope === 'base') return { casContainer: true };
      return scope === 'one' ? { cas: true } : { casContainer: true, cas: true };
    case 'persons':
      if (scope === 'base') return { personsContainer: true };
      return scope === 'one' ? { persons: true } : { personsContainer: true, persons: true };
    case 'ca':
      return scope === 'one'
        ? {}
        : { cas: { ca: place.ca, ...(place.partition !== undefined ? { partition: place.partition } : {}) } };
    case 'person':
      return scope === 'one' ? {} : { persons: place.person };
  }
}

async function* single(
  person: DirectoryPerson,
): AsyncGenerator<{ person: DirectoryPerson; indexed: boolean }> {
  yield { person, indexed: true };
}
