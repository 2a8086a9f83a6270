/**
 * GM/T 0015 identity extensions (reference §4.4): the 2012 IdentityCode CHOICE and the
 * 2023 unified social credit code (统一社会信用代码) extension, plus GB 32100-2015 check-digit
 * validation of that code.
 *
 * Tagging of IdentityCode: GM/T 0015-2012 does not say IMPLICIT or EXPLICIT. XiPKI (5.3.2)
 * settled on EXPLICIT and reads both; we do the same — emit `[n] EXPLICIT`, parse either.
 */
import { GmError, asn1, der } from '@yizheng/gm';

const { PrintableString, Utf8String } = asn1;

/** IdentityCode alternatives: resident ID card [0], military officer card [1], passport [2]. */
export type IdentityCode =
  | { type: 'residentCard'; value: string }
  | { type: 'militaryOfficerCard'; value: string }
  | { type: 'passport'; value: string };

const ALTERNATIVES = [
  { type: 'residentCard', string: PrintableString },
  { type: 'militaryOfficerCard', string: Utf8String },
  { type: 'passport', string: PrintableString },
] as const;

/** IdentityCode ::= CHOICE { [0] PrintableString, [1] UTF8String, [2] PrintableString }. */
export const IdentityCodeType: asn1.Asn1Type<IdentityCode> = {
  name: 'IdentityCode',
  tags: [0, 1, 2].flatMap((n) => [der.contextTag(n, true), der.contextTag(n, false)]),
  decode(el) {
    const n = el.tag & 0x1f;
    const alt = ALTERNATIVES[n];
    if ((el.tag & 0xc0) !== der.CONTEXT || !alt)
      throw new GmError('YZ_ERR_DER_TAG', `IdentityCode: tag 0x${el.tag.toString(16)} is not [0]..[2]`);
    if (el.tag & der.CONSTRUCTED) {
      const children = der.childrenOf(el);
      if (children.length !== 1) throw new GmError('YZ_ERR_DER_VALUE', 'IdentityCode: [n] holds one string');
      return { type: alt.type, value: alt.string.decode(children[0]!) } as IdentityCode;
    }
    return { type: alt.type, value: alt.string.decodeContent(el) } as IdentityCode;
  },
  encode(code) {
    const n = ALTERNATIVES.findIndex((a) => a.type === code.type);
    if (n < 0) throw new RangeError(`IdentityCode: unknown alternative ${String(code.type)}`);
    return der.encodeTlv(der.contextTag(n, true), ALTERNATIVES[n]!.string.encode(code.value));
  },
};

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * True when `code` is an 18-character unified social credit code with a correct check
 * character (GB 32100-2015 §4 and Annex: modulus 31 over the charset without I, O, S, V, Z).
 */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NP-RTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARSET[(31 - (sum % 31)) % 31] === code[17];
}

/** Throws YZ_ERR_CERTIFICATE unless `code` is a valid USCC (`field` names the input). */
export function requireValidUscc(code: string, field = 'unified social credit code'): void {
  if (!isValidUscc(code))
    throw new GmError(
      'YZ_ERR_CERTIFICATE',
      `${field} ${JSON.stringify(code)} is not a valid 18-character code with a GB 32100 check character`,
    );
}
