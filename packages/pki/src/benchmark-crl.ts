/**
 * The CRL benchmark (`npm run bench -w packages/pki`, via bench/crl.bench.mjs): builds and signs
 * a CRL of 1,000,000 entries (R1: a million users a year) and reports seconds and peak RSS
 * against the targets ≤ 5 s and ≤ 300 MB. Each mode runs in its own process, because peak RSS
 * (`resourceUsage().maxRSS`) only ever grows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sm2PrivateKey } from '@yizheng/gm';
import { parseName } from './name.js';
import { parseCrl } from './rfc5280-crl.js';
import { buildCrl, writeCrl } from './rfc5280-crl-builder.js';
import type { RevokedEntry } from './rfc5280-crl-entries.js';
import type { CrlReason } from './rfc5280-extensions.js';

/** What is measured: build into one buffer, write to a file in pieces, or parse what was built. */
export type CrlBenchMode = 'build' | 'write' | 'parse';

/** One run's figures. */
export interface CrlBenchResult {
  readonly mode: CrlBenchMode;
  readonly entries: number;
  readonly bytes: number;
  /** Wall time of the measured step (entry generation included for build and write). */
  readonly seconds: number;
  /** Peak resident set size of the whole process, MB. */
  readonly peakRssMb: number;
}

const REASONS: readonly (CrlReason | undefined)[] = [
  undefined,
  'keyCompromise',
  'superseded',
  'cessationOfOperation',
  'affiliationChanged',
];
const YEAR_MS = 365 * 86_400_000;

/**
 * `count` entries as a CA database would stream them: 16-octet serials (the length
 * `randomSerialNumber` issues; a random start and a random odd stride keep them distinct without
 * paying for randomness per entry), revocation dates over the past year, a mix of reasons, and
 * an invalidity date on every tenth entry.
 */
export function* syntheticEntries(count: number, now = Date.now()): Generator<RevokedEntry> {
  const start = BigInt('0x' + randomBytes(16).toString('hex')) & ((1n << 125n) - 1n);
  const stride = BigInt('0x' + randomBytes(12).toString('hex')) | 1n;
  let serialNumber = start | (1n << 124n); // 0x1… : always 16 octets, never negative
  for (let i = 0; i < count; i++) {
    const revocationDate = new Date(now - (i / count) * YEAR_MS);
    yield {
      serialNumber,
      revocationDate,
      reason: REASONS[i % REASONS.length],
      invalidityDate: i % 10 === 0 ? new Date(revocationDate.getTime() - 3_600_000) : undefined,
    };
    serialNumber += stride;
  }
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

/** Runs one mode once. */
export async function runCrlBenchmark(mode: CrlBenchMode, entries = 1_000_000): Promise<CrlBenchResult> {
  const key = Sm2PrivateKey.generate();
  const now = new Date();
  const options = {
    issuer: {
      name: parseName('C=CN,O=某某省数字证书认证中心,CN=某某省法人数字证书CA'),
      keyIdentifier: randomBytes(20),
    },
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 86_400_000),
    crlNumber: 1n,
    entries: syntheticEntries(entries, now.getTime()),
  };
  if (mode === 'write') {
    const dir = mkdtempSync(join(tmpdir(), 'yz-crl-bench-'));
    try {
      const path = join(dir, 'ca.crl');
      const start = performance.now();
      await writeCrl(path, options, key);
      const seconds = (performance.now() - start) / 1000;
      return { mode, entries, bytes: statSync(path).size, seconds, peakRssMb: peakRssMb() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const start = performance.now();
  const der = await buildCrl(options, key);
  const built = (performance.now() - start) / 1000;
  if (mode === 'build') return { mode, entries, bytes: der.length, seconds: built, peakRssMb: peakRssMb() };
  const parseStart = performance.now();
  const crl = parseCrl(der);
  const seconds = (performance.now() - parseStart) / 1000;
  return { mode, entries: crl.tbs.entries.length, bytes: der.length, seconds, peakRssMb: peakRssMb() };
}

/** One line per result, with the targets for build and write. */
export function formatCrlBenchmark(result: CrlBenchResult): string {
  const target = result.mode === 'parse' ? '' : '  (targets ≤ 5 s, ≤ 300 MB)';
  return (
    `crl ${result.mode.padEnd(5)} ${result.entries.toLocaleString('en')} entries, ` +
    `${(result.bytes / 1e6).toFixed(1)} MB: ${result.seconds.toFixed(2)} s, ` +
    `peak RSS ${result.peakRssMb.toFixed(0)} MB${target}`
  );
}
