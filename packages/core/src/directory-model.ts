/**
 * Records of directory publication (R5 LDAP, R6 response time): a legal person (法人) as the LDAP
 * directory shows it — name and current certificates — and the queries the directory asks the
 * store, each answered through an index (uscc, name key, or uscc order for paged scans). Plain
 * data, like `model.ts`.
 */
import type { CertificateRole } from './model.js';

/**
 * The name of a legal person prepared as LDAP compares it (RFC 4517 caseIgnoreMatch with the
 * RFC 4518 preparation): Unicode NFKC (full-width `（Ａ）` → `(a)`), lower case, runs of spaces
 * collapsed, ends trimmed. The store keeps it beside the name so `(cn=杭州*)` is an index range;
 * it must equal `prepareCaseIgnore` of @yizheng/ldap (packages/publish tests hold them together).
 *
 * @example directoryNameKey('  杭州某某  Technology（西湖） ') === '杭州某某 technology(西湖)'
 */
export function directoryNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** A certificate as the directory publishes it (`userCertificate;binary`, `serialNumber`). */
export interface DirectoryCertificate {
  readonly caId: string;
  /** Upper-case hex, as stored. */
  readonly serial: string;
  readonly role: CertificateRole;
  readonly der: Uint8Array;
}

/** A legal person with its current certificates: status valid and not yet expired. */
export interface DirectoryPerson {
  readonly uscc: string;
  readonly name: string;
  readonly certificates: readonly DirectoryCertificate[];
}

/**
 * Which legal persons the directory asks for; each is one index look-up or range.
 * - `uscc`: these USCCs (at most a few hundred: a filter has at most 512 items), ordered by uscc.
 * - `name`: names whose `directoryNameKey` starts with `prefix`, ordered by (name key, uscc),
 *   continuing after `after`.
 * - `all`: every legal person ordered by uscc, continuing after `afterUscc`.
 */
export type DirectoryPersonQuery =
  | { readonly by: 'uscc'; readonly usccs: readonly string[] }
  | {
      readonly by: 'name';
      readonly prefix: string;
      readonly after?: { readonly name: string; readonly uscc: string };
      readonly limit: number;
    }
  | { readonly by: 'all'; readonly afterUscc?: string; readonly limit: number };

/** How far a publisher is behind: its pending outbox jobs (metrics, R5 "within 24 h"). */
export interface OutboxBacklog {
  readonly pending: number;
  /** createdAt of the oldest pending job; null when none is pending. */
  readonly oldestCreatedAt: Date | null;
}
