/**
 * Registry events into the lifecycle (R23 batch revocation on notice from the authorities, R26):
 * deregistration (注销) and revocation (吊销) events of legal persons on record go through the
 * same batch revocation as a registry notice (`revokeFromNotice`: one transaction per legal
 * person, CRL reason cessationOfOperation or privilegeWithdrawn, registry status recorded).
 * Change (变更) events of legal persons on record are reported, so a 变更 can be offered to the
 * holder; they change nothing here, because the certificate must keep what it was issued with
 * until the holder applies.
 *
 * Applying the same events again changes nothing (legal persons already at that status with no
 * live certificate are skipped), so a sync may start from any earlier date.
 */
import { type NoticeEntry, type NoticeResult, revokeFromNotice } from './batch-revocation.js';
import type { CaContext } from './ca.js';
import type { LegalPersonRegistry, RegistryEvent } from './ports/legal-person-registry.js';
import type { StoreTx } from './ports/store.js';

/** The notice event of each terminal registry event (the same word is the registry status recorded). */
const NOTICE_EVENT = { deregistration: 'deregistered', revocation: 'revoked' } as const;

/** What a sync did. */
export interface RegistrySyncResult {
  /** Events the registry returned. */
  readonly events: number;
  /** One per legal person revoked (or whose revocation failed), as from a notice. */
  readonly revocations: readonly NoticeResult[];
  /** Change events of legal persons on record: candidates for a 变更. */
  readonly changes: readonly RegistryEvent[];
  /** Events of legal persons not on record, or already applied. */
  readonly skipped: number;
}

/** The notice entry of a deregistration or revocation event; undefined for a change. */
export function noticeEntryFromEvent(event: RegistryEvent): NoticeEntry | undefined {
  if (event.type === 'change') return undefined;
  return {
    uscc: event.uscc,
    event: NOTICE_EVENT[event.type],
    note: `registry event ${event.id}${event.note ? `: ${event.note}` : ''}`,
  };
}

async function hasLiveCertificate(tx: StoreTx, uscc: string): Promise<boolean> {
  for (const status of ['valid', 'suspended'] as const)
    if ((await tx.queryCertificates({ uscc, status, limit: 1 })).length) return true;
  return false;
}

/**
 * Fetches the registry's events since `since` and applies them: the last terminal event of each
 * legal person decides; `onProgress(done, total)` after each legal person revoked.
 */
export async function syncRegistryEvents(
  context: CaContext & { readonly registry: LegalPersonRegistry },
  options: { since: Date; actor: string; onProgress?: (done: number, total: number) => void },
): Promise<RegistrySyncResult> {
  const events = await context.registry.events(options.since);
  const read = context.store.read;
  const terminal = new Map<string, NoticeEntry>();
  const changes: RegistryEvent[] = [];
  let skipped = 0;
  for (const event of events) {
    const entry = noticeEntryFromEvent(event);
    if (entry) terminal.set(event.uscc, entry);
    else if (await read.getLegalPerson(event.uscc)) changes.push(event);
    else skipped++;
  }
  const entries: NoticeEntry[] = [];
  for (const entry of terminal.values()) {
    const person = await read.getLegalPerson(entry.uscc);
    const applied = person?.registryStatus === entry.event && !(await hasLiveCertificate(read, entry.uscc));
    if (person && !applied) entries.push(entry);
    else skipped++;
  }
  // earlier terminal events of a legal person that a later one superseded count as skipped too
  skipped += events.filter((e) => e.type !== 'change').length - terminal.size;
  const revocations = await revokeFromNotice(context, entries, {
    actor: options.actor,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { events: events.length, revocations, changes, skipped };
}
