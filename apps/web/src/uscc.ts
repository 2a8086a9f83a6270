/**
 * GB 32100-2015 统一社会信用代码 (USCC) check in the browser, so the counter refuses a mistyped
 * code before asking the server (R33). 18 characters from 31 symbols (no I, O, S, V, Z); the last
 * is the check character over the first 17 with weights 3^i mod 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The USCC in canonical form (trimmed, upper case). */
export function normalizeUscc(text: string): string {
  return text.trim().toUpperCase();
}

/** Whether `uscc` (canonical form) has 18 valid symbols and a correct check character. */
export function isValidUscc(uscc: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(uscc)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(uscc[i]!) * WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return uscc[17] === ALPHABET[check];
}
