/**
 * `yizheng crl partitions --count N [--urls T1,T2] [--ca ID]` (R5 partitioned CRLs, 分区 CRL): sets
 * how many CRL partitions a CA has. Certificates issued from then on name their partition's CRL
 * (`/crl/{ca}-p{n}.crl`) in cRLDistributionPoints; the CRL issuer (server scheduler or
 * `crl generate`) issues one CRL per partition. Without `--urls` the templates are derived from
 * the signing profile's CRL URLs (`…/ca-1.crl` → `…/ca-1-p{n}.crl`, an LDAP `cn=ca-1` →
 * `cn=ca-1-p{n}`).
 */
import { configureCrlPartitions, loadIssuingCa, loadProfile, partitionUrlTemplate } from '@yizheng/core';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, required } from '../io.js';
import { OPERATOR } from './commands.js';
import { withPlatform } from './context.js';

export async function crlPartitions(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'count', 'urls', 'ca', 'profile'] });
  const count = Number(required(values.count, 'count'));
  if (!Number.isInteger(count)) throw new CliError('YZ_ERR_USAGE', '--count must be a whole number');
  return withPlatform(values, async (p) => {
    const ca = await loadIssuingCa(p.store, values.ca);
    const urls = values.urls
      ? values.urls.split(',').map((u) => u.trim())
      : (await loadProfile(p.store, values.profile ?? 'legal-person-sign')).definition.crlUrls.map(
          partitionUrlTemplate,
        );
    const partitioning = await configureCrlPartitions(p, {
      caId: ca.record.id,
      count,
      urls,
      actor: OPERATOR,
    });
    process.stdout.write(
      `CA ${ca.record.id}: ${partitioning.count} CRL partitions 分区 at ${partitioning.urls.join(', ')}\n`,
    );
    return Exit.OK;
  });
}
