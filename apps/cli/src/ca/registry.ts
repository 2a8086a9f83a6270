/**
 * Which legal-person registry (法人综合库, R26) the CLI asks: the in-process simulator seeded
 * with `registrySeed()` by default (the embedded default, design §4), or the HTTP adapter when
 * `--registry URL` or `YIZHENG_REGISTRY_URL` names a gateway (`YIZHENG_REGISTRY_TOKEN`: bearer
 * token, `YIZHENG_REGISTRY_TIMEOUT_MS`: per-attempt timeout). On PostgreSQL — a production store —
 * the simulator is used only when asked for by name (`--registry sim`), so fictional registry data
 * never approves a real application by accident.
 */
import { CoreError, type LegalPersonRegistry } from '@yizheng/core';
import { HttpLegalPersonRegistry, LegalPersonRegistrySimulator } from '@yizheng/connectors';
import { CliError } from '../cli-error.js';

/** The registry for `option` (`sim`, a URL, or undefined for the default). */
export function openRegistry(option: string | undefined): LegalPersonRegistry {
  const choice = option ?? process.env.YIZHENG_REGISTRY_URL;
  if (choice === 'sim') return new LegalPersonRegistrySimulator();
  if (!choice) {
    if (process.env.DATABASE_URL)
      throw new CoreError(
        'YZ_ERR_REGISTRY_UNAVAILABLE',
        'set YIZHENG_REGISTRY_URL when the store is PostgreSQL (or pass --registry sim to use the simulator)',
      );
    return new LegalPersonRegistrySimulator();
  }
  const timeout = process.env.YIZHENG_REGISTRY_TIMEOUT_MS;
  const timeoutMs = timeout === undefined ? undefined : Number(timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new CliError('YZ_ERR_USAGE', 'YIZHENG_REGISTRY_TIMEOUT_MS must be a whole number of milliseconds');
  const token = process.env.YIZHENG_REGISTRY_TOKEN;
  return new HttpLegalPersonRegistry({
    baseUrl: choice,
    ...(timeoutMs ? { timeoutMs } : {}),
    ...(token ? { token } : {}),
  });
}
