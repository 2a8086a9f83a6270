/**
 * The embedded default's first run (issue 4 `yizheng ca init --demo`, issue 5 `npm start`): a
 * demo root and issuing CA, the demo certificate profiles, the CA's OCSP responder certificate,
 * the demo fee schedule, the audit key, a filled KMC pool and a first signed audit checkpoint —
 * everything a new user needs to issue a dual certificate, and check its status, at once. Production installs a CA from the national root instead
 * (`initCaRequest` / `importCaCertificate`) and publishes its own profiles and fees.
 */
import { AUDIT_KEY_REF, checkpointAudit, ensureAuditKey } from './audit.js';
import { type IssuingCa, initDemoCa } from './ca.js';
import { DEMO_FEE_ITEMS, publishFeeSchedule } from './fees.js';
import type { IssuanceContext } from './issuance.js';
import { issueResponderCertificate } from './ocsp-responder-certificate.js';
import { saveProfile } from './profile-admin.js';
import { demoProfileDefinitions } from './profiles.js';

/** Display names of the demo profiles (证书类别). */
export const DEMO_PROFILE_NAMES: Readonly<Record<string, string>> = {
  'legal-person-sign': '法人签名证书 legal-person signing certificate',
  'legal-person-enc': '法人加密证书 legal-person encryption certificate',
  'ocsp-signing': 'OCSP 签名证书 OCSP signing certificate',
};

export interface DemoBootstrap {
  readonly ca: IssuingCa;
  readonly poolSize: number;
}

/** Sets up the demo platform on an empty store (see the module doc). */
export async function bootstrapDemo(
  context: IssuanceContext,
  options: { actor: string; baseUrl: string; name?: string; pool?: number },
): Promise<DemoBootstrap> {
  const ca = await initDemoCa(context, {
    actor: options.actor,
    ...(options.name ? { name: options.name } : {}),
  });
  for (const [id, definition] of Object.entries(demoProfileDefinitions(options.baseUrl, ca.record.id)))
    await saveProfile(
      context.store,
      context.clock,
      id,
      DEMO_PROFILE_NAMES[id] ?? id,
      definition,
      options.actor,
    );
  await issueResponderCertificate(context, { caId: ca.record.id, actor: options.actor });
  await publishFeeSchedule(context, DEMO_FEE_ITEMS, options.actor);
  await ensureAuditKey(context.vault);
  const poolSize = await context.kmc.refillPool(options.pool ?? 20);
  await checkpointAudit(context.store, await context.vault.signer(AUDIT_KEY_REF), context.clock.now());
  return { ca, poolSize };
}
