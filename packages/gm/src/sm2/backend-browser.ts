/**
 * The SM2 backend in a browser bundle (R34 soft certificates): always pure TypeScript, since a
 * web page can load neither the native addon nor node:module. Same exports as `backend.ts`, which
 * package.json `imports` "#sm2-backend" selects on Node.
 */
import { type Sm2Backend, typescriptBackend } from './curve.js';

/** Why the native backend is not in use: a browser never has it. */
export const nativeUnavailableReason: string | null = 'not available in a browser';

let chosen: Sm2Backend = typescriptBackend;

/** The backend in use. */
export function sm2Backend(): Sm2Backend {
  return chosen;
}

/** Replaces the backend. Returns the previous one. */
export function useSm2Backend(backend: Sm2Backend): Sm2Backend {
  const previous = chosen;
  chosen = backend;
  return previous;
}
