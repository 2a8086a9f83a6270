/**
 * `npm start` = `yizheng serve` (issue 5 "Start-up"): on a fresh data directory the first run
 * creates the demo CA and serves; SIGTERM closes it cleanly (exit 0); a bad configuration stops
 * it at once with YZ_ERR_CONFIG and every problem named.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../../../tools/test-support/openssl.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
const scratch = new Scratch();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  scratch.cleanup();
});
const env = {
  ...process.env,
  DATABASE_URL: '',
  YIZHENG_MASTER_KEY: '',
  YIZHENG_KMC_MASTER_KEY: '',
  YIZHENG_LOG_LEVEL: 'warn',
};

describe('yizheng serve', () => {
  it('ok/first run creates the demo CA, serves, and closes cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'serve', '--http-port', '0', '--ldap-port', '0', '--data', scratch.path('data')],
      { env },
    );
    children.push(child);
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /serving on (http:\/\/\S+)/.exec(stdout);
        if (found) resolve(found[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
    });
    expect(stdout).toMatch(/first run: demo CA ca-\S+ created/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const cas = (await (await fetch(`${url}/ca`)).json()) as unknown[];
    expect(cas).toHaveLength(1);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('error/a bad configuration is refused before anything starts', () => {
    const run = spawnSync(process.execPath, [bin, 'serve', '--data', scratch.path('data2')], {
      env: { ...env, YIZHENG_HTTP_PORT: 'eighty', YIZHENG_BASE_URL: 'ftp://nowhere' },
    });
    expect(run.status).toBe(2);
    const stderr = run.stderr.toString();
    expect(stderr).toMatch(/YZ_ERR_CONFIG/);
    expect(stderr).toMatch(/\/httpPort/);
    expect(stderr).toMatch(/\/baseUrl/);
  });
});
