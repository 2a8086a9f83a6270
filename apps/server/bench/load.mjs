// `npm run bench -w apps/server`: the service under load over HTTP (issue 5 "Load, latency and
// faults"; R6). The server runs as `npm start` runs it — embedded default, a fresh data directory,
// first run — in a child process (bench/serve-child.mjs); this process makes holders' CSRs, issues
// certificates through the API, then drives autocannon (keep-alive connections, one request in
// flight each) against:
//   OCSP POST pre-produced   nonce-less requests for N certificates, cycled (answered from memory)
//   OCSP GET pre-produced    the same requests in the URL (RFC 5019)
//   OCSP POST with nonce     a nonce per certificate: every answer is built and signed afresh
//   API look-up              GET /api/v1/certificates/{serial} with an app-department API key
//   CRL download             GET /crl/{ca}.crl
// Peers in the same run: raw SM2 signatures per second in this process while the server is idle
// (what a signed OCSP answer cannot beat), and a bare Fastify route answering a fixed buffer of
// the OCSP response's size in a child process of its own (bench/http-ceiling.mjs: what HTTP alone
// allows on this machine with the same load generator). Waits (a few minutes at most) for the
// 1-minute load average to fall below --max-load first, and records it before and after.
// Results also go to bench-results/server-load.json. Uses the compiled packages (`tsc -b` first).
// Usage: node bench/load.mjs [--seconds 10] [--certificates 100] [--connections 64]
//        [--api-connections 200] [--max-load 1.5] [--wait-minutes 5] [--log-level warn]
//        [--rounds 3] [--only ocsp-post,ocsp-get,ocsp-nonce,lookup,crl] [--cpu-prof DIR]
// --only runs some loads (no table then); --cpu-prof profiles the server (node --cpu-prof into DIR).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Sm2PrivateKey, encodePem, sm2Backend } from '@yizheng/gm';
import {
  buildCertificationRequest,
  buildOcspRequest,
  parseCertificate,
  parseName,
  parseOcspResponse,
} from '@yizheng/pki';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '..', '..', '..', 'bench-results', 'server-load.json');
const HANGZHOU = { uscc: '91330106MA2B3C4D5D', name: '杭州某某科技有限公司', legalRepresentative: '张三' };

function options(defaults) {
  const result = { ...defaults };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '');
    if (!(name in defaults))
      throw new Error(`unknown option --${name}; known: ${Object.keys(defaults).join(', ')}`);
    result[name] = typeof defaults[name] === 'number' ? Number(args[i + 1]) : args[i + 1];
  }
  return result;
}

const opts = options({
  seconds: 10,
  certificates: 100,
  connections: 64,
  'api-connections': 200,
  'max-load': 1.5,
  'wait-minutes': 5,
  'log-level': 'warn',
  only: '',
  'cpu-prof': '',
  rounds: 3,
});
const LOADS = ['ocsp-post', 'ocsp-get', 'ocsp-nonce', 'lookup', 'crl'];
const only = opts.only ? opts.only.split(',') : LOADS;
for (const name of only)
  if (!LOADS.includes(name)) throw new Error(`--only: ${name} is not one of ${LOADS.join(', ')}`);

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const log = (line) => process.stderr.write(line + '\n');

/** Waits until the 1-minute load is below `max`, at most `minutes`; returns the load then. */
async function waitForLoad(max, minutes) {
  const deadline = Date.now() + minutes * 60_000;
  while (loadavg()[0] >= max && Date.now() < deadline) {
    log(`load ${load().join(' ')} ≥ ${max}: waiting…`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
  return load();
}

/** Starts `node script args…` and resolves once its output matches `pattern`. */
function startChild(script, args, pattern, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const look = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000); // the tail: a busy info log is large
      const match = pattern.exec(output);
      if (match) resolve({ child, match, output: () => output });
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
}

async function stop(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function call(base, method, path, { token, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await response.json();
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Logs in, makes a counter operator and an API client, issues `count` pairs through the API. */
async function prepare(base, adminPassword, count) {
  const admin = (
    await call(base, 'POST', '/api/v1/session/password', {
      body: { login: 'admin', password: adminPassword },
    })
  ).token;
  await call(base, 'POST', '/api/v1/branches', {
    token: admin,
    body: { id: 'hz-xihu-01', name: '西湖区网点', regionCode: '330106', address: '杭州市西湖区某某路 1 号' },
  });
  await call(base, 'POST', '/api/v1/operators', {
    token: admin,
    body: {
      login: 'counter',
      name: '受理员 某某',
      roles: ['branch-operator'],
      password: 'Xihu-Desk-2026',
      branchId: 'hz-xihu-01',
    },
  });
  const counter = (
    await call(base, 'POST', '/api/v1/session/password', {
      body: { login: 'counter', password: 'Xihu-Desk-2026' },
    })
  ).token;
  const { key } = await call(base, 'POST', '/api/v1/clients', {
    token: admin,
    body: { name: '某某市政务服务网', department: '某某市大数据管理局', scopes: ['certificates:query'] },
  });
  const csrs = Array.from({ length: count }, () =>
    encodePem(
      'CERTIFICATE REQUEST',
      buildCertificationRequest(
        { subject: parseName(`C=CN,O=${HANGZHOU.name},CN=${HANGZHOU.name}`) },
        Sm2PrivateKey.generate(),
      ).der,
    ),
  );
  const signCertificates = [];
  for (const csr of csrs) {
    const { pair } = await call(base, 'POST', '/api/v1/applications', {
      token: counter,
      body: { csr, legalPerson: HANGZHOU },
    });
    signCertificates.push(parseCertificate(pair.signCertificate));
  }
  const [ca] = await call(base, 'GET', '/ca');
  const chain = await (await fetch(`${base}/ca/${ca.id}.pem`)).text();
  const issuer = parseCertificate(
    chain.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
  );
  return { caId: ca.id, apiKey: key, issuer, signCertificates };
}

/** Raw SM2 signatures per second on one core (the pki bench's peer), over `seconds`. */
function rawSignRate(seconds) {
  const key = Sm2PrivateKey.generate();
  const digest = randomBytes(32);
  for (let i = 0; i < 2000; i++) key.signDigest(digest);
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) key.signDigest(digest);
    n += 200;
  }
  return n / ((performance.now() - start) / 1000);
}

/** One load: 2 s warm-up, then `seconds` measured; answers per second and latency. */
async function drive(name, url, { connections, requests, seconds }) {
  await autocannon({ url, connections, duration: 2, requests });
  const result = await autocannon({ url, connections, duration: seconds, requests });
  const ok = result['2xx'];
  const figure = {
    name,
    connections,
    perSecond: Math.round(ok / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  log(
    `${name}: ${figure.perSecond}/s, p50 ${figure.p50} ms, p99 ${figure.p99} ms, non-2xx ${figure.non2xx}, errors ${figure.errors}`,
  );
  if (figure.non2xx > 0 || figure.errors > 0) throw new Error(`${name}: failed answers under load`);
  return figure;
}

/** Checks one OCSP answer per kind before loading: successful, good, nonce echoed. */
async function checkOcsp(base, post, get, nonce) {
  const answers = [
    await fetch(`${base}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: post,
    }),
    await fetch(`${base}/ocsp/${get}`),
    await fetch(`${base}/ocsp`, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: nonce,
    }),
  ];
  const parsed = await Promise.all(
    answers.map(async (a) => parseOcspResponse(new Uint8Array(await a.arrayBuffer()))),
  );
  for (const p of parsed)
    if (p.status !== 'successful' || p.basic.responses[0].status.type !== 'good')
      throw new Error(`OCSP check failed: ${p.status}`);
  if (!parsed[2].basic.nonce) throw new Error('OCSP nonce not echoed');
  return parsed[0].der.length;
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  sm2: sm2Backend().name,
  date: new Date().toISOString(),
};
const loadBefore = await waitForLoad(opts['max-load'], opts['wait-minutes']);
log(`load before: ${loadBefore.join(' ')}`);
const dataDir = mkdtempSync(join(tmpdir(), 'yz-server-bench-'));
const served = await startChild(
  'serve-child.mjs',
  [dataDir, opts['log-level']],
  /serving on (http:\/\/\S+)/,
  opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${opts['cpu-prof']}`] : [],
);
let ceiling;
try {
  const base = served.match[1];
  const adminPassword = /password \(shown once\): (\S+)/.exec(served.output())[1];
  log(`issuing ${opts.certificates} pairs through the API…`);
  const { caId, apiKey, issuer, signCertificates } = await prepare(base, adminPassword, opts.certificates);
  const plain = signCertificates.map((c) =>
    Buffer.from(buildOcspRequest({ certs: [{ issuer, serialNumber: c.tbs.serialNumber }], hash: 'sm3' }).der),
  );
  const withNonce = signCertificates.map((c) =>
    Buffer.from(
      buildOcspRequest({
        certs: [{ issuer, serialNumber: c.tbs.serialNumber }],
        hash: 'sm3',
        nonce: randomBytes(16),
      }).der,
    ),
  );
  const getPaths = plain.map((der) => `/ocsp/${encodeURIComponent(der.toString('base64'))}`);
  const responseSize = await checkOcsp(base, plain[0], getPaths[0].slice('/ocsp/'.length), withNonce[0]);
  const crlSize = (await (await fetch(`${base}/crl/${caId}.crl`)).arrayBuffer()).byteLength;
  const serials = signCertificates.map((c) => c.tbs.serialNumber.toString(16).toUpperCase());

  const c = opts.connections;
  const s = opts.seconds;
  const ocspPost = (bodies) =>
    bodies.map((body) => ({
      method: 'POST',
      path: '/ocsp',
      headers: { 'content-type': 'application/ocsp-request' },
      body,
    }));
  const loads = {
    'ocsp-post': () =>
      drive('OCSP POST, pre-produced', base, { connections: c, seconds: s, requests: ocspPost(plain) }),
    'ocsp-get': () =>
      drive('OCSP GET, pre-produced', base, {
        connections: c,
        seconds: s,
        requests: getPaths.map((path) => ({ method: 'GET', path })),
      }),
    'ocsp-nonce': () =>
      drive('OCSP POST with nonce, signed per request', base, {
        connections: c,
        seconds: s,
        requests: ocspPost(withNonce),
      }),
    lookup: () =>
      drive('API GET /api/v1/certificates/{serial}', base, {
        connections: opts['api-connections'],
        seconds: s,
        requests: serials.map((serial) => ({
          method: 'GET',
          path: `/api/v1/certificates/${serial}`,
          headers: { authorization: `Bearer ${apiKey}` },
        })),
      }),
    crl: () =>
      drive('CRL GET /crl/{ca}.crl', base, {
        connections: c,
        seconds: s,
        requests: [{ method: 'GET', path: `/crl/${caId}.crl` }],
      }),
  };
  if (opts.only) {
    for (const name of only) await loads[name]();
  } else {
    // rounds take turns, each with its peers: the best round of each load counts (other people's
    // work on these machines comes and goes within minutes), every round is in the JSON
    ceiling = await startChild('http-ceiling.mjs', [String(responseSize)], /listening on (http:\/\/\S+)/);
    const rounds = [];
    for (let round = 1; round <= opts.rounds; round++) {
      log(`round ${round} of ${opts.rounds}, load ${load().join(' ')}`);
      const signPerSecond = Math.round(rawSignRate(2));
      log(`raw SM2 sign (peer): ${signPerSecond}/s`);
      const figures = {
        sign: signPerSecond,
        ceiling: await drive('HTTP ceiling: fixed buffer, bare Fastify (peer)', ceiling.match[1], {
          connections: c,
          seconds: s,
          requests: ocspPost(plain),
        }),
      };
      for (const name of LOADS) figures[name] = await loads[name]();
      rounds.push(figures);
    }
    await stop(ceiling.child);
    ceiling = undefined;
    const best = (name) => rounds.map((r) => r[name]).reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const signPerSecond = Math.max(...rounds.map((r) => r.sign));
    const figures = Object.fromEntries(['ceiling', ...LOADS].map((name) => [name, best(name)]));
    const spread = (name) =>
      rounds
        .map(
          (r) =>
            r[name].perSecond.toLocaleString('en') + (name === 'lookup' ? ` (p99 ${r[name].p99} ms)` : ''),
        )
        .join(' / ');
    const loadAfter = load();
    log(`load after: ${loadAfter.join(' ')}`);
    const ratio = (a, b) => `${((a / b) * 100).toFixed(0)} %`;
    const row = (f, peer) =>
      `| ${f.name} | ${f.connections} | ${f.perSecond.toLocaleString('en')} | ${f.p50} ms | ${f.p99} ms | ${f.max} ms | ${peer ?? ''} |`;
    console.log(
      [
        `Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; SM2 ${machine.sm2}; ${machine.date}`,
        `Load average before ${loadBefore.join(' / ')}, after ${loadAfter.join(' / ')}; server log level ${opts['log-level']}; ` +
          `${opts.certificates} certificates; ${s} s per load after 2 s warm-up; ` +
          `OCSP response ${responseSize} bytes, CRL ${crlSize} bytes`,
        '',
        '| load | connections | answers/s | p50 | p99 | max | vs peer (same run) |',
        '|---|---|---|---|---|---|---|',
        row(figures.ceiling, 'peer'),
        `| raw SM2 signDigest, one core | — | ${signPerSecond.toLocaleString('en')} | — | — | — | peer |`,
        row(
          figures['ocsp-post'],
          `${ratio(figures['ocsp-post'].perSecond, figures.ceiling.perSecond)} of the HTTP ceiling`,
        ),
        row(
          figures['ocsp-get'],
          `${ratio(figures['ocsp-get'].perSecond, figures.ceiling.perSecond)} of the HTTP ceiling`,
        ),
        row(
          figures['ocsp-nonce'],
          `${ratio(figures['ocsp-nonce'].perSecond, signPerSecond)} of raw SM2 sign/s`,
        ),
        row(figures.lookup),
        row(figures.crl),
        '',
        `Answers/s of each round (${opts.rounds}): ` +
          ['ceiling', ...LOADS].map((name) => `${name} ${spread(name)}`).join('; ') +
          `; raw SM2 sign ${rounds.map((r) => r.sign.toLocaleString('en')).join(' / ')}`,
      ].join('\n'),
    );
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(
      RESULTS,
      JSON.stringify(
        {
          machine,
          options: opts,
          loadBefore,
          loadAfter,
          signPerSecond,
          responseSize,
          crlSize,
          figures,
          rounds,
        },
        null,
        2,
      ) + '\n',
    );
  }
} finally {
  if (ceiling) await stop(ceiling.child);
  await stop(served.child);
  rmSync(dataDir, { recursive: true, force: true });
}
