/**
 * CRL processing for path validation (RFC 5280 §6.3, the parts our hierarchies use): a
 * `RevocationSource` over a set of CRLs. A CRL counts only if its issuer name matches the
 * certificate's issuer, its SM2 signature verifies with the issuer key, it is current at the
 * validation time, and its issuingDistributionPoint scope (user / CA certificates, the
 * distribution point name) covers the certificate. A delta CRL (deltaCRLIndicator) is applied on
 * top of a full CRL whose number it is based on; `removeFromCRL` in the delta releases a hold.
 * Indirect CRLs are not supported (the CRL parser already refuses them). The OCSP source below
 * plays the same role from OCSP responses (RFC 6960).
 */
import { type Sm2Id, SM2_DEFAULT_ID } from '@yizheng/gm';
import { type Certificate, certificatePublicKey } from './gmt0015-certificate.js';
import { encodeName } from './name.js';
import { type Crl, findRevokedEntry, verifyCrlSignature } from './rfc5280-crl.js';
import { readExtension } from './rfc5280-extensions.js';
import type { GeneralName } from './rfc5280-general-name.js';
import type { RevocationSource, RevocationStatus } from './rfc5280-path-validation.js';
import { type OcspResponse, matchCertId, verifyOcspResponse } from './rfc6960-ocsp.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function uris(names: readonly GeneralName[] | undefined): string[] {
  return (names ?? []).filter((n) => n.type === 'uri').map((n) => n.value as string);
}

/** Whether the CRL's issuingDistributionPoint scope covers `cert` (RFC 5280 §6.3.3 b). */
function inScope(crl: Crl, cert: Certificate): boolean {
  const idp = readExtension(crl.tbs.extensions, 'issuingDistributionPoint');
  if (!idp) return true;
  const isCa = readExtension(cert.tbs.extensions, 'basicConstraints')?.cA === true;
  if (idp.onlyContainsUserCerts && isCa) return false;
  if (idp.onlyContainsCACerts && !isCa) return false;
  if (idp.distributionPoint?.type !== 'fullName') return true;
  const crlUris = uris(idp.distributionPoint.value);
  const certUris = (readExtension(cert.tbs.extensions, 'cRLDistributionPoints') ?? []).flatMap((dp) =>
    dp.distributionPoint?.type === 'fullName' ? uris(dp.distributionPoint.value) : [],
  );
  return certUris.some((u) => crlUris.includes(u));
}

/** Options of `crlRevocationSource`. */
export interface CrlSourceOptions {
  readonly id?: Sm2Id;
}

/** A revocation source answering from `crls` (full and delta, any number of issuers). */
export function crlRevocationSource(crls: readonly Crl[], options: CrlSourceOptions = {}): RevocationSource {
  const id = options.id ?? SM2_DEFAULT_ID;
  const verified = new WeakMap<Crl, Map<string, boolean>>();
  const signedBy = (crl: Crl, issuer: Certificate): boolean => {
    let byIssuer = verified.get(crl);
    if (!byIssuer) verified.set(crl, (byIssuer = new Map()));
    const key = Buffer.from(issuer.der).toString('base64');
    let ok = byIssuer.get(key);
    if (ok === undefined) {
      try {
        ok = verifyCrlSignature(crl, certificatePublicKey(issuer), id);
      } catch {
        ok = false;
      }
      byIssuer.set(key, ok);
    }
    return ok;
  };

  return {
    status(cert, issuer, at): RevocationStatus {
      const issuerName = encodeName(cert.tbs.issuer);
      const candidates = crls.filter(
        (crl) =>
          sameBytes(encodeName(crl.tbs.issuer), issuerName) && signedBy(crl, issuer) && inScope(crl, cert),
      );
      const current = candidates.filter((crl) => crl.tbs.thisUpdate <= at && at <= crl.tbs.nextUpdate);
      const full = current
        .filter((crl) => crl.baseCrlNumber === undefined)
        .sort((a, b) => (a.crlNumber > b.crlNumber ? -1 : 1))[0];
      if (!full) {
        const detail =
          candidates.length === 0
            ? 'no CRL signed by the issuer covers this certificate'
            : 'no CRL of the issuer is current at the validation time (stale or not yet valid)';
        return { status: 'unknown', detail };
      }
      const delta = current
        .filter(
          (crl) =>
            crl.baseCrlNumber !== undefined &&
            crl.baseCrlNumber <= full.crlNumber &&
            crl.crlNumber > full.crlNumber,
        )
        .sort((a, b) => (a.crlNumber > b.crlNumber ? -1 : 1))[0];
      const serial = cert.tbs.serialNumber;
      const inDelta = delta ? findRevokedEntry(delta, serial) : undefined;
      if (inDelta) {
        if (inDelta.reason === 'removeFromCRL') return { status: 'good' };
        return {
          status: 'revoked',
          date: inDelta.revocationDate,
          ...(inDelta.reason ? { reason: inDelta.reason } : {}),
        };
      }
      const inFull = findRevokedEntry(full, serial);
      if (inFull)
        return {
          status: 'revoked',
          date: inFull.revocationDate,
          ...(inFull.reason ? { reason: inFull.reason } : {}),
        };
      return { status: 'good' };
    },
  };
}

/**
 * A revocation source answering from OCSP responses (RFC 6960 §3.2): a response counts when it
 * verifies for the certificate's issuer (directly or through a delegated responder), one of its
 * SingleResponses matches the certificate's CertID in any hash, and it is current at the
 * validation time (thisUpdate ≤ at ≤ nextUpdate, when nextUpdate is given).
 */
export function ocspRevocationSource(
  responses: readonly OcspResponse[],
  options: CrlSourceOptions = {},
): RevocationSource {
  return {
    status(cert, issuer, at): RevocationStatus {
      for (const response of responses) {
        if (!response.basic) continue;
        const single = response.basic.responses.find((r) =>
          matchCertId(r.certId, issuer, cert.tbs.serialNumber),
        );
        if (!single) continue;
        if (single.thisUpdate > at || (single.nextUpdate && single.nextUpdate < at)) continue;
        const check = verifyOcspResponse(response, {
          issuer,
          now: at,
          ...(options.id !== undefined ? { id: options.id } : {}),
        });
        if (!check.valid) continue;
        if (single.status.type === 'good') return { status: 'good' };
        if (single.status.type === 'revoked')
          return {
            status: 'revoked',
            date: single.status.time,
            ...(single.status.reason ? { reason: single.status.reason } : {}),
          };
        return { status: 'unknown', detail: 'the OCSP responder does not know this certificate' };
      }
      return { status: 'unknown', detail: 'no current, verifying OCSP response covers this certificate' };
    },
  };
}
