/**
 * GM/T 0016-2012 (≙ GB/T 35291-2017) SKF ECC data blobs: the C structures a USB key's SKF
 * interface takes and returns (R15), and the ENVELOPEDKEYBLOB that `SKF_ImportECCKeyPair` needs to
 * install a KMC-issued encryption key pair in a token (R12; reference §5.1 step 5, §5.5).
 *
 * Layout rules (`#pragma pack(1)`, reference §5.5): every ULONG is 32-bit little-endian (the byte
 * order of the x86/ARM hosts the drivers run on); every big number is big-endian and right-aligned
 * in a 64-byte field, because the fields are sized for 512-bit curves
 * (ECC_MAX_XCOORDINATE_BITS_LEN 512) and a 256-bit SM2 value sits in the low 32 bytes.
 *
 * ```
 * ECCPUBLICKEYBLOB { ULONG BitLen; BYTE XCoordinate[64]; BYTE YCoordinate[64]; }       132 bytes
 * ECCCIPHERBLOB    { BYTE XCoordinate[64]; BYTE YCoordinate[64]; BYTE HASH[32];
 *                    ULONG CipherLen; BYTE Cipher[CipherLen]; }                         164 + CipherLen
 * ECCSIGNATUREBLOB { BYTE r[64]; BYTE s[64]; }                                         128 bytes
 * ENVELOPEDKEYBLOB { ULONG Version; ULONG ulSymmAlgID; ULONG ulBits; BYTE cbEncryptedPriKey[64];
 *                    ECCPUBLICKEYBLOB PubKey; ECCCIPHERBLOB ECCCipherBlob; }             372 + CipherLen
 * ```
 */
import {
  type CipherFormat,
  type CipherParts,
  GmError,
  type SignatureFormat,
  type Sm2PrivateKey,
  Sm2PublicKey,
  concatBytes,
  decodeCipher,
  decodeSignature,
  encodeCipher,
  encodeSignature,
} from '@yizheng/gm';
import {
  type EnvelopeOptions,
  type EnvelopedKeyPair,
  checkedKeyPair,
  sealUnderSm4Ecb,
  unsealUnderSm4Ecb,
} from './gmt0009-enveloped-key.js';

/** `SKF_ENVELOPEDKEYBLOB_VERSION` (GmSSL skf_ext.h): the only version defined. */
export const SKF_ENVELOPEDKEYBLOB_VERSION = 1;
/** GM/T 0006 SGD_SM4_ECB: the symmetric algorithm id of the blobs we write and read. */
export const SGD_SM4_ECB = 0x00000401;
/** SM2 key size in bits, the BitLen/ulBits of every SM2 blob. */
const SM2_BITS = 256;
/** Width of a big-number field: ECC_MAX_XCOORDINATE_BITS_LEN / 8. */
const FIELD = 64;
const PUBLIC_KEY_BLOB_LENGTH = 4 + 2 * FIELD;
const CIPHER_BLOB_HEADER = 2 * FIELD + 32 + 4;
const ENVELOPE_HEADER = 12 + FIELD;

function blobError(message: string): GmError {
  return new GmError('YZ_ERR_ENVELOPE', message);
}

/** A 32-byte value right-aligned in a 64-byte field (GmSSL: BN_bn2bin(x, field + 64 − len)). */
function field(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(FIELD);
  out.set(value, FIELD - value.length);
  return out;
}

function ulong(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

/** Reads a blob front to back, naming the structure and field in every error. */
class BlobReader {
  #offset = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
  ) {}

  ulong(): number {
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.#offset, 4).getUint32(0, true);
    this.#offset += 4;
    return value;
  }

  bytesOf(length: number): Uint8Array {
    const out = this.bytes.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /** The 32-byte value of a 64-byte field; its high half must be zero on a 256-bit curve. */
  field(what: string): Uint8Array {
    const raw = this.bytesOf(FIELD);
    if (raw.subarray(0, FIELD - 32).some((byte) => byte !== 0)) {
      throw blobError(`${this.name}: ${what} is wider than 256 bits`);
    }
    return raw.subarray(FIELD - 32);
  }

  rest(): Uint8Array {
    return this.bytesOf(this.bytes.length - this.#offset);
  }
}

function expectLength(bytes: Uint8Array, length: number, name: string): void {
  if (bytes.length !== length) throw blobError(`${name} must be ${length} bytes, got ${bytes.length}`);
}

// ---------------------------------------------------------------------------------------------
// ECCPUBLICKEYBLOB

/** ECCPUBLICKEYBLOB (132 bytes) of an SM2 public key. */
export function encodeEccPublicKeyBlob(key: Sm2PublicKey): Uint8Array {
  const xy = key.xy;
  return concatBytes(ulong(SM2_BITS), field(xy.subarray(0, 32)), field(xy.subarray(32)));
}

/** SM2 public key of an ECCPUBLICKEYBLOB; BitLen must be 256 and the point on the curve. */
export function decodeEccPublicKeyBlob(blob: Uint8Array): Sm2PublicKey {
  expectLength(blob, PUBLIC_KEY_BLOB_LENGTH, 'ECCPUBLICKEYBLOB');
  const reader = new BlobReader(blob, 'ECCPUBLICKEYBLOB');
  const bits = reader.ulong();
  if (bits !== SM2_BITS) throw blobError(`ECCPUBLICKEYBLOB: BitLen is ${bits}, SM2 keys are 256 bits`);
  return Sm2PublicKey.fromBytes(concatBytes(reader.field('XCoordinate'), reader.field('YCoordinate')));
}

// ---------------------------------------------------------------------------------------------
// ECCCIPHERBLOB: the same C1, C3, C2 as GM/T 0009 SM2Cipher, so converting is re-encoding only.

/** ECCCIPHERBLOB of an SM2 ciphertext's parts (C1 = X‖Y, C3 = HASH, C2 = Cipher). */
export function encodeEccCipherBlob(parts: CipherParts): Uint8Array {
  if (parts.c1.length !== 64 || parts.c3.length !== 32) throw new RangeError('C1 must be 64 bytes and C3 32');
  return concatBytes(
    field(parts.c1.subarray(0, 32)),
    field(parts.c1.subarray(32)),
    parts.c3,
    ulong(parts.c2.length),
    parts.c2,
  );
}

/** The parts of an ECCCIPHERBLOB; its length must be 164 + CipherLen exactly. */
export function decodeEccCipherBlob(blob: Uint8Array): CipherParts {
  const name = 'ECCCIPHERBLOB';
  if (blob.length < CIPHER_BLOB_HEADER) throw blobError(`${name} is ${blob.length} bytes, shorter than 164`);
  const reader = new BlobReader(blob, name);
  const c1 = concatBytes(reader.field('XCoordinate'), reader.field('YCoordinate'));
  const c3 = reader.bytesOf(32);
  const cipherLength = reader.ulong();
  expectLength(blob, CIPHER_BLOB_HEADER + cipherLength, `${name} with CipherLen ${cipherLength}`);
  return { c1, c3, c2: reader.rest() };
}

/** ECCCIPHERBLOB of an SM2 ciphertext in `format` (default GM/T 0009 SM2Cipher DER). */
export function sm2CipherToEccCipherBlob(ciphertext: Uint8Array, format: CipherFormat = 'der'): Uint8Array {
  return encodeEccCipherBlob(decodeCipher(ciphertext, format));
}

/** An ECCCIPHERBLOB as an SM2 ciphertext in `format` (default GM/T 0009 SM2Cipher DER). */
export function eccCipherBlobToSm2Cipher(blob: Uint8Array, format: CipherFormat = 'der'): Uint8Array {
  return encodeCipher(decodeEccCipherBlob(blob), format);
}

// ---------------------------------------------------------------------------------------------
// ECCSIGNATUREBLOB

/** ECCSIGNATUREBLOB (128 bytes) of an SM2 signature in `format` (default DER SM2Signature). */
export function encodeEccSignatureBlob(
  signature: Uint8Array,
  format: SignatureFormat | 'auto' = 'der',
): Uint8Array {
  const { r, s } = decodeSignature(signature, format);
  return concatBytes(field(r), field(s));
}

/** An ECCSIGNATUREBLOB as an SM2 signature in `format` (default DER SM2Signature). */
export function decodeEccSignatureBlob(blob: Uint8Array, format: SignatureFormat = 'der'): Uint8Array {
  expectLength(blob, 2 * FIELD, 'ECCSIGNATUREBLOB');
  const reader = new BlobReader(blob, 'ECCSIGNATUREBLOB');
  return encodeSignature(concatBytes(reader.field('r'), reader.field('s')), format);
}

// ---------------------------------------------------------------------------------------------
// ENVELOPEDKEYBLOB

/** The variable fields of an ENVELOPEDKEYBLOB (Version 1, SGD_SM4_ECB and ulBits 256 are fixed). */
export interface EnvelopedKeyBlob {
  /** cbEncryptedPriKey: SM4-ECB, no padding, of the 64-byte right-aligned private key. */
  readonly encryptedPrivateKey: Uint8Array;
  /** PubKey: the public key of the enveloped pair. */
  readonly publicKey: Sm2PublicKey;
  /** ECCCipherBlob: the SM4 key SM2-encrypted to the container's signing public key. */
  readonly encryptedKey: CipherParts;
}

/** ENVELOPEDKEYBLOB bytes (372 + 16 = 388 for an SM4 key). */
export function encodeEnvelopedKeyBlob(blob: EnvelopedKeyBlob): Uint8Array {
  if (blob.encryptedPrivateKey.length !== FIELD) throw new RangeError('cbEncryptedPriKey must be 64 bytes');
  return concatBytes(
    ulong(SKF_ENVELOPEDKEYBLOB_VERSION),
    ulong(SGD_SM4_ECB),
    ulong(SM2_BITS),
    blob.encryptedPrivateKey,
    encodeEccPublicKeyBlob(blob.publicKey),
    encodeEccCipherBlob(blob.encryptedKey),
  );
}

/** The fields of an ENVELOPEDKEYBLOB, checking version, algorithm, bit length and lengths. */
export function decodeEnvelopedKeyBlob(bytes: Uint8Array): EnvelopedKeyBlob {
  const name = 'ENVELOPEDKEYBLOB';
  if (bytes.length < ENVELOPE_HEADER + PUBLIC_KEY_BLOB_LENGTH + CIPHER_BLOB_HEADER) {
    throw blobError(`${name} is ${bytes.length} bytes, shorter than 372`);
  }
  const reader = new BlobReader(bytes, name);
  const version = reader.ulong();
  if (version !== SKF_ENVELOPEDKEYBLOB_VERSION) throw blobError(`${name}: Version ${version} is not 1`);
  const algorithm = reader.ulong();
  if (algorithm !== SGD_SM4_ECB) {
    throw blobError(`${name}: ulSymmAlgID 0x${algorithm.toString(16)} is not SGD_SM4_ECB (0x401)`);
  }
  const bits = reader.ulong();
  if (bits !== SM2_BITS) throw blobError(`${name}: ulBits is ${bits}, SM2 keys are 256 bits`);
  const encryptedPrivateKey = reader.bytesOf(FIELD);
  const publicKey = decodeEccPublicKeyBlob(reader.bytesOf(PUBLIC_KEY_BLOB_LENGTH));
  const encryptedKey = decodeEccCipherBlob(reader.rest());
  if (encryptedKey.c2.length !== 16) {
    throw blobError(`${name}: ECCCipherBlob holds ${encryptedKey.c2.length} bytes, not an SM4 key`);
  }
  return { encryptedPrivateKey, publicKey, encryptedKey };
}

/**
 * Envelopes `protectedKey` for a token as an ENVELOPEDKEYBLOB, ready for SKF_ImportECCKeyPair:
 * the SM4 key is sealed to `recipient`, the container's signing public key (reference §5.1).
 * The token decrypts the whole 64-byte private-key field, so d is encrypted right-aligned in it;
 * an SM2EnvelopedKey (32-byte d) cannot be turned into this blob without its SM4 key, which is why
 * the blob is built at envelope time rather than converted.
 */
export function envelopeKeyAsSkfBlob(
  protectedKey: Sm2PrivateKey,
  recipient: Sm2PublicKey,
  options: EnvelopeOptions = {},
): Uint8Array {
  const sealed = sealUnderSm4Ecb(field(protectedKey.toBytes()), recipient, options);
  return encodeEnvelopedKeyBlob({
    encryptedPrivateKey: sealed.ciphertext,
    publicKey: protectedKey.publicKey,
    encryptedKey: sealed.encryptedKey,
  });
}

/**
 * Opens an ENVELOPEDKEYBLOB with the container's signing private key (what the token does inside
 * the chip), checking that d·G is PubKey (YZ_ERR_ENVELOPE otherwise).
 */
export function openSkfEnvelopedKeyBlob(bytes: Uint8Array, recipientKey: Sm2PrivateKey): EnvelopedKeyPair {
  const blob = decodeEnvelopedKeyBlob(bytes);
  const plaintext = unsealUnderSm4Ecb(recipientKey, blob.encryptedKey, blob.encryptedPrivateKey);
  const d = new BlobReader(plaintext, 'ENVELOPEDKEYBLOB').field('the decrypted private key');
  return checkedKeyPair(d, blob.publicKey);
}
