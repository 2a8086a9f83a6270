/** Plain words for a soft-key or API refusal on the portal's certificate pages (R34). */
import { asApiError } from '../load.js';
import { SoftKeyError } from '../softkey/index.js';

export function refusalText(
  caught: unknown,
  errorText: (code: string, detail: string) => string,
  attemptsText: (n: number) => string,
): string {
  if (caught instanceof SoftKeyError) {
    const words = errorText(caught.code, caught.message);
    return caught.attemptsLeft === undefined ? words : `${words} ${attemptsText(caught.attemptsLeft)}`;
  }
  const apiError = asApiError(caught);
  return errorText(apiError.code, apiError.detail);
}
