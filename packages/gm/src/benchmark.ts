/**
 * The gm benchmark (`npm run bench -w packages/gm`, `yizheng gm bench`): SM2 keygen / sign /
 * verify / encrypt / decrypt ops/s on every available backend, SM3 and SM4 MB/s, and — in the
 * same run, on the same machine — `openssl speed` for SM2, SM3 and SM4, with our/OpenSSL ratios.
 * Speed targets are checked here, never by timed unit tests (the brief).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { randomBytes } from './bytes.js';
import { sm2Backend, useSm2Backend } from '#sm2-backend';
import { sm2Decrypt, sm2Encrypt } from './sm2/cipher.js';
import { typescriptBackend } from './sm2/curve.js';
import { Sm2PrivateKey } from './sm2/keys.js';
import { createSm3 } from './sm3.js';
import { sm4Encrypt } from './sm4.js';

/** One measured figure. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: 'ops/s' | 'MB/s';
  openssl?: number;
}

/** Options of a run. */
export interface BenchOptions {
  /** Seconds per measured operation (default 2). */
  seconds?: number;
  /** Seconds per `openssl speed` run (default 3; 0 skips OpenSSL). */
  opensslSeconds?: number;
  /** Progress lines go here (default: nowhere). */
  log?: (line: string) => void;
}

function measure(seconds: number, op: () => void): number {
  for (let i = 0; i < 20; i++) op(); // warm-up: tables, JIT
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) op();
    count += 10;
  }
  return count / ((performance.now() - start) / 1000);
}

function throughput(seconds: number, bytesPerOp: number, op: () => void): number {
  return (measure(seconds, op) * bytesPerOp) / 1e6;
}

function opensslSpeed(args: string[]): string | null {
  const result = spawnSync('openssl', ['speed', ...args], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

/** sign/s and verify/s of `openssl speed sm2`. */
function opensslSm2(seconds: number): { sign: number; verify: number } | null {
  const out = opensslSpeed(['-seconds', String(seconds), 'sm2']);
  const line = out?.split('\n').find((l) => /SM2/.test(l) && /\d+\.\d+\s*$/.test(l.trim()));
  const nums = line?.trim().split(/\s+/).slice(-2).map(Number);
  return nums && nums.every(Number.isFinite) ? { sign: nums[0]!, verify: nums[1]! } : null;
}

/** MB/s of `openssl speed -evp ALG` on 16 KiB blocks. */
function opensslEvp(algorithm: string, seconds: number): number | null {
  const out = opensslSpeed(['-seconds', String(seconds), '-bytes', '16384', '-evp', algorithm]);
  const line = out?.split('\n').find((l) => l.toLowerCase().startsWith(algorithm));
  const value = line?.trim().split(/\s+/).pop();
  if (!value) return null;
  const kb = parseFloat(value.replace(/k$/, ''));
  return Number.isFinite(kb) ? (kb * 1000) / 1e6 : null;
}

/** Runs the whole benchmark and returns its figures. */
export function runGmBenchmark(options: BenchOptions = {}): { machine: string; figures: BenchFigure[] } {
  const seconds = options.seconds ?? 2;
  const opensslSeconds = options.opensslSeconds ?? 3;
  const log = options.log ?? (() => undefined);
  const figures: BenchFigure[] = [];
  const ssl = opensslSeconds > 0 ? opensslSm2(opensslSeconds) : null;
  if (opensslSeconds > 0)
    log(`openssl speed sm2: ${ssl ? `${ssl.sign} sign/s, ${ssl.verify} verify/s` : 'unavailable'}`);

  const current = sm2Backend();
  const sm2Backends = current === typescriptBackend ? [typescriptBackend] : [current, typescriptBackend];
  for (const backend of sm2Backends) {
    const previous = useSm2Backend(backend);
    try {
      const key = Sm2PrivateKey.generate();
      const message = randomBytes(32);
      const signature = key.sign(message);
      const ciphertext = sm2Encrypt(key.publicKey, message);
      const label = `SM2 (${backend.name})`;
      const add = (op: string, value: number, openssl?: number) => {
        figures.push({ name: `${label} ${op}`, value, unit: 'ops/s', openssl });
        log(`${label} ${op}: ${value.toFixed(0)} ops/s`);
      };
      add(
        'keygen',
        measure(seconds, () => Sm2PrivateKey.generate().publicKey),
      );
      add(
        'sign',
        measure(seconds, () => key.sign(message)),
        ssl?.sign,
      );
      add(
        'verify',
        measure(seconds, () => key.publicKey.verify(message, signature)),
        ssl?.verify,
      );
      add(
        'encrypt (32 B)',
        measure(seconds, () => sm2Encrypt(key.publicKey, message)),
      );
      add(
        'decrypt (32 B)',
        measure(seconds, () => sm2Decrypt(key, ciphertext)),
      );
    } finally {
      useSm2Backend(previous);
    }
  }

  const block = randomBytes(16384);
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const symmetric: Array<[string, string | null, () => void]> = [
    ['SM3', 'sm3', () => createSm3().update(block).digest()],
    ['SM4-ECB', 'sm4-ecb', () => sm4Encrypt('ecb', block, { key, padding: 'none' })],
    ['SM4-CBC', 'sm4-cbc', () => sm4Encrypt('cbc', block, { key, iv, padding: 'none' })],
    ['SM4-CTR', 'sm4-ctr', () => sm4Encrypt('ctr', block, { key, iv })],
    ['SM4-GCM', null, () => sm4Encrypt('gcm', block, { key, iv: iv.subarray(0, 12) })],
  ];
  for (const [name, opensslName, op] of symmetric) {
    const value = throughput(seconds, block.length, op);
    const openssl =
      opensslName && opensslSeconds > 0 ? (opensslEvp(opensslName, opensslSeconds) ?? undefined) : undefined;
    figures.push({ name: `${name} (16 KiB blocks)`, value, unit: 'MB/s', openssl });
    log(`${name}: ${value.toFixed(1)} MB/s${openssl ? `, openssl ${openssl.toFixed(1)} MB/s` : ''}`);
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return { machine: `${cpu}, ${cpus().length} cores, Node ${process.version}`, figures };
}

/** The figures as a Markdown table with our/OpenSSL ratios. */
export function formatBenchmark(result: { machine: string; figures: BenchFigure[] }): string {
  const rows = result.figures.map((f) => {
    const ratio = f.openssl ? `${(f.value / f.openssl).toFixed(2)}×` : '—';
    const openssl = f.openssl ? `${f.openssl.toFixed(f.unit === 'MB/s' ? 1 : 0)} ${f.unit}` : '—';
    return `| ${f.name} | ${f.value.toFixed(f.unit === 'MB/s' ? 1 : 0)} ${f.unit} | ${openssl} | ${ratio} |`;
  });
  return [
    `Machine: ${result.machine}`,
    '',
    '| operation | Yizheng | OpenSSL 3 CLI (same run) | ratio |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
