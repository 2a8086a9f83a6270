/** docs/errors.md lists exactly the codes of the registries in code (design §6b). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GM_ERROR_CODES } from '@yizheng/gm';
import { CORE_ERROR_CODES } from '@yizheng/core';
import { SERVER_ERROR_CODES } from '@yizheng/server';
import { CLI_ERROR_CODES } from '../src/cli-error.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/errors.md'), 'utf8');
// The ldap layer's rows are checked by packages/ldap/test/errors-doc.test.ts (cli does not depend on ldap),
// the web layer's by apps/web/test/softkey-errors-doc.test.ts.
const documented = [...doc.matchAll(/^\| `(YZ_ERR_[A-Z0-9_]+)` \| (\w+) \|/gm)]
  .filter((m) => m[2] !== 'ldap' && m[2] !== 'web')
  .map((m) => `${m[2]}:${m[1]}`);

describe('error registry', () => {
  it('ok/docs/errors.md has one row per code, with its layer', () => {
    const inCode = [
      ...Object.keys(GM_ERROR_CODES).map((c) => `gm:${c}`),
      ...Object.keys(CLI_ERROR_CODES).map((c) => `cli:${c}`),
      ...Object.keys(CORE_ERROR_CODES).map((c) => `core:${c}`),
      ...Object.keys(SERVER_ERROR_CODES).map((c) => `server:${c}`),
    ];
    expect([...documented].sort()).toEqual([...inCode].sort());
  });
});
