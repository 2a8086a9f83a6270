/**
 * OCSP over HTTP (RFC 6960 Appendix A, RFC 5019 §5–6): `POST /ocsp` with an
 * `application/ocsp-request` body, and `GET /ocsp/{request}` with the DER request in base64 —
 * URL-encoded as RFC 6960 says, or base64url, which some clients send — answered
 * `application/ocsp-response` by the core's `OcspService`.
 *
 * OCSP clients read OCSP: a malformed request is answered with an OCSP malformedRequest response
 * (HTTP 200), a CA that is not ours with unauthorized — never problem+json. Only what HTTP itself
 * refuses stays HTTP: a body over the limit (413), a POST of another media type (415).
 *
 * GET answers for one certificate without a nonce are pre-produced and cacheable (RFC 5019 §6.2):
 * max-age until nextUpdate, public, no-transform, must-revalidate, with Last-Modified, Expires and
 * an ETag (SHA-256 of the response). Anything else is `no-store`.
 *
 * While the database is out of reach, pre-produced responses are still served from memory; what
 * needs the database is answered tryLater (RFC 6960 §2.3), any other failure internalError — an
 * OCSP client understands those, not a problem document.
 */
import type {} from '@fastify/swagger'; // the `produces` / `consumes` schema options
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock, OcspAnswer, OcspService } from '@yizheng/core';
import { OCSP_REQUEST_MEDIA_TYPE, OCSP_RESPONSE_MEDIA_TYPE, buildOcspErrorResponse } from '@yizheng/pki';
import { isDatabaseUnavailable } from '@yizheng/store';
import { Counter, type Registry } from 'prom-client';
import { ServerError } from '../errors.js';

/** Largest OCSP request body: ample for the 20 certificates a request may name, tiny for a server. */
export const OCSP_BODY_LIMIT = 16 * 1024;

/**
 * The DER request in a GET path (what follows `/ocsp/`), or undefined when it is not base64: the
 * path is URL-decoded once, base64url characters are mapped to base64 and padding is restored.
 */
export function requestFromGetPath(path: string): Uint8Array | undefined {
  let text: string;
  try {
    text = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  text = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  text = text.replace(/=+$/, '');
  if (text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text + '='.repeat((4 - (text.length % 4)) % 4), 'base64'));
}

export function registerOcsp(
  app: FastifyInstance,
  ocsp: OcspService,
  options: { registry: Registry; clock: Clock },
): void {
  const answered = new Counter({
    name: 'yizheng_ocsp_responses_total',
    help: 'OCSP responses by OCSP status and HTTP method',
    labelNames: ['status', 'method'],
    registers: [options.registry],
  });

  app.addContentTypeParser(
    OCSP_REQUEST_MEDIA_TYPE,
    { parseAs: 'buffer', bodyLimit: OCSP_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  const failed = (status: 'tryLater' | 'internalError'): OcspAnswer => ({
    der: buildOcspErrorResponse(status).der,
    status,
    cacheable: false,
  });
  const tryLater = failed('tryLater');
  const internalError = failed('internalError');

  /** The service's answer; a failure becomes tryLater (database out of reach) or internalError. */
  async function respond(der: Uint8Array): Promise<OcspAnswer> {
    try {
      return await ocsp.respond(der);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        app.log.error({ err: error }, 'OCSP request failed');
        return internalError;
      }
      app.log.warn({ reason: (error as Error).message }, 'OCSP request: database unavailable, tryLater');
      return tryLater;
    }
  }

  /**
   * The body and validators of an answer, made once: a pre-produced answer is the same object for
   * every request until it is replaced, so its hash and dates need not be computed per request.
   */
  const prepared = new WeakMap<
    OcspAnswer,
    { der: Buffer; etag?: string; lastModified?: string; expires?: string }
  >();
  function preparedOf(answer: OcspAnswer) {
    if (!answer.cacheable)
      return { der: Buffer.from(answer.der.buffer, answer.der.byteOffset, answer.der.byteLength) };
    let held = prepared.get(answer);
    if (!held) {
      const der = Buffer.from(answer.der.buffer, answer.der.byteOffset, answer.der.byteLength);
      held =
        answer.nextUpdate && answer.thisUpdate
          ? {
              der,
              etag: `"${createHash('sha256').update(der).digest('hex')}"`,
              lastModified: answer.thisUpdate.toUTCString(),
              expires: answer.nextUpdate.toUTCString(),
            }
          : { der };
      prepared.set(answer, held);
    }
    return held;
  }

  function send(reply: FastifyReply, answer: OcspAnswer, method: 'GET' | 'POST'): FastifyReply {
    answered.inc({ status: answer.status, method });
    const { der, etag, lastModified, expires } = preparedOf(answer);
    if (method === 'GET' && etag && lastModified && expires && answer.nextUpdate) {
      const maxAge = Math.max(
        0,
        Math.floor((answer.nextUpdate.getTime() - options.clock.now().getTime()) / 1000),
      );
      reply
        .header('cache-control', `max-age=${maxAge}, public, no-transform, must-revalidate`)
        .header('last-modified', lastModified)
        .header('expires', expires)
        .header('etag', etag);
    } else reply.header('cache-control', 'no-store');
    return reply.type(OCSP_RESPONSE_MEDIA_TYPE).send(der);
  }

  app.post(
    '/ocsp',
    {
      bodyLimit: OCSP_BODY_LIMIT,
      schema: {
        tags: ['publication'],
        summary: 'OCSP request (RFC 6960), DER body 在线证书状态查询',
        description:
          'Body: DER OCSPRequest as application/ocsp-request. Answer: DER OCSPResponse signed SM2-with-SM3 by the ' +
          'CA’s delegated responder; a nonce (RFC 8954) is echoed. Malformed requests get an OCSP malformedRequest ' +
          'response, certificates of other CAs unauthorized.',
        consumes: [OCSP_REQUEST_MEDIA_TYPE],
        produces: [OCSP_RESPONSE_MEDIA_TYPE],
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body))
        throw new ServerError('YZ_ERR_MEDIA_TYPE', `POST /ocsp takes ${OCSP_REQUEST_MEDIA_TYPE}`);
      return send(reply, await respond(request.body), 'POST');
    },
  );

  app.get(
    '/ocsp/*',
    {
      schema: {
        tags: ['publication'],
        summary: 'OCSP request in the URL (RFC 6960 A.1, RFC 5019), base64 or base64url',
        description:
          'The DER OCSPRequest, base64 and URL-encoded, after /ocsp/. Nonce-less single requests are answered ' +
          'with pre-produced, HTTP-cacheable responses.',
        produces: [OCSP_RESPONSE_MEDIA_TYPE],
      },
    },
    async (request, reply) => {
      // the raw path, not the decoded parameter: '/' and '+' are literal base64 there
      const path = request.url.slice('/ocsp/'.length).split('?')[0] ?? '';
      const der = requestFromGetPath(path);
      return send(reply, await respond(der ?? new Uint8Array(0)), 'GET');
    },
  );
}
