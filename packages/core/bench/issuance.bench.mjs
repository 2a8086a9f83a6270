// `npm run bench -w packages/core`: dual issuances per second through `issueDual` with a real
// store, on SQLite (a temporary data directory) and PostgreSQL (a fresh schema, dropped after),
// with the raw SM2 sign rate and the pki prepared issuer measured in the same run as peers
// (src/benchmark-issuance.ts, compiled by `tsc -b`). Prints a Markdown table per store and
// writes the figures as JSON.
// Usage: node bench/issuance.bench.mjs [--stores sqlite,postgres] [--issuances 2000] [--rounds 3]
//   [--concurrency 1,4,16] [--peer-seconds 1] [--max-load 0] [--json FILE]
import { fileURLToPath } from 'node:url';
import { formatIssuanceBenchmark, runIssuanceBenchmark } from '../dist/benchmark-issuance.js';
import { freshStore, load, machine, options, size, waitForLoad, writeJson } from './support.mjs';

const opts = options({
  stores: ['sqlite', 'postgres'],
  issuances: 2000,
  rounds: 3,
  concurrency: [1, 4, 16],
  'peer-seconds': 1,
  'max-load': 0,
  json: fileURLToPath(new URL('../../../bench-results/core-issuance.json', import.meta.url)),
});
const LABELS = {
  sqlite: 'SQLite (WAL, synchronous=FULL, one writer)',
  postgres: 'PostgreSQL (pool of 10 connections, synchronous_commit=on)',
};

const results = {
  command: `node bench/issuance.bench.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  machine: machine(),
  stores: [],
};
console.log(`${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}`);
for (const kind of opts.stores) {
  const loadBefore = opts['max-load'] > 0 ? await waitForLoad(opts['max-load']) : load();
  const fresh = await freshStore(kind);
  try {
    const result = await runIssuanceBenchmark({
      store: fresh.store,
      issuances: opts.issuances,
      concurrency: opts.concurrency,
      rounds: opts.rounds,
      peerSeconds: opts['peer-seconds'],
      onProgress: (line) => console.error(`[${kind}] ${line}`),
    });
    const bytes = await fresh.size();
    const loadAfter = load();
    console.log(`\n${formatIssuanceBenchmark(LABELS[kind], result)}`);
    console.log(
      `\ndatabase after ${result.issued} dual issuances: ${size(bytes)} ` +
        `(${Math.round(bytes / result.issued)} bytes per issuance, all tables and indexes); ` +
        `load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}`,
    );
    results.stores.push({
      kind,
      label: LABELS[kind],
      ...result,
      databaseBytes: bytes,
      loadBefore,
      loadAfter,
    });
  } finally {
    await fresh.dispose();
  }
}
writeJson(opts.json, results);
console.log(`\nJSON: ${opts.json}`);
