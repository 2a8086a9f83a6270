/**
 * The one OID table of Yizheng: every object identifier the PKI layer reads or writes, built
 * from named arcs, with English and Chinese display names for the UIs and the CLI.
 * Sources: RFC 5280 (id-at, id-ce, id-pe, id-kp, id-ad), RFC 6960 (OCSP), RFC 5652 (CMS),
 * GM/T 0006 (national algorithms, via @yizheng/gm), GM/T 0010 (SM2 CMS), GM/T 0015-2012 and
 * -2023 (identity extensions; see ../shared/reference/gm-standards.md §3, §4.4, §8).
 */
import { GmOid } from '@yizheng/gm';

const ID_AT = '2.5.4';
const ID_CE = '2.5.29';
const ID_PKIX = '1.3.6.1.5.5.7';
const ID_PE = `${ID_PKIX}.1`;
const ID_KP = `${ID_PKIX}.3`;
const ID_AD = `${ID_PKIX}.48`;
const PKCS9 = '1.2.840.113549.1.9';
const PKCS7 = '1.2.840.113549.1.7';
const GM_CMS = '1.2.156.10197.6.1.4.2';
const GMT0015 = '1.2.156.10260.4';

/** Named OIDs of the PKI layer (the gm layer's are included). */
export const Oid = {
  ...GmOid,
  // X.520 attribute types (RFC 5280 Appendix A)
  commonName: `${ID_AT}.3`,
  surname: `${ID_AT}.4`,
  serialNumber: `${ID_AT}.5`,
  countryName: `${ID_AT}.6`,
  localityName: `${ID_AT}.7`,
  stateOrProvinceName: `${ID_AT}.8`,
  streetAddress: `${ID_AT}.9`,
  organizationName: `${ID_AT}.10`,
  organizationalUnitName: `${ID_AT}.11`,
  title: `${ID_AT}.12`,
  givenName: `${ID_AT}.42`,
  emailAddress: `${PKCS9}.1`,
  // certificate and CRL extensions (RFC 5280 §4.2, §5.2, §5.3)
  subjectKeyIdentifier: `${ID_CE}.14`,
  keyUsage: `${ID_CE}.15`,
  subjectAltName: `${ID_CE}.17`,
  basicConstraints: `${ID_CE}.19`,
  cRLNumber: `${ID_CE}.20`,
  cRLReason: `${ID_CE}.21`,
  holdInstructionCode: `${ID_CE}.23`,
  invalidityDate: `${ID_CE}.24`,
  deltaCRLIndicator: `${ID_CE}.27`,
  certificateIssuer: `${ID_CE}.29`,
  issuingDistributionPoint: `${ID_CE}.28`,
  cRLDistributionPoints: `${ID_CE}.31`,
  certificatePolicies: `${ID_CE}.32`,
  authorityKeyIdentifier: `${ID_CE}.35`,
  extKeyUsage: `${ID_CE}.37`,
  freshestCRL: `${ID_CE}.46`,
  authorityInfoAccess: `${ID_PE}.1`,
  // key purposes and access methods
  serverAuth: `${ID_KP}.1`,
  clientAuth: `${ID_KP}.2`,
  codeSigning: `${ID_KP}.3`,
  emailProtection: `${ID_KP}.4`,
  timeStamping: `${ID_KP}.8`,
  ocspSigning: `${ID_KP}.9`,
  ocsp: `${ID_AD}.1`,
  caIssuers: `${ID_AD}.2`,
  ocspBasic: `${ID_AD}.1.1`,
  ocspNonce: `${ID_AD}.1.2`,
  ocspNoCheck: `${ID_AD}.1.5`,
  // CertID hashes of other tools' OCSP clients (RFC 6960 §4.1.1: OIW SHA-1, NIST CSOR SHA-256)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  // PKCS#9 / PKCS#10 attributes
  challengePassword: `${PKCS9}.7`,
  extensionRequest: `${PKCS9}.14`,
  /** CFCA "double CSR" temporary public key attribute (reference §5.3). */
  tempPublicKey: `${PKCS9}.63`,
  // CMS (RFC 5652) and GM/T 0010 content types
  data: `${PKCS7}.1`,
  signedData: `${PKCS7}.2`,
  envelopedData: `${PKCS7}.3`,
  contentType: `${PKCS9}.3`,
  messageDigest: `${PKCS9}.4`,
  signingTime: `${PKCS9}.5`,
  gmData: `${GM_CMS}.1`,
  gmSignedData: `${GM_CMS}.2`,
  gmEnvelopedData: `${GM_CMS}.3`,
  gmSignedAndEnvelopedData: `${GM_CMS}.4`,
  gmEncryptedData: `${GM_CMS}.5`,
  gmKeyAgreementInfo: `${GM_CMS}.6`,
  // GM/T 0015-2012 identity extensions (arc 1.2.156.10260.4.1)
  identityCode: `${GMT0015}.1.1`,
  insuranceNumber: `${GMT0015}.1.2`,
  icRegistrationNumber: `${GMT0015}.1.3`,
  organizationCode: `${GMT0015}.1.4`,
  taxationNumber: `${GMT0015}.1.5`,
  // GM/T 0015-2023 (single source: XiPKI; reference §4.4)
  residentIdCardNumber: `${GMT0015}.1.1.1`,
  passportNumber: `${GMT0015}.1.1.2`,
  unifiedSocialCreditCode: `${GMT0015}.4`,
} as const;

/** A key of the OID table. */
export type OidName = keyof typeof Oid;

/** Chinese display names, for the zh-CN UI and `cert show`. */
const CHINESE: Partial<Record<OidName, string>> = {
  commonName: '通用名',
  surname: '姓',
  serialNumber: '序列号',
  countryName: '国家',
  localityName: '城市',
  stateOrProvinceName: '省份',
  streetAddress: '街道地址',
  organizationName: '单位名称',
  organizationalUnitName: '部门',
  title: '职务',
  givenName: '名',
  emailAddress: '电子邮件',
  subjectKeyIdentifier: '使用者密钥标识符',
  keyUsage: '密钥用法',
  subjectAltName: '使用者可选名称',
  basicConstraints: '基本约束',
  cRLNumber: 'CRL 编号',
  cRLReason: '撤销原因',
  holdInstructionCode: '暂停指令代码',
  invalidityDate: '失效日期',
  deltaCRLIndicator: '增量 CRL 指示符',
  certificateIssuer: '证书颁发者',
  issuingDistributionPoint: '颁发分发点',
  cRLDistributionPoints: 'CRL 分发点',
  certificatePolicies: '证书策略',
  authorityKeyIdentifier: '颁发机构密钥标识符',
  extKeyUsage: '增强型密钥用法',
  freshestCRL: '最新 CRL',
  authorityInfoAccess: '颁发机构信息访问',
  ocspSigning: 'OCSP 签名',
  identityCode: '个人身份标识码',
  insuranceNumber: '个人社会保险号',
  icRegistrationNumber: '企业工商注册号',
  organizationCode: '企业组织机构代码',
  taxationNumber: '企业税号',
  residentIdCardNumber: '居民身份证号码',
  passportNumber: '护照号码',
  unifiedSocialCreditCode: '统一社会信用代码',
  sm2: 'SM2',
  sm2WithSm3: 'SM2 签名（SM3 杂凑）',
  sm3: 'SM3',
  sm2Sign: 'SM2 签名',
  sm2Encrypt: 'SM2 加密',
  sm4Cbc: 'SM4-CBC',
  contentType: '内容类型',
  messageDigest: '消息摘要',
  signingTime: '签名时间',
  gmData: '数据',
  gmSignedData: '签名数据',
  gmEnvelopedData: '数字信封',
  gmSignedAndEnvelopedData: '带签名的数字信封',
};

const BY_OID = new Map<string, OidName>(
  (Object.entries(Oid) as Array<[OidName, string]>).map(([name, oid]) => [oid, name]),
);

/** The table name of `oid` (e.g. 'organizationName'), or undefined for an OID we do not know. */
export function oidName(oid: string): OidName | undefined {
  return BY_OID.get(oid);
}

/** A display label: the Chinese name (zh), else the table name, else the dotted OID itself. */
export function oidLabel(oid: string, language: 'zh' | 'en' = 'en'): string {
  const name = oidName(oid);
  if (!name) return oid;
  return (language === 'zh' ? CHINESE[name] : undefined) ?? name;
}
