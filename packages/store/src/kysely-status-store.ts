/**
 * The status-publication operations of the store port (`StatusStoreTx`) on Kysely: issued CRLs,
 * the singleton lock and the audit head. The main `KyselyStoreTx` extends this class, so one
 * transaction object offers every operation. Same rules as `kysely-store.ts`.
 */
import { StoreConflictError } from '@yizheng/core';
import type {
  CertificateRecord,
  CrlIssueRecord,
  CrlIssueSummary,
  CrlKind,
  ExpiryCursor,
  StatusStoreTx,
} from '@yizheng/core';
import { sql } from 'kysely';
import { KyselyMaterialsStoreTx } from './kysely-materials-store.js';
import { certificateFromRow } from './mapping.js';
import { crlIssueFromRow, crlIssueToRow, crlNumberToDb, crlSummaryFromRow } from './status-mapping.js';

const SUMMARY_COLUMNS = [
  'ca_id',
  'number',
  'kind',
  'base_number',
  'this_update',
  'next_update',
  'entries',
] as const;

export class KyselyStatusStoreTx extends KyselyMaterialsStoreTx implements StatusStoreTx {
  async tryLockSingleton(name: string): Promise<boolean> {
    if (!this.db.isTransaction)
      throw new Error('tryLockSingleton is only meaningful inside store.transaction');
    if (this.codec.dialect === 'sqlite') return true;
    // Advisory locks are per database, not per schema: the schema is part of the key so that
    // deployments (and test runs) sharing one database do not exclude each other.
    const result = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(hashtextextended(current_schema() || ':' || ${name}, 0)) as locked
    `.execute(this.db);
    return result.rows[0]?.locked === true;
  }

  async insertCrlIssue(issue: CrlIssueRecord): Promise<void> {
    const result = await this.db
      .insertInto('crl_issues')
      .values(crlIssueToRow(this.codec, issue))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 0n)
      throw new StoreConflictError('crlNumber', `CA ${issue.caId} already has CRL number ${issue.number}`);
  }

  async latestCrlIssue(caId: string, kind?: CrlKind): Promise<CrlIssueSummary | undefined> {
    const row = await this.db
      .selectFrom('crl_issues')
      .select(SUMMARY_COLUMNS)
      .where('ca_id', '=', caId)
      .$if(kind !== undefined, (q) => q.where('kind', '=', kind ?? 'full'))
      .orderBy('number', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : crlSummaryFromRow(this.codec, row);
  }

  async getCrlIssue(caId: string, number: bigint): Promise<CrlIssueRecord | undefined> {
    const row = await this.db
      .selectFrom('crl_issues')
      .selectAll()
      .where('ca_id', '=', caId)
      .where('number', '=', crlNumberToDb(number))
      .executeTakeFirst();
    return row === undefined ? undefined : crlIssueFromRow(this.codec, row);
  }

  async validCertificatesExpired(
    cursor: ExpiryCursor | undefined,
    until: Date,
    limit: number,
  ): Promise<CertificateRecord[]> {
    let query = this.db
      .selectFrom('certificates')
      .selectAll()
      .where('status', '=', 'valid')
      .where('uscc', 'is not', null)
      .where('not_after', '<=', this.codec.time(until));
    if (cursor !== undefined) {
      const at = this.codec.time(cursor.notAfter);
      query = query.where((eb) =>
        eb.or([
          eb('not_after', '>', at),
          eb.and([
            eb('not_after', '=', at),
            eb.or([
              eb('ca_id', '>', cursor.caId),
              eb.and([eb('ca_id', '=', cursor.caId), eb('serial', '>', cursor.serial)]),
            ]),
          ]),
        ]),
      );
    }
    const rows = await query.orderBy('not_after').orderBy('ca_id').orderBy('serial').limit(limit).execute();
    return rows.map((row) => certificateFromRow(this.codec, row));
  }

  async deleteCrlIssuesBefore(caId: string, number: bigint): Promise<number> {
    const result = await this.db
      .deleteFrom('crl_issues')
      .where('ca_id', '=', caId)
      .where('number', '<', crlNumberToDb(number))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async lastAuditSeq(): Promise<number> {
    const head = await this.db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
    return Number(head?.seq ?? 0);
  }
}
