/**
 * The CLI's composition root for the CA core (design §1): opens the store (`--data DIR`, default
 * ./data, SQLite; or `DATABASE_URL` for PostgreSQL, `YIZHENG_DB_SCHEMA` for a schema of its own), the key vault and the KMC with their master
 * secrets, and the wall clock. Master secrets come from `YIZHENG_MASTER_KEY` and
 * `YIZHENG_KMC_MASTER_KEY`; on the embedded default (SQLite, no variables set) they are created
 * once as random files in the data directory (mode 0600) so `npm start` works out of the box —
 * production sets the variables (or an HSM vault) instead.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes, toHex } from '@yizheng/gm';
import {
  CoreError,
  type IssuanceContext,
  Kmc,
  type MediaContext,
  SoPinVault,
  StoreKeyVault,
  systemClock,
} from '@yizheng/core';
import { openStore } from '@yizheng/store';

/** An opened platform; `close` releases the database. */
export interface CliPlatform extends IssuanceContext, MediaContext {
  readonly dataDir: string;
  close(): Promise<void>;
}

function secret(variable: string, file: string, embedded: boolean, dataDir: string): string {
  const fromEnv = process.env[variable];
  if (fromEnv) return fromEnv;
  if (!embedded)
    throw new CoreError('YZ_ERR_VAULT_LOCKED', `${variable} must be set when the store is PostgreSQL`);
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, toHex(randomBytes(32)) + '\n', { mode: 0o600 });
    process.stderr.write(`note: created ${path} (embedded default); set ${variable} in production\n`);
  }
  return readFileSync(path, 'utf8').trim();
}

/** Opens the platform for one command. */
export async function openPlatform(options: { data?: string }): Promise<CliPlatform> {
  const dataDir = resolve(options.data ?? 'data');
  const databaseUrl = process.env.DATABASE_URL;
  const embedded = !databaseUrl;
  // YIZHENG_DB_SCHEMA: a PostgreSQL schema of its own (one database, several platforms or test runs)
  const schema = process.env.YIZHENG_DB_SCHEMA;
  const store = await openStore(databaseUrl ? { databaseUrl, ...(schema ? { schema } : {}) } : { dataDir });
  try {
    const clock = systemClock;
    const masterSecret = secret('YIZHENG_MASTER_KEY', 'master.key', embedded, dataDir);
    const vault = new StoreKeyVault(store, masterSecret, clock);
    // SO PINs are sealed under the vault master secret, in their own key space ('so-pin')
    const soPins = new SoPinVault(masterSecret);
    const kmc = new Kmc(store, secret('YIZHENG_KMC_MASTER_KEY', 'kmc-master.key', embedded, dataDir), clock);
    return { store, vault, kmc, soPins, clock, dataDir, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Runs `work` with an opened platform and closes it afterwards. */
export async function withPlatform<T>(
  options: { data?: string },
  work: (p: CliPlatform) => Promise<T>,
): Promise<T> {
  const platform = await openPlatform(options);
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}
