/**
 * Fictional unified social credit codes with a valid GB 32100 check character, for tests that
 * need many distinct legal persons. Not a copy of @yizheng/pki's checker: computed here
 * independently from the standard's table so the two cross-check.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** `91330106` + a 9-character organisation code derived from `n` + the check character. */
export function testUscc(n: number, region = '330106'): string {
  let body = '';
  for (let i = 0, v = n; i < 9; i++, v = Math.floor(v / 31)) body = CHARSET[v % 31] + body;
  const first17 = `91${region}${body}`;
  const sum = [...first17].reduce((acc, ch, i) => acc + CHARSET.indexOf(ch) * WEIGHTS[i]!, 0);
  return first17 + CHARSET[(31 - (sum % 31)) % 31];
}
