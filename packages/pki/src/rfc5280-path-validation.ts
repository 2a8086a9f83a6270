/**
 * Certification path building and validation (RFC 5280 §6.1, the parts a national-algorithm CA
 * and its relying parties use): chain building to a configured trust anchor, SM2 signatures,
 * validity at a given time, basicConstraints / keyUsage / pathLenConstraint of every issuer,
 * unknown critical extensions, and revocation through a caller-supplied source (CRL or OCSP).
 * Policy and name-constraint processing are not done: GM/T 0015 hierarchies here do not use
 * them, and a certificate that marks them critical is refused as an unknown critical extension.
 *
 * Results are coded reasons, not booleans, so the CLI, the API and the UI can say *why*.
 */
import { type Sm2Id, SM2_DEFAULT_ID, isGmError } from '@yizheng/gm';
import { isSm2WithSm3 } from './algorithm.js';
import { type Certificate, certificatePublicKey, verifyCertificateSignature } from './gmt0015-certificate.js';
import { encodeName, formatName } from './name.js';
import { type CrlReason, checkCriticalExtensions, readExtension } from './rfc5280-extensions.js';

/** Why a path is (in)valid; `YZ_PATH_OK` is the only success. */
export const PATH_REASONS = {
  YZ_PATH_OK: 'the path is valid',
  YZ_PATH_NO_ISSUER: 'no issuer certificate was found for a certificate of the path',
  YZ_PATH_UNTRUSTED: 'the path does not end at a configured trust anchor',
  YZ_PATH_SIGNATURE: 'a certificate signature does not verify with its issuer key',
  YZ_PATH_ALGORITHM: 'a certificate is not signed with SM2-with-SM3 or its key is not SM2',
  YZ_PATH_NOT_YET_VALID: 'a certificate is not yet valid at the validation time',
  YZ_PATH_EXPIRED: 'a certificate has expired at the validation time',
  YZ_PATH_NOT_CA: 'an issuer certificate is not a CA (basicConstraints cA is not true)',
  YZ_PATH_KEY_USAGE: 'an issuer certificate lacks keyCertSign in keyUsage',
  YZ_PATH_LENGTH: 'the path is longer than an issuer pathLenConstraint allows',
  YZ_PATH_CRITICAL_EXTENSION: 'a certificate has a critical extension that is not understood',
  YZ_PATH_REVOKED: 'a certificate of the path is revoked',
  YZ_PATH_REVOCATION_UNKNOWN: 'revocation status was required but could not be determined',
  YZ_PATH_TOO_LONG: 'chain building stopped: more than 10 certificates',
} as const;
export type PathReason = keyof typeof PATH_REASONS;

/** What a revocation source says of one certificate. */
export type RevocationStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly date: Date; readonly reason?: CrlReason }
  | { readonly status: 'unknown'; readonly detail: string };

/** Port to CRLs or OCSP responses (owned here, implemented by the CRL and OCSP modules). */
export interface RevocationSource {
  status(cert: Certificate, issuer: Certificate, at: Date): RevocationStatus;
}

/** Options of `validatePath`. */
export interface PathOptions {
  readonly trustAnchors: readonly Certificate[];
  readonly intermediates?: readonly Certificate[];
  /** Validation time; default now. */
  readonly at?: Date;
  readonly revocation?: RevocationSource;
  /** Treat an `unknown` revocation status as a failure (default: only when a source is given). */
  readonly requireRevocation?: boolean;
  readonly id?: Sm2Id;
}

/** The outcome: `reason` is YZ_PATH_OK when valid; `index` is the failing certificate in `chain`. */
export interface PathResult {
  readonly valid: boolean;
  readonly reason: PathReason;
  readonly message: string;
  /** Target first, trust anchor last (as far as it could be built). */
  readonly chain: readonly Certificate[];
  readonly index?: number;
  readonly revocation?: RevocationStatus;
}

const MAX_PATH = 10;

function nameKey(cert: Certificate, which: 'subject' | 'issuer'): string {
  return Buffer.from(encodeName(cert.tbs[which])).toString('hex');
}

function sameCertificate(a: Certificate, b: Certificate): boolean {
  return Buffer.from(a.der).equals(Buffer.from(b.der));
}

function keyIdsAgree(child: Certificate, candidate: Certificate): boolean {
  try {
    const aki = readExtension(child.tbs.extensions, 'authorityKeyIdentifier')?.keyIdentifier;
    const ski = readExtension(candidate.tbs.extensions, 'subjectKeyIdentifier');
    return !aki || !ski || Buffer.from(aki).equals(Buffer.from(ski));
  } catch {
    return true; // a malformed identifier is reported by the checks below, not by building
  }
}

/** Candidates issuing `cert`: same name, agreeing key identifiers, signature verifying first. */
function findIssuer(cert: Certificate, pool: readonly Certificate[], id: Sm2Id): Certificate | undefined {
  const wanted = nameKey(cert, 'issuer');
  const candidates = pool.filter((c) => nameKey(c, 'subject') === wanted && keyIdsAgree(cert, c));
  return (
    candidates.find((c) => {
      try {
        return verifyCertificateSignature(cert, certificatePublicKey(c), id);
      } catch {
        return false;
      }
    }) ?? candidates[0]
  );
}

function label(cert: Certificate): string {
  return `${formatName(cert.tbs.subject)} (serial ${cert.tbs.serialNumber.toString(16)})`;
}

/** Validates `target` up to one of `options.trustAnchors`. Never throws for bad certificates. */
export function validatePath(target: Certificate, options: PathOptions): PathResult {
  const at = options.at ?? new Date();
  const id = options.id ?? SM2_DEFAULT_ID;
  const anchors = options.trustAnchors;
  const pool = [...(options.intermediates ?? []), ...anchors];
  const chain: Certificate[] = [target];
  const fail = (
    reason: PathReason,
    index: number,
    message: string,
    revocation?: RevocationStatus,
  ): PathResult => ({
    valid: false,
    reason,
    message,
    chain,
    index,
    ...(revocation ? { revocation } : {}),
  });

  // 1. Build: follow issuers until a trust anchor is reached.
  while (!anchors.some((a) => sameCertificate(a, chain[chain.length - 1]!))) {
    const current = chain[chain.length - 1]!;
    if (chain.length > MAX_PATH)
      return fail('YZ_PATH_TOO_LONG', chain.length - 1, PATH_REASONS.YZ_PATH_TOO_LONG);
    const issuer = findIssuer(current, pool, id);
    if (!issuer) {
      const selfIssued = nameKey(current, 'issuer') === nameKey(current, 'subject');
      return selfIssued
        ? fail(
            'YZ_PATH_UNTRUSTED',
            chain.length - 1,
            `${label(current)} is a root that is not a trust anchor`,
          )
        : fail('YZ_PATH_NO_ISSUER', chain.length - 1, `no issuer found for ${label(current)}`);
    }
    if (chain.some((c) => sameCertificate(c, issuer)))
      return fail(
        'YZ_PATH_UNTRUSTED',
        chain.length - 1,
        `${label(current)}: the chain loops without a trust anchor`,
      );
    chain.push(issuer);
  }

  // 2. Validate from the anchor down (RFC 5280 §6.1.3–6.1.4).
  for (let i = chain.length - 1; i >= 0; i--) {
    const cert = chain[i]!;
    try {
      checkCriticalExtensions(cert.tbs.extensions, label(cert));
    } catch (error) {
      return fail('YZ_PATH_CRITICAL_EXTENSION', i, isGmError(error) ? error.message : String(error));
    }
    if (at < cert.tbs.validity.notBefore)
      return fail(
        'YZ_PATH_NOT_YET_VALID',
        i,
        `${label(cert)} is valid from ${cert.tbs.validity.notBefore.toISOString()}`,
      );
    if (at > cert.tbs.validity.notAfter)
      return fail(
        'YZ_PATH_EXPIRED',
        i,
        `${label(cert)} expired at ${cert.tbs.validity.notAfter.toISOString()}`,
      );
    if (i === chain.length - 1) continue; // the anchor is trusted as configured, not verified
    const issuer = chain[i + 1]!;
    const issuerCheck = checkIssuer(issuer, i);
    if (issuerCheck) return fail(issuerCheck[0], i + 1, issuerCheck[1]);
    if (!isSm2WithSm3(cert.signatureAlgorithm))
      return fail(
        'YZ_PATH_ALGORITHM',
        i,
        `${label(cert)} is signed with ${cert.signatureAlgorithm.algorithm}`,
      );
    let signatureOk = false;
    try {
      signatureOk = verifyCertificateSignature(cert, certificatePublicKey(issuer), id);
    } catch (error) {
      return fail('YZ_PATH_ALGORITHM', i + 1, isGmError(error) ? error.message : String(error));
    }
    if (!signatureOk)
      return fail('YZ_PATH_SIGNATURE', i, `${label(cert)}: signature does not verify with the issuer key`);
    if (options.revocation) {
      const status = options.revocation.status(cert, issuer, at);
      if (status.status === 'revoked')
        return fail(
          'YZ_PATH_REVOKED',
          i,
          `${label(cert)} was revoked at ${status.date.toISOString()}${status.reason ? ` (${status.reason})` : ''}`,
          status,
        );
      if (status.status === 'unknown' && options.requireRevocation !== false)
        return fail('YZ_PATH_REVOCATION_UNKNOWN', i, `${label(cert)}: ${status.detail}`, status);
    }
  }
  return { valid: true, reason: 'YZ_PATH_OK', message: PATH_REASONS.YZ_PATH_OK, chain };

  /** Issuer checks; `below` is the index of the certificate it issued (pathLen counts CAs below). */
  function checkIssuer(issuer: Certificate, below: number): [PathReason, string] | undefined {
    let bc, ku;
    try {
      bc = readExtension(issuer.tbs.extensions, 'basicConstraints');
      ku = readExtension(issuer.tbs.extensions, 'keyUsage');
    } catch (error) {
      return ['YZ_PATH_NOT_CA', isGmError(error) ? error.message : String(error)];
    }
    if (!bc?.cA) return ['YZ_PATH_NOT_CA', `${label(issuer)} is not a CA certificate`];
    if (ku && !ku.includes('keyCertSign')) return ['YZ_PATH_KEY_USAGE', `${label(issuer)} lacks keyCertSign`];
    // Intermediate CAs between this issuer and the target (self-issued ones do not count, §6.1.4(l)).
    const casBelow = below; // chain[1..below] are CAs under `issuer`; chain[0] is the target
    if (bc.pathLenConstraint !== undefined && BigInt(casBelow) > bc.pathLenConstraint)
      return [
        'YZ_PATH_LENGTH',
        `${label(issuer)} allows ${bc.pathLenConstraint} CA(s) below it, the path has ${casBelow}`,
      ];
    return undefined;
  }
}
