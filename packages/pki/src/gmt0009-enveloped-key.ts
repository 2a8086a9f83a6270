/**
 * GM/T 0009-2012 §7.4 (≙ GB/T 35276-2017) SM2EnvelopedKey: how a KMC delivers an encryption key
 * pair to its holder (R12, dual certificates with the encryption key from a KMC; reference
 * §5.1–§5.2). The private key d is encrypted with SM4-ECB under a fresh 16-byte key, and that
 * key is SM2-encrypted to the protecting public key — the holder's signing key, which never
 * leaves the holder's device (R14), so only the holder can open the envelope.
 *
 * The standard says "ECB" but not whether d is padded. We write what gmsm writes (d as exactly
 * 32 bytes, no padding, symAlgID SM4-ECB with NULL parameters) and read the three layouts
 * producers use: 32 bytes, 48 bytes (PKCS#7-padded) and 64 bytes (d right-aligned as in the
 * GM/T 0016 SKF blob, see gmt0016-skf-blobs.ts, which shares this module's sealing steps).
 *
 * @example
 * const envelope = envelopeKey(kmcEncryptionKey, holderSigningPublicKey);
 * const { privateKey } = openEnvelopedKey(envelope, holderSigningKey);
 */
import {
  AlgorithmIdentifier,
  type CipherParts,
  GmError,
  SM2Cipher,
  Sm2PrivateKey,
  Sm2PublicKey,
  asn1,
  constantTimeEqual,
  decodeCipher,
  encodeCipher,
  isGmError,
  randomBytes,
  sm2Decrypt,
  sm2Encrypt,
  sm4Decrypt,
  sm4Encrypt,
} from '@yizheng/gm';
import { Oid } from './oids.js';

const { BitStringOctets, Null, decodeDer, sequence } = asn1;

/**
 * ```
 * SM2EnvelopedKey ::= SEQUENCE {
 *     symAlgID                AlgorithmIdentifier,  -- SM4, ECB mode
 *     symEncryptedKey         SM2Cipher,            -- the SM4 key, SM2-encrypted to the protecting key
 *     Sm2PublicKey            SM2PublicKey,         -- BIT STRING 04‖X‖Y of the protected pair
 *     Sm2EncryptedPrivateKey  BIT STRING }          -- SM4-ECB(d)
 * ```
 */
export const SM2EnvelopedKey = sequence('SM2EnvelopedKey', {
  symAlgID: AlgorithmIdentifier,
  symEncryptedKey: SM2Cipher,
  sm2PublicKey: BitStringOctets,
  sm2EncryptedPrivateKey: BitStringOctets,
});

/** Options of `envelopeKey` (and of `envelopeKeyAsSkfBlob`). */
export interface EnvelopeOptions {
  /** The 16-byte SM4 key; default fresh random bytes. Fixed only in known-answer tests. */
  symmetricKey?: Uint8Array;
  /** Source of the SM2 encryption nonce k; for known-answer tests only. */
  nonce?: () => Uint8Array;
}

/** A key pair taken out of an envelope, checked to belong together. */
export interface EnvelopedKeyPair {
  readonly privateKey: Sm2PrivateKey;
  readonly publicKey: Sm2PublicKey;
}

/** An SM2EnvelopedKey read without opening it (what anyone on the path can see). */
export interface EnvelopedKeyInfo {
  /** symAlgID: SM4-ECB (1.2.156.10197.1.104.1) or bare SM4 (…104). */
  readonly symmetricAlgorithm: string;
  /** The SM2-encrypted SM4 key. */
  readonly encryptedKey: CipherParts;
  /** Public key of the enveloped pair. */
  readonly publicKey: Sm2PublicKey;
  /** SM4-ECB ciphertext of d: 32, 48 (PKCS#7) or 64 (SKF layout) bytes. */
  readonly encryptedPrivateKey: Uint8Array;
}

const SM4_KEY_LENGTH = 16;
const NULL_PARAMETERS = Null.encode(null);
const ACCEPTED_ALGORITHMS: readonly string[] = [Oid.sm4Ecb, Oid.sm4];

function envelopeError(message: string): GmError {
  return new GmError('YZ_ERR_ENVELOPE', message);
}

/**
 * Encrypts `protectedKey` for the holder of `recipient`: DER SM2EnvelopedKey.
 *
 * @example envelopeKey(encryptionKey, signingCertificatePublicKey)
 */
export function envelopeKey(
  protectedKey: Sm2PrivateKey,
  recipient: Sm2PublicKey,
  options: EnvelopeOptions = {},
): Uint8Array {
  const sealed = sealUnderSm4Ecb(protectedKey.toBytes(), recipient, options);
  return SM2EnvelopedKey.encode({
    symAlgID: { algorithm: Oid.sm4Ecb, parameters: NULL_PARAMETERS },
    symEncryptedKey: decodeDer(SM2Cipher, encodeCipher(sealed.encryptedKey, 'der')),
    sm2PublicKey: protectedKey.publicKey.toBytes(),
    sm2EncryptedPrivateKey: sealed.ciphertext,
  });
}

/**
 * Reads an SM2EnvelopedKey without the recipient key, checking its algorithm and lengths.
 * Malformed DER is YZ_ERR_DER_*; a wrong algorithm or length YZ_ERR_ENVELOPE; a carried public
 * key off the curve YZ_ERR_POINT_INVALID.
 */
export function decodeEnvelopedKey(der: Uint8Array): EnvelopedKeyInfo {
  const value = decodeDer(SM2EnvelopedKey, der);
  const { algorithm, parameters } = value.symAlgID;
  if (!ACCEPTED_ALGORITHMS.includes(algorithm)) {
    throw envelopeError(`SM2EnvelopedKey: symAlgID ${algorithm} is not SM4-ECB`);
  }
  if (parameters !== undefined && !constantTimeEqual(parameters, NULL_PARAMETERS)) {
    throw envelopeError('SM2EnvelopedKey: SM4-ECB takes no parameters (absent or NULL)');
  }
  const encryptedKey = decodeCipher(SM2Cipher.encode(value.symEncryptedKey), 'der');
  if (encryptedKey.c2.length !== SM4_KEY_LENGTH) {
    throw envelopeError(
      `SM2EnvelopedKey: symEncryptedKey holds ${encryptedKey.c2.length} bytes, not an SM4 key`,
    );
  }
  // GM/T 0009 defines SM2PublicKey as the uncompressed point; other point forms are not one.
  if (value.sm2PublicKey.length !== 65 || value.sm2PublicKey[0] !== 0x04) {
    throw envelopeError('SM2EnvelopedKey: Sm2PublicKey must be 04‖X‖Y (65 bytes)');
  }
  const encryptedPrivateKey = value.sm2EncryptedPrivateKey;
  if (![32, 48, 64].includes(encryptedPrivateKey.length)) {
    throw envelopeError(
      `SM2EnvelopedKey: Sm2EncryptedPrivateKey is ${encryptedPrivateKey.length} bytes, not 32, 48 or 64`,
    );
  }
  return {
    symmetricAlgorithm: algorithm,
    encryptedKey,
    publicKey: Sm2PublicKey.fromBytes(value.sm2PublicKey),
    encryptedPrivateKey,
  };
}

/**
 * Opens an SM2EnvelopedKey with the recipient's private key and checks that d·G is the carried
 * public key (YZ_ERR_ENVELOPE otherwise). A key that is not the recipient's fails the SM2
 * check value: YZ_ERR_CIPHERTEXT.
 */
export function openEnvelopedKey(der: Uint8Array, recipientKey: Sm2PrivateKey): EnvelopedKeyPair {
  const info = decodeEnvelopedKey(der);
  const plaintext = unsealUnderSm4Ecb(recipientKey, info.encryptedKey, info.encryptedPrivateKey);
  return checkedKeyPair(privateKeyOf(plaintext), info.publicKey);
}

/** d out of the decrypted Sm2EncryptedPrivateKey, whichever of the three layouts it uses. */
function privateKeyOf(plaintext: Uint8Array): Uint8Array {
  switch (plaintext.length) {
    case 32: // the layout we write: d, no padding
      return plaintext;
    case 48: // PKCS#7 on 32 bytes adds one whole block of 0x10
      if (plaintext.subarray(32).some((byte) => byte !== 0x10)) {
        throw envelopeError('SM2EnvelopedKey: a 48-byte private key must end in PKCS#7 padding');
      }
      return plaintext.subarray(0, 32);
    default: // 64: the SKF ECCPRIVATEKEYBLOB field, sized for 512-bit curves, d in its low half
      if (plaintext.subarray(0, 32).some((byte) => byte !== 0)) {
        throw envelopeError('SM2EnvelopedKey: a 64-byte private key must have 32 leading zero bytes');
      }
      return plaintext.subarray(32);
  }
}

// ---------------------------------------------------------------------------------------------
// The sealing steps of GM/T 0009 §7.4, shared with the SKF ENVELOPEDKEYBLOB (GM/T 0016), which
// runs the same procedure on a differently laid-out plaintext. Not exported from the package.

/** An SM4 key SM2-encrypted to the recipient, and a plaintext SM4-ECB-encrypted under it. */
export interface SealedKey {
  readonly encryptedKey: CipherParts;
  readonly ciphertext: Uint8Array;
}

/** Encrypts `plaintext` (whole blocks, no padding) under a fresh SM4 key sealed to `recipient`. */
export function sealUnderSm4Ecb(
  plaintext: Uint8Array,
  recipient: Sm2PublicKey,
  options: EnvelopeOptions,
): SealedKey {
  const key = options.symmetricKey ?? randomBytes(SM4_KEY_LENGTH);
  const ciphertext = sm4Encrypt('ecb', plaintext, { key, padding: 'none' });
  const encryptedKey = decodeCipher(sm2Encrypt(recipient, key, 'c1c3c2', options.nonce), 'c1c3c2');
  return { encryptedKey, ciphertext };
}

/** Recovers the SM4 key with `recipientKey` and decrypts `ciphertext` (whole blocks, no padding). */
export function unsealUnderSm4Ecb(
  recipientKey: Sm2PrivateKey,
  encryptedKey: CipherParts,
  ciphertext: Uint8Array,
): Uint8Array {
  const key = sm2Decrypt(recipientKey, encodeCipher(encryptedKey, 'c1c3c2'), 'c1c3c2');
  return sm4Decrypt('ecb', ciphertext, { key, padding: 'none' });
}

/** The pair (d, publicKey) if d is a valid key whose d·G is publicKey; YZ_ERR_ENVELOPE otherwise. */
export function checkedKeyPair(d: Uint8Array, publicKey: Sm2PublicKey): EnvelopedKeyPair {
  let privateKey: Sm2PrivateKey;
  try {
    privateKey = Sm2PrivateKey.fromBytes(d);
  } catch (error) {
    if (!isGmError(error)) throw error;
    throw envelopeError('the enveloped private key is outside [1, n-2]');
  }
  if (!privateKey.publicKey.equals(publicKey)) {
    throw envelopeError('the enveloped private key does not belong to the carried public key');
  }
  return { privateKey, publicKey };
}
