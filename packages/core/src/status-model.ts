/**
 * Records of status publication (R5: CRL download; OCSP beyond the seed): the CRLs a CA issued.
 * Plain data, mapped by the store adapters like the records of `model.ts`.
 */

/** 全量 full CRL, or 增量 delta CRL over the latest full one (RFC 5280 §5.2.4). */
export type CrlKind = 'full' | 'delta';

/**
 * A CRL as issued and published. Numbers increase per CA across full and delta CRLs together
 * (RFC 5280 §5.2.3: one sequence), so the newest CRL of a CA is the one with the highest number.
 */
export interface CrlIssueRecord {
  readonly caId: string;
  readonly number: bigint;
  readonly kind: CrlKind;
  /** A delta CRL's base: the number of the full CRL it updates (deltaCRLIndicator); null for full. */
  readonly baseNumber: bigint | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** revokedCertificates entries in the DER. */
  readonly entries: number;
  readonly der: Uint8Array;
}

/** A CRL issue without its DER: what a caller needs to decide (ETag, age) before reading bytes. */
export type CrlIssueSummary = Omit<CrlIssueRecord, 'der'>;
