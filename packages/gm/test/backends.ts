/** The SM2 backends every SM2 suite runs against: pure TypeScript always, native when built. */
import { afterAll, beforeAll } from 'vitest';
import { type Sm2Backend, sm2Backend, typescriptBackend, useSm2Backend } from '../src/index.js';

const loaded = sm2Backend();
/** Distinct backends available here (the native one is built by `npm ci` on these machines). */
export const backends: Sm2Backend[] =
  loaded === typescriptBackend ? [typescriptBackend] : [loaded, typescriptBackend];

/** Makes `backend` current for the enclosing describe block. */
export function withBackend(backend: Sm2Backend): void {
  let previous: Sm2Backend;
  beforeAll(() => {
    previous = useSm2Backend(backend);
  });
  afterAll(() => {
    useSm2Backend(previous);
  });
}
