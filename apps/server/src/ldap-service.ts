/**
 * The directory side of the service (R5 LDAP publication, R6 7×24 with answers within 3 s):
 * - the embedded read-only LDAP server on `ldapPort`, answering from the database through
 *   `StoreDirectory` (a revocation is gone at the next search, on every node);
 * - when `ldapPublish` is set, the outbox worker publishing to that external directory, with its
 *   metrics: jobs pending and the age of the oldest (the publication lag), jobs published and
 *   failed, and the lag of each published job; and the sweep that queues expired certificates
 *   for removal from it (R7).
 * `startServer` starts both and closes them on shutdown.
 */
import { sweepExpiredCertificates } from '@yizheng/core';
import { LdapServer, type LdapServerEvent } from '@yizheng/ldap';
import {
  DirectoryTree,
  LDAP_PUBLISH_KINDS,
  LdapPublisher,
  OutboxWorker,
  PublishError,
  StoreDirectory,
} from '@yizheng/publish';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type ServerConfig, readCaBundle } from './config.js';
import { ServerError } from './errors.js';
import type { Platform } from './platform.js';

/** The embedded LDAP server, listening. */
export interface RunningDirectory {
  readonly server: LdapServer;
  /** `ldap://host:port` actually bound (ldapPort 0 picks a free one). */
  readonly url: string;
  /** The directory's suffix, e.g. `o=Yizheng Demo CA,c=CN`. */
  readonly suffix: string;
}

function urlOf(host: string, port: number): string {
  return `ldap://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Starts the embedded LDAP server on `config.host`:`config.ldapPort`. */
export async function startDirectory(
  platform: Platform,
  config: ServerConfig,
  log: FastifyBaseLogger,
): Promise<RunningDirectory> {
  const tree = DirectoryTree.ofOrganization(config.ldap.organization);
  const server = new LdapServer({
    backend: new StoreDirectory(platform.store, platform.clock, { tree }),
    sizeLimit: config.ldap.sizeLimit,
    timeLimitMs: config.ldap.timeLimitSeconds * 1000,
    maxConnections: config.ldap.maxConnections,
    onEvent: (event: LdapServerEvent) => {
      // a backend failure is ours; a client's garbage or a dropped socket is the client's
      if (event.type === 'operation-error') log.error({ ldap: event }, 'LDAP search failed');
      else log.debug({ ldap: event }, 'LDAP client error');
    },
  });
  const { port } = await server.listen(config.ldapPort, config.host);
  return { server, url: urlOf(config.host, port), suffix: tree.suffix };
}

/** The publisher's worker, running until `close`. */
export interface RunningPublisher {
  readonly worker: OutboxWorker;
  close(): Promise<void>;
}

/**
 * Starts the outbox worker publishing to `config.ldapPublish` as its bind DN with `password`
 * (YIZHENG_LDAP_PUBLISH_PASSWORD); its metrics go to `registry`.
 */
export function startPublisher(
  platform: Platform,
  config: ServerConfig,
  password: string | undefined,
  log: FastifyBaseLogger,
  registry: Registry,
): RunningPublisher {
  const settings = config.ldapPublish;
  if (settings === undefined) throw new TypeError('startPublisher needs config.ldapPublish');
  if (!password)
    throw new ServerError(
      'YZ_ERR_CONFIG',
      'YIZHENG_LDAP_PUBLISH_PASSWORD must be set when ldapPublish is configured',
    );
  const publisher = new LdapPublisher(platform, {
    url: settings.url,
    bindDn: settings.bindDn,
    password,
    tree: new DirectoryTree(settings.baseDn),
    timeoutMs: settings.timeoutMs,
    ...(settings.caFile !== undefined ? { ca: readCaBundle(settings.caFile) } : {}),
    ...(settings.startTls ? { startTls: true } : {}),
  });
  const jobs = new Counter({
    name: 'yizheng_ldap_publish_jobs_total',
    help: 'Outbox jobs for the external LDAP directory, by result (done, failed attempt)',
    labelNames: ['result', 'reason'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'yizheng_ldap_publish_lag_seconds',
    help: 'From the change (outbox job written) to its publication in the external LDAP directory',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 86_400],
    registers: [registry],
  });
  const backlog = () => platform.store.read.outboxBacklog(LDAP_PUBLISH_KINDS);
  new Gauge({
    name: 'yizheng_ldap_publish_pending',
    help: 'Outbox jobs waiting for the external LDAP directory',
    registers: [registry],
    async collect() {
      this.set((await backlog()).pending);
    },
  });
  new Gauge({
    name: 'yizheng_ldap_publish_oldest_pending_seconds',
    help: 'Age of the oldest job waiting for the external LDAP directory (0 when none waits)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await backlog();
      const age = oldestCreatedAt ? platform.clock.now().getTime() - oldestCreatedAt.getTime() : 0;
      this.set(Math.max(0, age) / 1000);
    },
  });
  const worker = new OutboxWorker(platform, {
    kinds: LDAP_PUBLISH_KINDS,
    handle: (job) => publisher.publish(job),
    leaseName: 'ldap-publish',
    batchSize: settings.batchSize,
    pollMs: settings.pollMs,
    retryMinMs: settings.retryMinMs,
    retryMaxMs: settings.retryMaxMs,
    onEvent: (event) => {
      if (event.type === 'done') {
        jobs.inc({ result: 'done', reason: '' });
        lag.observe(Math.max(0, event.lagMs) / 1000);
        return;
      }
      const reason = event.error instanceof PublishError ? event.error.reason : 'error';
      jobs.inc({ result: 'failed', reason });
      log.warn(
        {
          err: event.error,
          job: event.type === 'failed' ? event.job.id : undefined,
          retryInMs: event.retryInMs,
        },
        'LDAP publication failed; retrying later (issuance is not affected)',
      );
    },
  });
  worker.start();
  const sweeps = startExpirySweep(platform, settings.expirySweepMinutes * 60_000, log);
  return {
    worker,
    async close() {
      await sweeps.stop();
      await worker.stop();
      publisher.close();
    },
  };
}

/**
 * Every `intervalMs` (and once at start) enqueues the removal of certificates that expired since
 * the last sweep from the external directory (R7; core `sweepExpiredCertificates`, one node at a
 * time). A failure (database down) is logged and retried at the next interval.
 */
function startExpirySweep(
  platform: Platform,
  intervalMs: number,
  log: FastifyBaseLogger,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = sweepExpiredCertificates(platform).then(
      (result) => {
        if (result.status === 'swept' && result.enqueued > 0)
          log.info(
            { enqueued: result.enqueued },
            'expired certificates queued for removal from the external directory',
          );
      },
      (error: unknown) => log.warn({ err: error }, 'expiry sweep failed; retrying at the next interval'),
    );
  };
  sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
