// The rows of one bulk-loaded legal person for the scale run (scale.mjs), shaped as `issueDual`
// writes them: the legal person, one completed application, a dual pair (signing + encryption
// certificate), the assigned escrowed key, three audit entries continuing the real SM3 chain, and
// two outbox jobs (done). Times are epoch milliseconds and JSON is text; the writers convert.
//
// What is real and what is not (BENCHMARKS.md says the same): the `der` column and the escrowed
// key bytes are copied from pairs the core really issued at the start of the run, so the rows
// have true sizes but their DER does not carry the row's serial or USCC, and the sealed keys do
// not open under the row's id. Serials (128-bit random, as the CA makes them), public key
// hashes, USCCs (valid GB 32100 check character), names and ids are distinct per row.
import { randomBytes, randomUUID } from 'node:crypto';
import { auditHash } from '@yizheng/core';
import { benchmarkCompanyName, benchmarkUscc } from '../dist/benchmark-data.js';
import { randomSerialNumber } from '@yizheng/pki';

const DAY = 86_400_000;
const ACTOR = 'bulk-load';

/** Picks by cumulative share: [[value, share], …] with shares summing to 1. */
function pick(table, u) {
  for (const [value, share] of table) if ((u -= share) < 0) return value;
  return table[table.length - 1][0];
}

// Shares of a provincial platform's first year (illustrative, stated in BENCHMARKS.md).
const BUSINESS_TYPES = [
  ['new', 0.8],
  ['renew', 0.12],
  ['change', 0.05],
  ['reissue', 0.03],
];
const CHANNELS = [
  ['counter', 0.4],
  ['online', 0.45],
  ['mobile', 0.15],
];
const STATUSES = [
  ['valid', 0.975],
  ['revoked', 0.02],
  ['suspended', 0.005],
];
const REVOCATION_REASONS = ['keyCompromise', 'cessationOfOperation', 'superseded', 'affiliationChanged'];

/**
 * A generator of persons `first` … over a year ending at `now` (person i issued at
 * now − 365 days + i × 365 days / total, so audit order follows time), continuing the audit
 * chain from `head` ({ seq, hash }).
 * `template`: { caId, subject (of person 0), name0, signDer, encDer, escrowPublicKey, escrowSealed }.
 */
export function personRows(template, total, now, head) {
  const start = now - 365 * DAY;
  const chain = { ...head };
  const audit = (at, action, object, detail) => {
    const seq = chain.seq + 1;
    const input = { at: new Date(at), actor: ACTOR, action, object, reason: null, detail };
    const hash = auditHash(chain.hash, seq, input);
    const row = [seq, at, ACTOR, action, object, null, JSON.stringify(detail), chain.hash, hash];
    chain.seq = seq;
    chain.hash = hash;
    return row;
  };
  return {
    head: chain,
    /** The rows of person `i` (see the column lists in the writers). */
    rows(i) {
      const at = Math.floor(start + (i * 365 * DAY) / total);
      const uscc = benchmarkUscc(i);
      const name = benchmarkCompanyName(i);
      const subject = template.subject.replaceAll(template.name0, name);
      const businessType = pick(BUSINESS_TYPES, Math.random());
      const channel = pick(CHANNELS, Math.random());
      const status = pick(STATUSES, Math.random());
      const revokedAt = status === 'valid' ? null : at + Math.floor(Math.random() * (now - at));
      const reason =
        status === 'suspended'
          ? 'certificateHold'
          : status === 'revoked'
            ? REVOCATION_REASONS[i % REVOCATION_REASONS.length]
            : null;
      const applicationId = `app-${randomUUID()}`;
      const pairId = `pair-${randomUUID()}`;
      const escrowId = `kmc:${randomUUID()}`;
      const notAfter = at + 365 * DAY;
      const serials = [randomSerialNumber(), randomSerialNumber()].map((s) => s.toString(16).toUpperCase());
      const certificate = (role, serial) => [
        template.caId,
        serial,
        role,
        pairId,
        uscc,
        subject,
        at,
        notAfter,
        status,
        revokedAt,
        reason,
        null,
        randomBytes(32).toString('hex'),
        applicationId,
        role === 'enc' ? escrowId : null,
        role, // the writer puts the template DER of this role here
        at,
      ];
      const issued = (role, serial) =>
        audit(at, 'certificate.issue', `certificate:${template.caId}:${serial}`, {
          role,
          uscc,
          pairId,
          applicationId,
          businessType,
          notAfter: new Date(notAfter).toISOString(),
        });
      return {
        serials,
        person: [uscc, name, '张三', 'active', at],
        application: [
          applicationId,
          uscc,
          businessType,
          channel,
          'completed',
          ACTOR,
          JSON.stringify({ signProfile: 'legal-person-sign@1', encProfile: 'legal-person-enc@1' }),
          at,
          at,
        ],
        certificates: [certificate('sign', serials[0]), certificate('enc', serials[1])],
        escrow: [
          escrowId,
          'assigned',
          template.escrowPublicKey,
          template.escrowSealed,
          uscc,
          template.caId,
          serials[1],
          at - DAY,
          at,
        ],
        audit: [
          issued('sign', serials[0]),
          issued('enc', serials[1]),
          audit(at, 'kmc.key.assign', `escrow:${escrowId}`, { uscc, certificateSerial: serials[1] }),
        ],
        outbox: serials.map((serial) => [
          `job-${randomUUID()}`,
          'publish.certificate',
          JSON.stringify({ caId: template.caId, serial }),
          at,
          at + 1000,
        ]),
      };
    },
  };
}
