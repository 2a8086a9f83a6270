/**
 * Eligibility of the after-sales services (R24, procurement text §2.1.4): change (变更) and
 * unlock (解锁) are provided
 *
 * | certificate                              | when                          | cost               |
 * |------------------------------------------|-------------------------------|--------------------|
 * | the legal person's first (首张)          | within the service period     | free (waived)      |
 * | the first, service period over or unset  | within the certificate's validity | fee schedule   |
 * | a second or further (第二张或以上)       | within the certificate's validity | fee schedule   |
 *
 * "First certificate" is a lineage, not one pair: the legal person's earliest pair and every
 * pair that replaced it by renew, change or reissue (predecessor links). Another pair of the same
 * legal person, applied for separately, starts a second lineage. Stock (imported) pairs count,
 * since the service covers "历史上已发的存量首张证书".
 */
import { CoreError } from './errors.js';
import { FEE_CODES, type ChargeDecision } from './fees.js';
import type { CertificateRecord } from './model.js';
import type { StoreTx } from './ports/store.js';
import type { ServicePolicy } from './service-policy.js';

export type EligibleService = 'change' | 'unlock';

export interface Eligibility {
  /** True when the pair belongs to the legal person's first lineage. */
  readonly firstCertificate: boolean;
  readonly charge: ChargeDecision;
}

/** Pair id → its predecessor pair id and creation time, for one legal person. */
function lineageRoots(certificates: readonly CertificateRecord[]): {
  rootOf: (pairId: string) => string;
  firstRoot: string | undefined;
} {
  const pairs = new Map<string, { predecessor: string | null; createdAt: number; notBefore: number }>();
  for (const c of certificates)
    if (c.role === 'sign' || c.role === 'enc')
      pairs.set(c.pairId, {
        predecessor: c.predecessorPairId,
        createdAt: c.createdAt.getTime(),
        notBefore: c.notBefore.getTime(),
      });
  const rootOf = (pairId: string): string => {
    let current = pairId;
    // bounded walk: a corrupt cycle cannot hang the check
    for (let i = 0; i <= pairs.size; i++) {
      const previous = pairs.get(current)?.predecessor;
      if (!previous || !pairs.has(previous)) return current;
      current = previous;
    }
    return current;
  };
  let firstRoot: string | undefined;
  for (const [pairId, pair] of pairs) {
    if (pair.predecessor && pairs.has(pair.predecessor)) continue;
    const best = firstRoot === undefined ? undefined : pairs.get(firstRoot);
    // the earliest validity start wins (imported stock keeps its original dates); ties by id
    if (
      best === undefined ||
      pair.notBefore < best.notBefore ||
      (pair.notBefore === best.notBefore && pairId < (firstRoot ?? ''))
    )
      firstRoot = pairId;
  }
  return { rootOf, firstRoot };
}

/**
 * Decides whether `service` may be given for the pair of `certificate` at `at`, and what it costs.
 * Refused (`YZ_ERR_NOT_ELIGIBLE`) outside the window the table above allows, or for a pair that
 * is not valid.
 */
export async function checkEligibility(
  tx: StoreTx,
  input: { certificate: CertificateRecord; service: EligibleService; at: Date; policy: ServicePolicy },
): Promise<Eligibility> {
  const { certificate, service, at, policy } = input;
  const name = service === 'change' ? '变更 change' : '解锁 unlock';
  if (certificate.status !== 'valid')
    throw new CoreError(
      'YZ_ERR_NOT_ELIGIBLE',
      `${name}: certificate ${certificate.serial} is ${certificate.status}`,
    );
  const all = certificate.uscc ? await tx.queryCertificates({ uscc: certificate.uscc }) : [certificate];
  const { rootOf, firstRoot } = lineageRoots(all);
  const firstCertificate = rootOf(certificate.pairId) === firstRoot;
  const period = policy.servicePeriod;
  const inServicePeriod = period !== null && at >= period.from && at < period.to;
  const code = service === 'change' ? FEE_CODES.change : FEE_CODES.unlock;
  if (firstCertificate && inServicePeriod)
    return {
      firstCertificate,
      charge: { code, waivedBy: 'R24 first certificate within the service period (服务期内首张证书)' },
    };
  if (at >= certificate.notAfter || at < certificate.notBefore)
    throw new CoreError(
      'YZ_ERR_NOT_ELIGIBLE',
      `${name}: ${firstCertificate ? 'outside the service period, a' : 'a second or further'} certificate is served only within its validity (R24)`,
    );
  return { firstCertificate, charge: { code } };
}
