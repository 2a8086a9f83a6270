/**
 * Runs the OpenSSL 3 CLI from tests, with files in a temporary directory. OpenSSL is the
 * independent reference the brief names: SM2 with `-pkeyopt/-vfyopt distid:1234567812345678`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Outcome of one openssl run. */
export interface OpensslResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** A scratch directory for openssl files; `cleanup` removes it. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'yz-openssl-'));

  /** Writes `data` to `name` and returns the path. */
  write(name: string, data: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, data);
    return path;
  }

  /** Reads `name`. */
  read(name: string): Buffer {
    return readFileSync(join(this.dir, name));
  }

  /** Path of `name`. */
  path(name: string): string {
    return join(this.dir, name);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `openssl args…` and returns its status and output (never throws on a non-zero exit). */
export function openssl(args: readonly string[], input?: Uint8Array | string): OpensslResult {
  const result = spawnSync('openssl', args, { input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString() };
}

/**
 * `openssl req -new` with an SM2 `key`, SM3 and the default SM2 ID, UTF-8 `subject`
 * (`/C=CN/O=…`); `args` follow (e.g. `-x509 -days 30 -out f.pem`, or `-out r.csr`).
 */
export function opensslSm2Req(key: string, subject: string, args: readonly string[]): OpensslResult {
  return openssl([
    'req',
    '-new',
    '-key',
    key,
    '-sm3',
    '-sigopt',
    'distid:1234567812345678',
    '-utf8',
    '-subj',
    subject,
    ...args,
  ]);
}
