/**
 * `yizheng apply`, `review list|approve|reject`, `registry sync|serve-sim` (R26 registry check
 * and manual review; R23 revocation on registry events): applications checked against the
 * legal-person registry (法人综合库), the review queue, and the registry simulator as a server.
 */
import {
  type RegistryCheck,
  approveReview,
  rejectReview,
  reviewData,
  reviewQueue,
  submitApplication,
  syncRegistryEvents,
} from '@yizheng/core';
import { startRegistrySimulatorServer } from '@yizheng/connectors';
import { openRegistry } from '@yizheng/server';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput, required } from '../io.js';
import { OPERATOR, ensureWritableDir, writePair } from './commands.js';
import { withPlatform } from './context.js';
import { APPLICANT_OPTIONS, applicantOption, channelOption } from './options.js';

const FIELD_WORDS = { name: 'name 名称', legalRepresentative: 'legal representative 法定代表人' } as const;

/** The check's outcome and what differs, one line each. */
function describeCheck(check: RegistryCheck & { checkedAt?: string }, uscc: string): string[] {
  const lines = [`registry check 法人库核验: ${check.outcome}`];
  for (const d of check.differences)
    lines.push(
      `  ${FIELD_WORDS[d.field]}: applied ${JSON.stringify(d.applied)} ≠ registry ${JSON.stringify(d.registry)}`,
    );
  if (check.outcome === 'not-found') lines.push(`  the registry has no legal person ${uscc}`);
  if (check.reason) lines.push(`  registry unavailable: ${check.reason}`);
  return lines;
}

/**
 * apply --csr REQ.pem --uscc USCC --name NAME --legal-rep NAME [--registry URL|sim] [--out DIR]
 * [--channel C] [--ca ID] [--skf]: a new application (新办) checked against the registry; issued
 * at once on a match, otherwise sent to review with the differences.
 */
export async function apply(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: [
      'data',
      'csr',
      'uscc',
      'name',
      'legal-rep',
      'registry',
      'out',
      'ca',
      'channel',
      ...APPLICANT_OPTIONS,
    ],
    booleans: ['skf'],
  });
  const out = values.out ?? '.';
  const request = readInput(required(values.csr, 'csr'));
  const channel = channelOption(values.channel);
  const applicant = applicantOption(values);
  const legalPerson = {
    uscc: required(values.uscc, 'uscc'),
    name: required(values.name, 'name'),
    legalRepresentative: required(values['legal-rep'], 'legal-rep'),
  };
  const registry = openRegistry(values.registry, { embedded: !process.env.DATABASE_URL });
  ensureWritableDir(out);
  return withPlatform(values, async (p) => {
    const result = await submitApplication(
      { ...p, registry },
      {
        businessType: 'new',
        request,
        legalPerson,
        channel,
        actor: OPERATOR,
        ...(values.ca ? { caId: values.ca } : {}),
        ...(values.skf ? { delivery: 'skf-enveloped-key-blob' as const } : {}),
        ...applicant,
      },
    );
    process.stdout.write(describeCheck(result.check, legalPerson.uscc).join('\n') + '\n');
    if (result.state === 'completed') writePair(result.pair, out, values.skf, 'issued 已签发');
    else
      process.stdout.write(
        `sent to review 已转人工审核: application ${result.application.id}\n` +
          `  another operator runs: yizheng review approve ${result.application.id} --out DIR\n`,
      );
    return Exit.OK;
  });
}

/** review list [--limit N]: the applications waiting for a reviewer, oldest first. */
export async function reviewList(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'limit'] });
  const limit = Number(values.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError('YZ_ERR_USAGE', '--limit must be a positive number');
  return withPlatform(values, async (p) => {
    const queue = await reviewQueue(p.store, limit);
    for (const application of queue) {
      const review = reviewData(application);
      const { uscc, name, legalRepresentative } = review.legalPerson;
      process.stdout.write(
        [
          `${application.id}  ${application.createdAt.toISOString()}  ${uscc}  ${name}  ${legalRepresentative}`,
          `  submitted by ${review.submittedBy} via ${application.channel}`,
          ...describeCheck(review.registryCheck, uscc).map((line) => `  ${line}`),
          '',
        ].join('\n'),
      );
    }
    process.stdout.write(`${queue.length} application(s) in review 待审核\n`);
    return Exit.OK;
  });
}

function applicationId(positionals: string[], step: string): string {
  const id = positionals[0];
  if (!id) throw new CliError('YZ_ERR_USAGE', `give the application id: yizheng review ${step} ID`);
  return id;
}

/** review approve ID [--out DIR] [--note TEXT] [--skf]: issues the pair (the reviewer is YIZHENG_OPERATOR). */
export async function reviewApprove(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'out', 'note'],
    booleans: ['skf'],
    positionals: 1,
  });
  const id = applicationId(positionals, 'approve');
  const out = values.out ?? '.';
  ensureWritableDir(out);
  return withPlatform(values, async (p) => {
    const pair = await approveReview(p, {
      applicationId: id,
      reviewer: OPERATOR,
      ...(values.note ? { note: values.note } : {}),
      ...(values.skf ? { delivery: 'skf-enveloped-key-blob' as const } : {}),
    });
    process.stdout.write(`application ${id} approved 审核通过\n`);
    writePair(pair, out, values.skf, 'issued 已签发');
    return Exit.OK;
  });
}

/** review reject ID --reason TEXT: closes the application; nothing is issued. */
export async function reviewReject(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { strings: ['data', 'reason'], positionals: 1 });
  const id = applicationId(positionals, 'reject');
  const reason = required(values.reason, 'reason');
  return withPlatform(values, async (p) => {
    await rejectReview(p, { applicationId: id, reviewer: OPERATOR, note: reason });
    process.stdout.write(`application ${id} rejected 审核不通过: ${reason}\n`);
    return Exit.OK;
  });
}

/**
 * registry sync [--since DATE] [--registry URL|sim]: applies the registry's events — certificates
 * of deregistered (注销) and revoked (吊销) legal persons are revoked, with progress on stderr;
 * changes (变更) of our legal persons are listed. Without --since, every event the registry keeps
 * (applying events twice changes nothing).
 */
export async function registrySync(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'since', 'registry'] });
  const since = new Date(values.since ?? 0);
  if (Number.isNaN(since.getTime()))
    throw new CliError('YZ_ERR_USAGE', '--since must be a date (YYYY-MM-DD)');
  const registry = openRegistry(values.registry, { embedded: !process.env.DATABASE_URL });
  return withPlatform(values, async (p) => {
    const result = await syncRegistryEvents(
      { ...p, registry },
      {
        since,
        actor: OPERATOR,
        onProgress: (done, total) => process.stderr.write(`\rrevoking 撤销中: ${done}/${total}`),
      },
    );
    if (result.revocations.length) process.stderr.write('\n');
    for (const r of result.revocations)
      process.stdout.write(
        r.ok ? `${r.uscc}: ${r.revoked} certificate(s) revoked\n` : `${r.uscc}: ${r.code}: ${r.message}\n`,
      );
    for (const c of result.changes)
      process.stdout.write(
        `${c.uscc}: changed 变更 ${c.at.toISOString().slice(0, 10)} ` +
          (c.changes ?? [])
            .map((f) => `${f.field} ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`)
            .join(', ') +
          ' — offer the holder a 变更\n',
      );
    const failed = result.revocations.filter((r) => !r.ok).length;
    const revoked = result.revocations.reduce((n, r) => n + (r.ok ? r.revoked : 0), 0);
    process.stdout.write(
      `${result.events} registry event(s) since ${values.since ? since.toISOString() : 'the first'}: ` +
        `${result.revocations.length - failed} legal person(s) revoked (${revoked} certificates), ${failed} failed, ` +
        `${result.changes.length} change(s), ${result.skipped} skipped (not ours or already applied)\n`,
    );
    return failed ? Exit.NO : Exit.OK;
  });
}

/** registry serve-sim [--port P] [--host H]: the seeded simulator over HTTP until Ctrl-C. */
export async function registryServeSim(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['port', 'host'] });
  const port = Number(values.port ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError('YZ_ERR_USAGE', '--port must be 0..65535');
  const server = await startRegistrySimulatorServer({ port, ...(values.host ? { host: values.host } : {}) });
  process.stdout.write(
    `registry simulator 法人库模拟器 on ${server.url} (GET /legal-persons/USCC, GET /events?since=ISO)\n` +
      `  use it with: YIZHENG_REGISTRY_URL=${server.url} yizheng apply …   (Ctrl-C stops)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return Exit.OK;
}
