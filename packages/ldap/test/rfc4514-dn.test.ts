/**
 * RFC 4514 DNs (R5): the spellings clients use for the same entry compare equal, UTF-8 names such
 * as `o=浙江某某CA,c=CN` work escaped or not, bad text is invalidDNSyntax, and scopes are checked on
 * normalised RDNs.
 */
import { describe, expect, it } from 'vitest';
import {
  escapeDnValue,
  inScope,
  isLdapError,
  parseDn,
  parseDnParts,
  type SearchScope,
} from '../src/index.js';

function dnError(text: string): string {
  try {
    parseDn(text);
  } catch (error) {
    if (isLdapError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('RFC 4514 DN parsing and normalisation', () => {
  it.each([
    [
      'types and values ignore case, spaces around separators',
      'O=Yizheng Demo CA, C=cn',
      'o=Yizheng Demo CA,c=CN',
    ],
    ['long type names and OIDs', 'organizationName=yizheng demo ca,2.5.4.6=CN', 'o=Yizheng Demo CA,c=CN'],
    ['escaped space', 'o=Yizheng\\20Demo CA,c=CN', 'o=Yizheng Demo CA,c=CN'],
    ['UTF-8 as hex pairs', 'o=\\e6\\b5\\99\\e6\\b1\\9f\\e6\\9f\\90\\e6\\9f\\90CA,c=CN', 'o=浙江某某CA,c=CN'],
    [
      'hexstring of a UTF8String',
      `o=#0c0e${Buffer.from('浙江某某CA').toString('hex')},c=CN`,
      'o=浙江某某CA,c=CN',
    ],
    [
      'multi-valued RDN in any order',
      'USCC=91330106MA2B3C4D5D+CN=杭州某某,c=CN',
      'cn=杭州某某+uscc=91330106ma2b3c4d5d,c=CN',
    ],
    [
      'unescaped trailing spaces are not part of the value',
      'o=Yizheng Demo CA   ,c=CN',
      'o=Yizheng Demo CA,c=CN',
    ],
  ])('ok/%s', (_name, a, b) => {
    expect(parseDn(a).key).toBe(parseDn(b).key);
  });

  it('ok/escaped separators stay inside the value', () => {
    const parts = parseDnParts('cn=杭州某某\\, 分公司\\+一部,o=Yizheng Demo CA,c=CN');
    expect(parts[0]).toEqual([{ type: 'cn', value: '杭州某某, 分公司+一部' }]);
    expect(parseDn('o=A\\,B,c=CN').rdns).toHaveLength(2);
    expect(parseDn('o=A\\,B,c=CN').key).not.toBe(parseDn('o=A,o=B,c=CN').key);
  });

  it('ok/the empty DN is the root DSE', () => {
    expect(parseDn('').rdns).toEqual([]);
    expect(parseDn('  ').key).toBe('');
  });

  it.each([
    ['error/no equals sign', 'bad dn'],
    ['error/trailing comma', 'o=a,'],
    ['error/empty type', '=a'],
    ['error/type starting with a digit and letters', '1o=a'],
    ['error/bad escape', 'o=\\zz'],
    ['error/escape at the end', 'o=a\\'],
    ['error/odd hex string', 'o=#0c0'],
    ['error/escaped bytes that are not UTF-8', 'o=\\ff\\fe'],
  ])('%s is YZ_ERR_LDAP_DN', (_name, text) => {
    expect(dnError(text)).toBe('YZ_ERR_LDAP_DN');
  });
});

describe('RFC 4514 §2.4 escaping', () => {
  it.each([
    ['ok/plain Chinese', '浙江某某数字证书认证中心', '浙江某某数字证书认证中心'],
    ['ok/separators', 'Zhejiang CA, Ltd. + Co; <x> "q"', 'Zhejiang CA\\, Ltd. \\+ Co\\; \\<x\\> \\"q\\"'],
    ['ok/backslash', 'a\\b', 'a\\\\b'],
    ['ok/leading # and space, trailing space', '#1 x ', '\\#1 x\\ '],
    ['ok/a single space', ' ', '\\ '],
    ['ok/NUL', 'a\0b', 'a\\00b'],
  ])('%s', (_name, value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
    expect(parseDnParts(`o=${escaped},c=CN`)[0]).toEqual([{ type: 'o', value }]);
  });
});

describe('search scopes on normalised DNs', () => {
  const base = 'o=Yizheng Demo CA,c=CN';
  const person = 'uscc=91330106MA2B3C4D5D,ou=legal-persons,o=Yizheng Demo CA,c=CN';
  it.each([
    [base, base, 'base', true],
    [base, 'O=yizheng demo ca,C=cn', 'base', true],
    ['ou=CA,' + base, base, 'base', false],
    ['ou=CA,' + base, base, 'one', true],
    [person, base, 'one', false],
    [person, base, 'sub', true],
    [base, base, 'sub', true],
    [base, base, 'one', false],
    [person, 'ou=CA,' + base, 'sub', false],
    ['o=Other CA,c=CN', base, 'sub', false],
    [base, '', 'sub', true],
  ] as [string, string, SearchScope, boolean][])(
    'ok/%s in %s scope %s → %s',
    (entry, searchBase, scope, expected) => {
      expect(inScope(parseDn(entry), parseDn(searchBase), scope)).toBe(expected);
    },
  );
});
