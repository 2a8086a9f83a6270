/**
 * What a stock certificate (存量证书, R16) says about itself, read without trusting it yet: the
 * certificates in a file, the dual-certificate role from keyUsage (R12, reference §4.3), the
 * unified social credit code (统一社会信用代码) wherever earlier profiles carried it, and the
 * legal person's name. `stock-import.ts` checks the issuer's signature before any of it is stored.
 */
import { decodePemBlocks, isGmError, looksLikePem } from '@yizheng/gm';
import { type Certificate, Oid, isValidUscc, readExtension } from '@yizheng/pki';
import { CoreError, isCoreError } from './errors.js';

/** One input file as read: PEM text with one or many certificates, or one DER certificate. */
export interface StockSource {
  /** The file name, used to report per file (and `name#n` per PEM block). */
  readonly name: string;
  readonly data: Uint8Array;
}

/** One certificate's bytes out of a source, or why there are none. */
export interface StockItem {
  readonly name: string;
  readonly der: Uint8Array | CoreError;
}

/** A pki-layer refusal as the core's coded error (the pki code stays in the message). */
export function asCoreError(error: unknown, what: string): CoreError {
  if (isCoreError(error)) return error;
  if (isGmError(error)) return new CoreError('YZ_ERR_INPUT', `${what}: ${error.code}: ${error.message}`);
  throw error;
}

const CERTIFICATE_LABELS = ['CERTIFICATE', 'X509 CERTIFICATE'];

/** The certificates of a source: every PEM block (numbered when there are several), or the DER. */
export function stockItems(source: StockSource): StockItem[] {
  if (!looksLikePem(source.data)) return [{ name: source.name, der: source.data }];
  let blocks;
  try {
    blocks = decodePemBlocks(new TextDecoder().decode(source.data));
  } catch (error) {
    return [{ name: source.name, der: asCoreError(error, 'PEM') }];
  }
  return blocks.map((block, i) => ({
    name: blocks.length > 1 ? `${source.name}#${i + 1}` : source.name,
    der: CERTIFICATE_LABELS.includes(block.label)
      ? block.der
      : new CoreError('YZ_ERR_INPUT', `PEM block ${block.label} is not a certificate`),
  }));
}

const SIGN_USAGES: readonly string[] = ['digitalSignature', 'nonRepudiation'];
const ENC_USAGES: readonly string[] = ['keyEncipherment', 'dataEncipherment', 'keyAgreement'];

/**
 * sign or enc from keyUsage. A legacy single-key certificate with both kinds of bits is the
 * holder's signing certificate: the key is the holder's own, not one the KMC escrowed.
 */
export function stockRole(cert: Certificate): 'sign' | 'enc' {
  if (readExtension(cert.tbs.extensions, 'basicConstraints')?.cA)
    throw new CoreError('YZ_ERR_INPUT', "a CA certificate, not a legal person's certificate");
  const usage: readonly string[] = readExtension(cert.tbs.extensions, 'keyUsage') ?? [];
  if (usage.some((u) => SIGN_USAGES.includes(u))) return 'sign';
  if (usage.some((u) => ENC_USAGES.includes(u))) return 'enc';
  throw new CoreError(
    'YZ_ERR_INPUT',
    'keyUsage names neither signing (digitalSignature, nonRepudiation) nor encryption ' +
      '(keyEncipherment, dataEncipherment, keyAgreement), so the role is unknown',
  );
}

const USCC_SHAPE = /^[0-9A-Z]{18}$/;

function subjectValues(cert: Certificate, type: string): string[] {
  return cert.tbs.subject.flatMap((rdn) => rdn.filter((a) => a.type === type).map((a) => a.value));
}

/**
 * The unified social credit code, checked (GB 32100). The GM/T 0015-2023 extension is
 * authoritative when present; otherwise an 18-character value where earlier profiles put the
 * code: the 2012 organizationCode, taxationNumber or icRegistrationNumber extensions (the USCC
 * replaced all three), the subject's serialNumber or OU. Two different valid codes are refused.
 */
export function stockUscc(cert: Certificate): string {
  const ext = cert.tbs.extensions;
  const declared = readExtension(ext, 'unifiedSocialCreditCode');
  const legacy = [
    readExtension(ext, 'organizationCode'),
    readExtension(ext, 'taxationNumber'),
    readExtension(ext, 'icRegistrationNumber'),
    ...subjectValues(cert, Oid.serialNumber),
    ...subjectValues(cert, Oid.organizationalUnitName),
  ].filter((v): v is string => v !== undefined && USCC_SHAPE.test(v));
  const claims = declared === undefined ? legacy : [declared, ...legacy];
  const [uscc] = claims;
  if (uscc === undefined)
    throw new CoreError(
      'YZ_ERR_USCC',
      'the certificate carries no unified social credit code (GM/T 0015 extension, subject serialNumber or OU)',
    );
  if (!isValidUscc(uscc))
    throw new CoreError(
      'YZ_ERR_USCC',
      `${JSON.stringify(uscc)} is not a valid unified social credit code (GB 32100)`,
    );
  const other = claims.find((c) => c !== uscc && isValidUscc(c));
  if (other) throw new CoreError('YZ_ERR_USCC', `the certificate carries two codes, ${uscc} and ${other}`);
  return uscc;
}

/** The legal person's name as the certificate gives it: O, else CN. */
export function stockHolderName(cert: Certificate): string {
  const name = subjectValues(cert, Oid.organizationName)[0] ?? subjectValues(cert, Oid.commonName)[0];
  if (!name) throw new CoreError('YZ_ERR_INPUT', 'the subject has neither O nor CN');
  return name;
}
