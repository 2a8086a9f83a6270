/**
 * The directory operations of the store port (`DirectoryStoreTx`) on Kysely: legal persons with
 * their current certificates for the LDAP server, each query one index look-up or range joined to
 * `certificates` by its uscc index (one round trip), and the outbox as the LDAP publisher drains
 * it. The main `KyselyStoreTx` extends this class, so one transaction object offers every
 * operation. Same rules as `kysely-store.ts`.
 */
import type {
  CertificateRole,
  DirectoryCertificate,
  DirectoryPerson,
  DirectoryPersonQuery,
  DirectoryStoreTx,
  OutboxBacklog,
  OutboxJob,
} from '@yizheng/core';
import { directoryNameKey } from '@yizheng/core';
import { type RawBuilder, sql } from 'kysely';
import { KyselyAccountStoreTx } from './kysely-account-store.js';
import { bytesFromDb, outboxFromRow } from './mapping.js';

/**
 * The least string above every string that starts with `prefix`, in code point order (UTF-8 byte
 * order, which SQLite's BINARY and PostgreSQL's "C" collation compare by); undefined when there is
 * none (a prefix of U+10FFFF only).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1; // surrogates are not characters
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** One row of the directory query: a legal person, and one current certificate or none. */
interface DirectoryRow {
  uscc: string;
  name: string;
  ca_id: string | null;
  serial: string | null;
  role: string | null;
  der: Uint8Array | null;
}

export class KyselyDirectoryStoreTx extends KyselyAccountStoreTx implements DirectoryStoreTx {
  /**
   * Written as SQL text rather than with the query builder: this is the LDAP directory's hot path
   * (R6, thousands a second) and building the query costs more than running it.
   */
  async directoryPersons(query: DirectoryPersonQuery, at: Date): Promise<DirectoryPerson[]> {
    if (query.by === 'uscc' && query.usccs.length === 0) return [];
    const persons = this.personsOf(query);
    const order = query.by === 'name' ? sql`p.name_key, p.uscc` : sql`p.uscc`;
    const { rows } = await sql<DirectoryRow>`
      select p.uscc, p.name, c.ca_id, c.serial, c.role, c.der
      from (${persons}) p
      left join certificates c
        on c.uscc = p.uscc and c.status = 'valid' and c.not_after > ${this.codec.time(at)}
      order by ${order}, c.created_at, c.pair_id, c.role desc, c.serial`.execute(this.db);
    // the two of a pair are created at one instant: together, signing first
    const out: { uscc: string; name: string; certificates: DirectoryCertificate[] }[] = [];
    for (const row of rows) {
      let person = out[out.length - 1];
      if (person?.uscc !== row.uscc)
        out.push((person = { uscc: row.uscc, name: row.name, certificates: [] }));
      if (row.ca_id === null || row.serial === null || row.role === null || row.der === null) continue;
      person.certificates.push({
        caId: row.ca_id,
        serial: row.serial,
        role: row.role as CertificateRole,
        der: bytesFromDb(row.der),
      });
    }
    return out;
  }

  /** The legal persons of `query` (uscc, name, name_key), an index look-up or range. */
  private personsOf(query: DirectoryPersonQuery): RawBuilder<unknown> {
    const columns = sql`select uscc, name, name_key from legal_persons`;
    if (query.by === 'uscc') return sql`${columns} where uscc in (${sql.join(query.usccs)})`;
    if (query.by === 'all') {
      const after = query.afterUscc === undefined ? sql`` : sql`where uscc > ${query.afterUscc}`;
      return sql`${columns} ${after} order by uscc limit ${query.limit}`;
    }
    const upper = prefixUpperBound(query.prefix);
    const below = upper === undefined ? sql`` : sql`and name_key < ${upper}`;
    let after = sql``;
    if (query.after !== undefined) {
      const key = directoryNameKey(query.after.name);
      after = sql`and (name_key > ${key} or (name_key = ${key} and uscc > ${query.after.uscc}))`;
    }
    return sql`${columns} where name_key >= ${query.prefix} ${below} ${after} order by name_key, uscc limit ${query.limit}`;
  }

  async pendingOutboxOf(kinds: readonly string[], limit: number): Promise<OutboxJob[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('done_at', 'is', null)
      .where('kind', 'in', [...kinds])
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => outboxFromRow(this.codec, row));
  }

  async outboxBacklog(kinds: readonly string[]): Promise<OutboxBacklog> {
    if (kinds.length === 0) return { pending: 0, oldestCreatedAt: null };
    const row = await this.db
      .selectFrom('outbox')
      .select([sql<number | string>`count(*)`.as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
      .where('done_at', 'is', null)
      .where('kind', 'in', [...kinds])
      .executeTakeFirstOrThrow();
    return {
      pending: Number(row.n),
      oldestCreatedAt: row.oldest === null ? null : this.codec.date(row.oldest),
    };
  }
}
