/**
 * Which legal-person registry (法人综合库, R26) the platform asks, for the server and the CLI
 * alike: the in-process simulator seeded with `registrySeed()` on the embedded default (design
 * §4), or the HTTP adapter when `YIZHENG_REGISTRY_URL` (or the CLI's `--registry URL`) names a
 * gateway (`YIZHENG_REGISTRY_TOKEN`: bearer token, `YIZHENG_REGISTRY_TIMEOUT_MS`: per-attempt
 * timeout). On PostgreSQL — a production store — the simulator is used only when asked for by
 * name (`sim`), so fictional registry data never approves a real application by accident.
 */
import { CoreError, type LegalPersonRegistry } from '@yizheng/core';
import { HttpLegalPersonRegistry, LegalPersonRegistrySimulator } from '@yizheng/connectors';
import { ServerError } from './errors.js';

/**
 * The registry for `choice` (`sim`, a gateway URL, or undefined for `YIZHENG_REGISTRY_URL` and
 * then the default of the store: the simulator when `embedded`, else `YZ_ERR_REGISTRY_UNAVAILABLE`).
 */
export function openRegistry(
  choice: string | undefined,
  options: { readonly embedded: boolean; readonly env?: NodeJS.ProcessEnv },
): LegalPersonRegistry {
  const env = options.env ?? process.env;
  const chosen = choice ?? env.YIZHENG_REGISTRY_URL;
  if (chosen === 'sim') return new LegalPersonRegistrySimulator();
  if (!chosen) {
    if (!options.embedded)
      throw new CoreError(
        'YZ_ERR_REGISTRY_UNAVAILABLE',
        'set YIZHENG_REGISTRY_URL when the store is PostgreSQL (the value sim, or the CLI option --registry sim, uses the simulator)',
      );
    return new LegalPersonRegistrySimulator();
  }
  const timeout = env.YIZHENG_REGISTRY_TIMEOUT_MS;
  const timeoutMs = timeout === undefined ? undefined : Number(timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new ServerError(
      'YZ_ERR_CONFIG',
      'YIZHENG_REGISTRY_TIMEOUT_MS must be a whole number of milliseconds',
    );
  const token = env.YIZHENG_REGISTRY_TOKEN;
  return new HttpLegalPersonRegistry({
    baseUrl: chosen,
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(token ? { token } : {}),
  });
}
