/**
 * Batch revocation from a registry notice (批量撤销, R23): the provincial registry (法人综合库)
 * publishes legal persons that were deregistered, closed or are long inactive, or whose licence
 * was revoked (吊销); every valid or suspended pair of each is revoked — cessationOfOperation, or
 * privilegeWithdrawn for a revoked licence, since the authority withdrew the right to operate —
 * and the legal person's registry status recorded. Each legal person is its own transaction, so
 * one bad line does not hold up the thousands behind it; the result says, line by line, what
 * happened and why.
 */
import { isValidUscc } from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { type CoreErrorCode, isCoreError } from './errors.js';
import type { LegalPersonRecord, RevocationReason } from './model.js';
import type { RevocationAttribution } from './ports/store.js';
import { changePairStatus } from './revocation.js';

/** One line of a registry notice. */
export interface NoticeEntry {
  readonly uscc: string;
  readonly event: 'deregistered' | 'closed' | 'inactive' | 'revoked';
  /** Notice number or text, audited with each revocation. */
  readonly note?: string;
}

/** What happened to one entry. */
export type NoticeResult =
  | { readonly uscc: string; readonly ok: true; readonly revoked: number }
  | { readonly uscc: string; readonly ok: false; readonly code: CoreErrorCode; readonly message: string };

const REGISTRY_STATUS: Record<NoticeEntry['event'], LegalPersonRecord['registryStatus']> = {
  deregistered: 'deregistered',
  closed: 'revoked',
  inactive: 'revoked',
  revoked: 'revoked',
};

/** The CRL reason each event revokes with. */
const CRL_REASON: Record<NoticeEntry['event'], RevocationReason> = {
  deregistered: 'cessationOfOperation',
  closed: 'cessationOfOperation',
  inactive: 'cessationOfOperation',
  revoked: 'privilegeWithdrawn',
};

const EVENTS = Object.keys(CRL_REASON) as NoticeEntry['event'][];

/** Parses notice text: one `USCC,event[,note]` per line; blank lines and `#` comments skipped. */
export function parseNotice(text: string): {
  entries: NoticeEntry[];
  errors: { line: number; message: string }[];
} {
  const entries: NoticeEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [uscc = '', event = '', ...note] = line.split(',').map((f) => f.trim());
    if (!isValidUscc(uscc))
      errors.push({ line: i + 1, message: `${uscc} is not a valid unified social credit code` });
    else if (!EVENTS.includes(event as NoticeEntry['event']))
      errors.push({
        line: i + 1,
        message: `event must be ${EVENTS.join(', ')}, got ${JSON.stringify(event)}`,
      });
    else
      entries.push({
        uscc,
        event: event as NoticeEntry['event'],
        ...(note.length ? { note: note.join(',') } : {}),
      });
  });
  return { entries, errors };
}

/** Revokes every live pair of each listed legal person; `onProgress(done, total)` after each. */
export async function revokeFromNotice(
  context: CaContext,
  entries: readonly NoticeEntry[],
  options: {
    actor: string;
    onProgress?: (done: number, total: number) => void;
    /** Who revoked, for the statistics (R25): the caller's channel and branch (if an operator's). */
    attribution?: RevocationAttribution;
  },
): Promise<NoticeResult[]> {
  const results: NoticeResult[] = [];
  for (const entry of entries) {
    try {
      const revoked = await context.store.transaction(async (tx) => {
        const person = await tx.getLegalPerson(entry.uscc);
        const now = context.clock.now();
        if (person)
          await tx.upsertLegalPerson({
            ...person,
            registryStatus: REGISTRY_STATUS[entry.event],
            updatedAt: now,
          });
        const live = (await tx.queryCertificates({ uscc: entry.uscc })).filter(
          (c) => c.status === 'valid' || c.status === 'suspended',
        );
        const pairs = new Map<string, typeof live>();
        for (const c of live) pairs.set(c.pairId, [...(pairs.get(c.pairId) ?? []), c]);
        for (const pair of pairs.values())
          await changePairStatus(tx, pair, 'revoke', {
            reason: CRL_REASON[entry.event],
            actor: options.actor,
            now,
            note: entry.note ?? `registry notice: ${entry.event}`,
            ...(options.attribution ? { attribution: options.attribution } : {}),
          });
        await appendAudit(tx, {
          at: now,
          actor: options.actor,
          action: 'legal-person.registry-notice',
          object: `legal-person:${entry.uscc}`,
          reason: entry.note ?? null,
          detail: { event: entry.event, revoked: live.length, known: person !== undefined },
        });
        return live.length;
      });
      results.push({ uscc: entry.uscc, ok: true, revoked });
    } catch (error) {
      if (!isCoreError(error)) throw error;
      results.push({ uscc: entry.uscc, ok: false, code: error.code, message: error.message });
    }
    options.onProgress?.(results.length, entries.length);
  }
  return results;
}
