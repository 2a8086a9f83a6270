/** gm bench [--seconds N] [--openssl-seconds N]: the gm benchmark with OpenSSL ratios (see BENCHMARKS.md). */
import { formatBenchmark, runGmBenchmark } from '@yizheng/gm/benchmark';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions } from '../io.js';

function positiveNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError('YZ_ERR_USAGE', `--${name} must be a non-negative number`);
  return n;
}

export function bench(argv: string[]): number {
  const { values } = parseOptions(argv, {
    strings: ['seconds', 'openssl-seconds'],
    defaults: { seconds: '2', 'openssl-seconds': '3' },
  });
  const result = runGmBenchmark({
    seconds: positiveNumber(values.seconds ?? '', 'seconds'),
    opensslSeconds: positiveNumber(values['openssl-seconds'] ?? '', 'openssl-seconds'),
    log: (line) => process.stderr.write(`… ${line}\n`),
  });
  process.stdout.write(formatBenchmark(result) + '\n');
  return Exit.OK;
}
