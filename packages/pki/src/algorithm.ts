/**
 * SM2-with-SM3 signatures over DER structures (GM/T 0015 §5.2.2 via reference §4.1; GM/T 0009
 * §7.3 signature value; GB/T 32918.2 §6 for Z and e).
 *
 * Every signed structure here (certificate, CSR, CRL, OCSP response, CMS signer info) signs the
 * DER of its "to be signed" part as e = SM3(Z ‖ M), Z over the *signer's* public key and the
 * signer ID (default 1234567812345678). Parameters of the AlgorithmIdentifier: we emit them
 * absent (GmSSL and gmsm do) and accept absent or NULL (real CA certificates carry NULL).
 */
import { GmError, SM2_DEFAULT_ID, type Sm2Id, type Sm2PublicKey, asn1, der } from '@yizheng/gm';
import { AlgorithmIdentifier } from '@yizheng/gm';
import { Oid, oidLabel } from './oids.js';

/** A decoded AlgorithmIdentifier: the OID and the raw parameters TLV, if any. */
export type AlgorithmId = asn1.Decoded<typeof AlgorithmIdentifier>;

/** The AlgorithmIdentifier we write for SM2-with-SM3 (parameters absent). */
export const SM2_WITH_SM3: AlgorithmId = Object.freeze({ algorithm: Oid.sm2WithSm3, parameters: undefined });

const NULL_TLV = Uint8Array.of(der.Tag.NULL, 0);

/**
 * The narrow signing port every builder needs (design §Style: owned by its consumer). An
 * `Sm2PrivateKey` fits it; a key vault or an HSM implements it without exposing the key.
 * `signDigest` receives e = SM3(Z ‖ M) and returns a DER SM2Signature.
 */
export interface Sm2Signer {
  readonly publicKey: Sm2PublicKey;
  signDigest(e: Uint8Array): Uint8Array;
}

/** True when `algorithm` is SM2-with-SM3 with absent or NULL parameters. */
export function isSm2WithSm3(algorithm: AlgorithmId): boolean {
  if (algorithm.algorithm !== Oid.sm2WithSm3) return false;
  const p = algorithm.parameters;
  return p === undefined || (p.length === 2 && p[0] === NULL_TLV[0] && p[1] === 0);
}

/** Throws YZ_ERR_ALGORITHM unless `algorithm` is SM2-with-SM3 (`field` names where it was found). */
export function requireSm2WithSm3(algorithm: AlgorithmId, field: string): void {
  if (!isSm2WithSm3(algorithm)) {
    const params = algorithm.parameters ? ' with parameters' : '';
    throw new GmError(
      'YZ_ERR_ALGORITHM',
      `${field}: ${oidLabel(algorithm.algorithm)}${params} is not SM2-with-SM3 (1.2.156.10197.1.501)`,
    );
  }
}

/** True when two AlgorithmIdentifiers are the same OID with the same parameters. */
export function sameAlgorithm(a: AlgorithmId, b: AlgorithmId): boolean {
  if (a.algorithm !== b.algorithm) return false;
  const pa = a.parameters ?? new Uint8Array(0);
  const pb = b.parameters ?? new Uint8Array(0);
  return pa.length === pb.length && pa.every((v, i) => v === pb[i]);
}

/** Signs `tbs` (the DER to be signed) with `signer`: a DER SM2Signature. */
export function signTbs(signer: Sm2Signer, tbs: Uint8Array, id: Sm2Id = SM2_DEFAULT_ID): Uint8Array {
  return signer.signDigest(signer.publicKey.digest(tbs, id));
}

/** Verifies a DER SM2Signature over `tbs` with `publicKey` (a malformed signature is `false`). */
export function verifyTbs(
  publicKey: Sm2PublicKey,
  tbs: Uint8Array,
  signature: Uint8Array,
  id: Sm2Id = SM2_DEFAULT_ID,
): boolean {
  try {
    return publicKey.verify(tbs, signature, { id });
  } catch {
    return false;
  }
}

/** The DER of `AlgorithmIdentifier` for `algorithm`. */
export function encodeAlgorithm(algorithm: AlgorithmId): Uint8Array {
  return AlgorithmIdentifier.encode(algorithm);
}
