/**
 * Migration `0012_crl_partitions` (R5 partitioned CRLs, core crl-partitions.ts): the CRL partition
 * a certificate names in its cRLDistributionPoints, fixed at issuance (null: none). The partition
 * CRLs themselves live in `crl_issues` under the key `<ca>#p<n>` and the partitioning of a CA in
 * the settings table, so nothing else changes. No index: a partition's entries are picked from the
 * CA's revoked certificates, which the CRL issuer reads anyway.
 */
import type { Kysely, Migration } from 'kysely';

export function migration0012CrlPartitions(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('certificates').addColumn('crl_partition', 'integer').execute();
    },
  };
}
