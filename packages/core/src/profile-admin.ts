/**
 * Profile administration (R4 "manage certificate categories"): a change is a new version, made
 * active in the same transaction and audited; earlier versions stay for the certificates issued
 * under them.
 */
import { appendAudit } from './audit.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { type ProfileDefinition, checkProfileDefinition } from './profiles.js';

/** Stores `definition` as the next version of profile `id` and activates it; returns the version. */
export async function saveProfile(
  store: Store,
  clock: Clock,
  id: string,
  name: string,
  definition: ProfileDefinition,
  actor: string,
): Promise<number> {
  const checked = checkProfileDefinition(definition as unknown as Record<string, unknown>);
  return store.transaction(async (tx) => {
    const current = (await tx.listProfiles()).filter((p) => p.id === id);
    const version = current.reduce((max, p) => Math.max(max, p.version), 0) + 1;
    const at = clock.now();
    await tx.insertProfile({
      id,
      version,
      name,
      role: checked.role,
      definition: checked as unknown as Record<string, unknown>,
      active: false,
      createdAt: at,
    });
    await tx.activateProfile(id, version);
    await appendAudit(tx, {
      at,
      actor,
      action: 'profile.save',
      object: `profile:${id}`,
      reason: null,
      detail: { version, name },
    });
    return version;
  });
}
