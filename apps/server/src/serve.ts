/**
 * `yizheng serve` / `npm start` (issue 5 "Start-up"): checks the configuration, opens the
 * platform, on the embedded default's first run creates the demo CA chain, profiles and fee
 * schedule and, while no operator exists, the operator `admin` (CA administrator) with a random
 * password printed once — and, with the demo CA, the demo branch 网点 `hz-xihu`, its counter
 * operator `counter` (password printed once too) and a few demo USB-KEYs in its stock (issue 6
 * "Done when") — then listens — HTTP, the embedded LDAP server (R5, unless
 * `ldap.enabled` is false) and, when `ldapPublish` is set, the publisher to an external directory —
 * and prints the URLs. SIGINT/SIGTERM close gracefully: requests in flight finish, then the
 * database closes.
 */
import { bootstrapDemo, ensureDemoCounter, ensureInitialAdmin } from '@yizheng/core';
import { type YizhengServer, buildServer } from './app.js';
import type { ServerConfig } from './config.js';
import { type Platform, openPlatform, platformOptionsFromEnv } from './platform.js';
import {
  type RunningDirectory,
  type RunningPublisher,
  startDirectory,
  startPublisher,
} from './ldap-service.js';
import { StatusScheduler } from './scheduler.js';

export interface RunningServer extends YizhengServer {
  readonly platform: Platform;
  readonly scheduler: StatusScheduler;
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  /** The embedded LDAP server, unless `ldap.enabled` is false. */
  readonly ldap: RunningDirectory | undefined;
  /** The publisher to an external directory, when `ldapPublish` is set. */
  readonly publisher: RunningPublisher | undefined;
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
  // once the app is built, closing it closes everything started so far (and the database)
  let shutdown: (() => Promise<void>) | undefined;
  try {
    let demoCa = false;
    if (platform.embedded && (await platform.store.read.listCas()).length === 0) {
      const { ca } = await bootstrapDemo(platform, { actor: 'system:first-run', baseUrl: config.baseUrl });
      print(`first run: demo CA ${ca.record.id} created in ${platform.dataDir} 首次运行：已创建演示 CA`);
      demoCa = true;
    }
    const admin = platform.embedded ? await ensureInitialAdmin(platform, 'system:first-run') : undefined;
    if (admin)
      print(
        `first run: operator ${admin.login} (ca-admin) created, password (shown once): ${admin.password} ` +
          '首次运行：已创建管理员，口令只显示这一次 — back office 后台 /admin',
      );
    // the demo counter only beside the demo CA just made: never on a platform with a real CA
    const desk = demoCa ? await ensureDemoCounter(platform, 'system:first-run') : undefined;
    if (desk)
      print(
        `first run: demo counter operator ${desk.login} (branch-operator, branch ${desk.branchId}, ` +
          `${desk.media} demo USB-KEYs in stock), its password (shown once): ${desk.password} ` +
          '演示网点受理员，口令只显示这一次 — branch counter 网点 /counter',
      );
    if (desk)
      print(
        '  demo legal person 演示法人: 杭州某某科技有限公司 91330106MA2B3C4D5D (法定代表人 张三): ' +
          'issue its first certificate at /counter with the agent phone, then log in at /portal by SMS code',
      );
    const server = await buildServer(
      platform,
      config,
      options.logger === undefined ? {} : { logger: options.logger },
    );
    const scheduler = new StatusScheduler(platform, config, server.statusWatch, server.app.log);
    let ldap: RunningDirectory | undefined;
    let publisher: RunningPublisher | undefined;
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await scheduler.stop();
        await publisher?.close();
        await ldap?.server.close();
        await server.app.close();
        await platform.close();
      })());
    shutdown = close;
    const address = await server.app.listen({ host: config.host, port: config.httpPort });
    if (config.ldap.enabled) ldap = await startDirectory(platform, config, server.app.log);
    if (config.ldapPublish)
      publisher = startPublisher(
        platform,
        config,
        (options.env ?? process.env).YIZHENG_LDAP_PUBLISH_PASSWORD,
        server.app.log,
        server.metrics.registry,
      );
    scheduler.start();
    print(`Yizheng 一证 is serving on ${address}`);
    print(
      server.web
        ? `  web platform:       ${address}/  (portal, counter, admin 门户、网点、后台)`
        : '  web platform:       not built (npm run build -w @yizheng/web) 网页端未构建',
    );
    print(`  API docs (OpenAPI): ${address}/docs`);
    print(`  CA certificates:    ${address}/ca`);
    print(`  CRL, OCSP:          ${address}/crl/{ca}.crl, ${address}/crl/{ca}-delta.crl, ${address}/ocsp`);
    if (ldap) print(`  LDAP (read-only):   ${ldap.url}  base ${ldap.suffix}`);
    if (config.ldapPublish)
      print(`  LDAP publisher:     to ${config.ldapPublish.url}  base ${config.ldapPublish.baseDn}`);
    print(`  health:             ${address}/healthz, ${address}/readyz, metrics ${address}/metrics`);
    return { ...server, platform, scheduler, url: address, ldap, publisher, close };
  } catch (error) {
    // what started stops again (the LDAP port taken, no publisher password, …)
    await (shutdown ?? (() => platform.close()))();
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
