/**
 * X.690 DER codec and the declared ASN.1 types: encodings checked against known bytes (and
 * `openssl asn1parse` reading what we write), round trips, and the strictness of DER.
 */
import { describe, expect, it } from 'vitest';
import { asn1, der, fromHex, toHex } from '../src/index.js';
import { openssl } from '../../../tools/test-support/openssl.js';

const { decodeDer } = asn1;

describe('X.690 DER types', () => {
  it.each([
    [0n, '020100'],
    [127n, '02017f'],
    [128n, '02020080'],
    [-1n, '0201ff'],
    [-128n, '020180'],
    [-129n, '0202ff7f'],
    [2n ** 64n, '0209010000000000000000'],
  ])('ok/INTEGER %s ⇄ %s', (value, hex) => {
    expect(toHex(asn1.Integer.encode(value))).toBe(hex);
    expect(decodeDer(asn1.Integer, fromHex(hex))).toBe(value);
  });

  it('ok/OBJECT IDENTIFIER of the GM/T 0006 table (reference §3)', () => {
    expect(toHex(asn1.ObjectIdentifier.encode('1.2.156.10197.1.301'))).toBe('06082a811ccf5501822d');
    expect(toHex(asn1.ObjectIdentifier.encode('1.2.156.10197.1.501'))).toBe('06082a811ccf55018375');
    expect(toHex(asn1.ObjectIdentifier.encode('1.2.156.10260.4.1.4'))).toBe('06082a811cd014040104');
    expect(decodeDer(asn1.ObjectIdentifier, fromHex('06092a811ccf5501831102'))).toBe('1.2.156.10197.1.401.2');
    expect(decodeDer(asn1.ObjectIdentifier, fromHex('0603883703'))).toBe('2.999.3');
  });

  it('ok/UTCTime and GeneralizedTime with the RFC 5280 year rule', () => {
    const d = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(new TextDecoder().decode(asn1.UtcTime.encode(d).subarray(2))).toBe('491231235959Z');
    expect(decodeDer(asn1.UtcTime, asn1.UtcTime.encode(d)).getTime()).toBe(d.getTime());
    const old = decodeDer(asn1.UtcTime, asn1.UtcTime.encode(new Date(Date.UTC(1950, 0, 1))));
    expect(old.getUTCFullYear()).toBe(1950);
    const late = new Date(Date.UTC(2050, 0, 1, 0, 0, 0));
    expect(() => asn1.UtcTime.encode(late)).toThrow(RangeError);
    expect(new TextDecoder().decode(asn1.GeneralizedTime.encode(late).subarray(2))).toBe('20500101000000Z');
    expect(decodeDer(asn1.GeneralizedTime, asn1.GeneralizedTime.encode(late)).getTime()).toBe(late.getTime());
    expect(() =>
      decodeDer(asn1.GeneralizedTime, new TextEncoder().encode('\x18\x1120500101000000.5Z')),
    ).toThrow(/not in DER form/);
  });

  it('ok/SEQUENCE with OPTIONAL, DEFAULT, EXPLICIT and IMPLICIT fields round-trips; DER omits defaults', () => {
    const Example = asn1.sequence('Example', {
      version: asn1.defaulted(asn1.explicit(0, asn1.SmallInteger), 0),
      serial: asn1.Integer,
      flag: asn1.optional(asn1.Asn1Boolean),
      name: asn1.implicit(1, asn1.Utf8String),
      items: asn1.setOf(asn1.OctetString),
      alt: asn1.choice('Alt', { text: asn1.PrintableString, num: asn1.Integer }),
    });
    const value = {
      version: 0,
      serial: 5n,
      flag: undefined,
      name: '杭州某某科技有限公司',
      items: [fromHex('02'), fromHex('0101'), fromHex('01')],
      alt: { type: 'num' as const, value: 7n },
    };
    const encoded = Example.encode(value);
    expect(toHex(encoded).startsWith('3032020105')).toBe(true); // version 0 omitted, serial first
    const decoded = decodeDer(Example, encoded);
    expect(decoded.version).toBe(0);
    expect(decoded.name).toBe(value.name);
    expect(decoded.items.map(toHex)).toEqual(['01', '02', '0101']); // SET OF sorted by encoding (X.690 §11.6)
    expect(decoded.alt).toEqual({ type: 'num', value: 7n });
    expect(toHex(Example.encode({ ...value, version: 2 })).startsWith('3037a003020102')).toBe(true);
    const asn1parse = openssl(['asn1parse', '-inform', 'DER'], encoded); // OpenSSL 3.0 has no -strict
    expect(asn1parse.status, asn1parse.stderr).toBe(0);
  });

  it('error/a missing field, an extra element and a wrong tag name the structure', () => {
    const Pair = asn1.sequence('Pair', { a: asn1.Integer, b: asn1.Integer });
    expect(() => decodeDer(Pair, fromHex('3003020101'))).toThrow(/Pair: field b is missing/);
    expect(() => decodeDer(Pair, fromHex('3009020101020101020101'))).toThrow(/Pair: unexpected element/);
    expect(() => decodeDer(Pair, fromHex('3006020101040101'))).toThrow(
      /INTEGER: expected tag 0x02, found 0x04/,
    );
    expect(() => der.childrenOf(der.parseDer(fromHex('020101')))).toThrow(/primitive/);
  });

  it('ok/elements are views: raw bytes come back exactly', () => {
    const input = fromHex('300a0201050405deadbeef00');
    const el = der.parseDer(input);
    const [first, second] = der.childrenOf(el);
    expect(toHex(der.rawOf(first!))).toBe('020105');
    expect(toHex(der.contentOf(second!))).toBe('deadbeef00');
    expect(der.rawOf(el).buffer).toBe(input.buffer);
    expect(toHex(der.encodeLength(200))).toBe('81c8');
    expect(toHex(der.encodeLength(70000))).toBe('83011170');
  });
});
