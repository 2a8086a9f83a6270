/**
 * Path validation (RFC 5280 §6.1 subset; R10: chains end at the national root): each failure
 * comes back as its coded reason with the index of the certificate at fault.
 */
import { describe, expect, it } from 'vitest';
import { Sm2PrivateKey } from '@yizheng/gm';
import {
  type Certificate,
  type RevocationSource,
  buildCertificate,
  extension,
  parseName,
  randomSerialNumber,
  validatePath,
} from '../src/index.js';
import { type Issued, makeLeaf, makeRoot, makeSubCa } from '../../../tools/test-support/pki-fixtures.js';

const root = makeRoot();
const sub = makeSubCa(root);
const leaf = makeLeaf(sub);

/** A CA-like certificate signed by `issuer` with the given extensions. */
function issue(issuer: Issued, cn: string, extensions: ReturnType<typeof extension>[]): Issued {
  const key = Sm2PrivateKey.generate();
  const name = parseName(`C=CN,O=测试,CN=${cn}`);
  const cert = buildCertificate(
    {
      serialNumber: randomSerialNumber(),
      issuer: issuer.name,
      subject: name,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000 * 30),
      publicKey: key.publicKey,
      extensions,
    },
    issuer.key,
  );
  return { key, cert, name };
}

describe('path validation', () => {
  it('ok/leaf → sub CA → root is valid, chain ordered target first', () => {
    const result = validatePath(leaf.cert, { trustAnchors: [root.cert], intermediates: [sub.cert] });
    expect(result).toMatchObject({ valid: true, reason: 'YZ_PATH_OK' });
    expect(result.chain.map((c) => c.tbs.serialNumber)).toEqual([
      leaf.cert.tbs.serialNumber,
      sub.cert.tbs.serialNumber,
      root.cert.tbs.serialNumber,
    ]);
  });

  it('error/YZ_PATH_NO_ISSUER when the intermediate is missing', () => {
    expect(validatePath(leaf.cert, { trustAnchors: [root.cert] })).toMatchObject({
      valid: false,
      reason: 'YZ_PATH_NO_ISSUER',
      index: 0,
    });
  });

  it('error/YZ_PATH_UNTRUSTED for a chain to another root', () => {
    const other = makeRoot('另一个根CA');
    expect(
      validatePath(leaf.cert, { trustAnchors: [other.cert], intermediates: [sub.cert, root.cert] }),
    ).toMatchObject({
      reason: 'YZ_PATH_UNTRUSTED',
    });
  });

  it('error/YZ_PATH_EXPIRED and YZ_PATH_NOT_YET_VALID follow the validation time', () => {
    const opts = { trustAnchors: [root.cert], intermediates: [sub.cert] };
    expect(validatePath(leaf.cert, { ...opts, at: new Date(Date.now() + 400 * 86_400_000) })).toMatchObject({
      reason: 'YZ_PATH_EXPIRED',
      index: 0,
    });
    expect(validatePath(leaf.cert, { ...opts, at: new Date(Date.now() - 2 * 86_400_000) })).toMatchObject({
      reason: 'YZ_PATH_NOT_YET_VALID',
    });
  });

  it('error/YZ_PATH_SIGNATURE when an impostor with the same name and key id signs', () => {
    const impostorKey = Sm2PrivateKey.generate();
    const forged = buildCertificate(
      {
        serialNumber: randomSerialNumber(),
        issuer: sub.name,
        subject: leaf.name,
        notBefore: leaf.cert.tbs.validity.notBefore,
        notAfter: leaf.cert.tbs.validity.notAfter,
        publicKey: leaf.key.publicKey,
      },
      impostorKey,
    );
    expect(validatePath(forged, { trustAnchors: [root.cert], intermediates: [sub.cert] })).toMatchObject({
      reason: 'YZ_PATH_SIGNATURE',
      index: 0,
    });
  });

  it('error/YZ_PATH_NOT_CA when an end-entity certificate issues another', () => {
    const eeIssuer = issue(root, '终端实体', [
      extension('keyUsage', ['digitalSignature', 'keyCertSign'], true),
    ]);
    const child = makeLeaf(eeIssuer);
    expect(
      validatePath(child.cert, { trustAnchors: [root.cert], intermediates: [eeIssuer.cert] }),
    ).toMatchObject({ reason: 'YZ_PATH_NOT_CA', index: 1 });
  });

  it('error/YZ_PATH_KEY_USAGE when the issuer lacks keyCertSign', () => {
    const ca = issue(root, '无签发权CA', [
      extension('basicConstraints', { cA: true }, true),
      extension('keyUsage', ['cRLSign'], true),
    ]);
    const child = makeLeaf(ca);
    expect(validatePath(child.cert, { trustAnchors: [root.cert], intermediates: [ca.cert] })).toMatchObject({
      reason: 'YZ_PATH_KEY_USAGE',
      index: 1,
    });
  });

  it('error/YZ_PATH_LENGTH when a pathLen 0 CA has a CA below it', () => {
    // sub has pathLenConstraint 0
    const below = issue(sub, '下级CA', [
      extension('basicConstraints', { cA: true }, true),
      extension('keyUsage', ['keyCertSign', 'cRLSign'], true),
    ]);
    const child = makeLeaf(below);
    expect(
      validatePath(child.cert, { trustAnchors: [root.cert], intermediates: [sub.cert, below.cert] }),
    ).toMatchObject({ reason: 'YZ_PATH_LENGTH', index: 2 });
  });

  it('error/YZ_PATH_REVOKED and YZ_PATH_REVOCATION_UNKNOWN come from the revocation source', () => {
    const revokedAt = new Date();
    const source = (map: Map<bigint, 'revoked' | 'unknown'>): RevocationSource => ({
      status: (cert: Certificate) => {
        const s = map.get(cert.tbs.serialNumber);
        if (s === 'revoked') return { status: 'revoked', date: revokedAt, reason: 'keyCompromise' };
        if (s === 'unknown') return { status: 'unknown', detail: 'no CRL covers this certificate' };
        return { status: 'good' };
      },
    });
    const opts = { trustAnchors: [root.cert], intermediates: [sub.cert] };
    const revoked = validatePath(leaf.cert, {
      ...opts,
      revocation: source(new Map([[leaf.cert.tbs.serialNumber, 'revoked' as const]])),
    });
    expect(revoked).toMatchObject({
      reason: 'YZ_PATH_REVOKED',
      index: 0,
      revocation: { reason: 'keyCompromise' },
    });
    const unknownSub = source(new Map([[sub.cert.tbs.serialNumber, 'unknown' as const]]));
    expect(validatePath(leaf.cert, { ...opts, revocation: unknownSub })).toMatchObject({
      reason: 'YZ_PATH_REVOCATION_UNKNOWN',
      index: 1,
    });
    expect(validatePath(leaf.cert, { ...opts, revocation: unknownSub, requireRevocation: false }).valid).toBe(
      true,
    );
  });

  it('error/YZ_PATH_CRITICAL_EXTENSION for an unknown critical extension', () => {
    const odd = issue(sub, '带未知关键扩展', [
      { oid: '1.2.3.4.99', critical: true, value: Uint8Array.of(5, 0) },
    ]);
    expect(validatePath(odd.cert, { trustAnchors: [root.cert], intermediates: [sub.cert] })).toMatchObject({
      reason: 'YZ_PATH_CRITICAL_EXTENSION',
      index: 0,
    });
  });
});
