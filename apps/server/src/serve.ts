/**
 * `yizheng serve` / `npm start` (issue 5 "Start-up"): checks the configuration, opens the
 * platform, on the embedded default's first run creates the demo CA chain, profiles and fee
 * schedule and, while no operator exists, the operator `admin` (CA administrator) with a random
 * password printed once, then listens and prints the URLs. SIGINT/SIGTERM close gracefully:
 * requests in flight finish, then the database closes.
 */
import { bootstrapDemo, ensureInitialAdmin } from '@yizheng/core';
import { type YizhengServer, buildServer } from './app.js';
import type { ServerConfig } from './config.js';
import { type Platform, openPlatform, platformOptionsFromEnv } from './platform.js';
import { StatusScheduler } from './scheduler.js';

export interface RunningServer extends YizhengServer {
  readonly platform: Platform;
  readonly scheduler: StatusScheduler;
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service; `print` receives the start-up lines (default stdout). */
export async function startServer(
  config: ServerConfig,
  options: { print?: (line: string) => void; logger?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const platform = await openPlatform({
    ...platformOptionsFromEnv(config.dataDir, options.env),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.schema ? { schema: config.schema } : {}),
  });
  try {
    if (platform.embedded && (await platform.store.read.listCas()).length === 0) {
      const { ca } = await bootstrapDemo(platform, { actor: 'system:first-run', baseUrl: config.baseUrl });
      print(`first run: demo CA ${ca.record.id} created in ${platform.dataDir} 首次运行：已创建演示 CA`);
    }
    const admin = platform.embedded ? await ensureInitialAdmin(platform, 'system:first-run') : undefined;
    if (admin)
      print(
        `first run: operator ${admin.login} (ca-admin) created, password (shown once): ${admin.password} ` +
          '首次运行：已创建管理员，口令只显示这一次',
      );
    const server = await buildServer(
      platform,
      config,
      options.logger === undefined ? {} : { logger: options.logger },
    );
    const scheduler = new StatusScheduler(platform, config, server.statusWatch, server.app.log);
    const address = await server.app.listen({ host: config.host, port: config.httpPort });
    scheduler.start();
    print(`Yizheng 一证 is serving on ${address}`);
    print(`  API docs (OpenAPI): ${address}/docs`);
    print(`  CA certificates:    ${address}/ca`);
    print(`  CRL, OCSP:          ${address}/crl/{ca}.crl, ${address}/crl/{ca}-delta.crl, ${address}/ocsp`);
    print(`  health:             ${address}/healthz, ${address}/readyz, metrics ${address}/metrics`);
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await scheduler.stop();
        await server.app.close();
        await platform.close();
      })());
    return { ...server, platform, scheduler, url: address, close };
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** Closes `server` on SIGINT/SIGTERM (a second signal exits at once). */
export function closeOnSignals(
  server: RunningServer,
  print: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): void {
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) process.exit(1);
    signalled = true;
    print(`${signal}: closing — finishing requests in flight`);
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        print(`close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
