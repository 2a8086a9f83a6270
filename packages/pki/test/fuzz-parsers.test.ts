/**
 * Fuzzing every pki parser on mutated valid inputs (issue 3 "Bad input"): bit flips, byte
 * insertions and deletions, truncations, and length octets set to absurd values. Each call must
 * either return or throw a coded GmError — a TypeError, RangeError or any uncoded error is a
 * crash — and the whole run must finish (vitest's timeout catches a hang). The generator is
 * seeded, so a failure names the seed and the mutation that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { Sm2PrivateKey, isGmError } from '@yizheng/gm';
import {
  buildCertificationRequest,
  envelopeGm,
  openEnvelopeGm,
  buildCrlSync,
  buildOcspRequest,
  buildOcspResponse,
  certIdFor,
  parseCms,
  parseCrl,
  parseOcspRequest,
  parseOcspResponse,
  signCms,
  decodeCsrResponse,
  decodeEccCipherBlob,
  decodeEccPublicKeyBlob,
  decodeEnvelopedKey,
  decodeEnvelopedKeyBlob,
  encodeCsrResponse,
  envelopeKey,
  envelopeKeyAsSkfBlob,
  extension,
  parseCertificate,
  parseCertificationRequest,
  parseName,
  readExtension,
} from '../src/index.js';
import { makeLeaf, makeRoot } from '../../../tools/test-support/pki-fixtures.js';

/** xorshift32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

type Mutation = { name: string; bytes: Uint8Array };

function mutate(input: Uint8Array, random: () => number): Mutation {
  const at = Math.floor(random() * input.length);
  const bytes = Array.from(input);
  switch (Math.floor(random() * 6)) {
    case 0:
      bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
      return { name: `flip bit at ${at}`, bytes: Uint8Array.from(bytes) };
    case 1:
      bytes.splice(at, 0, Math.floor(random() * 256));
      return { name: `insert at ${at}`, bytes: Uint8Array.from(bytes) };
    case 2:
      bytes.splice(at, 1);
      return { name: `delete at ${at}`, bytes: Uint8Array.from(bytes) };
    case 3:
      return { name: `truncate to ${at}`, bytes: Uint8Array.from(bytes.slice(0, at)) };
    case 4:
      // a long-form length claiming ~4 GB
      bytes.splice(at, 0, 0x84, 0xff, 0xff, 0xff, 0xf0);
      return { name: `absurd length at ${at}`, bytes: Uint8Array.from(bytes) };
    default:
      bytes[at] = [0x00, 0x80, 0xff, 0x30, 0x31, 0xa0, 0x05][Math.floor(random() * 7)]!;
      return { name: `special byte at ${at}`, bytes: Uint8Array.from(bytes) };
  }
}

/** A parser under test and valid inputs for it. */
interface FuzzTarget {
  readonly name: string;
  readonly parse: (bytes: Uint8Array) => unknown;
  readonly inputs: readonly Uint8Array[];
}

const root = makeRoot();
const leaf = makeLeaf(root, {
  extensions: [
    extension('keyUsage', ['digitalSignature'], true),
    extension('identityCode', { type: 'residentCard', value: '11010519491231002X' }),
    extension('unifiedSocialCreditCode', '91330106MA2B3C4D5D'),
  ],
});
const holder = Sm2PrivateKey.generate();
const encKey = Sm2PrivateKey.generate();
const csr = buildCertificationRequest(
  { subject: parseName('C=CN,O=杭州某某科技有限公司,CN=张三'), tempPublicKey: encKey.publicKey },
  holder,
);
const envelope = envelopeKey(encKey, holder.publicKey);
const now = new Date();
const crlDer = buildCrlSync(
  {
    issuer: root.cert,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 86_400_000),
    crlNumber: 7n,
    baseCrlNumber: 6n,
    entries: [
      {
        serialNumber: leaf.cert.tbs.serialNumber,
        revocationDate: now,
        reason: 'keyCompromise',
        invalidityDate: now,
      },
      { serialNumber: 0x1234_5678n, revocationDate: now },
    ],
  },
  root.key,
);
const ocspRequest = buildOcspRequest({
  certs: [{ issuer: root.cert, serialNumber: leaf.cert.tbs.serialNumber }],
  nonce: new Uint8Array(16).fill(9),
});
const ocspResponse = buildOcspResponse({
  responder: { certificate: root.cert, signer: root.key, idBy: 'name' },
  producedAt: now,
  responses: [
    {
      certId: certIdFor(root.cert, leaf.cert.tbs.serialNumber),
      status: { type: 'revoked', time: now, reason: 'superseded' },
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 3_600_000),
    },
  ],
  nonce: new Uint8Array(16).fill(9),
});
const cms = signCms({
  content: new TextEncoder().encode('授权书'),
  signer: leaf.key,
  certificate: leaf.cert,
});
const skfBlob = envelopeKeyAsSkfBlob(encKey, holder.publicKey);

/** Parsing a certificate also decodes every extension, as `cert show` does. */
function parseCertificateDeep(bytes: Uint8Array): unknown {
  const cert = parseCertificate(bytes, { allowUnknownCritical: true });
  for (const name of ['keyUsage', 'identityCode', 'unifiedSocialCreditCode', 'basicConstraints'] as const)
    readExtension(cert.tbs.extensions, name);
  return cert;
}

const TARGETS: FuzzTarget[] = [
  { name: 'certificate', parse: parseCertificateDeep, inputs: [root.cert.der, leaf.cert.der] },
  { name: 'PKCS#10 request', parse: parseCertificationRequest, inputs: [csr.der] },
  { name: 'CRL', parse: parseCrl, inputs: [crlDer] },
  { name: 'OCSP request', parse: parseOcspRequest, inputs: [ocspRequest.der] },
  { name: 'OCSP response', parse: parseOcspResponse, inputs: [ocspResponse.der] },
  { name: 'CMS SignedData', parse: parseCms, inputs: [cms] },
  {
    name: 'GM/T 0010 EnvelopedData (opened)',
    parse: (b) => openEnvelopeGm(b, { recipientKey: leaf.key, recipientCert: leaf.cert }),
    inputs: [envelopeGm({ content: new TextEncoder().encode('加密的内容'), recipients: [leaf.cert] })],
  },
  { name: 'SM2EnvelopedKey', parse: decodeEnvelopedKey, inputs: [envelope] },
  { name: 'SKF ENVELOPEDKEYBLOB', parse: decodeEnvelopedKeyBlob, inputs: [skfBlob] },
  { name: 'SKF ECCPUBLICKEYBLOB', parse: decodeEccPublicKeyBlob, inputs: [skfBlob.subarray(76, 208)] },
  { name: 'SKF ECCCIPHERBLOB', parse: decodeEccCipherBlob, inputs: [skfBlob.subarray(208)] },
  {
    name: 'GM/T 0092 CSRResponse',
    parse: decodeCsrResponse,
    inputs: [
      encodeCsrResponse({
        signCertificates: [leaf.cert.der],
        encryptedPrivateKey: envelope,
        encryptCertificates: [root.cert.der],
      }),
    ],
  },
];

const ROUNDS = 1000;

describe('fuzzing the pki parsers', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('ok/%s: mutated inputs never crash', (_name, target) => {
    const seed = 0x59_5a_00_01 ^ target.name.length;
    const random = prng(seed);
    let rejected = 0;
    for (const input of target.inputs) {
      expect(() => target.parse(input)).not.toThrow();
      for (let round = 0; round < ROUNDS; round++) {
        const m = mutate(input, random);
        try {
          target.parse(m.bytes);
        } catch (error) {
          if (!isGmError(error))
            throw new Error(
              `${target.name}, seed ${seed}, round ${round}, ${m.name}: crashed with ${String(error)}`,
            );
          rejected++;
        }
      }
    }
    // most mutations of a signed DER structure must be refused
    expect(rejected).toBeGreaterThan((ROUNDS * target.inputs.length) / 4);
  });
});
