/**
 * SM2 key encodings interoperable with OpenSSL, BouncyCastle and GmSSL:
 * - public keys: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480) — PEM "PUBLIC KEY";
 * - private keys: PKCS#8 PrivateKeyInfo (RFC 5208 / RFC 5958) holding an RFC 5915 ECPrivateKey —
 *   PEM "PRIVATE KEY"; SEC1 ECPrivateKey alone — PEM "EC PRIVATE KEY";
 * - password-protected: PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §6.2) —
 *   PEM "ENCRYPTED PRIVATE KEY". We write SM4-CBC with PBKDF2-HMAC-SM3 by default (national
 *   algorithms only, R3; PRF OID 1.2.156.10197.1.401.2 as GM/T 0091 Annex C, GmSSL, gmsm and
 *   BouncyCastle write it) or with PBKDF2-HMAC-SHA256 (`prf: 'sha256'`), because OpenSSL 3.0
 *   has no HMAC-SM3 PRF for PBKDF2. We read both SM3 OIDs and OpenSSL's AES/SHA defaults.
 *
 * The SM2 algorithm is id-ecPublicKey with namedCurve sm2p256v1 (GM/T 0015 / GmSSL); a bare
 * SM2 algorithm OID is also accepted on input, as some tools write it.
 */
import { cbcCrypt, pbkdf2 } from '#pbes2-impl';
import {
  Any,
  BitStringOctets,
  ObjectIdentifier,
  OctetString,
  SmallInteger,
  decodeDer,
  explicit,
  implicit,
  optional,
  sequence,
  setOf,
} from './asn1/types.js';
import { parseDer } from './asn1/der.js';
import { bytesToText, randomBytes, utf8 } from './bytes.js';
import { GmError, isGmError } from './errors.js';
import { GmOid } from './oids.js';
import { decodePem, encodePem, looksLikePem } from './pem.js';
import { Sm2PrivateKey, Sm2PublicKey } from './sm2/keys.js';

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }. */
export const AlgorithmIdentifier = sequence('AlgorithmIdentifier', {
  algorithm: ObjectIdentifier,
  parameters: optional(Any),
});

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }. */
export const SubjectPublicKeyInfo = sequence('SubjectPublicKeyInfo', {
  algorithm: AlgorithmIdentifier,
  subjectPublicKey: BitStringOctets,
});

/** RFC 5915 ECPrivateKey (version 1, privateKey, [0] parameters, [1] publicKey). */
export const ECPrivateKey = sequence('ECPrivateKey', {
  version: SmallInteger,
  privateKey: OctetString,
  parameters: optional(explicit(0, ObjectIdentifier)),
  publicKey: optional(explicit(1, BitStringOctets)),
});

/** RFC 5958 OneAsymmetricKey (PKCS#8 PrivateKeyInfo is its version 0). */
export const PrivateKeyInfo = sequence('PrivateKeyInfo', {
  version: SmallInteger,
  privateKeyAlgorithm: AlgorithmIdentifier,
  privateKey: OctetString,
  attributes: optional(implicit(0, setOf(Any))),
  publicKey: optional(implicit(1, BitStringOctets)),
});

/** RFC 5958 EncryptedPrivateKeyInfo. */
export const EncryptedPrivateKeyInfo = sequence('EncryptedPrivateKeyInfo', {
  encryptionAlgorithm: AlgorithmIdentifier,
  encryptedData: OctetString,
});

/** RFC 8018 PBES2-params. */
const PBES2Params = sequence('PBES2-params', {
  keyDerivationFunc: AlgorithmIdentifier,
  encryptionScheme: AlgorithmIdentifier,
});

/** RFC 8018 PBKDF2-params (salt as OCTET STRING only: the `otherSource` choice is never used). */
const PBKDF2Params = sequence('PBKDF2-params', {
  salt: OctetString,
  iterationCount: SmallInteger,
  keyLength: optional(SmallInteger),
  prf: optional(AlgorithmIdentifier),
});

const NULL_DER = Uint8Array.of(0x05, 0x00);
const SM2_CURVE_PARAMS = ObjectIdentifier.encode(GmOid.sm2);

function keyFormatError(message: string): GmError {
  return new GmError('YZ_ERR_KEY_FORMAT', message);
}

/** Reads `fn`, turning DER errors into YZ_ERR_KEY_FORMAT that names the structure. */
function parseAs<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isGmError(error) && error.code.startsWith('YZ_ERR_DER')) {
      throw keyFormatError(`${what}: ${error.message}`);
    }
    throw error;
  }
}

function checkSm2Algorithm(
  algorithm: { algorithm: string; parameters?: Uint8Array | undefined },
  what: string,
) {
  if (algorithm.algorithm === GmOid.sm2) return;
  if (algorithm.algorithm !== GmOid.ecPublicKey) {
    throw keyFormatError(`${what}: algorithm ${algorithm.algorithm} is not an elliptic-curve key`);
  }
  const params = algorithm.parameters;
  if (!params || decodeDer(ObjectIdentifier, params) !== GmOid.sm2) {
    throw keyFormatError(`${what}: the curve is not sm2p256v1 (${GmOid.sm2})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Public keys

/** DER SubjectPublicKeyInfo of an SM2 public key. */
export function encodePublicKeyInfo(key: Sm2PublicKey): Uint8Array {
  return SubjectPublicKeyInfo.encode({
    algorithm: { algorithm: GmOid.ecPublicKey, parameters: SM2_CURVE_PARAMS },
    subjectPublicKey: key.toBytes(),
  });
}

/** SM2 public key from DER SubjectPublicKeyInfo. */
export function decodePublicKeyInfo(der: Uint8Array): Sm2PublicKey {
  const spki = parseAs('SubjectPublicKeyInfo', () => decodeDer(SubjectPublicKeyInfo, der));
  parseAs('SubjectPublicKeyInfo', () => checkSm2Algorithm(spki.algorithm, 'SubjectPublicKeyInfo'));
  return Sm2PublicKey.fromBytes(spki.subjectPublicKey);
}

/** PEM "PUBLIC KEY". */
export function exportPublicKeyPem(key: Sm2PublicKey): string {
  return encodePem('PUBLIC KEY', encodePublicKeyInfo(key));
}

/** SM2 public key from PEM "PUBLIC KEY" text or DER bytes. */
export function importPublicKey(data: string | Uint8Array): Sm2PublicKey {
  if (looksLikePem(data)) {
    const text = typeof data === 'string' ? data : bytesToText(data);
    return decodePublicKeyInfo(decodePem(text, ['PUBLIC KEY']).der);
  }
  if (typeof data === 'string') throw new GmError('YZ_ERR_PEM', 'no PEM block found');
  return decodePublicKeyInfo(data);
}

// ---------------------------------------------------------------------------------------------
// Private keys

/** Private-key container formats. */
export type PrivateKeyFormat = 'pkcs8' | 'sec1';

function encodeEcPrivateKey(key: Sm2PrivateKey, withParameters: boolean): Uint8Array {
  return ECPrivateKey.encode({
    version: 1,
    privateKey: key.toBytes(),
    parameters: withParameters ? GmOid.sm2 : undefined,
    publicKey: key.publicKey.toBytes(),
  });
}

function decodeEcPrivateKey(der: Uint8Array, what: string): Sm2PrivateKey {
  const ec = parseAs(what, () => decodeDer(ECPrivateKey, der));
  if (ec.version !== 1) throw keyFormatError(`${what}: ECPrivateKey version must be 1`);
  if (ec.parameters !== undefined && ec.parameters !== GmOid.sm2) {
    throw keyFormatError(`${what}: the curve ${ec.parameters} is not sm2p256v1`);
  }
  if (ec.privateKey.length === 0 || ec.privateKey.length > 32) {
    throw keyFormatError(`${what}: private key must be 1..32 bytes`);
  }
  const key = Sm2PrivateKey.fromBytes(ec.privateKey);
  if (ec.publicKey && !Sm2PublicKey.fromBytes(ec.publicKey).equals(key.publicKey)) {
    throw keyFormatError(`${what}: the embedded public key does not belong to the private key`);
  }
  return key;
}

/** DER PKCS#8 PrivateKeyInfo (version 0) of an SM2 private key. */
export function encodePrivateKeyInfo(key: Sm2PrivateKey): Uint8Array {
  return PrivateKeyInfo.encode({
    version: 0,
    privateKeyAlgorithm: { algorithm: GmOid.ecPublicKey, parameters: SM2_CURVE_PARAMS },
    privateKey: encodeEcPrivateKey(key, false),
    attributes: undefined,
    publicKey: undefined,
  });
}

/** SM2 private key from DER PKCS#8 PrivateKeyInfo. */
export function decodePrivateKeyInfo(der: Uint8Array): Sm2PrivateKey {
  const info = parseAs('PrivateKeyInfo', () => decodeDer(PrivateKeyInfo, der));
  if (info.version !== 0 && info.version !== 1)
    throw keyFormatError('PrivateKeyInfo: version must be 0 or 1');
  parseAs('PrivateKeyInfo', () => checkSm2Algorithm(info.privateKeyAlgorithm, 'PrivateKeyInfo'));
  return decodeEcPrivateKey(info.privateKey, 'PrivateKeyInfo');
}

/** Options of `exportPrivateKeyPem`. */
export interface ExportPrivateKeyOptions {
  /** 'pkcs8' (default, "PRIVATE KEY") or 'sec1' ("EC PRIVATE KEY"); ignored with a password. */
  format?: PrivateKeyFormat;
  /** Encrypts as PKCS#8 PBES2 (PBKDF2-HMAC-SM3, SM4-CBC): "ENCRYPTED PRIVATE KEY". */
  password?: string | Uint8Array;
  /** PBKDF2 iterations with a password (default 100,000). */
  iterations?: number;
  /** PBKDF2 PRF with a password: 'sm3' (default) or 'sha256' (readable by OpenSSL 3.0). */
  prf?: PbkdfPrf;
}

/** PBKDF2 pseudo-random functions we write. */
export type PbkdfPrf = 'sm3' | 'sha256';

/** PEM text of a private key. */
export function exportPrivateKeyPem(key: Sm2PrivateKey, options: ExportPrivateKeyOptions = {}): string {
  if (options.password !== undefined) {
    return encodePem(
      'ENCRYPTED PRIVATE KEY',
      encryptPrivateKeyInfo(key, options.password, options.iterations, options.prf),
    );
  }
  if (options.format === 'sec1') return encodePem('EC PRIVATE KEY', encodeEcPrivateKey(key, true));
  return encodePem('PRIVATE KEY', encodePrivateKeyInfo(key));
}

/**
 * SM2 private key from PEM ("PRIVATE KEY", "EC/SM2 PRIVATE KEY", "ENCRYPTED PRIVATE KEY") or DER
 * PKCS#8. An encrypted key needs `password`; a wrong one is YZ_ERR_KEY_PASSWORD.
 */
export function importPrivateKey(data: string | Uint8Array, password?: string | Uint8Array): Sm2PrivateKey {
  if (!looksLikePem(data)) {
    if (typeof data === 'string') throw new GmError('YZ_ERR_PEM', 'no PEM block found');
    return decodePrivateKeyInfo(data);
  }
  const text = typeof data === 'string' ? data : bytesToText(data);
  // OpenSSL 3 labels the SEC1 form of an SM2 key "SM2 PRIVATE KEY".
  const block = decodePem(text, [
    'PRIVATE KEY',
    'EC PRIVATE KEY',
    'SM2 PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
  ]);
  if (block.label === 'EC PRIVATE KEY' || block.label === 'SM2 PRIVATE KEY') {
    return decodeEcPrivateKey(block.der, 'ECPrivateKey');
  }
  if (block.label === 'PRIVATE KEY') return decodePrivateKeyInfo(block.der);
  if (password === undefined)
    throw new GmError('YZ_ERR_KEY_PASSWORD', 'the private key is encrypted: a password is needed');
  return decryptPrivateKeyInfo(block.der, password);
}

// ---------------------------------------------------------------------------------------------
// PBES2

const CIPHERS: Record<string, { node: string; keyLength: number }> = {
  [GmOid.sm4Cbc]: { node: 'sm4-cbc', keyLength: 16 },
  [GmOid.aes128Cbc]: { node: 'aes-128-cbc', keyLength: 16 },
  [GmOid.aes192Cbc]: { node: 'aes-192-cbc', keyLength: 24 },
  [GmOid.aes256Cbc]: { node: 'aes-256-cbc', keyLength: 32 },
};

const PRFS: Record<string, string> = {
  [GmOid.hmacWithSm3]: 'sm3',
  [GmOid.hmacSm3]: 'sm3',
  [GmOid.hmacWithSha256]: 'sha256',
  [GmOid.hmacWithSha1]: 'sha1',
};

/** Most PBKDF2 iterations we run for an input key: a hostile file must not stall the process. */
const MAX_ITERATIONS = 10_000_000;

/** EncryptedPrivateKeyInfo with PBES2: PBKDF2 (HMAC-SM3 or HMAC-SHA256) and SM4-CBC. */
export function encryptPrivateKeyInfo(
  key: Sm2PrivateKey,
  password: string | Uint8Array,
  iterations = 100_000,
  prf: PbkdfPrf = 'sm3',
): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be 1..${MAX_ITERATIONS}`);
  }
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const derived = pbkdf2(utf8(password), salt, iterations, 16, prf);
  const encrypted = cbcCrypt('sm4-cbc', true, derived, iv, encodePrivateKeyInfo(key));
  const pbes2 = PBES2Params.encode({
    keyDerivationFunc: {
      algorithm: GmOid.pbkdf2,
      parameters: PBKDF2Params.encode({
        salt,
        iterationCount: iterations,
        keyLength: undefined,
        prf: { algorithm: prf === 'sm3' ? GmOid.hmacSm3 : GmOid.hmacWithSha256, parameters: NULL_DER },
      }),
    },
    encryptionScheme: { algorithm: GmOid.sm4Cbc, parameters: OctetString.encode(iv) },
  });
  return EncryptedPrivateKeyInfo.encode({
    encryptionAlgorithm: { algorithm: GmOid.pbes2, parameters: pbes2 },
    encryptedData: encrypted,
  });
}

/** SM2 private key from DER EncryptedPrivateKeyInfo (PBES2 / PBKDF2). */
export function decryptPrivateKeyInfo(der: Uint8Array, password: string | Uint8Array): Sm2PrivateKey {
  const what = 'EncryptedPrivateKeyInfo';
  const info = parseAs(what, () => decodeDer(EncryptedPrivateKeyInfo, der));
  if (info.encryptionAlgorithm.algorithm !== GmOid.pbes2 || !info.encryptionAlgorithm.parameters) {
    throw keyFormatError(`${what}: only PBES2 is supported, found ${info.encryptionAlgorithm.algorithm}`);
  }
  const pbes2 = parseAs(what, () => PBES2Params.decode(parseDer(info.encryptionAlgorithm.parameters!)));
  if (pbes2.keyDerivationFunc.algorithm !== GmOid.pbkdf2 || !pbes2.keyDerivationFunc.parameters) {
    throw keyFormatError(`${what}: only PBKDF2 is supported, found ${pbes2.keyDerivationFunc.algorithm}`);
  }
  const kdf = parseAs(what, () => PBKDF2Params.decode(parseDer(pbes2.keyDerivationFunc.parameters!)));
  const prfOid = kdf.prf?.algorithm ?? GmOid.hmacWithSha1;
  const digest = PRFS[prfOid];
  if (!digest) throw keyFormatError(`${what}: PBKDF2 PRF ${prfOid} is not supported`);
  const cipher = CIPHERS[pbes2.encryptionScheme.algorithm];
  if (!cipher) throw keyFormatError(`${what}: cipher ${pbes2.encryptionScheme.algorithm} is not supported`);
  if (kdf.iterationCount < 1 || kdf.iterationCount > MAX_ITERATIONS) {
    throw keyFormatError(`${what}: PBKDF2 iteration count ${kdf.iterationCount} is out of range`);
  }
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) {
    throw keyFormatError(`${what}: PBKDF2 key length ${kdf.keyLength} does not fit the cipher`);
  }
  const ivParam = pbes2.encryptionScheme.parameters;
  const iv = ivParam ? parseAs(what, () => decodeDer(OctetString, ivParam)) : undefined;
  if (!iv || iv.length !== 16) throw keyFormatError(`${what}: the cipher IV must be a 16-byte OCTET STRING`);

  const derived = pbkdf2(utf8(password), kdf.salt, kdf.iterationCount, cipher.keyLength, digest);
  let plain: Uint8Array;
  try {
    plain = cbcCrypt(cipher.node, false, derived, iv, info.encryptedData);
  } catch (error) {
    if (isGmError(error) && error.code === 'YZ_ERR_KEY_FORMAT') throw error; // cipher unavailable here
    throw new GmError('YZ_ERR_KEY_PASSWORD', 'wrong password: the private key does not decrypt');
  }
  try {
    return decodePrivateKeyInfo(plain);
  } catch (error) {
    // Padding can come out valid by chance (about 1 in 256) under a wrong password.
    if (isGmError(error) && error.code === 'YZ_ERR_KEY_FORMAT') {
      throw new GmError('YZ_ERR_KEY_PASSWORD', 'wrong password: the private key does not decrypt');
    }
    throw error;
  }
}
