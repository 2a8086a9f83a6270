/**
 * The delegated OCSP responder certificate of a CA (RFC 6960 §2.6, §4.2.2.2; R13 profile
 * `ocsp-signing`): the CA issues it to a key of its own in the vault, with extKeyUsage
 * id-kp-OCSPSigning and id-pkix-ocsp-nocheck, so the CA key signs a certificate every few months
 * instead of every OCSP response. It is short-lived (the demo profile: 90 days) because nocheck
 * means relying parties never check its own status; `ensureResponderCertificate` renews it
 * before it runs out, and `yizheng ocsp issue-responder` does so by hand.
 *
 * The key's vault reference is derived from the CA and serial (`vault:ocsp:<ca>:<serial>`), so
 * the certificate record alone says which key signs with it.
 */
import { randomUUID } from 'node:crypto';
import { der } from '@yizheng/gm';
import {
  type Certificate,
  type Name,
  Oid,
  buildCertificate,
  certificatePublicKey,
  formatName,
  parseCertificate,
  randomSerialNumber,
} from '@yizheng/pki';
import { appendAudit } from './audit.js';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import { loadProfile, recordOf } from './issuance.js';
import type { CertificateRecord } from './model.js';
import { fixedExtensions, holderExtensions } from './profiles.js';
import { loadPublishingCa } from './publishing-ca.js';
import type { Store } from './ports/store.js';

const DAY = 86_400_000;

/** The profile responder certificates are issued under. */
export const OCSP_SIGNING_PROFILE = 'ocsp-signing';

/** A responder certificate with the vault reference of its key. */
export interface ResponderCertificate {
  readonly record: CertificateRecord;
  readonly certificate: Certificate;
  readonly keyRef: string;
}

/** The vault reference of the key of responder certificate `serial` of `caId`. */
export function responderKeyRef(caId: string, serial: string): string {
  return `vault:ocsp:${caId}:${serial}`;
}

/** The CA's subject with " OCSP" after its common name (a CN is added when it has none). */
function responderSubject(caSubject: Name): Name {
  let named = false;
  const rdns = caSubject.map((rdn) =>
    rdn.map((attribute) => {
      if (attribute.type !== Oid.commonName) return attribute;
      named = true;
      return { ...attribute, value: `${attribute.value} OCSP` };
    }),
  );
  if (named) return rdns;
  return [...rdns, [{ type: Oid.commonName, value: 'OCSP', tag: der.Tag.UTF8_STRING }]];
}

/**
 * The responder certificate a CA answers with at `at`: the newest valid `ocsp` certificate of the
 * CA that is within its validity, or undefined.
 */
export async function currentResponderCertificate(
  store: Store,
  caId: string,
  at: Date,
): Promise<ResponderCertificate | undefined> {
  const candidates = await store.read.queryCertificates({ caId, role: 'ocsp', status: 'valid' });
  const current = candidates
    .filter((c) => c.notBefore <= at && at < c.notAfter)
    .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
  if (!current) return undefined;
  return {
    record: current,
    certificate: parseCertificate(current.der),
    keyRef: responderKeyRef(caId, current.serial),
  };
}

/**
 * Issues a new responder certificate for a CA (first issue or renewal): a new vault key, the
 * `ocsp-signing` profile (YZ_ERR_PROFILE without it), one transaction for the record and its
 * audit entry. The previous one stays valid until it expires; responders switch to the newest.
 */
export async function issueResponderCertificate(
  context: CaContext,
  options: { caId?: string; actor: string },
): Promise<ResponderCertificate> {
  const ca = await loadPublishingCa(context.store, options.caId);
  const profile = await loadProfile(context.store, OCSP_SIGNING_PROFILE);
  if (profile.definition.role !== 'ocsp')
    throw new CoreError('YZ_ERR_PROFILE', `profile ${OCSP_SIGNING_PROFILE} must have role ocsp`);
  const caId = ca.record.id;
  const serialNumber = randomSerialNumber();
  const serial = serialNumber.toString(16).toUpperCase();
  const keyRef = responderKeyRef(caId, serial);
  const key = await context.vault.createKey(`OCSP responder of ${caId}`, { ref: keyRef });
  const now = context.clock.now();
  const notAfter = new Date(
    Math.min(
      now.getTime() + profile.definition.validityDays * DAY,
      ca.certificate.tbs.validity.notAfter.getTime(),
    ),
  );
  const certificate = buildCertificate(
    {
      serialNumber,
      issuer: ca.certificate.tbs.subject,
      subject: responderSubject(ca.certificate.tbs.subject),
      notBefore: now,
      notAfter,
      publicKey: key.publicKey,
      extensions: [
        ...fixedExtensions(profile.definition, certificatePublicKey(ca.certificate)),
        ...holderExtensions(profile.definition, key.publicKey, null),
      ],
    },
    await context.vault.signer(ca.record.keyRef),
  );
  const record = recordOf(
    certificate,
    {
      caId,
      role: 'ocsp',
      pairId: `ocsp-${randomUUID()}`,
      uscc: null,
      predecessorPairId: null,
      applicationId: null,
      escrowId: null,
    },
    now,
  );
  await context.store.transaction(async (tx) => {
    await tx.insertCertificate(record);
    await appendAudit(tx, {
      at: now,
      actor: options.actor,
      action: 'ocsp.responder.issue',
      object: `certificate:${caId}:${serial}`,
      reason: null,
      detail: {
        subject: formatName(certificate.tbs.subject),
        notAfter: notAfter.toISOString(),
        profile: `${profile.id}@${profile.version}`,
        keyRef,
      },
    });
  });
  return { record, certificate, keyRef };
}

/**
 * The CA's responder certificate, issuing one when there is none or the current one ends within
 * `renewBeforeDays` (default: a third of the profile's validity) — unless it already ends with the
 * CA certificate, which no renewal could outlast. Nodes sharing a database may both renew at the
 * same moment; that leaves two valid responder certificates, both good.
 */
export async function ensureResponderCertificate(
  context: CaContext,
  options: { caId: string; actor: string; renewBeforeDays?: number },
): Promise<{ responder: ResponderCertificate; issued: boolean }> {
  const now = context.clock.now();
  const current = await currentResponderCertificate(context.store, options.caId, now);
  const renewBefore =
    options.renewBeforeDays ??
    (await loadProfile(context.store, OCSP_SIGNING_PROFILE)).definition.validityDays / 3;
  const caEnd = (await loadPublishingCa(context.store, options.caId)).certificate.tbs.validity.notAfter;
  if (
    current &&
    (current.record.notAfter.getTime() - now.getTime() > renewBefore * DAY ||
      current.record.notAfter.getTime() >= caEnd.getTime())
  )
    return { responder: current, issued: false };
  return { responder: await issueResponderCertificate(context, options), issued: true };
}
