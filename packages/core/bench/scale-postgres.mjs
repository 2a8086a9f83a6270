// Bulk writer of the scale run on PostgreSQL (scale.mjs): one INSERT … SELECT FROM unnest(…) per
// table and chunk of legal persons (arrays of column values as parameters), one transaction per
// chunk, on a connection of its own with synchronous_commit=off (the loader only; a crash loses
// the load). The template DER and escrow bytes are sent once per statement, not once per row.
// Afterwards VACUUM ANALYZE does at once what autovacuum does within minutes of a real load.
import pg from 'pg';

const TABLES = {
  legal_persons: [
    ['uscc', 'text'],
    ['name', 'text'],
    ['legal_representative', 'text'],
    ['registry_status', 'text'],
    ['updated_at', 'time'],
  ],
  applications: [
    ['id', 'text'],
    ['uscc', 'text'],
    ['business_type', 'text'],
    ['channel', 'text'],
    ['state', 'text'],
    ['actor', 'text'],
    ['data', 'json'],
    ['created_at', 'time'],
    ['updated_at', 'time'],
  ],
  certificates: [
    ['ca_id', 'text'],
    ['serial', 'text'],
    ['role', 'text'],
    ['pair_id', 'text'],
    ['uscc', 'text'],
    ['subject', 'text'],
    ['not_before', 'time'],
    ['not_after', 'time'],
    ['status', 'text'],
    ['revoked_at', 'time'],
    ['revocation_reason', 'text'],
    ['predecessor_pair_id', 'text'],
    ['public_key_hash', 'text'],
    ['application_id', 'text'],
    ['escrow_id', 'text'],
    ['der', 'der'],
    ['created_at', 'time'],
  ],
  escrowed_keys: [
    ['id', 'text'],
    ['state', 'text'],
    ['public_key', 'bytes'],
    ['sealed', 'bytes'],
    ['uscc', 'text'],
    ['ca_id', 'text'],
    ['certificate_serial', 'text'],
    ['created_at', 'time'],
    ['assigned_at', 'time'],
  ],
  audit_entries: [
    ['seq', 'int'],
    ['at', 'time'],
    ['actor', 'text'],
    ['action', 'text'],
    ['object', 'text'],
    ['reason', 'text'],
    ['detail', 'json'],
    ['prev_hash', 'text'],
    ['hash', 'text'],
  ],
  outbox: [
    ['id', 'text'],
    ['kind', 'text'],
    ['payload', 'json'],
    ['created_at', 'time'],
    ['done_at', 'time'],
  ],
};
const ARRAY_TYPE = { text: 'text[]', time: 'float8[]', json: 'text[]', int: 'int8[]' };

/**
 * `insert into table (…) select … from unnest($1::text[], …) as t(…)` and what feeds each
 * placeholder: `{ position }` an array of that row position, `{ constant }` bytes sent once.
 */
function statement(table, columns) {
  const params = [];
  const placeholder = (param) => `$${params.push(param)}`;
  const arrays = [];
  const select = columns.map(([column, type], position) => {
    if (type === 'der')
      return `case role when 'sign' then ${placeholder({ constant: 'signDer' })}::bytea else ${placeholder({ constant: 'encDer' })}::bytea end`;
    if (type === 'bytes')
      return `${placeholder({ constant: column === 'public_key' ? 'escrowPublicKey' : 'escrowSealed' })}::bytea`;
    arrays.push(`${placeholder({ position })}::${ARRAY_TYPE[type]}`);
    return type === 'time'
      ? `to_timestamp(${column} / 1000.0)`
      : type === 'json'
        ? `${column}::jsonb`
        : column;
  });
  const names = columns.filter(([, type]) => ARRAY_TYPE[type]).map(([column]) => column);
  const text =
    `insert into ${table} (${columns.map(([column]) => column).join(', ')}) select ${select.join(', ')} ` +
    `from unnest(${arrays.join(', ')}) as t(${names.join(', ')})`;
  return { text, params };
}

export async function postgresWriter(databaseUrl, schema, template) {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('set synchronous_commit = off');
  const constants = {
    signDer: Buffer.from(template.signDer),
    encDer: Buffer.from(template.encDer),
    escrowPublicKey: Buffer.from(template.escrowPublicKey),
    escrowSealed: Buffer.from(template.escrowSealed),
  };
  const statements = Object.entries(TABLES).map(([table, columns]) => ({
    table,
    ...statement(table, columns),
  }));
  const rowsOf = {
    legal_persons: (b) => [b.person],
    applications: (b) => [b.application],
    certificates: (b) => b.certificates,
    escrowed_keys: (b) => [b.escrow],
    audit_entries: (b) => b.audit,
    outbox: (b) => b.outbox,
  };
  return {
    write: async (bundles) => {
      await client.query('begin');
      for (const { table, text, params } of statements) {
        const rows = bundles.flatMap(rowsOf[table]);
        const values = params.map((p) =>
          p.constant ? constants[p.constant] : rows.map((r) => r[p.position]),
        );
        await client.query(text, values);
      }
      await client.query('commit');
    },
    finish: async (head) => {
      await client.query('update audit_head set seq = $1, hash = $2 where id = 1', [head.seq, head.hash]);
      await client.query('vacuum analyze');
      await client.end();
    },
  };
}
