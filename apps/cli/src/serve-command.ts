/**
 * `yizheng serve [--data DIR] [--host H] [--http-port N] [--ldap-port N] [--base-url URL]
 * [--config FILE]`: runs the platform (issue 5). Options override the configuration file and the
 * environment (see docs/operations.md).
 */
import { closeOnSignals, loadConfig, startServer } from '@yizheng/server';
import { CliError, Exit } from './cli-error.js';
import { parseOptions } from './io.js';

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError('YZ_ERR_USAGE', `--${name} must be a port number`);
  return Number(value);
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'host', 'http-port', 'ldap-port', 'base-url', 'config', 'log-level'],
  });
  const httpPort = port(values['http-port'], 'http-port');
  const ldapPort = port(values['ldap-port'], 'ldap-port');
  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    options: {
      ...(values.data ? { dataDir: values.data } : {}),
      ...(values.host ? { host: values.host } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(ldapPort !== undefined ? { ldapPort } : {}),
      ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      ...(values['log-level'] ? { logLevel: values['log-level'] as never } : {}),
    },
  });
  const server = await startServer(config);
  closeOnSignals(server);
  // keep running until a signal closes the server
  await new Promise<never>(() => undefined);
  return Exit.OK;
}
