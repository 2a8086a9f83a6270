/**
 * Runs the built `yizheng` command as a user would, in a scratch directory, on the embedded
 * default (SQLite under ./data, master secrets created there): DATABASE_URL and the master-key
 * variables are cleared so the developer's environment cannot leak in.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scratch } from './openssl.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'cli', 'bin', 'yizheng.js');
const ENV = { ...process.env, DATABASE_URL: '', YIZHENG_MASTER_KEY: '', YIZHENG_KMC_MASTER_KEY: '' };

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `yz(args, operator?)` for one scratch directory; `operator` becomes YIZHENG_OPERATOR; `env`
 * adds variables (e.g. DATABASE_URL and master keys for a PostgreSQL run).
 */
export function cliRunner(
  scratch: Scratch,
  defaultOperator: string,
  env: Readonly<Record<string, string>> = {},
): (args: string[], operator?: string) => CliRun {
  return (args, operator = defaultOperator) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd: scratch.dir,
      env: { ...ENV, ...env, YIZHENG_OPERATOR: operator },
    });
    return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  };
}
