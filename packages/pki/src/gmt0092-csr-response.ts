/**
 * GM/T 0092-2020 §8 / Appendix A CSRResponse: what a CA returns to a software client that asked
 * for a dual certificate — its signing certificate(s) and, for the encryption pair issued by the
 * KMC, the SM2EnvelopedKey and the encryption certificate(s) (R12; reference §5.1 step 4, §5.3).
 *
 * The standard's text was not available; field names and tagging follow gmsm (`smx509/csr_rsp.go`),
 * the one public implementation: [0] wraps the whole SM2EnvelopedKey (EXPLICIT) and [1] is an
 * IMPLICIT SET OF Certificate. Because an ASN.1 module with IMPLICIT TAGS would make [0] IMPLICIT,
 * we also read that form (a [0] holding the four fields instead of one SEQUENCE).
 *
 * Certificates are opaque DER here (another module builds and parses them). SET OF is unordered in
 * DER, so find the holder's certificate by its public key, not by position.
 */
import { GmError, asn1, der } from '@yizheng/gm';
import { SM2EnvelopedKey } from './gmt0009-enveloped-key.js';

const { Any, decodeDer, explicit, implicit, optional, sequence, setOf } = asn1;

/** [0] SM2EnvelopedKey: written EXPLICIT (gmsm); read EXPLICIT or IMPLICIT (one child vs four). */
const EncryptedPrivateKeyField: asn1.Asn1Type<asn1.Decoded<typeof SM2EnvelopedKey>> = (() => {
  const asExplicit = explicit(0, SM2EnvelopedKey);
  const asImplicit = implicit(0, SM2EnvelopedKey);
  return {
    ...asExplicit,
    decode: (el: der.DerElement) =>
      der.childrenOf(el).length === 1 ? asExplicit.decode(el) : asImplicit.decode(el),
  };
})();

/**
 * ```
 * CSRResponse ::= SEQUENCE {
 *     signCertificate      CertificateSet,
 *     encryptedPrivateKey  [0] SM2EnvelopedKey OPTIONAL,
 *     encryptCertificate   [1] CertificateSet OPTIONAL }
 * CertificateSet ::= SET OF Certificate
 * ```
 */
export const CSRResponse = sequence('CSRResponse', {
  signCertificate: setOf(Any, 'CertificateSet'),
  encryptedPrivateKey: optional(EncryptedPrivateKeyField),
  encryptCertificate: optional(implicit(1, setOf(Any, 'CertificateSet'))),
});

/** A CSR response with its parts as DER. */
export interface CsrResponse {
  /** The signing certificate, possibly with its chain (at least one). */
  readonly signCertificates: readonly Uint8Array[];
  /** DER SM2EnvelopedKey of the encryption private key, sealed to the signing public key. */
  readonly encryptedPrivateKey?: Uint8Array;
  /** The encryption certificate, possibly with its chain; required with `encryptedPrivateKey`. */
  readonly encryptCertificates?: readonly Uint8Array[];
}

function responseError(message: string): GmError {
  return new GmError('YZ_ERR_ENVELOPE', message);
}

/** The one consistency rule both directions check: a key comes with its certificate. */
function checkShape(response: CsrResponse): void {
  if (response.signCertificates.length === 0) {
    throw responseError('CSRResponse: signCertificate must hold at least one certificate');
  }
  if (response.encryptedPrivateKey && !response.encryptCertificates?.length) {
    throw responseError('CSRResponse: an encryptedPrivateKey needs its encryptCertificate');
  }
}

/**
 * DER CSRResponse. `encryptedPrivateKey` must be DER SM2EnvelopedKey (from `envelopeKey`).
 *
 * @example encodeCsrResponse({ signCertificates: [signCert], encryptedPrivateKey: envelope, encryptCertificates: [encCert] })
 */
export function encodeCsrResponse(response: CsrResponse): Uint8Array {
  checkShape(response);
  const envelope = response.encryptedPrivateKey;
  return CSRResponse.encode({
    signCertificate: [...response.signCertificates],
    encryptedPrivateKey: envelope ? decodeDer(SM2EnvelopedKey, envelope) : undefined,
    encryptCertificate: response.encryptCertificates?.length ? [...response.encryptCertificates] : undefined,
  });
}

/** The parts of a DER CSRResponse; open `encryptedPrivateKey` with `openEnvelopedKey`. */
export function decodeCsrResponse(bytes: Uint8Array): CsrResponse {
  const value = decodeDer(CSRResponse, bytes);
  const response: CsrResponse = {
    signCertificates: value.signCertificate,
    encryptedPrivateKey: value.encryptedPrivateKey && SM2EnvelopedKey.encode(value.encryptedPrivateKey),
    encryptCertificates: value.encryptCertificate,
  };
  checkShape(response);
  return response;
}
