/**
 * Errors of the command line and its exit codes. Exit 0: done (or signature valid); 1: the
 * answer is "no" (signature invalid); 2: bad input or usage — always with a YZ_ERR_* code.
 */
import { isGmError } from '@yizheng/gm';
import { isCoreError } from '@yizheng/core';
import { ServerError } from '@yizheng/server';

/** Codes the CLI itself raises (gm's codes pass through unchanged). */
export const CLI_ERROR_CODES = {
  YZ_ERR_USAGE: 'the command line is incomplete or has an unknown option',
  YZ_ERR_FILE: 'a file could not be read or written',
} as const;

/** A CLI error code. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/** A usage or file error, reported with its code and exit status 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Exit statuses. */
export const Exit = { OK: 0, NO: 1, BAD_INPUT: 2 } as const;

/** `code: message` of an error the user can act on, or null for a bug. */
export function describeError(error: unknown): string | null {
  if (error instanceof CliError || error instanceof ServerError || isGmError(error) || isCoreError(error))
    return `${error.code}: ${error.message}`;
  return null;
}
