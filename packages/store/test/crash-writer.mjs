// Child process of the crash test in store-contract.test.ts (issue 4 "Storage": a crash never
// leaves half a business transaction). It opens the store named by the JSON in argv[2] from the
// built dist/ (plain node, no TypeScript loader), then commits transactions of certificate +
// audit entry + outbox job forever, printing each index after its commit, until the test
// SIGKILLs it. Yielding to the event loop between the three writes makes the kill land inside
// a transaction most of the time, not between two.
import { createHash } from 'node:crypto';
import { openStore } from '../dist/index.js';

const store = await openStore(JSON.parse(process.argv[2]));
const at = new Date('2026-03-01T00:00:00.000Z');
const tick = () => new Promise((resolve) => setImmediate(resolve));
const chain = (prevHash, seq) => createHash('sha256').update(`${prevHash}|${seq}`).digest('hex');

process.stdout.write('open\n');
for (let i = 0; ; i++) {
  await store.transaction(async (tx) => {
    await tx.insertCertificate({
      caId: 'CRASH',
      serial: (i + 1).toString(16).toUpperCase(),
      role: 'sign',
      pairId: `pair-${i}`,
      uscc: null,
      subject: `CN=crash ${i}`,
      notBefore: at,
      notAfter: at,
      status: 'valid',
      revokedAt: null,
      revocationReason: null,
      predecessorPairId: null,
      publicKeyHash: `crash-key-${i}`,
      applicationId: null,
      escrowId: null,
      der: new Uint8Array(256).fill(i & 0xff),
      createdAt: at,
    });
    await tick();
    await tx.appendAudit(
      { at, actor: 'system', action: 'crash.test', object: `crash:${i}`, reason: null, detail: { i } },
      chain,
    );
    await tick();
    await tx.insertOutbox({
      id: `crash-${i}`,
      kind: 'crash.test',
      payload: { i },
      createdAt: at,
      doneAt: null,
    });
  });
  process.stdout.write(`${i}\n`);
}
