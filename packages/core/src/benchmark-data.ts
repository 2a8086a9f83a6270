/**
 * Fictional legal persons for the benchmarks (issue 4 "Speed and scale"; R1: a million legal
 * persons): the n-th has a distinct unified social credit code (统一社会信用代码) with a valid
 * GB 32100 check character and a name made from it, so a million of them never collide.
 */
import { isValidUscc } from '@yizheng/pki';

/** GB 32100 characters (no I, O, S, V, Z) and the weights of the 17 leading positions. */
const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Cities the names are drawn from (fictional companies, real places). */
const CITIES = ['杭州', '宁波', '温州', '嘉兴', '湖州', '绍兴', '金华', '衢州', '舟山', '台州', '丽水'];

/**
 * `91` (enterprise, industrial and commercial) + `330106` (Hangzhou, Xihu) + a 9-character
 * organisation code spelling `n` in base 31 + the check character; distinct for n < 31^9.
 * @example benchmarkUscc(42) // '9133010600000001B3'
 */
export function benchmarkUscc(n: number): string {
  let body = '';
  for (let i = 0, v = n; i < 9; i++, v = Math.floor(v / 31)) body = USCC_CHARACTERS[v % 31] + body;
  const first17 = `91330106${body}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARACTERS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const code = first17 + USCC_CHARACTERS[(31 - (sum % 31)) % 31];
  if (!isValidUscc(code)) throw new RangeError(`benchmarkUscc(${n}) made an invalid code ${code}`);
  return code;
}

/** The n-th fictional company, e.g. "杭州某某科技有限公司（第42号）". */
export function benchmarkCompanyName(n: number): string {
  return `${CITIES[n % CITIES.length]}某某科技有限公司（第${n}号）`;
}
