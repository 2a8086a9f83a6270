/**
 * The composition root of the platform (design §1), shared by the server and the CLI: opens the
 * store (SQLite in a data directory — the embedded default — or PostgreSQL, optionally in a
 * schema of its own), the key vault, the KMC and the SO-PIN vault with their master secrets, and
 * the clock. On the embedded default the master secrets, when not given, are created once as
 * random files in the data directory (mode 0600) so `npm start` works out of the box; with
 * PostgreSQL they must be given (production sets them, or an HSM vault replaces the default).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes, toHex } from '@yizheng/gm';
import {
  type Clock,
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
export interface Platform extends IssuanceContext, MediaContext {
  readonly dataDir: string;
  /** True on the embedded default (SQLite): demo data and simulators are allowed. */
  readonly embedded: boolean;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** SQLite data directory (default ./data); also where generated master-secret files go. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  /** PostgreSQL schema of its own. */
  readonly schema?: string;
  readonly masterKey?: string;
  readonly kmcMasterKey?: string;
  readonly clock?: Clock;
  /** Where notes go (a created master-secret file); default stderr. */
  readonly note?: (line: string) => void;
}

/** Options from the environment: DATABASE_URL, YIZHENG_DB_SCHEMA, YIZHENG_MASTER_KEY, YIZHENG_KMC_MASTER_KEY. */
export function platformOptionsFromEnv(dataDir: string | undefined, env = process.env): PlatformOptions {
  return {
    ...(dataDir ? { dataDir } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.YIZHENG_DB_SCHEMA ? { schema: env.YIZHENG_DB_SCHEMA } : {}),
    ...(env.YIZHENG_MASTER_KEY ? { masterKey: env.YIZHENG_MASTER_KEY } : {}),
    ...(env.YIZHENG_KMC_MASTER_KEY ? { kmcMasterKey: env.YIZHENG_KMC_MASTER_KEY } : {}),
  };
}

function secret(
  given: string | undefined,
  variable: string,
  file: string,
  options: { embedded: boolean; dataDir: string; note: (line: string) => void },
): string {
  if (given) return given;
  if (!options.embedded)
    throw new CoreError('YZ_ERR_VAULT_LOCKED', `${variable} must be set when the store is PostgreSQL`);
  const path = join(options.dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path, toHex(randomBytes(32)) + '\n', { mode: 0o600 });
    options.note(`note: created ${path} (embedded default); set ${variable} in production`);
  }
  return readFileSync(path, 'utf8').trim();
}

/** Opens the platform. */
export async function openPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const dataDir = resolve(options.dataDir ?? 'data');
  const embedded = !options.databaseUrl;
  const store = await openStore(
    options.databaseUrl
      ? { databaseUrl: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) }
      : { dataDir },
  );
  try {
    const clock = options.clock ?? systemClock;
    const note = options.note ?? ((line: string) => process.stderr.write(line + '\n'));
    const place = { embedded, dataDir, note };
    const masterSecret = secret(options.masterKey, 'YIZHENG_MASTER_KEY', 'master.key', place);
    const vault = new StoreKeyVault(store, masterSecret, clock);
    // SO PINs are sealed under the vault master secret, in their own key space ('so-pin')
    const soPins = new SoPinVault(masterSecret);
    const kmc = new Kmc(
      store,
      secret(options.kmcMasterKey, 'YIZHENG_KMC_MASTER_KEY', 'kmc-master.key', place),
      clock,
    );
    return { store, vault, kmc, soPins, clock, dataDir, embedded, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
