// `npm run bench -w packages/ldap`: indexed USCC searches per second against the embedded LDAP
// server (R6: ≥ 5,000 searches/s). The server runs on this thread with an InMemoryDirectory of
// N legal persons (two certificate-sized binary values each); a worker thread drives M
// connections, each with one search in flight, `(uscc=…)` for a random legal person, asking for
// `userCertificate;binary`. Uses the compiled package (`tsc -b` first).
// Usage: node bench/search.mjs [--entries 100000] [--connections 8] [--seconds 10]
import { randomBytes } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { InMemoryDirectory, LdapClient, LdapServer, ResultCode } from '../dist/index.js';

const BASE_DN = 'o=Yizheng Demo CA,c=CN';
const PERSONS_DN = `ou=legal-persons,${BASE_DN}`;

/** GB 32100 check character, so the USCCs are valid ones. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function withCheck(body17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body17[i]) * USCC_WEIGHTS[i];
  return body17 + USCC_CHARS[(31 - (sum % 31)) % 31];
}
/** The i-th legal person's USCC: 91 (enterprise) 330106 (Hangzhou) MA, 7 characters from i, check. */
function uscc(i) {
  let body = '';
  for (let k = 0, n = i; k < 7; k++, n = Math.floor(n / 31)) body = USCC_CHARS[n % 31] + body;
  return withCheck(`91330106MA${body}`);
}

/** Random bytes cut from one buffer: n certificate-sized opaque DER values (an SM2 certificate is about 600 bytes). */
function certificateSizedValues(n) {
  const all = new Uint8Array(randomBytes(n * 600));
  return Array.from({ length: n }, (_, i) => {
    const value = all.subarray(i * 600, (i + 1) * 600);
    value.set([0x30, 0x82, 0x02, 0x54]);
    return value;
  });
}

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function drive({ port, entries, connections, seconds }) {
  const clients = await Promise.all(Array.from({ length: connections }, () => LdapClient.connect(port)));
  await Promise.all(clients.map((client) => client.bind()));
  let done = 0;
  let failed = 0;
  const latencies = [];
  const end = performance.now() + seconds * 1000;
  const warmEnd = performance.now() + 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < end) {
        const started = performance.now();
        const filter = `(uscc=${workerData.usccs[Math.floor(Math.random() * entries)]})`;
        const reply = await client.search({
          baseDn: BASE_DN,
          filter,
          attributes: ['userCertificate;binary'],
        });
        if (reply.result.resultCode !== ResultCode.success || reply.entries.length !== 1) failed++;
        if (started >= warmEnd) {
          done++;
          latencies.push(performance.now() - started);
        }
      }
    }),
  );
  for (const client of clients) client.close();
  latencies.sort((a, b) => a - b);
  return {
    done,
    failed,
    seconds: seconds - 1,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

if (isMainThread) {
  const entries = option('entries', 100_000);
  const connections = option('connections', 8);
  const seconds = option('seconds', 10);
  if (uscc(0).length !== 18 || withCheck('91330106MA2B3C4D5') !== '91330106MA2B3C4D5D') {
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
    const code = uscc(i);
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
  const rate = result.done / result.seconds;
  console.log(
    `LDAP indexed search (uscc=…) → userCertificate;binary: ${entries.toLocaleString('en')} legal persons ` +
      `(loaded in ${loadSeconds.toFixed(1)} s), ${connections} connections, ${result.seconds} s measured\n` +
      `  ${Math.round(rate).toLocaleString('en')} searches/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms` +
      (result.failed > 0 ? `, ${result.failed} FAILED` : ''),
  );
  if (result.failed > 0) process.exitCode = 1;
} else {
  parentPort.postMessage(await drive(workerData));
}
