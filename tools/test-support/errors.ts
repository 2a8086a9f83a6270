/** Test helper: the `YZ_ERR_*` code a call throws, 'no error' when it returns; other errors propagate. */
import { isGmError } from '@yizheng/gm';

export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isGmError(error)) return error.code;
    throw error;
  }
  return 'no error';
}
