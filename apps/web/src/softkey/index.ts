/**
 * Soft certificates (软证书) in the browser (R34, issue 6): an SM2 key pair made, kept and used in
 * the web page with our own @yizheng/gm and @yizheng/pki (their browser builds, no node:), so a
 * legal person without a USB key can request a certificate (PKCS#10), receive the issued pair
 * with the KMC-escrowed encryption key (GM/T 0009 SM2EnvelopedKey, or GM/T 0092 CSRResponse
 * holding one), and log in to the portal by signing a challenge.
 *
 * Private keys never leave the page in clear: each is sealed under the user's PIN
 * (`pin-box.ts`: PBKDF2-HMAC-SM3 → SM4-GCM, wrong-PIN lockout) in IndexedDB (`storage.ts`).
 * Signatures are SM2 over SM3(Z ‖ data) with the signer ID 1234567812345678 (GM/T 0009 §10).
 */
import { Sm2PrivateKey, Sm2PublicKey, fromBase64, fromHex, randomBytes, toHex } from '@yizheng/gm';
import {
  type Certificate,
  buildCertificationRequest,
  certificatePublicKey,
  certificationRequestToPem,
  decodeCsrResponse,
  extension,
  isValidUscc,
  openEnvelopedKey,
  parseCertificate,
  parseName,
  readExtension,
} from '@yizheng/pki/browser';
import { SoftKeyError } from './errors.js';
import { MAX_PIN_ATTEMPTS, PIN_ITERATIONS, newSalt, open, pinKey, seal } from './pin-box.js';
import { type SoftKeyRecord, allRecords, deleteRecord, getRecord, putRecord } from './storage.js';

export { SoftKeyError, type SoftKeyErrorCode } from './errors.js';
export { MAX_PIN_ATTEMPTS, PIN_ITERATIONS } from './pin-box.js';

/** What a page may see of a soft key: no private part. */
export interface SoftKey {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly publicKeyHex: string;
  readonly signCertificate?: string;
  readonly encCertificate?: string;
  readonly uscc?: string;
}

/** PIN rules (like a USB key's): 6 to 16 characters, not one character repeated. */
export const PIN_MIN_LENGTH = 6;
export const PIN_MAX_LENGTH = 16;

function view(record: SoftKeyRecord): SoftKey {
  return {
    id: record.id,
    label: record.label,
    createdAt: record.createdAt,
    publicKeyHex: record.publicKeyHex,
    ...(record.signCertificate ? { signCertificate: record.signCertificate } : {}),
    ...(record.encCertificate ? { encCertificate: record.encCertificate } : {}),
    ...(record.uscc ? { uscc: record.uscc } : {}),
  };
}

/** The soft keys of this browser, oldest first. */
export async function listSoftKeys(): Promise<SoftKey[]> {
  const records = await allRecords();
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
}

/** YZ_ERR_PIN_RULE unless `pin` follows the PIN rules. */
export function checkPinRule(pin: string): void {
  const length = [...pin].length;
  if (length < PIN_MIN_LENGTH || length > PIN_MAX_LENGTH || new Set(pin).size < 2) {
    throw new SoftKeyError(
      'YZ_ERR_PIN_RULE',
      `a PIN has ${PIN_MIN_LENGTH} to ${PIN_MAX_LENGTH} characters, not all the same`,
    );
  }
}

/** A new SM2 key, sealed under `pin` (which must follow the PIN rules). */
export async function createSoftKey(label: string, pin: string): Promise<SoftKey> {
  const name = label.trim();
  if (!name || name.length > 64)
    throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'a key label has 1 to 64 characters');
  checkPinRule(pin);
  const id = `sk-${toHex(randomBytes(8))}`;
  const salt = newSalt();
  const key = Sm2PrivateKey.generate();
  const record: SoftKeyRecord = {
    version: 1,
    id,
    label: name,
    createdAt: new Date().toISOString(),
    publicKeyHex: toHex(key.publicKey.toBytes()),
    kdf: { name: 'PBKDF2-HMAC-SM3', salt, iterations: PIN_ITERATIONS },
    signKey: seal(pinKey(pin, salt, PIN_ITERATIONS), id, 'sign', key.toBytes()),
    failedAttempts: 0,
  };
  await putRecord(record);
  return view(record);
}

interface Unlocked {
  readonly record: SoftKeyRecord;
  readonly boxKey: Uint8Array;
  readonly signKey: Sm2PrivateKey;
}

/** Opens the signing key with `pin`, counting wrong PINs and locking after MAX_PIN_ATTEMPTS. */
async function unlock(id: string, pin: string): Promise<Unlocked> {
  const record = await getRecord(id);
  if (record.failedAttempts >= MAX_PIN_ATTEMPTS) {
    throw new SoftKeyError(
      'YZ_ERR_PIN_LOCKED',
      `soft key ${id} is locked after ${MAX_PIN_ATTEMPTS} wrong PINs`,
    );
  }
  const boxKey = pinKey(pin, record.kdf.salt, record.kdf.iterations);
  const d = open(boxKey, id, 'sign', record.signKey);
  if (!d) {
    const failedAttempts = record.failedAttempts + 1;
    await putRecord({ ...record, failedAttempts });
    if (failedAttempts >= MAX_PIN_ATTEMPTS) {
      throw new SoftKeyError(
        'YZ_ERR_PIN_LOCKED',
        `soft key ${id} is locked after ${MAX_PIN_ATTEMPTS} wrong PINs`,
      );
    }
    throw new SoftKeyError('YZ_ERR_PIN', 'wrong PIN', MAX_PIN_ATTEMPTS - failedAttempts);
  }
  const fresh = record.failedAttempts ? { ...record, failedAttempts: 0 } : record;
  if (fresh !== record) await putRecord(fresh);
  return { record: fresh, boxKey, signKey: Sm2PrivateKey.fromBytes(d) };
}

/** RFC 4514 escaping of one attribute value for `parseName`. */
function escapeDn(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`);
}

/**
 * PEM PKCS#10 request signed with the key (SM2-with-SM3, ID 1234567812345678): subject
 * C=CN, O, CN, and the USCC (when given) as the GM/T 0015-2023 unifiedSocialCreditCode
 * extension request.
 */
export async function softKeyCsr(
  id: string,
  pin: string,
  subject: { cn: string; o?: string; uscc?: string },
): Promise<string> {
  if (!subject.cn?.trim())
    throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'the subject needs a common name (CN)');
  if (subject.uscc !== undefined && !isValidUscc(subject.uscc)) {
    throw new SoftKeyError(
      'YZ_ERR_SOFTKEY_INPUT',
      `${subject.uscc} is not a valid unified social credit code`,
    );
  }
  const { signKey } = await unlock(id, pin);
  const parts = [
    'C=CN',
    ...(subject.o?.trim() ? [`O=${escapeDn(subject.o.trim())}`] : []),
    `CN=${escapeDn(subject.cn.trim())}`,
  ];
  const request = buildCertificationRequest(
    {
      subject: parseName(parts.join(',')),
      ...(subject.uscc ? { extensions: [extension('unifiedSocialCreditCode', subject.uscc)] } : {}),
    },
    signKey,
  );
  return certificationRequestToPem(request);
}

/** DER SM2 signature over SM3(Z ‖ data), signer ID 1234567812345678. */
export async function softKeySign(id: string, pin: string, data: Uint8Array): Promise<Uint8Array> {
  const { signKey } = await unlock(id, pin);
  return signKey.sign(data);
}

function certificateOf(pem: string, what: string): Certificate {
  try {
    return parseCertificate(pem);
  } catch (error) {
    throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', `the ${what} is not a certificate: ${String(error)}`);
  }
}

function usccOf(certificate: Certificate): string | undefined {
  const fromExtension = readExtension(certificate.tbs.extensions, 'unifiedSocialCreditCode');
  if (fromExtension) return fromExtension;
  // some profiles carry it as the subject's organizationIdentifier or serialNumber attribute
  for (const rdn of certificate.tbs.subject)
    for (const attribute of rdn) if (isValidUscc(attribute.value)) return attribute.value;
  return undefined;
}

/** The private scalar of the KMC envelope: a DER SM2EnvelopedKey, or a CSRResponse holding one. */
function openKmcEnvelope(encryptedKey: string, signKey: Sm2PrivateKey): Sm2PrivateKey {
  let der: Uint8Array;
  try {
    der = fromBase64(encryptedKey);
  } catch {
    throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'the encrypted key is not base64');
  }
  try {
    const response = decodeCsrResponse(der);
    if (!response.encryptedPrivateKey) {
      throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'the CSRResponse carries no encrypted private key');
    }
    der = response.encryptedPrivateKey;
  } catch (error) {
    if (error instanceof SoftKeyError) throw error;
    // not a CSRResponse: take it as the SM2EnvelopedKey itself
  }
  try {
    return Sm2PrivateKey.fromBytes(openEnvelopedKey(der, signKey).privateKey.toBytes());
  } catch (error) {
    throw new SoftKeyError(
      'YZ_ERR_SOFTKEY_INPUT',
      `the KMC envelope does not open with this key: ${String(error)}`,
    );
  }
}

/**
 * Installs the issued pair: the signing certificate must be for this key; the KMC envelope (if
 * given) is opened with the signing key, its private key must match the encryption
 * certificate, and it is sealed under the same PIN.
 */
export async function installIssued(
  id: string,
  pin: string,
  issued: { signCertificate: string; encCertificate?: string; encryptedKey?: string },
): Promise<SoftKey> {
  const { record, boxKey, signKey } = await unlock(id, pin);
  const sign = certificateOf(issued.signCertificate, 'signing certificate');
  if (!certificatePublicKey(sign).equals(signKey.publicKey)) {
    throw new SoftKeyError('YZ_ERR_SOFTKEY_CERT_MISMATCH', 'the signing certificate is not for this key');
  }
  let encKey: SoftKeyRecord['encKey'];
  if (issued.encryptedKey) {
    if (!issued.encCertificate) {
      throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'an encrypted key needs its encryption certificate');
    }
    const enc = certificateOf(issued.encCertificate, 'encryption certificate');
    const opened = openKmcEnvelope(issued.encryptedKey, signKey);
    const encPublic = certificatePublicKey(enc);
    if (!opened.publicKey.equals(encPublic)) {
      throw new SoftKeyError(
        'YZ_ERR_SOFTKEY_CERT_MISMATCH',
        'the opened encryption key does not match the encryption certificate',
      );
    }
    encKey = { ...seal(boxKey, id, 'enc', opened.toBytes()), publicKeyHex: toHex(encPublic.toBytes()) };
  } else if (issued.encCertificate) {
    certificateOf(issued.encCertificate, 'encryption certificate');
  }
  const uscc = usccOf(sign);
  const updated: SoftKeyRecord = {
    ...record,
    signCertificate: issued.signCertificate.trim() + '\n',
    ...(issued.encCertificate ? { encCertificate: issued.encCertificate.trim() + '\n' } : {}),
    ...(encKey ? { encKey } : {}),
    ...(uscc ? { uscc } : {}),
  };
  await putRecord(updated);
  return view(updated);
}

/**
 * Whether the key holds an opened encryption private key whose public point is the encryption
 * certificate's (checked when it was installed, and again here against the certificate).
 */
export async function softKeyEncryptionReady(id: string): Promise<boolean> {
  const record = await getRecord(id);
  if (!record.encKey || !record.encCertificate) return false;
  const encPublic = certificatePublicKey(parseCertificate(record.encCertificate));
  return encPublic.equals(Sm2PublicKey.fromBytes(fromHex(record.encKey.publicKeyHex)));
}

/** Removes the key from this browser (its certificates stay valid on the server). */
export async function deleteSoftKey(id: string): Promise<void> {
  await getRecord(id);
  await deleteRecord(id);
}

/** Wrong-PIN attempts left before the key locks (0 = locked). */
export async function softKeyAttemptsLeft(id: string): Promise<number> {
  return Math.max(0, MAX_PIN_ATTEMPTS - (await getRecord(id)).failedAttempts);
}
