/**
 * RFC 4511 §5.1 BER (R5, R6): the exact bytes OpenLDAP's ldapsearch sends, the same messages with
 * liblber's four-octet lengths, and malformed input refused with YZ_ERR_LDAP_BER before any
 * allocation.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '@yizheng/gm';
import {
  BerReader,
  ProtocolOp,
  REQUEST_TAGS,
  ber,
  decodeEnvelope,
  decodeRequest,
  encodeBer,
  formatFilter,
  isLdapError,
  messageLength,
  parseDn,
  parseFilter,
  DEFAULT_FILTER_LIMITS,
  type SearchRequest,
} from '../src/index.js';

/** Captured from `ldapsearch -x -b 'o=Yizheng Demo CA,c=CN' '(uscc=91330106MA2B3C4D5D)' 'userCertificate;binary'` (OpenLDAP 2.5). */
const LDAPSEARCH_USCC =
  '3062020102635d04166f3d59697a68656e672044656d6f2043412c633d434e0a01020a0100020100020100010100a31a0404757363' +
  '63041239313333303130364d413242334334443544301804167573657243657274696669636174653b62696e617279';

/** Captured from `ldapsearch -x -E pr=2/noprompt -b … '(&(cn=*某某*)(!(uscc=91330201MA2C3D4E55)))' cn`. */
const LDAPSEARCH_PAGED =
  '308187020102635d04166f3d59697a68656e672044656d6f2043412c633d434e0a01020a0100020100020100010100a02ea40e04' +
  '02636e30088106e69f90e69f90a21ca31a040475736363041239313333303230314d41324333443445353530040402636ea02330' +
  '210416312e322e3834302e3131333535362e312e342e333139040730050201020400';

/** The anonymous BindRequest ldapsearch sends first. */
const LDAPSEARCH_BIND = '300c020101600702010304008000';

/**
 * The same message with every length written as liblber does without LBER_USE_DER (slapd's
 * responses, older clients): `84` followed by four length octets, e.g. `30 84 00 00 00 1f`.
 */
function withLongFormLengths(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  const reader = new BerReader(bytes);
  while (!reader.done) {
    const element = reader.next('element');
    const constructed = (element.tag & 0x20) !== 0;
    const content = constructed
      ? withLongFormLengths(bytes.subarray(element.contentStart, element.end))
      : bytes.subarray(element.contentStart, element.end);
    const length = new Uint8Array(5);
    length[0] = 0x84;
    new DataView(length.buffer).setUint32(1, content.length);
    out.push(Uint8Array.of(element.tag), length, content);
  }
  return concatBytes(...out);
}

function berErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isLdapError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

function decodeSearch(bytes: Uint8Array): SearchRequest {
  const envelope = decodeEnvelope(bytes);
  const request = decodeRequest(envelope, DEFAULT_FILTER_LIMITS);
  if (request.op !== 'search') throw new Error(`expected a search, got ${request.op}`);
  return request;
}

describe('RFC 4511 BER reader', () => {
  it('ok/R5 decodes the SearchRequest ldapsearch sends for a USCC lookup', () => {
    const search = decodeSearch(fromHex(LDAPSEARCH_USCC));
    expect(search).toMatchObject({
      baseDn: 'o=Yizheng Demo CA,c=CN',
      scope: 'sub',
      sizeLimit: 0,
      typesOnly: false,
      attributes: ['userCertificate;binary'],
    });
    expect(formatFilter(search.filter)).toBe('(uscc=91330106MA2B3C4D5D)');
  });

  it('ok/R5 decodes a paged search with a Chinese substring filter and its control', () => {
    const bytes = fromHex(LDAPSEARCH_PAGED);
    const search = decodeSearch(bytes);
    expect(formatFilter(search.filter)).toBe('(&(cn=*某某*)(!(uscc=91330201MA2C3D4E55)))');
    const envelope = decodeEnvelope(bytes);
    expect(envelope.controls).toBeDefined();
  });

  it("ok/R5 accepts liblber's non-minimal four-octet lengths (30 84 00 00 00 …)", () => {
    for (const hex of [LDAPSEARCH_BIND, LDAPSEARCH_USCC, LDAPSEARCH_PAGED]) {
      const long = withLongFormLengths(fromHex(hex));
      expect(toHex(long.subarray(0, 6))).toMatch(/^30840000/);
      expect(messageLength(long, 0)).toBe(long.length);
      const original = decodeRequest(decodeEnvelope(fromHex(hex)), DEFAULT_FILTER_LIMITS);
      expect(decodeRequest(decodeEnvelope(long), DEFAULT_FILTER_LIMITS)).toEqual(original);
    }
  });

  it('ok/framing waits for a whole message and finds the next one in a pipelined stream', () => {
    const stream = concatBytes(fromHex(LDAPSEARCH_BIND), fromHex(LDAPSEARCH_USCC));
    expect(messageLength(stream.subarray(0, 1), 0)).toBeUndefined();
    expect(messageLength(stream.subarray(0, 10), 0)).toBeUndefined();
    expect(messageLength(stream, 0)).toBe(14);
    expect(messageLength(stream, 14)).toBe(stream.length - 14);
  });

  it.each([
    ['error/indefinite length', '3080020101420000'],
    ['error/five length octets', '3085000000000c020101600702010304008000'],
    ['error/high tag number form', '1f0100'],
    ['error/message does not start with SEQUENCE', '040100'],
  ])('%s is refused with YZ_ERR_LDAP_BER', (_name, hex) => {
    expect(berErrorOf(() => messageLength(fromHex(hex), 0))).toBe('YZ_ERR_LDAP_BER');
  });

  it('error/a message over the size limit is refused from its header alone', () => {
    // Claims 2 MiB; only the 6 header bytes are present.
    const header = fromHex('308400200000');
    expect(berErrorOf(() => messageLength(header, 0, 1 << 20))).toBe('YZ_ERR_LDAP_BER');
  });

  it.each([
    ['error/inner length past the end of its SEQUENCE', '300702010160050000'],
    ['error/truncated message ID', '30030204ff'],
    ['error/constructed OCTET STRING', '300b0201016306240404026463'],
    ['error/unknown operation', '30050201015500'],
    ['error/response sent to the server', '300c02010161070a010004000400'],
    ['error/negative message ID', '30050201ff4200'],
  ])('%s breaks the envelope', (_name, hex) => {
    expect(berErrorOf(() => decodeRequest(decodeEnvelope(fromHex(hex)), DEFAULT_FILTER_LIMITS))).toMatch(
      /^YZ_ERR_LDAP_(BER|PROTOCOL)$/,
    );
  });

  it('error/nesting deeper than the limit is refused, whatever the filter budget', () => {
    let filter = encodeBer(ber.octets('cn', 0x87));
    for (let i = 0; i < 40; i++) filter = encodeBer(ber.sequence([ber.encoded(filter)], 0xa2));
    const search = ber.sequence(
      [
        ber.octets(''),
        ber.enumerated(0),
        ber.enumerated(0),
        ber.integer(0),
        ber.integer(0),
        ber.boolean(false),
        ber.encoded(filter),
        ber.sequence([]),
      ],
      ProtocolOp.searchRequest,
    );
    const message = encodeBer(ber.sequence([ber.integer(1), search]));
    const envelope = decodeEnvelope(message, REQUEST_TAGS);
    expect(berErrorOf(() => decodeRequest(envelope, { maxDepth: 100, maxItems: 1000 }))).toBe(
      'YZ_ERR_LDAP_BER',
    );
  });

  it('ok/INTEGER and BOOLEAN are read leniently (redundant sign octets, any non-zero TRUE)', () => {
    const reader = new BerReader(fromHex('020400000005' + '0202ff80' + '0101' + '01' + '010100'));
    expect(reader.integer('padded')).toBe(5);
    expect(reader.integer('negative')).toBe(-128);
    expect(reader.boolean('true')).toBe(true);
    expect(reader.boolean('false')).toBe(false);
    expect(berErrorOf(() => new BerReader(fromHex('0207010000000000ff')).integer('huge'))).toBe(
      'YZ_ERR_LDAP_BER',
    );
  });
});

describe('bad input never escapes as anything but LdapError (R6)', () => {
  /** Runs `fn`; an LdapError is an accepted outcome, any other error fails the property. */
  function onlyLdapErrors(fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      if (!isLdapError(error)) throw error;
    }
  }

  it('ok/mutated ldapsearch messages: byte changes, truncation, garbage appended', () => {
    const vectors = [LDAPSEARCH_BIND, LDAPSEARCH_USCC, LDAPSEARCH_PAGED].flatMap((hex) => [
      fromHex(hex),
      withLongFormLengths(fromHex(hex)),
    ]);
    fc.assert(
      fc.property(
        fc.constantFrom(...vectors),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 8 }),
        (vector, changes, cut, tail) => {
          const bytes = new Uint8Array(vector);
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          const input = concatBytes(bytes.subarray(0, bytes.length - (cut % 4)), tail);
          onlyLdapErrors(() => {
            const length = messageLength(input, 0, 4096);
            if (length !== undefined)
              decodeRequest(decodeEnvelope(input.subarray(0, length)), DEFAULT_FILTER_LIMITS);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('ok/random text as a filter or a DN', () => {
    const text = fc.string({ unit: fc.constantFrom(...'()&|!=*~<>:\\,+#; aZ09某'.split('')), maxLength: 40 });
    fc.assert(
      fc.property(text, (input) => {
        onlyLdapErrors(() => parseFilter(input));
        onlyLdapErrors(() => parseDn(input));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('RFC 4511 BER writer', () => {
  it('ok/writes minimal lengths at each boundary', () => {
    for (const [length, header] of [
      [127, '047f'],
      [128, '048180'],
      [255, '0481ff'],
      [256, '04820100'],
      [65536, '0483010000'],
    ] as const) {
      const encoded = encodeBer(ber.octets(new Uint8Array(length)));
      expect(toHex(encoded.subarray(0, header.length / 2))).toBe(header);
      expect(encoded.length).toBe(header.length / 2 + length);
    }
  });

  it('ok/INTEGER content is minimal two’s complement', () => {
    const cases: [number, string][] = [
      [0, '020100'],
      [127, '02017f'],
      [128, '02020080'],
      [2147483647, '02047fffffff'],
      [-1, '0201ff'],
      [-129, '0202ff7f'],
    ];
    for (const [value, hex] of cases) {
      expect(toHex(encodeBer(ber.integer(value)))).toBe(hex);
      expect(new BerReader(fromHex(hex)).integer('value')).toBe(value);
    }
  });

  it('ok/re-encoding a decoded ldapsearch request gives its bytes back', () => {
    const bytes = fromHex(LDAPSEARCH_BIND);
    const envelope = decodeEnvelope(bytes);
    expect(envelope.op.tag).toBe(ProtocolOp.bindRequest);
    const rebuilt = encodeBer(
      ber.sequence([
        ber.integer(1),
        ber.sequence([ber.integer(3), ber.octets(''), ber.octets('', 0x80)], ProtocolOp.bindRequest),
      ]),
    );
    expect(toHex(rebuilt)).toBe(LDAPSEARCH_BIND);
  });
});
