/**
 * Revocation during path validation (RFC 5280 §6.3, RFC 6960; R5): CRLs and OCSP responses we
 * build, fed to `validatePath` through the CRL and OCSP revocation sources.
 */
import { describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import {
  buildCrlSync,
  buildOcspResponse,
  certIdFor,
  crlRevocationSource,
  ocspRevocationSource,
  parseCrl,
  uriName,
  validatePath,
} from '../src/index.js';
import { makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const HOUR = 3_600_000;
const now = new Date();
const root = makeRoot();
const sub = makeSubCa(root);
const leaf = makeLeaf(sub);
const other = makeLeaf(sub, { subject: 'C=CN,O=宁波某某贸易有限公司,CN=宁波某某贸易有限公司' });
const anchors = { trustAnchors: [root.cert], intermediates: [sub.cert], at: now };

function crl(
  issuer = sub,
  entries: Parameters<typeof buildCrlSync>[0]['entries'] = [],
  extra: Partial<Parameters<typeof buildCrlSync>[0]> = {},
) {
  return parseCrl(
    buildCrlSync(
      {
        issuer: issuer.cert,
        thisUpdate: new Date(now.getTime() - HOUR),
        nextUpdate: new Date(now.getTime() + 24 * HOUR),
        crlNumber: 10n,
        entries,
        ...extra,
      },
      issuer.key,
    ),
  );
}
const emptyRootCrl = crl(root);

describe('CRL revocation source', () => {
  const revoked = crl(sub, [
    {
      serialNumber: leaf.cert.tbs.serialNumber,
      revocationDate: new Date(now.getTime() - HOUR),
      reason: 'keyCompromise',
    },
  ]);

  it('ok/a certificate not on a current CRL is good; the revoked one is YZ_PATH_REVOKED', () => {
    const revocation = crlRevocationSource([revoked, emptyRootCrl]);
    expect(validatePath(other.cert, { ...anchors, revocation }).valid).toBe(true);
    expect(validatePath(leaf.cert, { ...anchors, revocation })).toMatchObject({
      reason: 'YZ_PATH_REVOKED',
      revocation: { status: 'revoked', reason: 'keyCompromise' },
    });
  });

  it('error/a stale CRL, a CRL signed by another key, or none: YZ_PATH_REVOCATION_UNKNOWN', () => {
    const stale = crl(sub, [], {
      thisUpdate: new Date(now.getTime() - 48 * HOUR),
      nextUpdate: new Date(now.getTime() - 24 * HOUR),
    });
    const impostor = { ...sub, key: Sm2PrivateKey.generate() };
    const forged = crl(impostor, [], { issuer: { name: sub.name, keyIdentifier: new Uint8Array(20) } });
    for (const set of [[stale, emptyRootCrl], [forged, emptyRootCrl], [emptyRootCrl]]) {
      const result = validatePath(leaf.cert, { ...anchors, revocation: crlRevocationSource(set) });
      expect(result).toMatchObject({ reason: 'YZ_PATH_REVOCATION_UNKNOWN', index: 0 });
    }
  });

  it('ok/a delta CRL adds revocations and removeFromCRL releases a hold', () => {
    const held = crl(sub, [
      { serialNumber: other.cert.tbs.serialNumber, revocationDate: now, reason: 'certificateHold' },
    ]);
    const delta = crl(
      sub,
      [
        { serialNumber: other.cert.tbs.serialNumber, revocationDate: now, reason: 'removeFromCRL' },
        { serialNumber: leaf.cert.tbs.serialNumber, revocationDate: now, reason: 'superseded' },
      ],
      { crlNumber: 11n, baseCrlNumber: 10n },
    );
    const withoutDelta = crlRevocationSource([held, emptyRootCrl]);
    expect(validatePath(other.cert, { ...anchors, revocation: withoutDelta }).reason).toBe('YZ_PATH_REVOKED');
    const withDelta = crlRevocationSource([held, delta, emptyRootCrl]);
    expect(validatePath(other.cert, { ...anchors, revocation: withDelta }).valid).toBe(true);
    expect(validatePath(leaf.cert, { ...anchors, revocation: withDelta })).toMatchObject({
      reason: 'YZ_PATH_REVOKED',
      revocation: { reason: 'superseded' },
    });
  });

  it('ok/a partitioned CRL only covers certificates pointing at its distribution point', () => {
    const partition = crl(sub, [{ serialNumber: leaf.cert.tbs.serialNumber, revocationDate: now }], {
      issuingDistributionPoint: {
        distributionPoint: { type: 'fullName', value: [uriName('http://crl.example.cn/partition-2.crl')] },
      },
    });
    // the leaf's CRLDP is http://crl.example.cn/ca1.crl, so this partition says nothing about it
    const result = validatePath(leaf.cert, {
      ...anchors,
      revocation: crlRevocationSource([partition, emptyRootCrl]),
    });
    expect(result.reason).toBe('YZ_PATH_REVOCATION_UNKNOWN');
  });
});

describe('OCSP revocation source', () => {
  function answer(status: 'good' | 'revoked', issuer = sub, serial = leaf.cert.tbs.serialNumber) {
    return buildOcspResponse({
      responder: { certificate: issuer.cert, signer: issuer.key, idBy: 'key' },
      producedAt: now,
      responses: [
        {
          certId: certIdFor(issuer.cert, serial),
          status:
            status === 'good'
              ? { type: 'good' }
              : { type: 'revoked', time: now, reason: 'cessationOfOperation' },
          thisUpdate: new Date(now.getTime() - HOUR),
          nextUpdate: new Date(now.getTime() + HOUR),
        },
      ],
    });
  }
  const rootGood = answer('good', root, sub.cert.tbs.serialNumber);

  it('ok/good and revoked answers decide the path', () => {
    expect(
      validatePath(leaf.cert, { ...anchors, revocation: ocspRevocationSource([answer('good'), rootGood]) })
        .valid,
    ).toBe(true);
    expect(
      validatePath(leaf.cert, {
        ...anchors,
        revocation: ocspRevocationSource([answer('revoked'), rootGood]),
      }),
    ).toMatchObject({ reason: 'YZ_PATH_REVOKED', revocation: { reason: 'cessationOfOperation' } });
  });

  it('error/an answer for another certificate or a stale one is not used', () => {
    const forOther = answer('good', sub, other.cert.tbs.serialNumber);
    expect(
      validatePath(leaf.cert, { ...anchors, revocation: ocspRevocationSource([forOther, rootGood]) }).reason,
    ).toBe('YZ_PATH_REVOCATION_UNKNOWN');
    const later = { ...anchors, at: new Date(now.getTime() + 2 * HOUR) };
    expect(
      validatePath(leaf.cert, { ...later, revocation: ocspRevocationSource([answer('good'), rootGood]) })
        .reason,
    ).toBe('YZ_PATH_REVOCATION_UNKNOWN');
  });
});
