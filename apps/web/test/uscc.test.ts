/** R33: the counter form's GB 32100 check agrees with the platform's (`isValidUscc` of @yizheng/pki). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidUscc as platformCheck } from '@yizheng/pki';
import { isValidUscc, normalizeUscc } from '../src/uscc.js';

const SYMBOLS = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'];

describe('USCC check in the web form (R33)', () => {
  it('ok/accepts valid codes, in any case and with spaces around', () => {
    for (const code of ['91330106MA2B3C4D5D', '91330201MA2C3D4E55']) expect(isValidUscc(code)).toBe(true);
    expect(isValidUscc(normalizeUscc(' 91330106ma2b3c4d5d '))).toBe(true);
  });

  it('refused/a wrong check character, a wrong length or a symbol outside the set', () => {
    for (const code of [
      '91330106MA2B3C4D5X',
      '91330106MA2B3C4D5',
      '91330106MA2B3C4D5DD',
      '91330106MA2B3C4I5D',
    ])
      expect(isValidUscc(code)).toBe(false);
  });

  it('ok/agrees with the platform on random 18-symbol codes', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SYMBOLS), { minLength: 18, maxLength: 18 }), (symbols) => {
        const code = symbols.join('');
        const valid = isValidUscc(code);
        if (valid) expect(platformCheck(code)).toBe(true);
        // every code the platform accepts the form accepts too
        if (platformCheck(code)) expect(valid).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
