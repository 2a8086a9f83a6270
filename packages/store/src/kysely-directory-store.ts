/**
 * The directory operations of the store port (`DirectoryStoreTx`) on Kysely: legal persons with
 * their current certificates for the LDAP server, each query one index look-up or range joined to
 * `certificates` by its uscc index (one round trip), and the outbox as the LDAP publisher drains
 * it. The main `KyselyStoreTx` extends this class, so one transaction object offers every
 * operation. Same rules as `kysely-store.ts`.
 */
import type {
  CertificateRole,
  DirectoryPerson,
  DirectoryPersonQuery,
  DirectoryStoreTx,
  OutboxBacklog,
  OutboxJob,
} from '@yizheng/core';
import { directoryNameKey } from '@yizheng/core';
import { sql } from 'kysely';
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

export class KyselyDirectoryStoreTx extends KyselyAccountStoreTx implements DirectoryStoreTx {
  async directoryPersons(query: DirectoryPersonQuery, at: Date): Promise<DirectoryPerson[]> {
    if (query.by === 'uscc' && query.usccs.length === 0) return [];
    const persons = this.db
      .selectFrom('legal_persons')
      .select(['uscc', 'name', 'name_key'])
      .$call((q) => {
        if (query.by === 'uscc') return q.where('uscc', 'in', [...query.usccs]);
        if (query.by === 'all')
          return q
            .$if(query.afterUscc !== undefined, (r) => r.where('uscc', '>', query.afterUscc ?? ''))
            .orderBy('uscc')
            .limit(query.limit);
        const upper = prefixUpperBound(query.prefix);
        const after = query.after;
        return q
          .where('name_key', '>=', query.prefix)
          .$if(upper !== undefined, (r) => r.where('name_key', '<', upper ?? ''))
          .$if(after !== undefined, (r) => {
            const key = directoryNameKey(after!.name);
            return r.where((eb) =>
              eb.or([
                eb('name_key', '>', key),
                eb.and([eb('name_key', '=', key), eb('uscc', '>', after!.uscc)]),
              ]),
            );
          })
          .orderBy('name_key')
          .orderBy('uscc')
          .limit(query.limit);
      });
    const rows = await this.db
      .selectFrom(persons.as('p'))
      .leftJoin('certificates as c', (join) =>
        join
          .onRef('c.uscc', '=', 'p.uscc')
          .on('c.status', '=', 'valid')
          .on('c.not_after', '>', this.codec.time(at)),
      )
      .select(['p.uscc', 'p.name', 'c.ca_id', 'c.serial', 'c.role', 'c.der'])
      .$if(query.by === 'name', (q) => q.orderBy('p.name_key'))
      .orderBy('p.uscc')
      .orderBy('c.created_at')
      .orderBy('c.pair_id')
      .orderBy('c.role', 'desc') // the two of a pair together, signing first
      .orderBy('c.serial')
      .execute();
    const out: { uscc: string; name: string; certificates: DirectoryPerson['certificates'][number][] }[] = [];
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
