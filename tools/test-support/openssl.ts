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

let verifyCount = 0;

/**
 * `openssl pkeyutl -verify` of an SM2 signature over `message` itself (SM3 digest, Z with the
 * signer ID `id`; `null` leaves the ID out, which OpenSSL 3.0 treats as the empty ID): how the
 * tests check our signatures over TBS bytes that the OpenSSL commands cannot take an ID for.
 */
export function opensslSm2Verify(
  scratch: Scratch,
  publicKeyPem: string,
  message: Uint8Array,
  signature: Uint8Array,
  id: string | null = '1234567812345678',
): OpensslResult {
  const n = ++verifyCount;
  return openssl([
    'pkeyutl',
    '-verify',
    '-pubin',
    '-rawin',
    '-digest',
    'sm3',
    ...(id === null ? [] : ['-pkeyopt', `distid:${id}`]),
    '-inkey',
    scratch.write(`verify-${n}.pub`, publicKeyPem),
    '-in',
    scratch.write(`verify-${n}.tbs`, message),
    '-sigfile',
    scratch.write(`verify-${n}.sig`, signature),
  ]);
}

/**
 * A self-signed TLS certificate for 127.0.0.1 (EC P-256, subjectAltName IP:127.0.0.1) and its
 * key, written to `dir` as `<name>.crt` / `<name>.key`: a directory's or proxy's own certificate.
 */
export function selfSignedTlsCertificate(
  dir: string,
  name: string,
): { certFile: string; keyFile: string; pem: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const made = spawnSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/CN=127.0.0.1/O=${name}`],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr.toString()}`);
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}
