/**
 * Is the database out of reach right now, rather than the statement wrong? (R6 7×24; issue 5
 * "the database briefly unavailable — requests fail cleanly and the service recovers by itself".)
 * The server answers such a failure 503 `YZ_ERR_UNAVAILABLE` — try again — instead of 500, and
 * OCSP answers tryLater. The driver errors are recognised here, beside the dialects that raise
 * them, so that no layer above needs to know pg or better-sqlite3.
 */

/** Socket errors of a connection that cannot be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown (a restart or
 * pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up or in
 * recovery), 53300 too_many_connections.
 */
const POSTGRES_STATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/**
 * SQLite: another process (the CLI beside the server) held the write lock for longer than the
 * busy timeout.
 */
const SQLITE_CODE = /^SQLITE_BUSY/;

/** What pg says, without a code, about a connection it lost or could not get in time. */
const POSTGRES_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
];

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `error` (or what caused it) says the database cannot be reached at the moment. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const code = codeOf(error);
  if (code !== undefined && (NETWORK_CODES.has(code) || POSTGRES_STATE.test(code) || SQLITE_CODE.test(code)))
    return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && POSTGRES_MESSAGES.some((m) => m.test(message))) return true;
  // a connection to a name with several addresses fails as an AggregateError of each attempt
  const errors = (error as { errors?: unknown }).errors;
  const inner = [(error as { cause?: unknown }).cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((e) => isDatabaseUnavailable(e, depth + 1));
}
