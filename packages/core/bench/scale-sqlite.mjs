// Bulk writer of the scale run on SQLite (scale.mjs): plain prepared INSERTs into the schema the
// store's migrations made, one transaction per chunk of legal persons, on a connection of its
// own. That connection (the loader only, never the store) runs with synchronous=OFF and a
// 1 GiB page cache: a crash during the load loses the load, not data anyone relies on.
import { join } from 'node:path';
import Database from 'better-sqlite3';

const COLUMNS = {
  legal_persons: ['uscc', 'name', 'legal_representative', 'registry_status', 'updated_at'],
  applications: [
    'id',
    'uscc',
    'business_type',
    'channel',
    'state',
    'actor',
    'data',
    'created_at',
    'updated_at',
  ],
  certificates: [
    'ca_id',
    'serial',
    'role',
    'pair_id',
    'uscc',
    'subject',
    'not_before',
    'not_after',
    'status',
    'revoked_at',
    'revocation_reason',
    'predecessor_pair_id',
    'public_key_hash',
    'application_id',
    'escrow_id',
    'der',
    'created_at',
  ],
  escrowed_keys: [
    'id',
    'state',
    'public_key',
    'sealed',
    'uscc',
    'ca_id',
    'certificate_serial',
    'created_at',
    'assigned_at',
  ],
  audit_entries: ['seq', 'at', 'actor', 'action', 'object', 'reason', 'detail', 'prev_hash', 'hash'],
  outbox: ['id', 'kind', 'payload', 'created_at', 'done_at'],
};

export function sqliteWriter(dataDir, template) {
  const db = new Database(join(dataDir, 'yizheng.db'));
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  const insert = Object.fromEntries(
    Object.entries(COLUMNS).map(([table, columns]) => [
      table,
      db.prepare(
        `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      ),
    ]),
  );
  const der = { sign: Buffer.from(template.signDer), enc: Buffer.from(template.encDer) };
  const escrowPublicKey = Buffer.from(template.escrowPublicKey);
  const escrowSealed = Buffer.from(template.escrowSealed);
  const writeChunk = db.transaction((bundles) => {
    for (const b of bundles) {
      insert.legal_persons.run(b.person);
      insert.applications.run(b.application);
      for (const c of b.certificates) {
        const row = c.slice();
        row[15] = der[c[15]];
        insert.certificates.run(row);
      }
      const escrow = b.escrow.slice();
      escrow[2] = escrowPublicKey;
      escrow[3] = escrowSealed;
      insert.escrowed_keys.run(escrow);
      for (const a of b.audit) insert.audit_entries.run(a);
      for (const o of b.outbox) insert.outbox.run(o);
    }
  });
  return {
    write: async (bundles) => writeChunk(bundles),
    /**
     * Moves the audit head to the last loaded entry and folds the WAL into the database file.
     * No ANALYZE: the store never runs it, so the measurements see the query plans a real
     * deployment gets.
     */
    finish: async (head) => {
      db.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(head.seq, head.hash);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
