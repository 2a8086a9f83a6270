/** File and argument helpers shared by CLI commands; every failure is a coded CliError. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fromHex } from '@yizheng/gm';
import { CliError } from './cli-error.js';

/** Reads a file ('-' is standard input). */
export function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (error) {
    throw new CliError(
      'YZ_ERR_FILE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

/** Writes a file ('-' is standard output); `mode` for secrets. */
export function writeOutput(path: string, data: Uint8Array | string, mode?: number): void {
  try {
    if (path === '-') process.stdout.write(data);
    else writeFileSync(path, data, mode === undefined ? undefined : { mode });
  } catch (error) {
    throw new CliError(
      'YZ_ERR_FILE',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

/** What a command accepts: string options (with defaults), boolean flags, positional count. */
export interface OptionSpec<S extends string, B extends string> {
  strings?: readonly S[];
  booleans?: readonly B[];
  defaults?: Partial<Record<S, string>>;
  positionals?: number;
}

/** Parsed options: strings (undefined when absent and without default), flags, positionals. */
export interface ParsedOptions<S extends string, B extends string> {
  values: Record<S, string | undefined> & Record<B, boolean>;
  positionals: string[];
}

/** Parses `argv` strictly: unknown options and stray arguments are YZ_ERR_USAGE. */
export function parseOptions<S extends string = never, B extends string = never>(
  argv: string[],
  spec: OptionSpec<S, B>,
): ParsedOptions<S, B> {
  const options: ParseArgsConfig['options'] = {};
  for (const name of spec.strings ?? []) options[name] = { type: 'string', default: spec.defaults?.[name] };
  for (const name of spec.booleans ?? []) options[name] = { type: 'boolean', default: false };
  const allowed = spec.positionals ?? 0;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: allowed > 0 });
  } catch (error) {
    throw new CliError('YZ_ERR_USAGE', (error as Error).message);
  }
  if (parsed.positionals.length > allowed) {
    throw new CliError('YZ_ERR_USAGE', `unexpected argument ${parsed.positionals[allowed]}`);
  }
  return parsed as unknown as ParsedOptions<S, B>;
}

/** A required option's value. */
export function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError('YZ_ERR_USAGE', `--${name} is required`);
  return value;
}

/** Hex option value as bytes. */
export function hexOption(value: string, name: string): Uint8Array {
  try {
    return fromHex(value);
  } catch {
    throw new CliError('YZ_ERR_USAGE', `--${name} must be hex`);
  }
}
