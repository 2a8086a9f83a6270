/**
 * The HTTP service (design §1 `apps/server`): a Fastify app of plugins over one opened platform.
 * Every route declares its schemas; the OpenAPI 3 document is served at `/docs/json` and browsable
 * at `/docs`. Request ids come from `x-request-id` when a proxy set one, else a UUID, and appear
 * in every log line and problem document.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  CoreError,
  type LegalPersonRegistry,
  OcspService,
  type PaymentGateway,
  SimulatedPaymentGateway,
  SimulatedSmsGateway,
  type SmsGateway,
  StatusWatch,
} from '@yizheng/core';
import { isDatabaseUnavailable } from '@yizheng/store';
import { type DeclaredRoute, registerAccessControl } from './auth/access.js';
import type { ServerConfig } from './config.js';
import type { Platform } from './platform.js';
import { registerCaPublication } from './plugins/ca-publication.js';
import { registerCrlPublication } from './plugins/crl.js';
import { registerHealth } from './plugins/health.js';
import { type Metrics, registerMetrics } from './plugins/metrics.js';
import { registerOcsp } from './plugins/ocsp.js';
import { registerProblemHandlers } from './plugins/problem.js';
import { DEFAULT_WEB_ROOT, registerWebUi } from './plugins/web-ui.js';
import { openRegistry } from './registry.js';
import { registerApplicationRoutes } from './routes/application-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerBackOfficeRoutes } from './routes/back-office-routes.js';
import { registerBranchRoutes } from './routes/branch-routes.js';
import { registerCertificateRoutes } from './routes/certificate-routes.js';
import { registerClientRoutes } from './routes/client-routes.js';
import { registerKmcRoutes } from './routes/kmc-routes.js';
import { registerLegalPersonRoutes } from './routes/legal-person-routes.js';
import { registerLifecycleRoutes } from './routes/lifecycle-routes.js';
import { registerMediaRoutes } from './routes/media-routes.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import { registerPaymentRoutes } from './routes/payment-routes.js';
import { registerPortalRoutes } from './routes/portal-routes.js';
import { registerRoleRoutes } from './routes/role-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerStatisticsRoutes } from './routes/statistics-routes.js';
import { registerWorkBadgeRoutes } from './routes/work-badge-routes.js';

export interface YizhengServer {
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** Follows status changes of every node (started with the app, stopped when it closes). */
  readonly statusWatch: StatusWatch;
  readonly ocsp: OcspService;
  /** Every route under /api/ with the access it declared (docs/api.md's matrix is made from it). */
  readonly apiRoutes: readonly DeclaredRoute[];
  /** Whether the built web UI is served (false when apps/web/dist is missing). */
  readonly web: boolean;
}

export interface BuildOptions {
  readonly logger?: boolean;
  /**
   * The legal-person registry applications are checked against; default `openRegistry` (the
   * simulator on the embedded default, `YIZHENG_REGISTRY_URL` otherwise), opened at the first
   * application so a server without a registry still serves everything else.
   */
  readonly registry?: LegalPersonRegistry;
  /** The built web UI to serve at `/` (default apps/web/dist). */
  readonly webRoot?: string;
  /**
   * The SMS port (R34 agent login). Default: on the embedded default the simulator, whose messages
   * are logged and listed at GET /api/v1/dev/sms-outbox; otherwise none (codes cannot be sent,
   * YZ_ERR_SMS_UNAVAILABLE) until a provider adapter is wired here.
   */
  readonly sms?: SmsGateway;
  /**
   * The payment port (R17, R34). Default: on the embedded default the simulator (orders are paid
   * at POST /api/v1/dev/payments/{id}/settle); otherwise none until a provider adapter is wired.
   */
  readonly payments?: PaymentGateway;
}

/** The payment port when none is wired on a production database: nothing can be paid online. */
const NO_PAYMENT_PROVIDER: PaymentGateway = {
  open: async () => {
    throw new CoreError('YZ_ERR_PAYMENT', 'no payment provider is configured for this deployment');
  },
  verifyConfirmation: () => false,
};

/** The SMS port when none is wired on a production database: refuses, so no code is kept. */
const NO_SMS_PROVIDER: SmsGateway = {
  send: async () => {
    throw new CoreError('YZ_ERR_SMS_UNAVAILABLE', 'no SMS provider is configured for this deployment');
  },
};

/** Builds the app (not listening); tests call `app.inject`. */
export async function buildServer(
  platform: Platform,
  config: ServerConfig,
  options: BuildOptions = {},
): Promise<YizhengServer> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // closing waits for requests in flight (graceful shutdown), then refuses new ones
    return503OnClosing: true,
    // an OCSP GET carries its whole request in the path
    routerOptions: { maxParamLength: 4096 },
    // behind a reverse proxy: X-Forwarded-For is believed only from these peers (request.ip)
    ...(config.trustProxy?.length ? { trustProxy: [...config.trustProxy] } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerProblemHandlers(app);
  const apiRoutes = registerAccessControl(app, platform);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Yizheng 一证 API',
        version: '1',
        description:
          'Legal-person digital certificate platform on SM2/SM3/SM4: certificate lifecycle, publication (CA certificates, CRL, OCSP) and statistics.',
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A session token (yzs_…) from POST /api/v1/session/password or /session/certificate, ' +
              'or an API client key (yzk_<client id>.<secret>). docs/api.md lists who may call what.',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  const web = await registerWebUi(app, options.webRoot ?? DEFAULT_WEB_ROOT);
  const metrics = registerMetrics(app);
  registerHealth(app, platform);
  registerCaPublication(app, platform);
  registerCrlPublication(app, platform, config);
  let outageLoggedAt = -Infinity;
  const statusWatch = new StatusWatch(platform.store, {
    onError: (error) => {
      if (!isDatabaseUnavailable(error)) return app.log.error({ err: error }, 'status watch failed');
      // it polls every statusPollMs through an outage: one line per 10 s says enough
      if (Date.now() - outageLoggedAt < 10_000) return;
      outageLoggedAt = Date.now();
      app.log.warn({ reason: (error as Error).message }, 'status watch: database unavailable, retrying');
    },
  });
  const ocsp = new OcspService(platform, {
    watch: statusWatch,
    validityMinutes: config.ocsp.nextUpdateMinutes,
    cacheSize: config.ocsp.cacheSize,
  });
  registerOcsp(app, ocsp, { registry: metrics.registry, clock: platform.clock });
  let registry = options.registry;
  const legalPersonRegistry = () => (registry ??= openRegistry(undefined, { embedded: platform.embedded }));
  const smsSimulator =
    options.sms === undefined && platform.embedded
      ? new SimulatedSmsGateway(platform.clock, (m) =>
          // development only: the code an agent would receive, so the portal login can be tried
          app.log.info({ phone: m.phone, text: m.text }, 'SMS simulator: message "sent"'),
        )
      : options.sms instanceof SimulatedSmsGateway
        ? options.sms
        : undefined;
  const sms = options.sms ?? smsSimulator ?? NO_SMS_PROVIDER;
  const paymentSimulator =
    options.payments === undefined && platform.embedded
      ? new SimulatedPaymentGateway(platform.clock)
      : options.payments instanceof SimulatedPaymentGateway
        ? options.payments
        : undefined;
  const payments = options.payments ?? paymentSimulator ?? NO_PAYMENT_PROVIDER;
  await app.register(
    async (api) => {
      registerSessionRoutes(api, platform);
      registerRoleRoutes(api);
      registerBranchRoutes(api, platform);
      registerOperatorRoutes(api, platform);
      registerWorkBadgeRoutes(api, platform);
      registerClientRoutes(api, platform);
      registerApplicationRoutes(api, platform, legalPersonRegistry);
      registerCertificateRoutes(api, platform);
      registerLifecycleRoutes(api, platform);
      registerMediaRoutes(api, platform);
      registerKmcRoutes(api, platform);
      registerLegalPersonRoutes(api, platform);
      registerBackOfficeRoutes(api, platform);
      registerStatisticsRoutes(api, platform);
      registerAuditRoutes(api, platform);
      registerPortalRoutes(api, platform, {
        sms,
        registry: legalPersonRegistry,
        ...(smsSimulator ? { devOutbox: smsSimulator } : {}),
      });
      registerPaymentRoutes(api, platform, payments, paymentSimulator);
    },
    { prefix: '/api/v1' },
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  app.addHook('onClose', () => statusWatch.stop());
  await app.ready();
  statusWatch.start(config.ocsp.statusPollMs);
  return { app, metrics, statusWatch, ocsp, apiRoutes, web };
}
