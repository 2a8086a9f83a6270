/** docs/errors.md lists exactly the web layer's soft-key codes (SOFTKEY_ERROR_CODES, R34), like every layer's. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOFTKEY_ERROR_CODES } from '../src/softkey/errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('web error registry (soft certificates)', () => {
  it('ok/docs/errors.md has one web row per soft-key code', () => {
    const documented = [...doc.matchAll(/^\| `(YZ_ERR_[A-Z0-9_]+)` \| web \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(SOFTKEY_ERROR_CODES).sort());
  });
});
