/**
 * The CLI opens the platform the way the server does (`@yizheng/server`'s composition root):
 * `--data DIR` (default ./data, SQLite) or `DATABASE_URL` (+ `YIZHENG_DB_SCHEMA`) for
 * PostgreSQL, master secrets from `YIZHENG_MASTER_KEY` / `YIZHENG_KMC_MASTER_KEY` or, on the
 * embedded default, from files created once in the data directory.
 */
import { type Platform, openPlatform, platformOptionsFromEnv } from '@yizheng/server';

/** An opened platform; `close` releases the database. */
export type CliPlatform = Platform;

/** Runs `work` with an opened platform and closes it afterwards. */
export async function withPlatform<T>(
  options: { data?: string },
  work: (p: CliPlatform) => Promise<T>,
): Promise<T> {
  const platform = await openPlatform(platformOptionsFromEnv(options.data));
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}
