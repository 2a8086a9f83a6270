/**
 * The store operations of status publication (R5 CRL, OCSP): the CRLs issued per CA, a named
 * lock so that one node at a time issues (design §6: singletons take a PostgreSQL advisory lock),
 * and the head of the audit trail, from which status watchers follow changes. Declared apart from
 * the main `StoreTx`, which extends it; the same contract suite holds both adapters to it.
 */
import type { CertificateRecord } from '../model.js';
import type { CrlIssueRecord, CrlIssueSummary, CrlKind } from '../status-model.js';

/** A position in the order (notAfter, caId, serial) of certificates by expiry. */
export interface ExpiryCursor {
  readonly notAfter: Date;
  readonly caId: string;
  readonly serial: string;
}

export interface StatusStoreTx {
  /**
   * Takes the lock `name` until the transaction ends when no other transaction holds it, and says
   * whether it did. PostgreSQL: `pg_try_advisory_xact_lock` on a key of the schema and the name,
   * so nodes sharing the database exclude each other; SQLite: always true (its transactions
   * already run one at a time). Only inside a transaction (on `read` it throws: a lock that ends
   * with its statement would exclude nobody).
   */
  tryLockSingleton(name: string): Promise<boolean>;

  // CRLs issued (R5)
  /** A second CRL with the same (caId, number) is `StoreConflictError` with `what: 'crlNumber'`. */
  insertCrlIssue(issue: CrlIssueRecord): Promise<void>;
  /** The CRL of `caId` with the highest number, of `kind` when given, without its DER. */
  latestCrlIssue(caId: string, kind?: CrlKind): Promise<CrlIssueSummary | undefined>;
  getCrlIssue(caId: string, number: bigint): Promise<CrlIssueRecord | undefined>;
  /** Deletes the CRLs of `caId` numbered below `number` (superseded; their issue stays audited). */
  deleteCrlIssuesBefore(caId: string, number: bigint): Promise<number>;

  // expiry (R7: an expired certificate leaves the external directory too)
  /**
   * Legal persons' certificates (uscc set) still `valid` whose notAfter is at most `until`, after
   * `cursor` in the order (notAfter, caId, serial), in that order, at most `limit`.
   */
  validCertificatesExpired(
    cursor: ExpiryCursor | undefined,
    until: Date,
    limit: number,
  ): Promise<CertificateRecord[]>;

  // audit head
  /** The seq of the newest audit entry, 0 when there is none. */
  lastAuditSeq(): Promise<number>;
}
