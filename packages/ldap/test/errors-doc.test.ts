/** docs/errors.md lists exactly the ldap layer's codes, each with the LDAP result code it answers (design §6b). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LDAP_ERROR_CODES, resultCodeName } from '../src/index.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/errors.md'), 'utf8');
const rows = [...doc.matchAll(/^\| `(YZ_ERR_[A-Z0-9_]+)` \| (\w+) \| (.*) \|$/gm)];

describe('ldap error registry', () => {
  it('ok/docs/errors.md has one ldap row per code, naming its LDAP result code', () => {
    const documented = rows.filter((m) => m[2] === 'ldap');
    expect(documented.map((m) => m[1]).sort()).toEqual(Object.keys(LDAP_ERROR_CODES).sort());
    for (const [, code, , meaning] of documented) {
      const [, resultCode] = LDAP_ERROR_CODES[code as keyof typeof LDAP_ERROR_CODES];
      expect(meaning).toContain(`LDAP ${resultCodeName(resultCode)} (${resultCode})`);
    }
  });

  it('ok/every row belongs to a known layer', () => {
    expect(new Set(rows.map((m) => m[2]))).toEqual(new Set(['gm', 'core', 'cli', 'server', 'ldap', 'web']));
  });
});
