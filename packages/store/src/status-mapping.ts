/**
 * Rows ↔ records for the table of `0007_status_publication` (see `mapping.ts` for the conventions).
 * CRL numbers are bigint in the model and a 64-bit integer column in both databases.
 */
import type { CrlIssueRecord, CrlIssueSummary, CrlKind } from '@yizheng/core';
import type { Insertable, Selectable } from 'kysely';
import { bytesFromDb, bytesToDb, type Codec } from './mapping.js';
import type { CrlIssuesTable } from './status-schema.js';

/** A CRL number as the column holds it; beyond 2^53 it would lose digits, so it is refused. */
export function crlNumberToDb(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`CRL number ${value} is outside 0..2^53-1`);
  return Number(value);
}

export function crlIssueToRow(codec: Codec, issue: CrlIssueRecord): Insertable<CrlIssuesTable> {
  return {
    ca_id: issue.caId,
    number: crlNumberToDb(issue.number),
    kind: issue.kind,
    base_number: issue.baseNumber === null ? null : crlNumberToDb(issue.baseNumber),
    this_update: codec.time(issue.thisUpdate),
    next_update: codec.time(issue.nextUpdate),
    entries: issue.entries,
    der: bytesToDb(issue.der),
  };
}

export function crlSummaryFromRow(
  codec: Codec,
  row: Omit<Selectable<CrlIssuesTable>, 'der'>,
): CrlIssueSummary {
  return {
    caId: row.ca_id,
    number: BigInt(row.number),
    kind: row.kind as CrlKind,
    baseNumber: row.base_number === null ? null : BigInt(row.base_number),
    thisUpdate: codec.date(row.this_update),
    nextUpdate: codec.date(row.next_update),
    entries: Number(row.entries),
  };
}

export function crlIssueFromRow(codec: Codec, row: Selectable<CrlIssuesTable>): CrlIssueRecord {
  return { ...crlSummaryFromRow(codec, row), der: bytesFromDb(row.der) };
}
