// `npm run bench -w packages/ldap`: indexed USCC searches per second against the embedded LDAP
// server (R6: ≥ 5,000 searches/s). The server runs on this thread with an InMemoryDirectory of
// N legal persons (two certificate-sized binary values each); a worker thread drives M
// connections, each with one search in flight, `(uscc=…)` for a random legal person, asking for
// `userCertificate;binary`. Uses the compiled package (`tsc -b` first).
// Usage: node bench/search.mjs [--entries 100000] [--connections 8] [--seconds 10]
import { randomBytes } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { InMemoryDirectory, LdapServer } from '../dist/index.js';
import { benchUscc, describeRate, measureSearches, option, withUsccCheck } from './search-load.mjs';

const BASE_DN = 'o=Yizheng Demo CA,c=CN';
const PERSONS_DN = `ou=legal-persons,${BASE_DN}`;

/** Random bytes cut from one buffer: n certificate-sized opaque DER values (an SM2 certificate is about 600 bytes). */
function certificateSizedValues(n) {
  const all = new Uint8Array(randomBytes(n * 600));
  return Array.from({ length: n }, (_, i) => {
    const value = all.subarray(i * 600, (i + 1) * 600);
    value.set([0x30, 0x82, 0x02, 0x54]);
    return value;
  });
}

if (isMainThread) {
  const entries = Number(option('entries', 100_000));
  const connections = Number(option('connections', 8));
  const seconds = Number(option('seconds', 10));
  if (benchUscc(0).length !== 18 || withUsccCheck('91330106MA2B3C4D5') !== '91330106MA2B3C4D5D') {
    throw new Error('USCC check character is wrong');
  }
  const loadStart = performance.now();
  const directory = new InMemoryDirectory([BASE_DN]);
  directory.put({ dn: BASE_DN, attributes: new Map([['o', ['Yizheng Demo CA']]]) });
  directory.put({ dn: PERSONS_DN, attributes: new Map([['ou', ['legal-persons']]]) });
  const usccs = [];
  const certificates = certificateSizedValues(2 * entries);
  const serials = randomBytes(32 * entries)
    .toString('hex')
    .toUpperCase();
  for (let i = 0; i < entries; i++) {
    const code = benchUscc(i);
    usccs.push(code);
    directory.put({
      dn: `uscc=${code},${PERSONS_DN}`,
      attributes: new Map([
        ['objectClass', ['top', 'organization', 'pkiUser']],
        ['uscc', [code]],
        ['cn', [`杭州某某${i}号科技有限公司`]],
        ['serialNumber', [serials.slice(64 * i, 64 * i + 32), serials.slice(64 * i + 32, 64 * i + 64)]],
        ['userCertificate;binary', [certificates[2 * i], certificates[2 * i + 1]]],
      ]),
    });
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const server = new LdapServer({ backend: directory });
  const { port } = await server.listen(0);
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { port, entries, connections, seconds, usccs },
  });
  const result = await new Promise((resolve, reject) =>
    worker.once('message', resolve).once('error', reject),
  );
  await server.close(1000);
  console.log(
    `LDAP indexed search (uscc=…) → userCertificate;binary: ${entries.toLocaleString('en')} legal persons ` +
      `(loaded in ${loadSeconds.toFixed(1)} s), ${connections} connections, ${result.seconds} s measured\n` +
      describeRate(result),
  );
  if (result.failed > 0) process.exitCode = 1;
} else {
  const { port, entries, connections, seconds, usccs } = workerData;
  parentPort.postMessage(
    await measureSearches({
      port,
      baseDn: BASE_DN,
      connections,
      seconds,
      filterOf: () => `(uscc=${usccs[Math.floor(Math.random() * entries)]})`,
      valuesExpected: 2,
    }),
  );
}
