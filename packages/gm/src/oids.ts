/**
 * Object identifiers used by the gm layer, built from named arcs (GM/T 0006-2012 ≙ GB/T 33560-2017
 * for the national arcs; RFC 5480, RFC 8018 and NIST CSOR for the others). The pki layer extends
 * this table with certificate and CMS OIDs.
 */

/** 1.2.156.10197: the OSCCA arc (China → national cryptography administration). */
const OSCCA = '1.2.156.10197';
const RSADSI = '1.2.840.113549';
const NIST_AES = '2.16.840.1.101.3.4.1';

/** Named OIDs of the gm layer. */
export const GmOid = {
  /** sm2p256v1 curve / SM2 algorithm. */
  sm2: `${OSCCA}.1.301`,
  /** SM2-1 digital signature. */
  sm2Sign: `${OSCCA}.1.301.1`,
  /** SM2-2 key exchange. */
  sm2Exchange: `${OSCCA}.1.301.2`,
  /** SM2-3 public-key encryption (GmSSL 3.x uses 301.2 instead; accept both on input). */
  sm2Encrypt: `${OSCCA}.1.301.3`,
  /** SM3 hash. */
  sm3: `${OSCCA}.1.401`,
  /** HMAC-SM3 as GM/T 0091 Annex C, BouncyCastle, GmSSL and gmsm write it (we emit this one). */
  hmacSm3: `${OSCCA}.1.401.2`,
  /** HMAC-SM3 as OpenSSL and Tongsuo write it ("hmacWithSM3"). */
  hmacWithSm3: `${OSCCA}.1.401.3.1`,
  /** SM2 signature with SM3. */
  sm2WithSm3: `${OSCCA}.1.501`,
  /** SM4 block cipher (no mode; CFCA uses it for CBC). */
  sm4: `${OSCCA}.1.104`,
  sm4Ecb: `${OSCCA}.1.104.1`,
  sm4Cbc: `${OSCCA}.1.104.2`,
  sm4Ctr: `${OSCCA}.1.104.7`,
  sm4Gcm: `${OSCCA}.1.104.8`,
  /** id-ecPublicKey (RFC 5480): the SubjectPublicKeyInfo algorithm of SM2 keys. */
  ecPublicKey: '1.2.840.10045.2.1',
  /** PKCS#5 PBES2 and PBKDF2 (RFC 8018 Appendix A). */
  pbes2: `${RSADSI}.1.5.13`,
  pbkdf2: `${RSADSI}.1.5.12`,
  hmacWithSha1: `${RSADSI}.2.7`,
  hmacWithSha256: `${RSADSI}.2.9`,
  aes128Cbc: `${NIST_AES}.2`,
  aes192Cbc: `${NIST_AES}.22`,
  aes256Cbc: `${NIST_AES}.42`,
} as const;
