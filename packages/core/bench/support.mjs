// Shared by the core benchmarks (issuance.bench.mjs, scale.mjs): command-line options, the
// machine and its load, fresh stores on SQLite (a temporary directory) and PostgreSQL (a schema
// of its own, dropped afterwards), and their size on disk.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '@yizheng/store';

export const DATABASE_URL =
  process.env.YIZHENG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `--name value` options with defaults; numbers stay numbers, lists split on commas. */
export function options(defaults) {
  const args = process.argv.slice(2);
  const result = { ...defaults };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '');
    if (!(name in defaults))
      throw new Error(`unknown option --${name}; known: ${Object.keys(defaults).join(', ')}`);
    const value = args[i + 1];
    const fallback = defaults[name];
    result[name] = Array.isArray(fallback)
      ? value.split(',').map((v) => (typeof fallback[0] === 'number' ? Number(v) : v))
      : typeof fallback === 'number'
        ? Number(value)
        : value;
  }
  return result;
}

/** What the figures were measured on. */
export function machine() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? model;
  } catch {
    // lscpu is missing: Node's model string is enough
  }
  return { cpu: model, cores: cpus().length, node: process.version, date: new Date().toISOString() };
}

/** The 1-, 5- and 15-minute load averages, rounded. */
export function load() {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}

/**
 * Waits (up to `minutes`) until the 1-minute load is below `max`: other people use these
 * machines, and a run during their test suites measures them as much as us.
 */
export async function waitForLoad(max, minutes = 10) {
  const deadline = Date.now() + minutes * 60_000;
  while (loadavg()[0] >= max && Date.now() < deadline) {
    console.error(`load ${load().join(' ')} ≥ ${max}: waiting…`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
  return load();
}

/**
 * A fresh store of `kind` (SQLite: a new directory under `directory`; PostgreSQL: a new schema):
 * `store` is the open handle, `close`/`reopen` let a bulk loader have the database to itself,
 * `size` is its size on disk, `dispose` closes and removes it.
 */
export async function freshStore(kind, directory = tmpdir()) {
  const where =
    kind === 'sqlite'
      ? { dataDir: mkdtempSync(join(directory, 'yz-bench-')) }
      : { databaseUrl: DATABASE_URL, schema: `yz_bench_${randomBytes(6).toString('hex')}` };
  const handle = {
    kind,
    ...where,
    store: await openStore(where),
    open: true,
    async close() {
      if (handle.open) await handle.store.close();
      handle.open = false;
    },
    async reopen() {
      await handle.close();
      handle.store = await openStore(where);
      handle.open = true;
      return handle.store;
    },
    size: () => (kind === 'sqlite' ? sqliteSize(where.dataDir) : postgresSize(where.schema)),
    async dispose() {
      await handle.close();
      if (kind === 'sqlite') rmSync(where.dataDir, { recursive: true, force: true });
      else await postgresQuery(`drop schema if exists ${where.schema} cascade`);
    },
  };
  return handle;
}

/** The database file and its WAL. */
async function sqliteSize(dataDir) {
  return readdirSync(dataDir)
    .filter((f) => f.startsWith('yizheng.db'))
    .reduce((sum, f) => sum + statSync(join(dataDir, f)).size, 0);
}

/** Tables with their indexes and TOAST. */
async function postgresSize(schema) {
  const result = await postgresQuery(
    `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes from pg_class c
     join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
    [schema],
  );
  return Number(result.rows[0].bytes);
}

/** One statement on a connection of its own. */
export async function postgresQuery(text, values) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Writes `value` as JSON to `file` (directories created). */
export function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Bytes as MB/GB text. */
export function size(bytes) {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
