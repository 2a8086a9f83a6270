/**
 * Server configuration (issue 5 "Start-up"): defaults, then a JSON file (`--config FILE` or
 * `YIZHENG_CONFIG`), then the environment, then command-line options — later wins. Checked
 * against one schema at start; every problem is reported at once, by field, with what is
 * expected, and the server does not start.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { DirectoryTree, parseLdapUrl } from '@yizheng/publish';
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
    /**
     * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, IPv4 or IPv6); absent:
     * none, the peer's address is the client's. Per-address login and unlock limits count the
     * address this yields.
     */
    trustProxy: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
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
    /** The embedded read-only LDAP server (R5, R6) on `ldapPort`. */
    ldap: Type.Object(
      {
        enabled: Type.Boolean(),
        /** The operator (运营机构) the directory is named after: `o=<organization>,c=CN`. */
        organization: Type.String({ minLength: 1, maxLength: 256 }),
        /** Most entries per search (and per page). */
        sizeLimit: Type.Integer({ minimum: 1, maximum: 100_000 }),
        timeLimitSeconds: Type.Integer({ minimum: 1, maximum: 300 }),
        maxConnections: Type.Integer({ minimum: 1, maximum: 100_000 }),
      },
      { additionalProperties: false },
    ),
    /** The publisher to an external directory (OpenLDAP); absent: none. The password is env only. */
    ldapPublish: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^ldaps?://\\S+$' }),
          /** With ldaps://: a PEM file of the CA certificate(s) the directory's certificate must chain to. */
          caFile: Type.Optional(Type.String({ minLength: 1 })),
          /** With ldap://: upgrade each connection with StartTLS before binding. */
          startTls: Type.Optional(Type.Boolean()),
          bindDn: Type.String({ minLength: 1 }),
          /** The external directory's base: entries go under `ou=CA` and `ou=legal-persons` of it. */
          baseDn: Type.String({ minLength: 1 }),
          /** Jobs read per database query. */
          batchSize: Type.Integer({ minimum: 1, maximum: 1000 }),
          /** Pause between passes when nothing is pending. */
          pollMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
          /** Back-off after a failure, doubling from the first to the second. */
          retryMinMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
          retryMaxMs: Type.Integer({ minimum: 100, maximum: 3_600_000 }),
          /** Longest a connect or one LDAP operation may take. */
          timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
          /** How often expired certificates are queued for removal from the directory (R7). */
          expirySweepMinutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
        },
        { additionalProperties: false },
      ),
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
  ldap: {
    enabled: true,
    organization: 'Yizheng Demo CA',
    sizeLimit: 1000,
    timeLimitSeconds: 10,
    maxConnections: 1024,
  },
};

type LdapPublishConfig = NonNullable<ServerConfig['ldapPublish']>;

/** What `ldapPublish` has unless set; url, bindDn and baseDn have no default. */
export const DEFAULT_LDAP_PUBLISH: Omit<LdapPublishConfig, 'url' | 'bindDn' | 'baseDn'> = {
  batchSize: 100,
  pollMs: 1000,
  retryMinMs: 1000,
  retryMaxMs: 60_000,
  timeoutMs: 5000,
  expirySweepMinutes: 10,
};

type Layer = Partial<Omit<ServerConfig, 'crl' | 'ocsp' | 'ldap' | 'ldapPublish'>> & {
  crl?: Partial<ServerConfig['crl']>;
  ocsp?: Partial<ServerConfig['ocsp']>;
  ldap?: Partial<ServerConfig['ldap']>;
  ldapPublish?: Partial<LdapPublishConfig>;
};

function integer(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value; // left as text, the schema check reports it
}

function boolean(value: string | undefined): boolean | string | undefined {
  if (value === 'true' || value === 'false') return value === 'true';
  return value; // left as text, the schema check reports it
}

/**
 * What the environment sets (YIZHENG_HTTP_PORT, YIZHENG_LDAP_PORT, YIZHENG_HOST, …). The LDAP
 * publisher's password is not configuration: `startServer` reads YIZHENG_LDAP_PUBLISH_PASSWORD.
 */
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
    trustProxy: env.YIZHENG_TRUST_PROXY
      ? env.YIZHENG_TRUST_PROXY.split(',')
          .map((a) => a.trim())
          .filter((a) => a !== '')
      : undefined,
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
  const ldap = {
    enabled: boolean(env.YIZHENG_LDAP_ENABLED),
    organization: env.YIZHENG_LDAP_ORGANIZATION || undefined,
  };
  if (Object.values(ldap).some((v) => v !== undefined)) layer.ldap = ldap;
  const ldapPublish = {
    url: env.YIZHENG_LDAP_PUBLISH_URL || undefined,
    bindDn: env.YIZHENG_LDAP_PUBLISH_BIND_DN || undefined,
    baseDn: env.YIZHENG_LDAP_PUBLISH_BASE_DN || undefined,
    caFile: env.YIZHENG_LDAP_PUBLISH_CA_FILE || undefined,
    startTls: boolean(env.YIZHENG_LDAP_PUBLISH_START_TLS),
  };
  if (Object.values(ldapPublish).some((v) => v !== undefined)) layer.ldapPublish = ldapPublish;
  return layer as Layer;
}

function definedOnly(values: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

function merge(base: ServerConfig, layer: Layer): ServerConfig {
  const crl = layer.crl ? { ...base.crl, ...definedOnly(layer.crl) } : base.crl;
  const ocsp = layer.ocsp ? { ...base.ocsp, ...definedOnly(layer.ocsp) } : base.ocsp;
  const ldap = layer.ldap ? { ...base.ldap, ...definedOnly(layer.ldap) } : base.ldap;
  const ldapPublish = layer.ldapPublish
    ? { ...DEFAULT_LDAP_PUBLISH, ...base.ldapPublish, ...definedOnly(layer.ldapPublish) }
    : base.ldapPublish;
  return {
    ...base,
    ...definedOnly(layer),
    crl,
    ocsp,
    ldap,
    ...(ldapPublish ? { ldapPublish } : {}),
  } as ServerConfig;
}

/**
 * The PEM CA bundle the publisher trusts for ldaps://, read and checked: at least one
 * certificate, each one parseable (a clear message at start instead of a TLS failure later).
 */
export function readCaBundle(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      throw new Error(`${file}: certificate ${i + 1} does not parse`);
    }
  }
  return text;
}

/** Problems the schema cannot see: DNs and URLs that do not parse, a back-off upside down. */
function ldapProblems(config: ServerConfig): string[] {
  const problems: string[] = [];
  const check = (path: string, work: () => unknown) => {
    try {
      work();
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
    }
  };
  check('/ldap/organization', () => DirectoryTree.ofOrganization(config.ldap.organization));
  const publish = config.ldapPublish;
  if (publish) {
    check('/ldapPublish/url', () => parseLdapUrl(publish.url));
    check('/ldapPublish/baseDn', () => new DirectoryTree(publish.baseDn));
    if (publish.retryMinMs > publish.retryMaxMs)
      problems.push('/ldapPublish/retryMaxMs: must not be shorter than retryMinMs');
    const ldaps = publish.url.startsWith('ldaps://');
    if (publish.startTls && ldaps)
      problems.push('/ldapPublish/startTls: an ldaps:// URL is TLS already; StartTLS is for ldap://');
    if (publish.caFile !== undefined) {
      if (!ldaps && !publish.startTls)
        problems.push(
          '/ldapPublish/caFile: only used with TLS to the directory (an ldaps:// URL or startTls)',
        );
      else check('/ldapPublish/caFile', () => readCaBundle(publish.caFile!));
    }
  }
  return problems;
}

/** A trusted proxy entry: an IPv4 or IPv6 address, or one with a /prefix in its family's range. */
function proxyProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined)
    return `${JSON.stringify(entry)} is not an IP address or CIDR (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)
    return `${JSON.stringify(entry)}: the prefix length must be 0..${bits}`;
  return undefined;
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
  if (problems.length === 0) problems.push(...ldapProblems(config));
  if (problems.length === 0)
    for (const [i, entry] of (config.trustProxy ?? []).entries()) {
      const problem = proxyProblem(entry);
      if (problem) problems.push(`/trustProxy/${i}: ${problem}`);
    }
  if (problems.length > 0)
    throw new ServerError('YZ_ERR_CONFIG', `invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
