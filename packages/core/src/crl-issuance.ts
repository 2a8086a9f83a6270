/**
 * CRL issuance from the store (R5: status published within 24 h; RFC 5280 §5): every revoked or
 * suspended certificate of a CA, signed by the CA key from the vault, always with nextUpdate.
 * The CRL number is the issuing time in milliseconds: increasing as RFC 5280 §5.2.3 asks without
 * a shared counter, so nodes sharing PostgreSQL need no coordination (the scheduler of issue 5
 * issues one CRL per CA per run under an advisory lock).
 */
import { buildCrl, formatName } from '@yizheng/pki';
import { appendAudit } from './audit.js';
import { type CaContext, loadIssuingCa } from './ca.js';
import { CoreError } from './errors.js';
import type { RevocationReason } from './model.js';

const HOUR = 3_600_000;

/** Builds and signs the full CRL of a CA; returns its DER and number. */
export async function issueCrl(
  context: CaContext,
  options: { caId?: string; nextUpdateHours?: number; actor: string; onProgress?: (count: number) => void },
): Promise<{ der: Uint8Array; crlNumber: bigint; entries: number }> {
  const hours = options.nextUpdateHours ?? 24;
  if (!(hours > 0 && hours <= 24 * 7))
    throw new CoreError('YZ_ERR_INPUT', 'nextUpdate must be 1 hour to 7 days ahead');
  const ca = await loadIssuingCa(context.store, options.caId);
  const now = context.clock.now();
  const crlNumber = BigInt(now.getTime());
  const revoked = await context.store.read.revokedCertificates(ca.record.id);
  const signer = await context.vault.signer(ca.record.keyRef);
  const der = await buildCrl(
    {
      issuer: ca.certificate,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + hours * HOUR),
      crlNumber,
      entries: revoked.map((c) => ({
        serialNumber: BigInt('0x' + c.serial),
        revocationDate: c.revokedAt ?? now,
        ...(c.revocationReason && c.revocationReason !== 'unspecified'
          ? { reason: c.revocationReason as Exclude<RevocationReason, 'unspecified'> }
          : {}),
      })),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
    signer,
  );
  await context.store.transaction((tx) =>
    appendAudit(tx, {
      at: now,
      actor: options.actor,
      action: 'crl.issue',
      object: `ca:${ca.record.id}`,
      reason: null,
      detail: {
        crlNumber: crlNumber.toString(),
        entries: revoked.length,
        issuer: formatName(ca.certificate.tbs.subject),
      },
    }),
  );
  return { der, crlNumber, entries: revoked.length };
}
