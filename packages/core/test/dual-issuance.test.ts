/**
 * The CA core end to end on SQLite and PostgreSQL (issue 4; R10–R14, R18, R23, R3): a demo CA,
 * a dual certificate from a holder's CSR (checked by OpenSSL and BouncyCastle, the KMC envelope
 * opened with the holder's signing key), refusals that change nothing, pair revocation rules,
 * and the audit chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import {
  buildCertificationRequest,
  certificatePublicKey,
  certificateToPem,
  decodeCsrResponse,
  openEnvelopedKey,
  parseName,
  readExtension,
  validatePath,
} from '@yizheng/pki';
import {
  AUDIT_KEY_REF,
  FixedClock,
  type IssuanceContext,
  StoreKeyVault,
  checkpointAudit,
  ensureAuditKey,
  issueDual,
  parseNotice,
  revokeFromNotice,
  resumeCertificate,
  revokeCertificate,
  suspendCertificate,
  verifyAudit,
} from '../src/index.js';
import { STORE_KINDS, type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';
import { runBc } from '../../../tools/test-support/bc.js';
import { demoContext } from '../../../tools/test-support/core-context.js';

const USCC = '91330106MA2B3C4D5D';
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function csrFor(key: Sm2PrivateKey): Uint8Array {
  return buildCertificationRequest(
    { subject: parseName('C=CN,O=杭州某某科技有限公司,CN=杭州某某科技有限公司') },
    key,
  ).der;
}

describe.each(STORE_KINDS)('CA core on %s', (kind) => {
  let t: TestStore;
  let context: IssuanceContext;
  const clock = new FixedClock('2026-11-26T02:00:00Z');

  beforeAll(async () => {
    t = await openTestStore(kind);
    context = await demoContext(t.store, clock);
    await ensureAuditKey(context.vault);
    await context.kmc.refillPool(3);
  });
  afterAll(async () => t?.dispose());

  async function countCertificates(): Promise<number> {
    return (await t.store.read.queryCertificates({})).length;
  }

  it('ok/new dual certificate: one year, profiles applied, envelope opens with the signing key', async () => {
    const holder = Sm2PrivateKey.generate();
    const pair = await issueDual(context, {
      request: csrFor(holder),
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司', legalRepresentative: '张三' },
      channel: 'counter',
      actor: 'op-1',
    });
    expect(pair.sign.notAfter.getTime() - pair.sign.notBefore.getTime()).toBe(365 * 86_400_000);
    expect(pair.enc.notAfter).toEqual(pair.sign.notAfter);
    expect(readExtension(pair.signCertificate.tbs.extensions, 'keyUsage')).toEqual([
      'digitalSignature',
      'nonRepudiation',
    ]);
    expect(readExtension(pair.encCertificate.tbs.extensions, 'keyUsage')).toEqual([
      'keyEncipherment',
      'dataEncipherment',
      'keyAgreement',
    ]);
    expect(readExtension(pair.signCertificate.tbs.extensions, 'unifiedSocialCreditCode')).toBe(USCC);
    expect(certificatePublicKey(pair.signCertificate).equals(holder.publicKey)).toBe(true);
    // the CSRResponse carries the encryption key for the holder's signing key only
    const response = decodeCsrResponse(pair.csrResponse);
    const opened = openEnvelopedKey(response.encryptedPrivateKey!, holder);
    expect(opened.publicKey.equals(certificatePublicKey(pair.encCertificate))).toBe(true);
    // stored: both certificates, the escrow assignment, two outbox jobs
    const stored = await t.store.read.queryCertificates({ pairId: pair.pairId });
    expect(stored.map((c) => c.role).sort()).toEqual(['enc', 'sign']);
    const escrow = await t.store.read.getEscrowedKey(pair.enc.escrowId!);
    expect(escrow).toMatchObject({ state: 'assigned', uscc: USCC, certificateSerial: pair.enc.serial });
    expect((await t.store.read.pendingOutbox(100)).length).toBeGreaterThanOrEqual(2);
    // chain validation by us, OpenSSL and BouncyCastle
    const [ca, root] = pair.chain;
    for (const cert of [pair.signCertificate, pair.encCertificate]) {
      expect(validatePath(cert, { trustAnchors: [root!], intermediates: [ca!], at: clock.now() }).valid).toBe(
        true,
      );
      const chainPath = scratch.write(`${kind}-chain.pem`, certificateToPem(ca!) + certificateToPem(root!));
      const certPath = scratch.write(
        `${kind}-${toHex(cert.signature.subarray(8, 14))}.pem`,
        certificateToPem(cert),
      );
      const v = openssl([
        'verify',
        '-partial_chain',
        '-vfyopt',
        'distid:1234567812345678',
        '-attime',
        String(Math.floor(clock.now().getTime() / 1000) + 3600),
        '-CAfile',
        chainPath,
        certPath,
      ]);
      expect(v.stdout.toString() + v.stderr).toContain(': OK');
    }
    // the CA link, one link at a time (OpenSSL 3.0 applies distid to the certificate being verified only)
    const rootPath = scratch.write(`${kind}-root.pem`, certificateToPem(root!));
    const caPath = scratch.write(`${kind}-ca.pem`, certificateToPem(ca!));
    const link = openssl(['verify', '-vfyopt', 'distid:1234567812345678', '-CAfile', rootPath, caPath]);
    expect(link.stdout.toString() + link.stderr).toContain(': OK');
    const [bc] = runBc([
      `cert-path ${toHex(root!.der)} ${toHex(ca!.der)} ${toHex(pair.signCertificate.der)} ${clock.now().getTime()}`,
    ]);
    expect(bc).toMatchObject({ ok: true });
  });

  it('error/bad USCC, bad CSR signature and a key already certified change nothing', async () => {
    const before = await countCertificates();
    const holder = Sm2PrivateKey.generate();
    const base = {
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司' },
      channel: 'api' as const,
      actor: 'op-2',
    };
    await expect(
      issueDual(context, {
        ...base,
        request: csrFor(holder),
        legalPerson: { uscc: '91330106MA2B3C4D5X', name: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_USCC' });
    const tampered = Uint8Array.from(csrFor(holder));
    tampered[tampered.length - 3]! ^= 1;
    await expect(issueDual(context, { ...base, request: tampered })).rejects.toMatchObject({
      code: 'YZ_ERR_INPUT',
    });
    await issueDual(context, { ...base, request: csrFor(holder) });
    const after = await countCertificates();
    expect(after).toBe(before + 2);
    await expect(issueDual(context, { ...base, request: csrFor(holder) })).rejects.toMatchObject({
      code: 'YZ_ERR_KEY_ALREADY_CERTIFIED',
    });
    expect(await countCertificates()).toBe(after);
  });

  it('ok/suspend, resume and revoke act on the pair; steps from the wrong state are refused', async () => {
    const pair = await issueDual(context, {
      request: csrFor(Sm2PrivateKey.generate()),
      legalPerson: { uscc: USCC, name: '杭州某某科技有限公司' },
      channel: 'online',
      actor: 'op-3',
    });
    const step = { serial: pair.sign.serial, actor: 'op-3' };
    await expect(resumeCertificate(context, step)).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });
    expect((await suspendCertificate(context, step)).map((c) => c.status)).toEqual([
      'suspended',
      'suspended',
    ]);
    expect(
      (await resumeCertificate(context, { ...step, serial: pair.enc.serial })).map((c) => c.status),
    ).toEqual(['valid', 'valid']);
    const revoked = await revokeCertificate(context, {
      ...step,
      reason: 'cessationOfOperation',
      note: '注销公告 2026-118',
    });
    expect(
      revoked.every((c) => c.status === 'revoked' && c.revocationReason === 'cessationOfOperation'),
    ).toBe(true);
    await expect(revokeCertificate(context, step)).rejects.toMatchObject({ code: 'YZ_ERR_STATE' });
    await expect(revokeCertificate(context, { ...step, serial: 'ABCDEF0123' })).rejects.toMatchObject({
      code: 'YZ_ERR_CERT_NOT_FOUND',
    });
    const revokedList = await t.store.read.revokedCertificates(pair.sign.caId);
    expect(revokedList.map((c) => c.serial)).toEqual(
      expect.arrayContaining([pair.sign.serial, pair.enc.serial]),
    );
  });

  it('ok/the audit chain verifies with a signed checkpoint and records every step', async () => {
    await checkpointAudit(t.store, await context.vault.signer(AUDIT_KEY_REF), clock.now());
    const result = await verifyAudit(t.store, await context.vault.publicKey(AUDIT_KEY_REF));
    expect(result).toMatchObject({ valid: true, checkpoint: { signatureValid: true } });
    const entries = await t.store.read.auditEntries(1);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'ca.init.demo',
        'profile.save',
        'certificate.issue',
        'kmc.key.assign',
        'certificate.revoke',
      ]),
    );
    expect(entries.every((e, i) => e.seq === i + 1)).toBe(true);
  });

  it('error/a vault opened with another master secret cannot use the CA key', async () => {
    const other = new StoreKeyVault(t.store, 'a different master secret', clock);
    await expect(other.signer(AUDIT_KEY_REF)).rejects.toMatchObject({ code: 'YZ_ERR_VAULT_KEY' });
  });
  it('ok/a registry notice revokes every live pair of the legal person and records its status', async () => {
    const before = (await t.store.read.queryCertificates({ uscc: USCC })).filter(
      (c) => c.status !== 'revoked',
    ).length;
    expect(before).toBeGreaterThan(0);
    const results = await revokeFromNotice(
      context,
      [
        { uscc: USCC, event: 'deregistered', note: '注销公告 2026-118' },
        { uscc: '91330201MA2C3D4E55', event: 'closed' },
      ],
      { actor: 'registry-sync' },
    );
    expect(results).toEqual([
      { uscc: USCC, ok: true, revoked: before },
      { uscc: '91330201MA2C3D4E55', ok: true, revoked: 0 },
    ]);
    const after = await t.store.read.queryCertificates({ uscc: USCC });
    expect(after.every((c) => c.status === 'revoked')).toBe(true);
    expect((await t.store.read.getLegalPerson(USCC))?.registryStatus).toBe('deregistered');
    expect(parseNotice('91330106MA2B3C4D5D,deregistered\nbad,closed\n').errors).toEqual([
      { line: 2, message: 'bad is not a valid unified social credit code' },
    ]);
  });
});
