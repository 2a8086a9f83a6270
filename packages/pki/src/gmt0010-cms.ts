/**
 * GM/T 0010-2012 (≙ GB/T 35275-2017) EnvelopedData (1.2.156.10197.6.1.4.2.3) and
 * SignedAndEnvelopedData (…6.1.4.2.4), structures per reference §8.1 (R11, R13; R12: a KMC
 * delivers the holder's encryption key as SignedAndEnvelopedData, reference §5.1 step 3, §5.4;
 * R39 encrypt/decrypt service).
 *
 * A fresh 16-byte SM4 key encrypts the content in CBC mode with PKCS#7 padding under a random
 * IV carried as the OCTET STRING parameter of SM4-CBC (1.2.156.10197.1.104.2); each recipient
 * gets the key SM2-encrypted to its certificate's key, as a DER SM2Cipher (GM/T 0009 §7.2)
 * under sm2encrypt 1.2.156.10197.1.301.3. SignedAndEnvelopedData adds SignerInfos whose SM2
 * signature (Z, default ID) covers the plaintext content, as gmsm writes it.
 *
 * Where reference §8–§9 leave choices open, we write what GmSSL and gmsm both accept and read
 * what either writes:
 * - RecipientInfo version: GM/T 0010 (via GmSSL's cms.h) and gmsm write 1, and GmSSL refuses
 *   anything else; RFC 5652 KeyTransRecipientInfo uses 0. We write 1, read 0 or 1.
 * - keyEncryptionAlgorithm: 301.3, parameters absent (GmSSL refuses parameters); we read 301.3
 *   and GmSSL 3.x's 301.2 (§9 item 9), absent or NULL parameters (gmsm writes NULL).
 * - encryptedContent [0] IMPLICIT OCTET STRING: GmSSL writes it primitive (we do too); gmsm
 *   writes a constructed [0] around one OCTET STRING, which we also read.
 * - contentEncryptionAlgorithm: SM4-CBC; CFCA's bare SM4 OID (…1.104) for CBC is read too.
 * - The SignerInfo signature is not additionally encrypted under the content key (RFC 2315
 *   §11.1 would): neither gmsm nor the KMC implementations of reference §5.4 do so.
 * - digestEncryptionAlgorithm: we write SM2-1 (301.1, §8.2) and read 301.1 or 501 (§9 item 11).
 *
 * @example
 * const der = envelopeGm({ content: secret, recipients: [encCert] });
 * openEnvelopeGm(der, { recipientKey: encKey, recipientCert: encCert }).content;
 */
import {
  AlgorithmIdentifier,
  GmError,
  SM2_DEFAULT_ID,
  type Sm2Id,
  type Sm2PrivateKey,
  asn1,
  randomBytes,
  sm2Decrypt,
  sm2Encrypt,
  sm4Decrypt,
  sm4Encrypt,
} from '@yizheng/gm';
import type { AlgorithmId, Sm2Signer } from './algorithm.js';
import { type Certificate, certificatePublicKey } from './gmt0015-certificate.js';
import { Oid } from './oids.js';
import {
  CertificateSet,
  ContentInfo,
  type CmsSignerResult,
  DigestAlgorithmIdentifiers,
  IssuerAndSerialNumber,
  RevocationInfoChoices,
  SignerInfos,
  buildSignerInfo,
  certificateMatches,
  certificateSetOf,
  certificatesOf,
  isOneOfWithoutParameters,
  issuerAndSerialOf,
  toCmsSignerInfo,
  verifySignerInfo,
} from './rfc5652-cms.js';

const {
  ObjectIdentifier,
  OctetString,
  SmallInteger,
  choice,
  decodeDer,
  explicit,
  implicit,
  optional,
  sequence,
  setOf,
} = asn1;

/** RecipientInfo ::= SEQUENCE { version INTEGER (1), issuerAndSerialNumber, keyEncryptionAlgorithm, encryptedKey OCTET STRING }. */
export const GmRecipientInfo = sequence('RecipientInfo', {
  version: SmallInteger,
  issuerAndSerialNumber: IssuerAndSerialNumber,
  keyEncryptionAlgorithm: AlgorithmIdentifier,
  encryptedKey: OctetString,
});

/** encryptedContent [0] IMPLICIT OCTET STRING, or gmsm's constructed [0] around an OCTET STRING. */
const EncryptedContent = choice('EncryptedContent', {
  primitive: implicit(0, OctetString),
  constructed: explicit(0, OctetString),
});

/**
 * ```
 * EncryptedContentInfo ::= SEQUENCE {
 *     contentType OBJECT IDENTIFIER, contentEncryptionAlgorithm AlgorithmIdentifier,
 *     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL,
 *     sharedInfo1 [1] IMPLICIT OCTET STRING OPTIONAL, sharedInfo2 [2] IMPLICIT OCTET STRING OPTIONAL }
 * ```
 */
export const GmEncryptedContentInfo = sequence('EncryptedContentInfo', {
  contentType: ObjectIdentifier,
  contentEncryptionAlgorithm: AlgorithmIdentifier,
  encryptedContent: optional(EncryptedContent),
  sharedInfo1: optional(implicit(1, OctetString)),
  sharedInfo2: optional(implicit(2, OctetString)),
});

const RecipientInfos = setOf(GmRecipientInfo, 'RecipientInfos');

/** EnvelopedData ::= SEQUENCE { version, recipientInfos SET OF RecipientInfo, encryptedContentInfo }. */
export const GmEnvelopedData = sequence('EnvelopedData', {
  version: SmallInteger,
  recipientInfos: RecipientInfos,
  encryptedContentInfo: GmEncryptedContentInfo,
});

/** SignedAndEnvelopedData (reference §8.1; RFC 2315 §11 shape). */
export const GmSignedAndEnvelopedData = sequence('SignedAndEnvelopedData', {
  version: SmallInteger,
  recipientInfos: RecipientInfos,
  digestAlgorithms: DigestAlgorithmIdentifiers,
  encryptedContentInfo: GmEncryptedContentInfo,
  certificates: optional(CertificateSet),
  crls: optional(RevocationInfoChoices),
  signerInfos: SignerInfos,
});

const VERSION = 1;
const SM4_KEY_LENGTH = 16;
const KEY_ENCRYPTION: AlgorithmId = Object.freeze({ algorithm: Oid.sm2Encrypt, parameters: undefined });
/** 301.3 (GM/T 0006), and 301.2, which GmSSL 3.x writes for sm2encrypt (reference §3, §9 item 9). */
const ACCEPTED_KEY_ENCRYPTION: readonly string[] = [Oid.sm2Encrypt, Oid.sm2Exchange];
const ACCEPTED_CONTENT_ENCRYPTION: readonly string[] = [Oid.sm4Cbc, Oid.sm4];

function cmsError(message: string): GmError {
  return new GmError('YZ_ERR_CMS', message);
}

/** The encrypted content and one RecipientInfo per certificate (the sealing steps of both types). */
function seal(content: Uint8Array, contentType: string, recipients: readonly Certificate[]) {
  if (recipients.length === 0) throw new RangeError('an envelope needs at least one recipient');
  const key = randomBytes(SM4_KEY_LENGTH);
  const iv = randomBytes(16);
  const recipientInfos = recipients.map((cert) => ({
    version: VERSION,
    issuerAndSerialNumber: issuerAndSerialOf(cert),
    keyEncryptionAlgorithm: KEY_ENCRYPTION,
    encryptedKey: sm2Encrypt(certificatePublicKey(cert), key, 'der'),
  }));
  const encryptedContentInfo = {
    contentType,
    contentEncryptionAlgorithm: { algorithm: Oid.sm4Cbc, parameters: OctetString.encode(iv) },
    encryptedContent: { type: 'primitive' as const, value: sm4Encrypt('cbc', content, { key, iv }) },
  };
  return { recipientInfos, encryptedContentInfo };
}

type RecipientInfoValue = asn1.Decoded<typeof GmRecipientInfo>;
type EncryptedContentInfoValue = asn1.Decoded<typeof GmEncryptedContentInfo>;

/** Options of opening an envelope: the recipient's encryption key and its certificate. */
export interface OpenEnvelopeOptions {
  readonly recipientKey: Sm2PrivateKey;
  readonly recipientCert: Certificate;
}

/** The content taken out of an envelope. */
export interface OpenedEnvelope {
  /** encryptedContentInfo.contentType (normally GM/T 0010 data, 1.2.156.10197.6.1.4.2.1). */
  readonly contentType: string;
  readonly content: Uint8Array;
}

/** Finds the recipient's key, recovers the SM4 key and decrypts the content. */
function unseal(
  recipientInfos: readonly RecipientInfoValue[],
  info: EncryptedContentInfoValue,
  options: OpenEnvelopeOptions,
): OpenedEnvelope {
  const { recipientKey, recipientCert } = options;
  if (!certificatePublicKey(recipientCert).equals(recipientKey.publicKey))
    throw cmsError('recipientKey does not belong to recipientCert');
  const recipient = recipientInfos.find((r) =>
    certificateMatches(recipientCert, { type: 'issuerAndSerialNumber', ...r.issuerAndSerialNumber }),
  );
  if (!recipient) throw cmsError('no RecipientInfo names the recipient certificate');
  if (recipient.version !== 0 && recipient.version !== 1)
    throw cmsError(`RecipientInfo: version ${recipient.version} is not 1 (GM/T 0010) or 0 (RFC 5652)`);
  if (!isOneOfWithoutParameters(recipient.keyEncryptionAlgorithm, ACCEPTED_KEY_ENCRYPTION))
    throw new GmError(
      'YZ_ERR_ALGORITHM',
      `keyEncryptionAlgorithm ${recipient.keyEncryptionAlgorithm.algorithm} is not SM2 encryption`,
    );
  const { algorithm, parameters } = info.contentEncryptionAlgorithm;
  if (!ACCEPTED_CONTENT_ENCRYPTION.includes(algorithm))
    throw new GmError('YZ_ERR_ALGORITHM', `contentEncryptionAlgorithm ${algorithm} is not SM4-CBC`);
  if (!parameters) throw cmsError('SM4-CBC needs its IV as parameter');
  const iv = decodeDer(OctetString, parameters);
  if (!info.encryptedContent)
    throw cmsError('encryptedContent is absent (detached ciphertext is not supported)');
  const key = sm2Decrypt(recipientKey, recipient.encryptedKey, 'der');
  if (key.length !== SM4_KEY_LENGTH)
    throw cmsError(`the content-encryption key is ${key.length} bytes, not 16`);
  return {
    contentType: info.contentType,
    content: sm4Decrypt('cbc', info.encryptedContent.value, { key, iv }),
  };
}

/** The inner structure of a ContentInfo of `contentType`. */
function contentOf(der: Uint8Array, contentType: string, what: string): Uint8Array {
  const info = decodeDer(ContentInfo, der);
  if (info.contentType !== contentType)
    throw cmsError(`ContentInfo: content type ${info.contentType} is not ${what}`);
  if (!info.content) throw cmsError(`ContentInfo: ${what} has no content`);
  return info.content;
}

/** Options of `envelopeGm`. */
export interface EnvelopeGmOptions {
  readonly content: Uint8Array;
  /** Encryption certificates of the recipients (SM2 keys). */
  readonly recipients: readonly Certificate[];
  /** encryptedContentInfo.contentType; default GM/T 0010 data. */
  readonly contentType?: string;
}

/**
 * Encrypts `content` to every recipient certificate: a DER ContentInfo holding GM/T 0010
 * EnvelopedData. A certificate without an SM2 key is YZ_ERR_KEY_FORMAT.
 */
export function envelopeGm(options: EnvelopeGmOptions): Uint8Array {
  const sealed = seal(options.content, options.contentType ?? Oid.gmData, options.recipients);
  const enveloped = GmEnvelopedData.encode({ version: VERSION, ...sealed });
  return ContentInfo.encode({ contentType: Oid.gmEnvelopedData, content: enveloped });
}

/**
 * Opens a GM/T 0010 EnvelopedData. No RecipientInfo for the certificate, a key that is not the
 * certificate's, or a wrong structure is YZ_ERR_CMS; unknown algorithms YZ_ERR_ALGORITHM; a
 * ciphertext that does not decrypt YZ_ERR_CIPHERTEXT / YZ_ERR_SM4_PADDING; bad DER YZ_ERR_DER_*.
 */
export function openEnvelopeGm(der: Uint8Array, options: OpenEnvelopeOptions): OpenedEnvelope {
  const value = decodeDer(GmEnvelopedData, contentOf(der, Oid.gmEnvelopedData, 'envelopedData'));
  return unseal(value.recipientInfos, value.encryptedContentInfo, options);
}

/** Options of `signAndEnvelopeGm`. */
export interface SignAndEnvelopeGmOptions extends EnvelopeGmOptions {
  readonly signer: Sm2Signer;
  /** The signer's certificate (carried, and named by issuerAndSerialNumber). */
  readonly certificate: Certificate;
  readonly chain?: readonly Certificate[];
  /** SM2 signer ID; default 1234567812345678. */
  readonly id?: Sm2Id;
}

/**
 * Signs `content` and encrypts it to the recipients: DER ContentInfo holding GM/T 0010
 * SignedAndEnvelopedData (how a KMC returns an encryption key pair, reference §5.1).
 */
export function signAndEnvelopeGm(options: SignAndEnvelopeGmOptions): Uint8Array {
  const contentType = options.contentType ?? Oid.gmData;
  const sealed = seal(options.content, contentType, options.recipients);
  const signerInfo = buildSignerInfo({
    content: options.content,
    contentType,
    signer: options.signer,
    certificate: options.certificate,
    signedAttributes: false,
    sid: 'issuerAndSerial',
    signatureAlgorithm: 'sm2Sign',
    id: options.id ?? SM2_DEFAULT_ID,
  });
  const value = GmSignedAndEnvelopedData.encode({
    version: VERSION,
    recipientInfos: sealed.recipientInfos,
    digestAlgorithms: [signerInfo.digestAlgorithm],
    encryptedContentInfo: sealed.encryptedContentInfo,
    certificates: certificateSetOf(options.certificate, options.chain),
    signerInfos: [signerInfo],
  });
  return ContentInfo.encode({ contentType: Oid.gmSignedAndEnvelopedData, content: value });
}

/** Options of `openSignedAndEnveloped`. */
export interface OpenSignedAndEnvelopedOptions extends OpenEnvelopeOptions {
  /** Certificates to look signers up in besides the carried ones. */
  readonly trusted?: readonly Certificate[];
  /** SM2 signer ID; default 1234567812345678. */
  readonly id?: Sm2Id;
}

/** Decrypted content with the verdict on each signer; use the content only when `valid`. */
export interface OpenedSignedEnvelope extends OpenedEnvelope {
  readonly valid: boolean;
  readonly signers: readonly CmsSignerResult[];
}

/**
 * Decrypts a GM/T 0010 SignedAndEnvelopedData and verifies each signer over the decrypted
 * content (per-signer reasons as `verifyCms`). Errors as `openEnvelopeGm`.
 */
export function openSignedAndEnveloped(
  der: Uint8Array,
  options: OpenSignedAndEnvelopedOptions,
): OpenedSignedEnvelope {
  const value = decodeDer(
    GmSignedAndEnvelopedData,
    contentOf(der, Oid.gmSignedAndEnvelopedData, 'signedAndEnvelopedData'),
  );
  const signerInfos = value.signerInfos.map(toCmsSignerInfo);
  const opened = unseal(value.recipientInfos, value.encryptedContentInfo, options);
  const candidates = [...certificatesOf(value.certificates), ...(options.trusted ?? [])];
  const signers = signerInfos.map((info) =>
    verifySignerInfo(info, opened.content, opened.contentType, candidates, options.id),
  );
  return { ...opened, valid: signers.length > 0 && signers.every((s) => s.valid), signers };
}
