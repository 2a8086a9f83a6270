/**
 * Errors as `application/problem+json` (RFC 9457) with a `YZ_ERR_*` code: core refusals keep
 * their code and status, schema violations become `YZ_ERR_INPUT` (400), Fastify's own refusals
 * (body too large, unsupported media type, unknown route) their server codes, a database out of
 * reach `YZ_ERR_UNAVAILABLE` (503, with Retry-After: the request changed nothing and may be sent
 * again), anything else `YZ_ERR_INTERNAL` (500) with the request id — never a stack trace.
 */
import { isCoreError } from '@yizheng/core';
import { isGmError } from '@yizheng/gm';
import { isDatabaseUnavailable } from '@yizheng/store';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from '../errors.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance: string;
  readonly requestId: string;
}

/** Seconds a client is asked to wait before sending a request again that met a database outage. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const FASTIFY_CODES: Readonly<Record<string, ServerErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'YZ_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'YZ_ERR_MEDIA_TYPE',
  FST_ERR_NOT_FOUND: 'YZ_ERR_NOT_FOUND',
};

function problem(
  request: FastifyRequest,
  status: number,
  code: string,
  title: string,
  detail: string,
): Problem {
  return {
    type: `https://yizheng.invalid/errors/${code}`,
    title,
    status,
    code,
    detail,
    instance: request.url,
    requestId: String(request.id),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Maps any thrown value to a problem document. */
export function toProblem(request: FastifyRequest, error: unknown): Problem {
  if (isCoreError(error)) return problem(request, error.httpStatus, error.code, 'refused', error.message);
  if (error instanceof ServerError)
    return problem(request, error.httpStatus, error.code, SERVER_ERROR_CODES[error.code][0], error.message);
  if (isGmError(error)) return problem(request, 400, error.code, 'malformed input', error.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation)
    return problem(
      request,
      400,
      'YZ_ERR_INPUT',
      'a request field is missing or malformed',
      fastifyError.message,
    );
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) {
    const [title, status] = SERVER_ERROR_CODES[mapped];
    return problem(request, status, mapped, title, fastifyError.message);
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  )
    return problem(
      request,
      fastifyError.statusCode,
      'YZ_ERR_INPUT',
      'the request was refused',
      fastifyError.message,
    );
  if (isDatabaseUnavailable(error))
    return problem(
      request,
      503,
      'YZ_ERR_UNAVAILABLE',
      SERVER_ERROR_CODES.YZ_ERR_UNAVAILABLE[0],
      'the database cannot be reached at the moment; nothing was changed, try again shortly',
    );
  return problem(
    request,
    500,
    'YZ_ERR_INTERNAL',
    SERVER_ERROR_CODES.YZ_ERR_INTERNAL[0],
    `request ${String(request.id)} failed; see the server log`,
  );
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(request, error);
    if (body.code === 'YZ_ERR_UNAVAILABLE') {
      // an outage fails every request alike: one line each, not a stack trace each
      request.log.warn({ reason: (error as Error).message }, 'request failed: database unavailable');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    } else if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problem(
        request,
        404,
        'YZ_ERR_NOT_FOUND',
        SERVER_ERROR_CODES.YZ_ERR_NOT_FOUND[0],
        `${request.method} ${request.url}`,
      ),
    ),
  );
}
