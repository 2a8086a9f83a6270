/**
 * The subject public key of an X.509 certificate (RFC 5280 §4.1), for `gm verify --cert` and
 * `gm encrypt --cert`. Only the fields up to subjectPublicKeyInfo are declared: full certificate
 * handling (GM/T 0015 profile, extensions, path validation) belongs to packages/pki.
 */
import {
  asn1,
  decodePublicKeyInfo,
  importPublicKey,
  type Sm2PublicKey,
  decodePem,
  looksLikePem,
  isGmError,
  GmError,
} from '@yizheng/gm';

const { Any, Integer, explicit, optional, sequence } = asn1;

/** TBSCertificate, declared up to subjectPublicKeyInfo; the rest is kept as raw elements. */
const TBSCertificateHead = sequence('TBSCertificate', {
  version: optional(explicit(0, Integer)),
  serialNumber: Integer,
  signature: Any,
  issuer: Any,
  validity: Any,
  subject: Any,
  subjectPublicKeyInfo: Any,
  issuerUniqueID: optional(Any),
  subjectUniqueID: optional(Any),
  extensions: optional(Any),
});

const Certificate = sequence('Certificate', {
  tbsCertificate: TBSCertificateHead,
  signatureAlgorithm: Any,
  signatureValue: Any,
});

/** SM2 public key of a certificate given as PEM "CERTIFICATE" or DER. */
export function certificatePublicKey(data: Uint8Array): Sm2PublicKey {
  const der = looksLikePem(data) ? decodePem(Buffer.from(data).toString('utf8'), ['CERTIFICATE']).der : data;
  try {
    const cert = asn1.decodeDer(Certificate, der);
    return decodePublicKeyInfo(cert.tbsCertificate.subjectPublicKeyInfo);
  } catch (error) {
    if (isGmError(error) && error.code.startsWith('YZ_ERR_DER')) {
      throw new GmError('YZ_ERR_KEY_FORMAT', `not an X.509 certificate: ${error.message}`);
    }
    throw error;
  }
}

/** SM2 public key from a PEM/DER public key file or, with `isCertificate`, a certificate. */
export function loadPublicKey(data: Uint8Array, isCertificate: boolean): Sm2PublicKey {
  return isCertificate ? certificatePublicKey(data) : importPublicKey(data);
}
