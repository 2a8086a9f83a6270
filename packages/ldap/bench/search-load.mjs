// The LDAP search load both LDAP benches drive (packages/ldap: in-memory directory; packages/publish:
// the directory on the database): M connections, each with one search in flight for one second of
// warm-up and then the measured seconds, counting searches that did not return exactly one entry
// with the expected number of `userCertificate;binary` values as failures. Also the valid USCCs the
// benches key their legal persons by. Uses the compiled package (`tsc -b` first).
import { LdapClient, ResultCode } from '../dist/index.js';

/** GB 32100 check character, so the USCCs are valid ones. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** `body17` followed by its GB 32100 check character. */
export function withUsccCheck(body17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body17[i]) * USCC_WEIGHTS[i];
  return body17 + USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** The i-th legal person's USCC: 91 (enterprise) 330106 (Hangzhou) MA, 7 characters from i, check. */
export function benchUscc(i) {
  let body = '';
  for (let k = 0, n = i; k < 7; k++, n = Math.floor(n / 31)) body = USCC_CHARS[n % 31] + body;
  return withUsccCheck(`91330106MA${body}`);
}

/** `--name value` from the command line, or the fallback. */
export function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

/**
 * Runs the load against `port` under `baseDn`: `filterOf()` gives each search's filter.
 * Returns searches done after the warm-up second, failures, measured seconds, p50 and p99 in ms.
 */
export async function measureSearches({ port, baseDn, connections, seconds, filterOf, valuesExpected }) {
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
        const reply = await client.search({
          baseDn,
          filter: filterOf(),
          attributes: ['userCertificate;binary'],
        });
        const values = reply.entries[0]?.attributes.get('userCertificate;binary') ?? [];
        if (
          reply.result.resultCode !== ResultCode.success ||
          reply.entries.length !== 1 ||
          values.length !== valuesExpected
        )
          failed++;
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

/** One line of figures, the way both benches print them. */
export function describeRate(result) {
  const rate = result.done / result.seconds;
  return (
    `  ${Math.round(rate).toLocaleString('en')} searches/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms` +
    (result.failed > 0 ? `, ${result.failed} FAILED` : '')
  );
}
