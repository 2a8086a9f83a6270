/**
 * X.501 names (RFC 5280 §4.1.2.4) and the OID table: text ⇄ DER, byte-exact against OpenSSL's
 * encoding of the same subject, escaping, and bad text refused with YZ_ERR_NAME. R13.
 */
import { describe, expect, it } from 'vitest';
import { der, fromHex, toHex } from '@yizheng/gm';
import { Oid, decodeName, encodeName, formatName, oidLabel, oidName, parseName } from '../src/index.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const SUBJECT = 'C=CN,ST=浙江省,L=杭州市,O=杭州某某科技有限公司,OU=信息部,CN=杭州某某科技有限公司';

describe('X.501 names', () => {
  it('ok/text → DER equals what OpenSSL writes for the same subject (C PrintableString, the rest UTF8String)', () => {
    const scratch = new Scratch();
    try {
      const key = scratch.path('k.pem');
      expect(openssl(['genpkey', '-algorithm', 'SM2', '-out', key]).status).toBe(0);
      const req = openssl([
        'req',
        '-new',
        '-key',
        key,
        '-utf8',
        '-outform',
        'DER',
        '-sigopt',
        'distid:1234567812345678',
        '-subj',
        '/' + SUBJECT.split(',').join('/'),
      ]);
      expect(req.status, req.stderr).toBe(0);
      const info = der.childrenOf(der.parseDer(new Uint8Array(req.stdout)))[0]!;
      const subject = der.rawOf(der.childrenOf(info)[1]!);
      expect(toHex(encodeName(parseName(SUBJECT)))).toBe(toHex(subject));
      expect(formatName(decodeName(subject))).toBe(SUBJECT);
    } finally {
      scratch.cleanup();
    }
  });

  it('ok/multi-valued RDNs, OIDs and escapes round-trip; RFC 4514 order is reversed', () => {
    const text = 'C=CN,O=某某\\, 有限公司+OU=一部,2.5.4.5=91330106MA2B3C4D5D,CN=\\ 前导空格';
    const name = parseName(text);
    expect(name[1]!.map((a) => a.value)).toEqual(['某某, 有限公司', '一部']);
    expect(name[3]![0]!.value).toBe(' 前导空格');
    const back = decodeName(encodeName(name));
    // DER sorts the attributes of a multi-valued RDN by encoding (X.690 §11.6): OU's now comes first.
    const expected = 'C=CN,OU=一部+O=某某\\, 有限公司,serialNumber=91330106MA2B3C4D5D,CN=\\ 前导空格';
    expect(formatName(back)).toBe(expected);
    expect(formatName(parseName('C=CN,CN=x'), { rfc4514: true })).toBe('CN=x,C=CN');
    expect(name[2]![0]!.tag).toBe(der.Tag.PRINTABLE_STRING);
  });

  it.each([
    ['', /empty/],
    ['C=China', /two capital letters/],
    ['CN', /not TYPE=value/],
    ['XX=1', /unknown attribute type "XX"/],
    ['C=CN,CN=', /empty value/],
    ['serialNumber=中文', /printable ASCII/],
    ['emailAddress=张@例子.cn', /ASCII/],
  ])('error/%j is YZ_ERR_NAME', (text, message) => {
    expect(() => parseName(text)).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_NAME', message: expect.stringMatching(message) }),
    );
  });

  it('error/DER names with unsupported string types or broken structure are coded errors', () => {
    expect(() => decodeName(fromHex('300d310b300906035504061402434e'))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_DER_TAG' }),
    );
    expect(() => decodeName(fromHex('300b3109'))).toThrow(
      expect.objectContaining({ code: 'YZ_ERR_DER_TRUNCATED' }),
    );
    const bmp = decodeName(fromHex('300f310d300b06035504031e04676d5dde'));
    expect(bmp[0]![0]!.value).toBe('杭州');
  });
});

describe('OID table', () => {
  it('ok/every OID appears once and has a name; Chinese labels for GM/T 0015 extensions', () => {
    const values = Object.values(Oid);
    expect(new Set(values).size).toBe(values.length);
    expect(oidName('1.2.156.10260.4.1.4')).toBe('organizationCode');
    expect(oidLabel(Oid.unifiedSocialCreditCode, 'zh')).toBe('统一社会信用代码');
    expect(oidLabel(Oid.keyUsage)).toBe('keyUsage');
    expect(oidLabel('1.2.3.4')).toBe('1.2.3.4');
  });
});
