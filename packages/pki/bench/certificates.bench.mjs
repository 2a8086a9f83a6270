// `npm run bench -w packages/pki`: the certificate benchmark (src/benchmark-certificates.ts,
// compiled by `tsc -b`). Usage: node bench/certificates.bench.mjs [--seconds N]
import { formatCertificateBenchmark, runCertificateBenchmark } from '../dist/benchmark-certificates.js';

const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) : 2;

console.log(formatCertificateBenchmark(runCertificateBenchmark(seconds)));
