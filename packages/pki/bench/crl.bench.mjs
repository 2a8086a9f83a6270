// `npm run bench -w packages/pki`: the CRL benchmark (src/benchmark-crl.ts, compiled by `tsc -b`).
// Every mode runs in a child process of its own so that each peak RSS figure is its own.
// Usage: node bench/crl.bench.mjs [build|write|parse ...] [--entries N]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatCrlBenchmark, runCrlBenchmark } from '../dist/benchmark-crl.js';

const args = process.argv.slice(2);
const at = args.indexOf('--entries');
const entries = at >= 0 ? Number(args.splice(at, 2)[1]) : 1_000_000;
const modes = args.length ? args : ['build', 'write', 'parse'];

if (process.env.YZ_CRL_BENCH_CHILD) {
  console.log(formatCrlBenchmark(await runCrlBenchmark(modes[0], entries)));
} else {
  for (const mode of modes) {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), mode, '--entries', String(entries)],
      {
        env: { ...process.env, YZ_CRL_BENCH_CHILD: '1' },
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  }
}
