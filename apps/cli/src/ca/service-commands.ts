/**
 * After-sales service commands (issue 4): media and their SO-PIN vault, PIN unlock (R22), the fee
 * schedule (R17), service policy (R24 service period, unlock rate limit, R7 retention) and the
 * retention purge.
 */
import {
  type FeeItem,
  loadServicePolicy,
  personaliseMedium,
  publishFeeSchedule,
  purgeExpired,
  readSoPin,
  receiveMedia,
  setMediumState,
  unlockMedium,
  updateServicePolicy,
} from '@yizheng/core';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput, required } from '../io.js';
import { OPERATOR } from './commands.js';
import { withPlatform } from './context.js';
import { channelOption } from './options.js';

/** media receive --model M [--scheme S] [--branch B] [--batch N] SERIAL… | media personalise --medium S --serial HEX |
 *  media so-pin --medium S --reason R | media lost|retire --medium S --reason R */
export async function mediaReceive(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'model', 'scheme', 'branch', 'batch'],
    positionals: 10_000,
  });
  if (positionals.length === 0) throw new CliError('YZ_ERR_USAGE', 'give the medium serials to receive');
  return withPlatform(values, async (p) => {
    const media = await receiveMedia(p, {
      serials: positionals,
      model: required(values.model, 'model'),
      ...(values.scheme ? { scheme: values.scheme } : {}),
      actor: OPERATOR,
      branchId: values.branch ?? null,
      batch: values.batch ?? null,
    });
    process.stdout.write(
      `${media.length} media received into stock 入库 (${media[0]!.model}, ${media[0]!.scheme}` +
        `${values.branch ? `, branch ${values.branch}` : ''}${values.batch ? `, batch ${values.batch}` : ''})\n`,
    );
    return Exit.OK;
  });
}

export async function mediaPersonalise(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'medium', 'serial'] });
  return withPlatform(values, async (p) => {
    const { medium, soPin } = await personaliseMedium(p, {
      mediumSerial: required(values.medium, 'medium'),
      certificateSerial: required(values.serial, 'serial'),
      actor: OPERATOR,
    });
    process.stdout.write(
      [
        `medium ${medium.serial} personalised 制证 for ${medium.uscc} (pair ${medium.pairId})`,
        `SO PIN (write it onto the key now; it is shown once, and audited): ${soPin}`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

export async function mediaSoPin(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'medium', 'reason'] });
  return withPlatform(values, async (p) => {
    const soPin = await readSoPin(p, {
      mediumSerial: required(values.medium, 'medium'),
      reason: required(values.reason, 'reason'),
      actor: OPERATOR,
    });
    process.stdout.write(`${soPin}\n`);
    return Exit.OK;
  });
}

function mediumStateCommand(state: 'lost' | 'retired') {
  return async (argv: string[]): Promise<number> => {
    const { values } = parseOptions(argv, { strings: ['data', 'medium', 'reason'] });
    return withPlatform(values, async (p) => {
      const medium = await setMediumState(p, {
        mediumSerial: required(values.medium, 'medium'),
        state,
        reason: required(values.reason, 'reason'),
        actor: OPERATOR,
      });
      process.stdout.write(`medium ${medium.serial} is now ${medium.state}\n`);
      return Exit.OK;
    });
  };
}
export const mediaLost = mediumStateCommand('lost');
export const mediaRetire = mediumStateCommand('retired');

/** unlock --medium S --challenge HEX --evidence KIND:REF [--new-pin PIN] [--channel C] */
export async function unlock(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'medium', 'challenge', 'evidence', 'new-pin', 'channel'],
  });
  const evidence = required(values.evidence, 'evidence');
  const colon = evidence.indexOf(':');
  if (colon <= 0)
    throw new CliError(
      'YZ_ERR_USAGE',
      '--evidence is KIND:REFERENCE, e.g. counter:身份证核验 or sms:138****0000',
    );
  return withPlatform(values, async (p) => {
    const result = await unlockMedium(p, {
      mediumSerial: required(values.medium, 'medium'),
      challenge: required(values.challenge, 'challenge'),
      evidence: { kind: evidence.slice(0, colon), reference: evidence.slice(colon + 1) },
      channel: channelOption(values.channel),
      actor: OPERATOR,
      ...(values['new-pin'] !== undefined ? { newUserPin: values['new-pin'] } : {}),
    });
    process.stdout.write(
      [
        `unlock response 解锁响应 (${result.scheme}), application ${result.applicationId}`,
        `  SO-PIN authentication (R1): ${result.authentication}`,
        `  new PIN cryptogram (R2):    ${result.pinCryptogram}`,
        ...(result.oneTimePin
          ? [`  one-time PIN 临时PIN (holder must change it): ${result.oneTimePin}`]
          : []),
        `  charge 收费: ${(result.charge.amountFen / 100).toFixed(2)} 元 ${result.charge.status} (${result.charge.note})`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

/** fees show | fees publish FILE.json ([{code, name, amountFen}, …]) */
export async function feesShow(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'], booleans: ['json'] });
  return withPlatform(values, async (p) => {
    const schedule = await p.store.read.latestFeeSchedule();
    if (!schedule)
      throw new CliError('YZ_ERR_USAGE', 'no fee schedule published yet: yizheng fees publish FILE');
    if (values.json) {
      process.stdout.write(JSON.stringify(schedule, null, 2) + '\n');
      return Exit.OK;
    }
    process.stdout.write(
      [
        `fee schedule 收费标准 version ${schedule.version}, published ${schedule.publishedAt.toISOString()} by ${schedule.publishedBy}`,
        ...schedule.items.map(
          (i) => `  ${i.code.padEnd(16)} ${(i.amountFen / 100).toFixed(2).padStart(9)} 元  ${i.name}`,
        ),
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

export async function feesPublish(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { strings: ['data'], positionals: 1 });
  const file = positionals[0];
  if (!file) throw new CliError('YZ_ERR_USAGE', 'give the fee schedule file: yizheng fees publish FILE.json');
  let items: FeeItem[];
  try {
    items = JSON.parse(new TextDecoder().decode(readInput(file))) as FeeItem[];
  } catch (error) {
    throw new CliError('YZ_ERR_FILE', `${file} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(items)) throw new CliError('YZ_ERR_FILE', `${file} must hold a JSON array of fee items`);
  return withPlatform(values, async (p) => {
    const schedule = await publishFeeSchedule(p, items, OPERATOR);
    process.stdout.write(
      `fee schedule version ${schedule.version} published with ${schedule.items.length} items\n`,
    );
    return Exit.OK;
  });
}

function dateOption(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new CliError('YZ_ERR_USAGE', `--${name} must be a date (YYYY-MM-DD)`);
  return date;
}

function wholeOption(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError('YZ_ERR_USAGE', `--${name} must be a whole number`);
  return n;
}

/** policy show | policy set [--service-from D --service-to D | --no-service-period]
 *  [--max-unlocks-per-day N] [--retention-years N] */
export async function policyShow(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'] });
  return withPlatform(values, async (p) => {
    const policy = await loadServicePolicy(p.store.read);
    const period = policy.servicePeriod;
    process.stdout.write(
      [
        `service period 服务期: ${period ? `${period.from.toISOString()} → ${period.to.toISOString()}` : 'not set'}`,
        `unlock responses per medium per 24 h: ${policy.maxUnlocksPerDay}`,
        `retention 保存期: ${policy.retentionYears} years after expiry or revocation`,
        `renewal window 更新窗口: ${policy.renewalWindowDays} days before expiry, ${policy.renewalGraceDays} days after`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

export async function policySet(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: [
      'data',
      'service-from',
      'service-to',
      'max-unlocks-per-day',
      'retention-years',
      'renewal-window-days',
      'renewal-grace-days',
    ],
    booleans: ['no-service-period'],
  });
  const from = values['service-from'];
  const to = values['service-to'];
  if ((from === undefined) !== (to === undefined))
    throw new CliError('YZ_ERR_USAGE', '--service-from and --service-to go together');
  return withPlatform(values, async (p) => {
    const policy = await updateServicePolicy(
      p,
      {
        ...(from !== undefined && to !== undefined
          ? { servicePeriod: { from: dateOption(from, 'service-from'), to: dateOption(to, 'service-to') } }
          : {}),
        ...(values['no-service-period'] ? { servicePeriod: null } : {}),
        ...(values['max-unlocks-per-day'] !== undefined
          ? { maxUnlocksPerDay: wholeOption(values['max-unlocks-per-day'], 'max-unlocks-per-day') }
          : {}),
        ...(values['retention-years'] !== undefined
          ? { retentionYears: wholeOption(values['retention-years'], 'retention-years') }
          : {}),
        ...(values['renewal-window-days'] !== undefined
          ? { renewalWindowDays: wholeOption(values['renewal-window-days'], 'renewal-window-days') }
          : {}),
        ...(values['renewal-grace-days'] !== undefined
          ? { renewalGraceDays: wholeOption(values['renewal-grace-days'], 'renewal-grace-days') }
          : {}),
      },
      OPERATOR,
    );
    process.stdout.write(
      `policy saved: service period ${policy.servicePeriod ? `${policy.servicePeriod.from.toISOString().slice(0, 10)} → ${policy.servicePeriod.to.toISOString().slice(0, 10)}` : 'not set'}, ` +
        `${policy.maxUnlocksPerDay} unlocks/day, retention ${policy.retentionYears} years, ` +
        `renewal from ${policy.renewalWindowDays} days before expiry to ${policy.renewalGraceDays} after\n`,
    );
    return Exit.OK;
  });
}

/** purge [--dry-run]: deletes certificates past the retention period (R7), audited per batch. */
export async function purge(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'], booleans: ['dry-run'] });
  return withPlatform(values, async (p) => {
    const result = await purgeExpired(p, {
      actor: OPERATOR,
      dryRun: values['dry-run'],
      onProgress: (n) => process.stderr.write(`\rpurged: ${n}`),
    });
    if (!result.dryRun && result.deleted > 0) process.stderr.write('\n');
    process.stdout.write(
      `${result.dryRun ? 'would purge' : 'purged'} ${result.deleted} certificates that ended before ${result.cutoff.toISOString()}\n` +
        result.sample
          .slice(0, 20)
          .map((s) => `  ${s}\n`)
          .join(''),
    );
    return Exit.OK;
  });
}
