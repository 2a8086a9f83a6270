/**
 * Tables of migration `0007_status_publication`: the CRLs issued per CA (R5). Same column
 * conventions as `schema.ts`.
 */
import type { BytesColumn, TimeValue } from './schema.js';

/** One issued CRL; (ca_id, number) is the key, numbers shared by full and delta CRLs. */
export interface CrlIssuesTable {
  ca_id: string;
  /** The cRLNumber: epoch milliseconds or just above, far below 2^53. */
  number: number;
  kind: string;
  base_number: number | null;
  this_update: TimeValue;
  next_update: TimeValue;
  entries: number;
  der: BytesColumn;
}

export interface StatusTables {
  crl_issues: CrlIssuesTable;
}
