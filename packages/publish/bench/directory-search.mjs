// `npm run bench -w packages/publish`: searches per second of the embedded LDAP server on the
// database backend (R6: ≥ 5,000 searches/s on 1,000,000 legal persons). The store is the embedded
// SQLite database with N legal persons, each with a valid dual pair (two certificate-sized DER
// values); the server runs on this thread with `StoreDirectory`, a worker thread drives M
// connections, each with one search in flight: `(uscc=…)` of a random legal person asking for
// `userCertificate;binary` (or, with --query serial|name, `(serialNumber=…)` or `(cn=<name>)`).
// Rows are seeded straight into SQLite with prepared statements (the store's schema, made by
// openStore), because seeding a million through the core would take an hour; --data keeps the
// database for the next run. Uses the compiled packages (`tsc -b` first).
// Usage: node bench/directory-search.mjs [--persons 1000000] [--connections 8] [--seconds 10]
//        [--query uscc|serial|name] [--data DIR]
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { directoryNameKey, systemClock } from '@yizheng/core';
import { LdapServer } from '@yizheng/ldap';
import { benchUscc, describeRate, measureSearches, option } from '@yizheng/ldap/bench/search-load';
import { openStore } from '@yizheng/store';
import { DirectoryTree, StoreDirectory } from '../dist/index.js';

const ORGANIZATION = 'Yizheng Demo CA';
const BASE_DN = `o=${ORGANIZATION},c=CN`;

const nameOf = (i) => `杭州某某${i}号科技有限公司`;
/** Two serials per legal person, upper-case hex without leading zeros, derived from i. */
const serialOf = (i, role) =>
  `${role === 'sign' ? 'A' : 'B'}${(i + 1).toString(16).toUpperCase().padStart(15, '0')}`;

/** Seeds `persons` legal persons with a valid pair each, unless the database holds them already. */
async function seed(dataDir, persons) {
  const store = await openStore({ dataDir }); // creates and migrates the schema
  await store.close();
  const db = new BetterSqlite3(join(dataDir, 'yizheng.db'));
  const have = db.prepare('select count(*) as n from legal_persons').get().n;
  if (have === persons) return db.close();
  if (have !== 0)
    throw new Error(`${dataDir} holds ${have} legal persons, not ${persons}: use another --data`);
  const person = db.prepare(
    `insert into legal_persons (uscc, name, name_key, legal_representative, registry_status, updated_at)
     values (?, ?, ?, '张某某', 'active', ?)`,
  );
  const certificate = db.prepare(
    `insert into certificates (ca_id, serial, role, pair_id, uscc, subject, not_before, not_after, status,
       public_key_hash, der, created_at) values ('ca-bench', ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?)`,
  );
  const now = Date.now();
  const notAfter = now + 365 * 86_400_000;
  const der = new Uint8Array(randomBytes(600));
  der.set([0x30, 0x82, 0x02, 0x54]);
  const insert = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const code = benchUscc(i);
      person.run(code, nameOf(i), directoryNameKey(nameOf(i)), now);
      for (const role of ['sign', 'enc']) {
        const serial = serialOf(i, role);
        der.set(Buffer.from(serial, 'hex').subarray(0, 8), 16); // distinct values, certificate-sized
        certificate.run(
          serial,
          role,
          `pair-${i}`,
          code,
          `C=CN,CN=${nameOf(i)}`,
          now,
          notAfter,
          serial,
          der,
          now,
        );
      }
    }
  });
  for (let from = 0; from < persons; from += 10_000) insert(from, Math.min(persons, from + 10_000));
  db.exec('analyze');
  db.close();
}

if (isMainThread) {
  const persons = Number(option('persons', 1_000_000));
  const connections = Number(option('connections', 8));
  const seconds = Number(option('seconds', 10));
  const query = option('query', 'uscc');
  if (benchUscc(0).length !== 18) throw new Error('USCC is wrong');
  const kept = option('data', undefined);
  const dataDir = kept ?? mkdtempSync(join(tmpdir(), 'yz-bench-directory-'));
  const seedStart = performance.now();
  const seeded = kept !== undefined && existsSync(join(dataDir, 'yizheng.db'));
  await seed(dataDir, persons);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const store = await openStore({ dataDir });
  const tree = DirectoryTree.ofOrganization(ORGANIZATION);
  const server = new LdapServer({ backend: new StoreDirectory(store, systemClock, { tree }) });
  const { port } = await server.listen(0);
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { port, persons, connections, seconds, query },
  });
  const result = await new Promise((resolve, reject) =>
    worker.once('message', resolve).once('error', reject),
  );
  await server.close(1000);
  await store.close();
  if (kept === undefined) rmSync(dataDir, { recursive: true, force: true });
  console.log(
    `LDAP search ${query === 'uscc' ? '(uscc=…)' : query === 'serial' ? '(serialNumber=…)' : '(cn=<name>)'} → ` +
      `userCertificate;binary on the database (SQLite): ${persons.toLocaleString('en')} legal persons ` +
      `(${seeded ? 'seeded before' : `seeded in ${seedSeconds.toFixed(0)} s`}), ${connections} connections, ` +
      `${result.seconds} s measured\n` +
      describeRate(result),
  );
  if (result.failed > 0) process.exitCode = 1;
} else {
  const { port, persons, connections, seconds, query } = workerData;
  const filterOf = (i) =>
    query === 'serial'
      ? `(serialNumber=${serialOf(i, 'enc')})`
      : query === 'name'
        ? `(cn=${nameOf(i)})`
        : `(uscc=${benchUscc(i)})`;
  parentPort.postMessage(
    await measureSearches({
      port,
      baseDn: BASE_DN,
      connections,
      seconds,
      filterOf: () => filterOf(Math.floor(Math.random() * persons)),
      valuesExpected: 2,
    }),
  );
}
