/**
 * Search filters (R5): RFC 4515 text ⇄ RFC 4511 BER, the limits that turn a huge filter into
 * protocolError (R6), three-valued evaluation with per-attribute matching rules on a realistic
 * legal-person entry, and `equalityTerms` for index look-ups.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '@yizheng/gm';
import {
  BerReader,
  FilterBudget,
  decodeFilter,
  encodeBer,
  encodeFilter,
  equalityTerms,
  evaluateFilter,
  formatFilter,
  isLdapError,
  parseFilter,
  prepareEntry,
  type DirectoryEntry,
} from '../src/index.js';

const CERT_SIGN = fromHex('308201a0a003020102');
const CERT_ENC = fromHex('308201a1a003020102');

/** A legal person (法人) entry as the directory publishes it. */
const LEGAL_PERSON: DirectoryEntry = {
  dn: 'uscc=91330106MA2B3C4D5D,ou=legal-persons,o=Yizheng Demo CA,c=CN',
  attributes: new Map<string, (string | Uint8Array)[]>([
    ['objectClass', ['top', 'organization', 'pkiUser']],
    ['uscc', ['91330106MA2B3C4D5D']],
    ['o', ['杭州某某科技有限公司']],
    ['cn', ['杭州某某科技有限公司']],
    ['serialNumber', ['0A1B2C3D4E5F', '1F2E3D4C5B6A']],
    ['userCertificate;binary', [CERT_SIGN, CERT_ENC]],
  ]),
};

function filterError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isLdapError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('RFC 4515 filter text', () => {
  it.each([
    '(uscc=91330106MA2B3C4D5D)',
    '(objectClass=*)',
    '(cn=*某某*)',
    '(cn=杭州*有限*公司)',
    '(&(uscc=91330106MA2B3C4D5D)(objectClass=pkiUser))',
    '(|(uscc=91330106MA2B3C4D5D)(uscc=91330201MA2C3D4E55))',
    '(!(cn=宁波*))',
    '(serialNumber>=0a)',
    '(serialNumber<=ff)',
    '(cn~=杭州某某科技有限公司)',
    '(cn:caseExactMatch:=杭州某某科技有限公司)',
    '(ou:dn:=legal-persons)',
    '(:dn:2.5.13.2:=CN)',
    '(userCertificate;binary=\\30\\82\\01\\a0)',
    '(cn=a\\2ab\\28c\\29\\5c)',
    '(&)',
    '(|)',
  ])('ok/%s parses, formats back, and survives BER', (text) => {
    const filter = parseFilter(text);
    expect(formatFilter(filter)).toBe(text);
    const bytes = encodeBer(encodeFilter(filter));
    const reader = new BerReader(bytes);
    expect(decodeFilter(reader, reader.next('filter'))).toEqual(filter);
  });

  it('ok/outer parentheses may be left out, as ldapsearch allows', () => {
    expect(parseFilter('uscc=91330106MA2B3C4D5D')).toEqual(parseFilter('(uscc=91330106MA2B3C4D5D)'));
  });

  it.each([
    ['error/unclosed', '(cn=a'],
    ['error/text after the filter', '(cn=a))'],
    ['error/unclosed and', '(&(cn=a)'],
    ['error/parenthesis in a value', '(cn=a(b)'],
    ['error/no attribute', '(=a)'],
    ['error/no operator', '(cn~a)'],
    ['error/bad escape', '(cn=\\zz)'],
    ['error/empty', ''],
    ['error/bad attribute name', '(c n=a)'],
    ['error/extensible without attribute or rule', '(:=a)'],
  ])('%s is YZ_ERR_LDAP_FILTER', (_name, text) => {
    expect(filterError(() => parseFilter(text))).toBe('YZ_ERR_LDAP_FILTER');
  });

  it('error/R6 nesting and item limits hold for text and BER alike', () => {
    const deep = '(!'.repeat(17) + '(cn=a)' + ')'.repeat(17);
    expect(filterError(() => parseFilter(deep))).toBe('YZ_ERR_LDAP_FILTER');
    expect(parseFilter('(!'.repeat(16) + '(cn=a)' + ')'.repeat(16))).toBeDefined();
    const wide = '(|' + '(cn=a)'.repeat(600) + ')';
    expect(filterError(() => parseFilter(wide))).toBe('YZ_ERR_LDAP_FILTER');
    const bytes = encodeBer(
      encodeFilter(parseFilter(wide, new FilterBudget({ maxDepth: 16, maxItems: 1000 }))),
    );
    const reader = new BerReader(bytes);
    expect(filterError(() => decodeFilter(reader, reader.next('filter')))).toBe('YZ_ERR_LDAP_FILTER');
  });

  it('error/BER substrings out of order and unknown choices are refused', () => {
    const cases = [
      'a40c0402636e3006820161800162', // final before initial
      'a40c0402636e3006820161820162', // final twice
      'aa0404026378', // [10] is no Filter choice
      'a4060402636e3000', // no substrings
    ];
    for (const hex of cases) {
      const reader = new BerReader(fromHex(hex));
      expect(filterError(() => decodeFilter(reader, reader.next('filter')))).toBe('YZ_ERR_LDAP_FILTER');
    }
  });
});

describe('filter evaluation on a legal-person entry', () => {
  const entry = prepareEntry(LEGAL_PERSON);
  it.each([
    ['ok/USCC equality', '(uscc=91330106MA2B3C4D5D)', true],
    ['ok/USCC equality ignores case', '(uscc=91330106ma2b3c4d5d)', true],
    ['ok/another USCC', '(uscc=91330201MA2C3D4E55)', false],
    ['ok/attribute names ignore case', '(USCC=91330106MA2B3C4D5D)', true],
    ['ok/alias commonName and OID 2.5.4.3', '(&(commonName=*某某*)(2.5.4.3=杭州*))', true],
    ['ok/Chinese substring any', '(cn=*某某*)', true],
    ['ok/Chinese substring initial and final', '(cn=杭州*有限公司)', true],
    ['ok/substring pieces must not overlap', '(cn=杭州某某*某某科技有限公司)', false],
    ['ok/substring that is absent', '(cn=*宁波*)', false],
    ['ok/o equality', '(o=杭州某某科技有限公司)', true],
    ['ok/serial in hex ignores case, any of two values', '(serialNumber=1f2e3d4c5b6a)', true],
    ['ok/ordering on serials', '(serialNumber>=1F)', true],
    ['ok/ordering below every serial', '(serialNumber<=09)', false],
    ['ok/objectClass ignores case', '(objectClass=PKIUSER)', true],
    ['ok/presence of a certificate', '(userCertificate=*)', true],
    ['ok/presence of an absent attribute', '(description=*)', false],
    [
      'ok/certificate equality is octet by octet',
      '(userCertificate;binary=\\30\\82\\01\\a1\\a0\\03\\02\\01\\02)',
      true,
    ],
    ['ok/certificate bytes that differ', '(userCertificate=\\30\\82\\01\\a2)', false],
    ['ok/and', '(&(uscc=91330106MA2B3C4D5D)(objectClass=pkiUser))', true],
    ['ok/or', '(|(uscc=91330201MA2C3D4E55)(cn=杭州*))', true],
    ['ok/not', '(!(uscc=91330201MA2C3D4E55))', true],
    ['ok/absolute true (&)', '(&)', true],
    ['ok/absolute false (|)', '(|)', false],
    ['ok/approx is equality', '(cn~=杭州某某科技有限公司)', true],
    ['ok/extensible caseExactMatch', '(cn:caseExactMatch:=杭州某某科技有限公司)', true],
    ['ok/extensible on DN attributes', '(ou:dn:=LEGAL-PERSONS)', true],
    ['ok/extensible without dn does not look at the DN', '(ou:=legal-persons)', false],
    ['undefined/substring on a certificate has no matching rule', '(userCertificate=*30*)', undefined],
    ['undefined/not of Undefined stays Undefined', '(!(userCertificate=*30*))', undefined],
    ['undefined/unknown matching rule', '(uscc:1.2.3.4:=x)', undefined],
    ['ok/or with a TRUE branch beats Undefined', '(|(userCertificate=*30*)(uscc=91330106MA2B3C4D5D))', true],
    ['ok/and with a FALSE branch beats Undefined', '(&(userCertificate=*30*)(uscc=x))', false],
  ])('%s: %s', (_name, text, expected) => {
    expect(evaluateFilter(parseFilter(text), entry)).toBe(expected);
  });

  it('undefined/a caseIgnore assertion that is not UTF-8 is Undefined', () => {
    expect(
      evaluateFilter({ type: 'equality', attribute: 'cn', value: Uint8Array.of(0xff, 0xfe) }, entry),
    ).toBe(undefined);
  });

  it('ok/insignificant spaces and full-width letters are prepared away (RFC 4518)', () => {
    const ca = prepareEntry({
      dn: 'o=Yizheng Demo CA,c=CN',
      attributes: new Map([['o', ['Yizheng  Demo CA ']]]),
    });
    expect(evaluateFilter(parseFilter('(o= yizheng demo ca)'), ca)).toBe(true);
    expect(evaluateFilter(parseFilter('(o=Ｙｉｚｈｅｎｇ Demo CA)'), ca)).toBe(true);
    expect(evaluateFilter(parseFilter('(o=*g d*)'), ca)).toBe(true);
  });
});

describe('equalityTerms (index look-ups for a backend)', () => {
  it.each([
    ['(uscc=91330106MA2B3C4D5D)', ['91330106MA2B3C4D5D']],
    ['(&(objectClass=pkiUser)(uscc=91330106MA2B3C4D5D))', ['91330106MA2B3C4D5D']],
    ['(|(uscc=91330106MA2B3C4D5D)(USCC=91330201MA2C3D4E55))', ['91330106MA2B3C4D5D', '91330201MA2C3D4E55']],
    ['(|(uscc=91330106MA2B3C4D5D)(cn=杭州*))', undefined],
    ['(!(uscc=91330106MA2B3C4D5D))', undefined],
    ['(uscc=9133*)', undefined],
    ['(cn=杭州某某科技有限公司)', undefined],
    ['(|)', []],
  ])('%s → %j', (text, expected) => {
    expect(equalityTerms(parseFilter(text), 'uscc')).toEqual(expected);
  });
});
