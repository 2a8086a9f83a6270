/**
 * Stock certificates (存量证书, R16) as an earlier system wrote them: built outside the CA core
 * with @yizheng/pki and the CA key, under the identity conventions older profiles used (GM/T
 * 0015-2023 USCC extension, the 2012 organizationCode extension, or the subject serialNumber).
 */
import { Sm2PrivateKey, type Sm2PublicKey } from '@yizheng/gm';
import {
  type Certificate,
  type Extension,
  type Name,
  type Sm2Signer,
  buildCertificate,
  extension,
  keyIdentifier,
  parseName,
  randomSerialNumber,
} from '@yizheng/pki';

/** The earlier system's CA: its name and its key. */
export interface LegacyIssuer {
  readonly name: Name;
  readonly signer: Sm2Signer;
}

/** What differs between the stock certificates of a test. */
export interface LegacyCertificateOptions {
  readonly role: 'sign' | 'enc';
  /** The code written into the certificate (null: none at all). */
  readonly uscc: string | null;
  readonly name?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Where the code goes: the 2023 extension (default), the 2012 one, or the subject serialNumber. */
  readonly identity?: 'uscc-2023' | 'uscc-2012' | 'subject-serial';
  readonly publicKey?: Sm2PublicKey;
  readonly serialNumber?: bigint;
  /** Extra extensions (e.g. basicConstraints for a CA certificate). */
  readonly extensions?: readonly Extension[];
}

const KEY_USAGE = {
  sign: ['digitalSignature', 'nonRepudiation'],
  enc: ['keyEncipherment', 'dataEncipherment', 'keyAgreement'],
} as const;

/** A legal person's certificate signed by `issuer` the way an earlier system did. */
export function legacyCertificate(issuer: LegacyIssuer, options: LegacyCertificateOptions): Certificate {
  const holder = options.name ?? '杭州某某科技有限公司';
  const identity = options.identity ?? 'uscc-2023';
  const publicKey = options.publicKey ?? Sm2PrivateKey.generate().publicKey;
  const serial = identity === 'subject-serial' && options.uscc ? `,serialNumber=${options.uscc}` : '';
  const extensions: Extension[] = [
    extension('keyUsage', [...KEY_USAGE[options.role]], true),
    extension('subjectKeyIdentifier', keyIdentifier(publicKey)),
    ...(options.extensions ?? []),
  ];
  if (options.uscc && identity === 'uscc-2023')
    extensions.push(extension('unifiedSocialCreditCode', options.uscc));
  if (options.uscc && identity === 'uscc-2012') extensions.push(extension('organizationCode', options.uscc));
  return buildCertificate(
    {
      serialNumber: options.serialNumber ?? randomSerialNumber(),
      issuer: issuer.name,
      subject: parseName(`C=CN,ST=浙江省,O=${holder},CN=${holder}${serial}`),
      notBefore: options.notBefore,
      notAfter: options.notAfter,
      publicKey,
      extensions,
    },
    issuer.signer,
  );
}
