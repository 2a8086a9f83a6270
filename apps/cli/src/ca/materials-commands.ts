/**
 * Materials management from the command line (物资管理, R33): `media list`, `media transfer`,
 * `media scrap`, `media threshold` and `media warnings`. Like the account commands, whoever runs
 * these holds the database, so the command line acts as a CA administrator on every branch
 * (audited under YIZHENG_OPERATOR); counter staff use the web counter or the API for their branch.
 */
import {
  type AccountActor,
  type MediumState,
  lowStockWarnings,
  scrapMedium,
  setStockThreshold,
  transferMedia,
} from '@yizheng/core';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, required } from '../io.js';
import { OPERATOR } from './commands.js';
import { withPlatform } from './context.js';

const CLI_ADMIN: AccountActor = { name: OPERATOR, roles: ['ca-admin'], branchId: null };

/** media list [--branch B] [--state S] [--model M] [--batch N] [--serial S] [--limit N] */
export async function mediaList(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'branch', 'state', 'model', 'batch', 'serial', 'limit'],
  });
  const limit = Number(values.limit ?? 200);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new CliError('YZ_ERR_USAGE', '--limit must be a whole number ≥ 1');
  return withPlatform(values, async (p) => {
    const media = await p.store.read.queryMedia({
      ...(values.branch ? { branchId: values.branch } : {}),
      ...(values.state ? { state: values.state as MediumState } : {}),
      ...(values.model ? { model: values.model } : {}),
      ...(values.batch ? { batch: values.batch } : {}),
      ...(values.serial ? { serial: values.serial } : {}),
      limit,
    });
    for (const m of media)
      process.stdout.write(
        `${m.serial}\t${m.model}\t${m.batch ?? '-'}\t${m.branchId ?? '(central)'}\t${m.state}\t${m.uscc ?? ''}\n`,
      );
    return Exit.OK;
  });
}

/** media transfer --to B [--reason R] SERIAL… */
export async function mediaTransfer(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'to', 'reason'],
    positionals: 1000,
  });
  if (positionals.length === 0) throw new CliError('YZ_ERR_USAGE', 'give the medium serials to transfer');
  return withPlatform(values, async (p) => {
    const moved = await transferMedia(
      p,
      {
        serials: positionals,
        toBranch: required(values.to, 'to'),
        ...(values.reason ? { reason: values.reason } : {}),
      },
      CLI_ADMIN,
    );
    process.stdout.write(`${moved.length} media in transit 调拨在途 to ${values.to}\n`);
    return Exit.OK;
  });
}

/** media scrap --medium S --reason R */
export async function mediaScrap(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'medium', 'reason'] });
  return withPlatform(values, async (p) => {
    const medium = await scrapMedium(
      p,
      { serial: required(values.medium, 'medium'), reason: required(values.reason, 'reason') },
      CLI_ADMIN,
    );
    process.stdout.write(`medium ${medium.serial} scrapped 已报废\n`);
    return Exit.OK;
  });
}

/** media threshold --branch B --model M --minimum N */
export async function mediaThreshold(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'branch', 'model', 'minimum'] });
  return withPlatform(values, async (p) => {
    const t = await setStockThreshold(
      p,
      {
        branchId: required(values.branch, 'branch'),
        model: required(values.model, 'model'),
        minimum: Number(required(values.minimum, 'minimum')),
      },
      CLI_ADMIN,
    );
    process.stdout.write(`low-stock threshold 预警阈值 of ${t.branchId} ${t.model}: ${t.minimum}\n`);
    return Exit.OK;
  });
}

/** media warnings [--branch B]: exit 1 when a branch is short of stock (for a scheduler). */
export async function mediaWarnings(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'branch'] });
  return withPlatform(values, async (p) => {
    const warnings = await lowStockWarnings(p.store, values.branch);
    for (const w of warnings)
      process.stdout.write(
        `低库存 low stock: ${w.branchId} ${w.model} ${w.inStock} in stock < ${w.minimum}\n`,
      );
    return warnings.length === 0 ? Exit.OK : Exit.NO;
  });
}
