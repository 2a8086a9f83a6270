/**
 * CRL partitions (分区 CRL; R5 "plus partitions if the CA is configured with them"; RFC 5280
 * §5.2.5): a CA may split its certificates into N partitions so a relying party downloads only
 * the small CRL of the partition a certificate names, not the CA's whole list.
 *
 * - **Configuration** is per CA, in the store's settings (every node and the CLI read the same):
 *   the count and the distribution point URL templates (`{n}` is the partition number). Default:
 *   none. Partitions can be added but never removed — a certificate names its partition's CRL for
 *   its whole life, so every partition ever used keeps being issued.
 * - **Assignment** happens at issuance: `serial mod count`, stored with the certificate
 *   (`crlPartition`), so a later change of the count never moves a certificate; the certificate's
 *   cRLDistributionPoints names its partition's URLs instead of the full CRL's.
 * - **Partition CRLs** are full CRLs of that partition's revoked certificates, with a critical
 *   issuingDistributionPoint naming the same URLs; they share the CA's CRL number sequence (the
 *   number of the full or delta CRL they are issued with) and are kept in the CRL table under the
 *   key `<ca>#p<n>` (`#` never appears in a CA id, which the CRL URLs restrict to `[A-Za-z0-9._:-]`).
 */
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Store, StoreTx } from './ports/store.js';

/** A CA's partitioning. */
export interface CrlPartitioning {
  readonly count: number;
  /** Distribution point URL templates; `{n}` is replaced by the partition number. */
  readonly urls: readonly string[];
}

/** Most partitions a CA may have (each is one more CRL to sign on every issue). */
export const MAX_CRL_PARTITIONS = 256;

const settingKey = (caId: string): string => `crl-partitions:${caId}`;

/** The key under which partition `n` of CA `caId` keeps its CRLs in the CRL table. */
export function partitionCrlKey(caId: string, n: number): string {
  return `${caId}#p${n}`;
}

/** The partition of a certificate with `serial` when the CA has `count` partitions. */
export function partitionOfSerial(serial: bigint, count: number): number {
  return Number(serial % BigInt(count));
}

/** The distribution point URLs of partition `n`. */
export function partitionUrls(partitioning: CrlPartitioning, n: number): string[] {
  return partitioning.urls.map((template) => template.replaceAll('{n}', String(n)));
}

/**
 * The template of a full CRL's URL: `…/crl/ca-1.crl` → `…/crl/ca-1-p{n}.crl`;
 * `ldap://host/cn=ca-1,ou=CA,…?certificateRevocationList;binary` → `…/cn=ca-1-p{n},ou=CA,…`.
 */
export function partitionUrlTemplate(url: string): string {
  if (/^ldap:\/\//i.test(url)) {
    const template = url.replace(/^(ldap:\/\/[^/]*\/cn=)([^,?]+)/i, '$1$2-p{n}');
    if (template !== url) return template;
  } else if (/\.crl$/i.test(url)) return url.replace(/\.crl$/i, '-p{n}.crl');
  throw new CoreError(
    'YZ_ERR_INPUT',
    `cannot derive a partition URL from ${url}: give the templates with {n} explicitly`,
  );
}

function checkPartitioning(partitioning: CrlPartitioning): CrlPartitioning {
  const { count, urls } = partitioning;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CRL_PARTITIONS)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `the partition count must be a whole number 1..${MAX_CRL_PARTITIONS}`,
    );
  if (!Array.isArray(urls) || urls.length === 0)
    throw new CoreError('YZ_ERR_INPUT', 'partitioned CRLs need at least one distribution point URL');
  for (const url of urls)
    if (typeof url !== 'string' || !/^(https?|ldap):\/\/\S+$/.test(url) || !url.includes('{n}'))
      throw new CoreError(
        'YZ_ERR_INPUT',
        `partition URL ${JSON.stringify(url)} must be an http(s) or ldap URL containing {n}`,
      );
  return { count, urls: [...urls] };
}

/** A CA's partitioning, or undefined when it has none. */
export async function loadCrlPartitioning(
  reader: Pick<StoreTx, 'getSetting'>,
  caId: string,
): Promise<CrlPartitioning | undefined> {
  const stored = (await reader.getSetting(settingKey(caId))) as CrlPartitioning | undefined;
  return stored && stored.count > 0 ? stored : undefined;
}

/**
 * Sets CA `caId`'s partitions (`yizheng ca partitions`), audited as `ca.crl-partitions`. Fewer
 * partitions than before is refused (YZ_ERR_INPUT): certificates already name them.
 */
export async function configureCrlPartitions(
  context: { readonly store: Store; readonly clock: Clock },
  input: CrlPartitioning & { readonly caId: string; readonly actor: string },
): Promise<CrlPartitioning> {
  const partitioning = checkPartitioning({ count: input.count, urls: input.urls });
  const cas = await context.store.read.listCas();
  if (!cas.some((ca) => ca.id === input.caId))
    throw new CoreError('YZ_ERR_CA_NOT_FOUND', `no CA ${input.caId}`);
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const before = await loadCrlPartitioning(tx, input.caId);
    if (before && partitioning.count < before.count)
      throw new CoreError(
        'YZ_ERR_INPUT',
        `CA ${input.caId} has ${before.count} partitions; certificates name them, so none can be removed`,
      );
    await tx.putSetting(settingKey(input.caId), partitioning, now);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'ca.crl-partitions',
      object: `ca:${input.caId}`,
      reason: null,
      detail: { before: before ?? null, after: { ...partitioning } },
    });
    return partitioning;
  });
}
