// `npm run bench:scale -w packages/core`: the scale run of issue 4 — a store holding a million
// legal persons with a dual pair each (two million certificates), then look-ups by USCC and by
// serial and the statistics, timed through the store port and the core API.
//
// How the data are made (BENCHMARKS.md repeats it): the store is opened through `openStore`, so
// its migrations make the schema; the core issues a few real pairs (`issueDual`); the rest is
// bulk-loaded with the rows `issueDual` writes (scale-rows.mjs), reusing the real pairs' DER and
// escrow bytes, by a loader of each database (scale-sqlite.mjs, scale-postgres.mjs). The store is
// then reopened and measured. The database lives in a temporary place and is removed at the end.
// Usage: node bench/scale.mjs [--persons 1000000] [--store sqlite|postgres] [--dir /tmp]
//   [--lookups 1000] [--stat-runs 5] [--chunk 10000] [--keep no] [--max-load 0] [--json FILE]
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Sm2PrivateKey } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import {
  Kmc,
  StoreKeyVault,
  demoProfileDefinitions,
  initDemoCa,
  issueDual,
  legalPersonHistory,
  platformStatistics,
  saveProfile,
  systemClock,
} from '@yizheng/core';
import { benchmarkCompanyName, benchmarkUscc } from '../dist/benchmark-data.js';
import { personRows } from './scale-rows.mjs';
import { postgresWriter } from './scale-postgres.mjs';
import { sqliteWriter } from './scale-sqlite.mjs';
import {
  DATABASE_URL,
  freshStore,
  load,
  machine,
  options,
  size,
  waitForLoad,
  writeJson,
} from './support.mjs';

const opts = options({
  persons: 1_000_000,
  store: 'sqlite',
  dir: tmpdir(),
  lookups: 1000,
  'stat-runs': 5,
  chunk: 10_000,
  keep: 'no',
  'max-load': 0,
  json: '',
});
const json =
  opts.json ||
  fileURLToPath(new URL(`../../../bench-results/core-scale-${opts.store}.json`, import.meta.url));
/** Legal persons issued for real through the core before the bulk load. */
const REAL_PAIRS = 16;
/** About what one issuance takes on disk (the issuance benchmark measures ~7 KB), with headroom. */
const BYTES_PER_PERSON = 9_000;
const DAY = 86_400_000;

const free = statfsSync(opts.store === 'sqlite' ? opts.dir : '/');
if (free.bavail * free.bsize < opts.persons * BYTES_PER_PERSON) {
  console.error(
    `not enough space: ${size(free.bavail * free.bsize)} free, about ${size(opts.persons * BYTES_PER_PERSON)} needed`,
  );
  process.exit(1);
}

const result = {
  command: `node bench/scale.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  machine: machine(),
  store: opts.store,
  persons: opts.persons,
};
result.loadBefore = opts['max-load'] > 0 ? await waitForLoad(opts['max-load']) : load();
const fresh = await freshStore(opts.store, opts.dir);
try {
  await run();
} finally {
  if (opts.keep === 'yes') console.error(`kept: ${fresh.dataDir ?? fresh.schema}`);
  else await fresh.dispose();
}

async function run() {
  const now = Date.now();
  const template = await issueRealPairs(fresh.store);
  await fresh.close(); // the loader has the database to itself

  const writer =
    opts.store === 'sqlite'
      ? sqliteWriter(fresh.dataDir, template)
      : await postgresWriter(DATABASE_URL, fresh.schema, template);
  const generator = personRows(template, opts.persons, now, template.head);
  const sample = samplePersons(opts.lookups, REAL_PAIRS, opts.persons);
  const serials = [];
  const started = performance.now();
  for (let first = REAL_PAIRS; first < opts.persons; first += opts.chunk) {
    const bundles = [];
    for (let i = first; i < Math.min(first + opts.chunk, opts.persons); i++) {
      const bundle = generator.rows(i);
      if (sample.has(i)) serials.push(...bundle.serials);
      bundles.push(bundle);
    }
    await writer.write(bundles);
    const done = Math.min(first + opts.chunk, opts.persons);
    const rate = (done - REAL_PAIRS) / ((performance.now() - started) / 1000);
    process.stderr.write(
      `\rloaded ${done}/${opts.persons} legal persons (${((100 * done) / opts.persons).toFixed(1)} %), ` +
        `${rate.toFixed(0)}/s, ${((opts.persons - done) / rate).toFixed(0)} s to go   `,
    );
  }
  const loaded = performance.now();
  await writer.finish(generator.head);
  const finished = performance.now();
  process.stderr.write('\n');
  result.loadSeconds = (loaded - started) / 1000;
  result.finishSeconds = (finished - loaded) / 1000;
  result.databaseBytes = await fresh.size();

  // the load raised the machine's load average itself: let it settle before timing look-ups
  result.loadAtMeasurement = opts['max-load'] > 0 ? await waitForLoad(opts['max-load']) : load();
  const store = await fresh.reopen();
  const persons = [...sample];
  result.measurements = [
    await timed(
      'legalPersonHistory(uscc) — person, applications, certificates, charges, media',
      persons,
      async (i) => {
        const history = await legalPersonHistory(store, benchmarkUscc(i));
        if (history.certificates.length !== 2)
          throw new Error(`person ${i}: ${history.certificates.length} certificates`);
      },
    ),
    await timed('store.read.queryCertificates({ uscc })', persons, async (i) => {
      if ((await store.read.queryCertificates({ uscc: benchmarkUscc(i) })).length !== 2)
        throw new Error(`person ${i}: not 2 certificates`);
    }),
    await timed('store.read.findCertificatesBySerial(serial)', serials, async (serial) => {
      if ((await store.read.findCertificatesBySerial(serial)).length !== 1)
        throw new Error(`serial ${serial} not found once`);
    }),
  ];
  const runs = Array.from({ length: opts['stat-runs'] }, (_, k) => k);
  let statistics;
  result.statistics = [
    await timed('platformStatistics, all time, expiring within 30 days', runs, async () => {
      statistics = await platformStatistics(store, { at: new Date(now) });
    }),
    await timed('platformStatistics, applications of the last 30 days', runs, async () => {
      await platformStatistics(store, {
        at: new Date(now),
        from: new Date(now - 30 * DAY),
        to: new Date(now),
      });
    }),
  ];
  const certificates = Object.values(statistics.certificatesByStatus).reduce((a, b) => a + b, 0);
  if (statistics.legalPersons !== opts.persons || certificates !== 2 * opts.persons)
    throw new Error(`loaded ${statistics.legalPersons} persons and ${certificates} certificates`);
  result.counts = statistics;
  result.loadAfter = load();
  report();
  writeJson(json, result);
  console.log(`\nJSON: ${json}`);
}

/** Issues REAL_PAIRS dual pairs through the core; their bytes become the bulk rows' template. */
async function issueRealPairs(store) {
  const clock = systemClock;
  const context = {
    store,
    vault: new StoreKeyVault(store, 'scale run vault master secret', clock),
    kmc: new Kmc(store, 'scale run kmc master secret', clock),
    clock,
  };
  const ca = await initDemoCa(context, { actor: 'bench-operator' });
  for (const [id, definition] of Object.entries(demoProfileDefinitions('http://ca.example.cn', ca.record.id)))
    await saveProfile(store, clock, id, id, definition, 'bench-operator');
  await context.kmc.refillPool(REAL_PAIRS);
  const pairs = [];
  for (let i = 0; i < REAL_PAIRS; i++) {
    const name = benchmarkCompanyName(i);
    pairs.push(
      await issueDual(context, {
        request: buildCertificationRequest(
          { subject: parseName(`C=CN,O=${name},CN=${name}`) },
          Sm2PrivateKey.generate(),
        ).der,
        legalPerson: { uscc: benchmarkUscc(i), name, legalRepresentative: '张三' },
        channel: 'counter',
        actor: 'bench-operator',
      }),
    );
  }
  const { sign, enc } = pairs[0];
  const escrow = await store.read.getEscrowedKey(enc.escrowId);
  const entries = await store.read.auditEntries(1);
  const last = entries[entries.length - 1];
  return {
    caId: sign.caId,
    subject: sign.subject,
    name0: benchmarkCompanyName(0),
    signDer: sign.der,
    encDer: enc.der,
    escrowPublicKey: escrow.publicKey,
    escrowSealed: escrow.sealed,
    head: { seq: last.seq, hash: last.hash },
  };
}

/** `count` distinct random persons in [from, to). */
function samplePersons(count, from, to) {
  const chosen = new Set();
  while (chosen.size < Math.min(count, to - from)) chosen.add(from + Math.floor(Math.random() * (to - from)));
  return chosen;
}

/** Runs `op` on every item in a random order, one at a time; milliseconds p50, p99, max. */
async function timed(name, items, op) {
  const times = [];
  for (const item of [...items].sort(() => Math.random() - 0.5)) {
    const start = performance.now();
    await op(item);
    times.push(performance.now() - start);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (ms) => Math.round(ms * 1000) / 1000;
  return {
    name,
    count: times.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)),
    first: round(times[0]),
  };
}

function report() {
  const m = result.machine;
  const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
  console.log(
    `\n${m.cpu}, ${m.cores} cores, Node ${m.node}; ${opts.store}; load average before the load ` +
      `${result.loadBefore.join(' ')}, before the measurements ${result.loadAtMeasurement.join(' ')}, ` +
      `after ${result.loadAfter.join(' ')}`,
  );
  console.log(`\n| measure | result |\n|---|---|`);
  console.log(
    `| loaded | ${opts.persons} legal persons, ${2 * opts.persons} certificates, ${opts.persons} applications, ${opts.persons} escrowed keys, ${3 * opts.persons} audit entries, ${2 * opts.persons} outbox jobs |`,
  );
  console.log(
    `| load time | ${result.loadSeconds.toFixed(0)} s (${(opts.persons / result.loadSeconds).toFixed(0)} persons/s) + ${result.finishSeconds.toFixed(0)} s ${opts.store === 'sqlite' ? 'WAL checkpoint' : 'VACUUM ANALYZE'} |`,
  );
  console.log(
    `| database size | ${size(result.databaseBytes)} (${(result.databaseBytes / opts.persons).toFixed(0)} bytes per legal person) |`,
  );
  for (const x of [...result.measurements, ...result.statistics])
    console.log(
      `| ${x.name} (${x.count}×) | p50 ${ms(x.p50)}, p99 ${ms(x.p99)}, max ${ms(x.max)}, first ${ms(x.first)} |`,
    );
  const c = result.counts;
  console.log(
    `\ncounts: ${JSON.stringify({ legalPersons: c.legalPersons, byStatus: c.certificatesByStatus, byRole: c.certificatesByRole, byType: c.applicationsByBusinessType, byChannel: c.applicationsByChannel, expiring: c.expiring })}`,
  );
}
