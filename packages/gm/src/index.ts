/**
 * @yizheng/gm — the national algorithms for Yizheng: SM2 (GB/T 32918.1–5), SM3 (GB/T 32905),
 * SM4 (GB/T 32907), their key formats, and the DER codec the pki layer builds on.
 *
 * @example
 * const key = Sm2PrivateKey.generate();
 * const sig = key.sign(utf8('hello'));            // DER SM2Signature, ID 1234567812345678
 * key.publicKey.verify(utf8('hello'), sig);       // true
 */
export * from './bytes.js';
export * from './errors.js';
export * from './oids.js';
export * from './pem.js';
export * from './sm3.js';
export * from './sm4.js';
export * from './key-formats.js';
export { SM2_CURVE, type Sm2Backend, typescriptBackend } from './sm2/curve.js';
export { sm2Backend, useSm2Backend, nativeUnavailableReason } from '#sm2-backend';
export { SM2_DEFAULT_ID, Sm2PrivateKey, Sm2PublicKey, type Sm2Id, type SignOptions } from './sm2/keys.js';
export {
  SM2Signature,
  decodeSignature,
  encodeSignature,
  type SignatureFormat,
  type SignatureParts,
} from './sm2/signature.js';
export {
  SM2Cipher,
  sm2Encrypt,
  sm2Decrypt,
  encodeCipher,
  decodeCipher,
  type CipherFormat,
  type CipherParts,
} from './sm2/cipher.js';
export {
  sm2KeyExchange,
  type KeyExchangePeer,
  type KeyExchangeResult,
  type KeyExchangeSelf,
} from './sm2/exchange.js';
export * as der from './asn1/der.js';
export * as asn1 from './asn1/types.js';
