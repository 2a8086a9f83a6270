/**
 * The server's own error codes (design §6b), beside the core's: refusals that belong to HTTP
 * itself. `docs/errors.md` lists them under layer `server` (a test keeps them in step). Every
 * error leaves the server as `application/problem+json` (RFC 9457) with its `YZ_ERR_*` code.
 */

/** Code → [meaning, HTTP status]. */
export const SERVER_ERROR_CODES = {
  YZ_ERR_NOT_FOUND: ['no such resource or route', 404],
  YZ_ERR_METHOD: ['the method is not allowed on this resource', 405],
  YZ_ERR_BODY_TOO_LARGE: ['the request body is larger than the limit', 413],
  YZ_ERR_MEDIA_TYPE: ['the request body has a media type this route does not take', 415],
  YZ_ERR_UNAUTHENTICATED: ['the request carries no valid credentials', 401],
  YZ_ERR_FORBIDDEN: ['the caller is authenticated but its role may not do this', 403],
  YZ_ERR_UNAVAILABLE: ['the service is not ready (database unreachable or starting)', 503],
  YZ_ERR_INTERNAL: ['an unexpected error; the request id in the log tells what happened', 500],
  YZ_ERR_CONFIG: ['the server configuration is invalid', 500],
} as const satisfies Record<string, readonly [string, number]>;

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

/** A refusal raised by the server layer. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
  }
  get httpStatus(): number {
    return SERVER_ERROR_CODES[this.code][1];
  }
}
