/**
 * Server configuration (issue 5 "Start-up"): defaults, then a JSON file (`--config FILE` or
 * `YIZHENG_CONFIG`), then the environment, then command-line options — later wins. Checked
 * against one schema at start; every problem is reported at once, by field, with what is
 * expected, and the server does not start.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ServerError } from './errors.js';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

export const ServerConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'address to listen on' }),
    httpPort: Port,
    ldapPort: Port,
    /** Public base URL written into certificates (CRL, OCSP, CA issuer) on first run. */
    baseUrl: Type.String({ pattern: '^https?://[^\\s]+$' }),
    dataDir: Type.String({ minLength: 1 }),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    schema: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
    logLevel: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ]),
    /** Largest request body, bytes. */
    bodyLimit: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
    crl: Type.Object(
      {
        fullIntervalMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
        deltaIntervalMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
        nextUpdateHours: Type.Integer({ minimum: 1, maximum: 7 * 24 }),
      },
      { additionalProperties: false },
    ),
    ocsp: Type.Object(
      {
        /** nextUpdate of an OCSP response, minutes after thisUpdate. */
        nextUpdateMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
        /** Pre-produced responses kept in memory. */
        cacheSize: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
        /** How often the node reads status changes (of any node) from the database. */
        statusPollMs: Type.Integer({ minimum: 50, maximum: 60_000 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type ServerConfig = Static<typeof ServerConfigSchema>;

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  httpPort: 8080,
  ldapPort: 1389,
  baseUrl: 'http://localhost:8080',
  dataDir: 'data',
  logLevel: 'info',
  bodyLimit: 1024 * 1024,
  crl: { fullIntervalMinutes: 360, deltaIntervalMinutes: 5, nextUpdateHours: 24 },
  ocsp: { nextUpdateMinutes: 60, cacheSize: 50_000, statusPollMs: 250 },
};

type Layer = Partial<Omit<ServerConfig, 'crl' | 'ocsp'>> & {
  crl?: Partial<ServerConfig['crl']>;
  ocsp?: Partial<ServerConfig['ocsp']>;
};

function integer(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value; // left as text, the schema check reports it
}

/** What the environment sets (YIZHENG_HTTP_PORT, YIZHENG_LDAP_PORT, YIZHENG_HOST, …). */
export function configFromEnv(env: NodeJS.ProcessEnv): Layer {
  const layer: Record<string, unknown> = {
    host: env.YIZHENG_HOST,
    httpPort: integer(env.YIZHENG_HTTP_PORT),
    ldapPort: integer(env.YIZHENG_LDAP_PORT),
    baseUrl: env.YIZHENG_BASE_URL,
    dataDir: env.YIZHENG_DATA,
    databaseUrl: env.DATABASE_URL || undefined,
    schema: env.YIZHENG_DB_SCHEMA || undefined,
    logLevel: env.YIZHENG_LOG_LEVEL,
  };
  const crl = {
    fullIntervalMinutes: integer(env.YIZHENG_CRL_FULL_MINUTES),
    deltaIntervalMinutes: integer(env.YIZHENG_CRL_DELTA_MINUTES),
  };
  if (Object.values(crl).some((v) => v !== undefined)) layer.crl = crl;
  const ocsp = {
    nextUpdateMinutes: integer(env.YIZHENG_OCSP_NEXT_UPDATE_MINUTES),
    statusPollMs: integer(env.YIZHENG_STATUS_POLL_MS),
  };
  if (Object.values(ocsp).some((v) => v !== undefined)) layer.ocsp = ocsp;
  return layer as Layer;
}

function definedOnly(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function merge(base: ServerConfig, layer: Layer): ServerConfig {
  const crl = layer.crl ? { ...base.crl, ...definedOnly(layer.crl) } : base.crl;
  const ocsp = layer.ocsp ? { ...base.ocsp, ...definedOnly(layer.ocsp) } : base.ocsp;
  return { ...base, ...definedOnly(layer), crl, ocsp } as ServerConfig;
}

/** Builds and checks the configuration; a bad one is `YZ_ERR_CONFIG` listing every problem. */
export function loadConfig(
  sources: { file?: string; env?: NodeJS.ProcessEnv; options?: Layer } = {},
): ServerConfig {
  const env = sources.env ?? process.env;
  let config = DEFAULT_CONFIG;
  const file = sources.file ?? env.YIZHENG_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ServerError('YZ_ERR_CONFIG', `configuration file ${file}: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ServerError('YZ_ERR_CONFIG', `configuration file ${file} must hold a JSON object`);
    config = merge(config, parsed as Layer);
  }
  config = merge(config, configFromEnv(env));
  if (sources.options) config = merge(config, sources.options);
  const problems = [...Value.Errors(ServerConfigSchema, config)].map(
    (e) => `${e.instancePath || '/'}: ${e.message}`,
  );
  // a full CRL must not expire before the next one is due (relying parties would find none valid)
  if (problems.length === 0 && config.crl.nextUpdateHours * 60 <= config.crl.fullIntervalMinutes)
    problems.push('/crl/nextUpdateHours: must be longer than crl.fullIntervalMinutes');
  if (problems.length > 0)
    throw new ServerError('YZ_ERR_CONFIG', `invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
