/**
 * Migration `0011_directory` (R5 LDAP, R6 response time): the name key of every legal person
 * (`directoryNameKey`: the name as LDAP's caseIgnoreMatch compares it) and an index on
 * (name_key, uscc), so `(cn=杭州*)` and `(o=杭州某某科技有限公司)` are one index range among a
 * million legal persons. On PostgreSQL the key is in the "C" collation: byte order is code point
 * order, so a prefix is the range [prefix, successor of prefix) whatever the server's locale.
 * Existing rows get their key here, in batches; `upsertLegalPerson` keeps it afterwards.
 */
import { directoryNameKey } from '@yizheng/core';
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from './column-types.js';

const BACKFILL_BATCH = 1000;

export function migration0011Directory(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('legal_persons')
        .addColumn('name_key', 'text', (c) =>
          dialect === 'postgres'
            ? c
                .notNull()
                .defaultTo('')
                .modifyEnd(sql`collate "C"`)
            : c.notNull().defaultTo(''),
        )
        .execute();
      const persons = db as unknown as Kysely<{
        legal_persons: { uscc: string; name: string; name_key: string };
      }>;
      for (let after = ''; ;) {
        const rows = await persons
          .selectFrom('legal_persons')
          .select(['uscc', 'name'])
          .where('uscc', '>', after)
          .orderBy('uscc')
          .limit(BACKFILL_BATCH)
          .execute();
        for (const row of rows)
          await persons
            .updateTable('legal_persons')
            .set({ name_key: directoryNameKey(row.name) })
            .where('uscc', '=', row.uscc)
            .execute();
        if (rows.length < BACKFILL_BATCH) break;
        after = rows[rows.length - 1]!.uscc;
      }
      await db.schema
        .createIndex('legal_persons_name_key')
        .on('legal_persons')
        .columns(['name_key', 'uscc'])
        .execute();
    },
  };
}
