/**
 * SM4-GCM: the RFC 8998 Appendix A.1 vector, and BouncyCastle's GCM (SM4Engine) on random
 * inputs both ways, including IVs that are not 96 bits (J0 from GHASH). R11.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, randomBytes, sm4Decrypt, sm4Encrypt, toHex } from '../src/index.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';

const rfc = {
  key: '0123456789ABCDEFFEDCBA9876543210',
  iv: '00001234567800000000ABCD',
  aad: 'FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2',
  plaintext:
    'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD' +
    'EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
  ciphertext:
    '17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735' +
    'D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D',
  tag: '83DE3541E4C2B58177E065A9BF7B62EC',
};

describe('RFC 8998 SM4-GCM', () => {
  const key = fromHex(rfc.key);
  const iv = fromHex(rfc.iv);
  const aad = fromHex(rfc.aad);

  it('ok/Appendix A.1 vector', () => {
    const sealed = sm4Encrypt('gcm', fromHex(rfc.plaintext), { key, iv, aad });
    expect(toHex(sealed)).toBe((rfc.ciphertext + rfc.tag).toLowerCase());
    expect(toHex(sm4Decrypt('gcm', sealed, { key, iv, aad }))).toBe(rfc.plaintext.toLowerCase());
  });

  it('error/any flipped bit, other AAD or truncated tag is YZ_ERR_SM4_TAG', () => {
    const sealed = sm4Encrypt('gcm', fromHex(rfc.plaintext), { key, iv, aad });
    for (const index of [0, 40, 63, 64, 79]) {
      const damaged = sealed.slice();
      damaged[index]! ^= 1;
      expect(() => sm4Decrypt('gcm', damaged, { key, iv, aad })).toThrow(
        expect.objectContaining({ code: 'YZ_ERR_SM4_TAG' }),
      );
    }
    expect(() => sm4Decrypt('gcm', sealed, { key, iv, aad: new Uint8Array(1) })).toThrow(/tag/);
    expect(() => sm4Decrypt('gcm', sealed.subarray(0, 10), { key, iv, aad, tagLength: 16 })).toThrow(/tag/);
  });

  it('ok/BouncyCastle agrees both ways on random keys, IVs (12 and other lengths), AAD and data', () => {
    const cases = [0, 1, 16, 33, 200, 1000].flatMap((length, i) => {
      const ivLength = [12, 12, 8, 16, 60, 1][i]!;
      return [
        {
          key: randomBytes(16),
          iv: randomBytes(ivLength),
          aad: randomBytes(i * 7),
          data: randomBytes(length),
        },
      ];
    });
    const sealed = cases.map((c) => sm4Encrypt('gcm', c.data, c));
    const answers = runBc([
      ...cases.map(
        (c, i) => `sm4-gcm-decrypt ${bcHex(c.key)} ${bcHex(c.iv)} ${bcHex(c.aad)} ${bcHex(sealed[i]!)}`,
      ),
      ...cases.map((c) => `sm4-gcm-encrypt ${bcHex(c.key)} ${bcHex(c.iv)} ${bcHex(c.aad)} ${bcHex(c.data)}`),
    ]);
    cases.forEach((c, i) => {
      const opened = answers[i]!;
      expect(opened.ok, opened.error).toBe(true);
      expect(opened.fields[0]).toBe(bcHex(c.data));
      const theirs = answers[cases.length + i]!;
      expect(theirs.ok, theirs.error).toBe(true);
      expect(theirs.fields[0]).toBe(bcHex(sealed[i]!));
      expect(toHex(sm4Decrypt('gcm', fromHex(theirs.fields[0]!), c))).toBe(toHex(c.data));
    });
  });
});
