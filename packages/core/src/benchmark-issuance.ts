/**
 * The issuance benchmark (issue 4 "Speed and scale"; `npm run bench -w packages/core`, via
 * bench/issuance.bench.mjs, which opens the stores): dual issuances (新办) per second end to end
 * through `issueDual` on a real store — proof of possession of the CSR, the CA and profile reads,
 * both signatures, the KMC key and its envelope, and the one transaction holding the legal
 * person, the application, both certificates, three audit entries and two outbox jobs — next to
 * two peers measured in the same run: the raw SM2 signature and the pki prepared issuer (one
 * certificate of the same profile, nothing stored).
 *
 * Outside the timed loop, as in production: the holders' CSRs (made on their devices) and the
 * KMC pool (kept filled in the background by the pool refiller, R12).
 */
import { Sm2PrivateKey, sm2Backend } from '@yizheng/gm';
import {
  buildCertificationRequest,
  certificatePublicKey,
  parseName,
  prepareIssuer,
  randomSerialNumber,
} from '@yizheng/pki';
import { benchmarkCompanyName, benchmarkUscc } from './benchmark-data.js';
import { initDemoCa } from './ca.js';
import { type IssuanceContext, type IssueDualInput, issueDual, loadProfile } from './issuance.js';
import { Kmc } from './kmc.js';
import { systemClock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { saveProfile } from './profile-admin.js';
import { demoProfileDefinitions, fixedExtensions, holderExtensions, subjectFor } from './profiles.js';
import { StoreKeyVault } from './store-key-vault.js';

/** How to run the benchmark on one store. */
export interface IssuanceBenchOptions {
  /** A fresh, migrated store; the benchmark makes a demo CA in it. */
  readonly store: Store;
  /** Dual issuances per measured run. */
  readonly issuances: number;
  /** Numbers of callers issuing at once; each gets one run per round. */
  readonly concurrency: readonly number[];
  /** Rounds: every case runs once per round, in turn, and the best round counts. */
  readonly rounds: number;
  /** Seconds per peer measurement per round. */
  readonly peerSeconds: number;
  /** Progress lines (set-up steps, each run as it ends). */
  readonly onProgress?: (line: string) => void;
}

/** Dual issuances per second with `concurrency` callers: every round's run and the best. */
export interface IssuanceFigure {
  readonly concurrency: number;
  readonly dualPerSecond: number;
  readonly runs: readonly number[];
}

/** The figures of one store. */
export interface IssuanceBenchResult {
  readonly backend: string;
  readonly issuances: number;
  readonly rounds: number;
  /** Peer: SM2 signatures per second over a message the size of the certificate's TBS. */
  readonly signPerSecond: number;
  /** Peer: certificates per second from the pki prepared issuer with the signing profile. */
  readonly preparedIssuePerSecond: number;
  readonly figures: readonly IssuanceFigure[];
  /** Issuances made in all (warm-up included), for the database size per issuance. */
  readonly issued: number;
}

const WARM_UP = 50;

/** Operations per second of a synchronous op over about `seconds`. */
function rate(seconds: number, op: () => unknown): number {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) op();
    count += 10;
  }
  return count / ((performance.now() - start) / 1000);
}

/** Issues every input with `concurrency` callers taking the next one; returns pairs per second. */
async function issueAll(
  context: IssuanceContext,
  inputs: readonly IssueDualInput[],
  concurrency: number,
): Promise<number> {
  let next = 0;
  const caller = async (): Promise<void> => {
    for (let i = next++; i < inputs.length; i = next++) await issueDual(context, inputs[i]!);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return inputs.length / ((performance.now() - start) / 1000);
}

/** Holders' requests for `count` new legal persons from `first` on (made outside the timing). */
function makeInputs(first: number, count: number): IssueDualInput[] {
  return Array.from({ length: count }, (_, i) => {
    const name = benchmarkCompanyName(first + i);
    const request = buildCertificationRequest(
      { subject: parseName(`C=CN,O=${name},CN=${name}`) },
      Sm2PrivateKey.generate(),
    ).der;
    return {
      request,
      legalPerson: { uscc: benchmarkUscc(first + i), name, legalRepresentative: '张三' },
      channel: 'counter',
      actor: 'bench-operator',
    };
  });
}

/** Runs the benchmark on `options.store`. */
export async function runIssuanceBenchmark(options: IssuanceBenchOptions): Promise<IssuanceBenchResult> {
  const { store, issuances, concurrency, rounds, peerSeconds } = options;
  const progress = options.onProgress ?? (() => undefined);
  const clock = systemClock;
  const context: IssuanceContext = {
    store,
    vault: new StoreKeyVault(store, 'benchmark vault master secret', clock),
    kmc: new Kmc(store, 'benchmark kmc master secret', clock),
    clock,
  };
  const ca = await initDemoCa(context, { actor: 'bench-operator' });
  for (const [id, definition] of Object.entries(demoProfileDefinitions('http://ca.example.cn', ca.record.id)))
    await saveProfile(store, clock, id, id, definition, 'bench-operator');

  const total = WARM_UP + rounds * concurrency.length * issuances;
  progress(`making ${total} holder CSRs and ${total} KMC pool keys (not timed)`);
  const inputs = makeInputs(0, total);
  for (let filled = 0; filled < total; filled += 1000)
    await context.kmc.refillPool(Math.min(1000, total - filled));

  // peers: the sign profile's prepared issuer, as the core prepares it, and a bare SM2 signature
  const signProfile = await loadProfile(store, 'legal-person-sign');
  const caKey = await context.vault.signer(ca.record.keyRef);
  const issuer = prepareIssuer({
    issuer: ca.certificate,
    signer: caKey,
    extensions: fixedExtensions(signProfile.definition, certificatePublicKey(ca.certificate)),
  });
  const holders = Array.from({ length: 64 }, () => Sm2PrivateKey.generate().publicKey);
  const subject = subjectFor(signProfile.definition, benchmarkCompanyName(0));
  const uscc = benchmarkUscc(0);
  let n = 0;
  const issueOne = () => {
    const publicKey = holders[n++ % holders.length]!;
    const now = clock.now();
    return issuer.issue({
      serialNumber: randomSerialNumber(),
      subject,
      notBefore: now,
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      publicKey,
      extensions: holderExtensions(signProfile.definition, publicKey, uscc),
    });
  };
  const message = issueOne().tbsDer;
  const signer = Sm2PrivateKey.generate();
  const signOne = () => signer.sign(message);
  for (let i = 0; i < WARM_UP; i++) {
    signOne();
    issueOne();
  }

  let used = 0;
  const take = (count: number) => inputs.slice(used, (used += count));
  await issueAll(context, take(WARM_UP), 1);
  let signPerSecond = 0;
  let preparedIssuePerSecond = 0;
  const runs = concurrency.map(() => [] as number[]);
  for (let round = 1; round <= rounds; round++) {
    signPerSecond = Math.max(signPerSecond, rate(peerSeconds, signOne));
    preparedIssuePerSecond = Math.max(preparedIssuePerSecond, rate(peerSeconds, issueOne));
    for (const [k, callers] of concurrency.entries()) {
      const perSecond = await issueAll(context, take(issuances), callers);
      runs[k]!.push(perSecond);
      progress(`round ${round}/${rounds}: ${callers} caller(s): ${perSecond.toFixed(0)} dual issuances/s`);
    }
  }
  return {
    backend: sm2Backend().name,
    issuances,
    rounds,
    signPerSecond,
    preparedIssuePerSecond,
    figures: concurrency.map((callers, k) => ({
      concurrency: callers,
      dualPerSecond: Math.max(...runs[k]!),
      runs: runs[k]!,
    })),
    issued: used,
  };
}

/**
 * The figures of one store as a Markdown table. Certificates per second are 2 × dual issuances
 * per second (each issuance signs and stores two certificates); the ratios compare the
 * certificate rate with the peers of the same run.
 */
export function formatIssuanceBenchmark(store: string, result: IssuanceBenchResult): string {
  const { signPerSecond: sign, preparedIssuePerSecond: prepared } = result;
  const row = (name: string, value: string, ofSign: string, ofPrepared: string) =>
    `| ${name} | ${value} | ${ofSign} | ${ofPrepared} |`;
  const share = (perSecond: number, peer: number) => `${((perSecond / peer) * 100).toFixed(0)} %`;
  return [
    `${store}: SM2 backend ${result.backend}; ${result.issuances} dual issuances per run, best of ${result.rounds} rounds`,
    '',
    '| operation | per second | share of SM2 sign/s | share of prepared issue/s |',
    '|---|---|---|---|',
    row('peer: SM2 sign (TBS-sized message)', sign.toFixed(0), '—', '—'),
    row(
      'peer: pki prepared issuer, one certificate, no store',
      prepared.toFixed(0),
      share(prepared, sign),
      '—',
    ),
    ...result.figures.flatMap((f) => [
      row(`issueDual, ${f.concurrency} caller(s): dual issuances`, f.dualPerSecond.toFixed(0), '—', '—'),
      row(
        `issueDual, ${f.concurrency} caller(s): certificates (2 × dual)`,
        (2 * f.dualPerSecond).toFixed(0),
        share(2 * f.dualPerSecond, sign),
        share(2 * f.dualPerSecond, prepared),
      ),
    ]),
  ].join('\n');
}
