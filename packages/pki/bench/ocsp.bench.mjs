// `npm run bench -w packages/pki`: the OCSP benchmark (src/benchmark-ocsp.ts, compiled by `tsc -b`).
// Usage: node bench/ocsp.bench.mjs [--seconds N]
import { formatOcspBenchmark, runOcspBenchmark } from '../dist/benchmark-ocsp.js';

const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) : 2;

console.log(formatOcspBenchmark(runOcspBenchmark(seconds)));
