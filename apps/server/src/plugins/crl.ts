/**
 * CRL download (R5): the latest full CRL of a CA at `/crl/{ca}.crl`, its latest delta CRL at
 * `/crl/{ca}-delta.crl` and, for a CA with CRL partitions (分区), partition n's CRL at
 * `/crl/{ca}-p{n}.crl` — the URLs our certificates' cRLDistributionPoints and freshestCRL name —
 * as DER `application/pkix-crl`, the bytes every node reads from the store.
 *
 * Cacheable (RFC 5019 §6 practice for CRLs too): ETag is the CRL number, Last-Modified its
 * thisUpdate, Expires its nextUpdate; Cache-Control max-age runs until nextUpdate but not past
 * the time the next CRL of that kind is due, so a proxy never serves a full CRL six hours older
 * than the delta CRLs built on a newer one. A matching If-None-Match (or If-Modified-Since) is
 * answered 304 without the body.
 */
import type {} from '@fastify/swagger'; // the `produces` schema option
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CrlIssueSummary, type CrlKind, partitionCrlKey } from '@yizheng/core';
import { Type } from 'typebox';
import type { ServerConfig } from '../config.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';

export const CRL_MEDIA_TYPE = 'application/pkix-crl';
const DELTA_SUFFIX = '-delta.crl';

/**
 * The CRL a file name asks for, as its key in the store and kind: `ca-1.crl`, `ca-1-delta.crl`,
 * and partition `n` of a CA configured with partitions, `ca-1-p3.crl` (key `ca-1#p3`).
 */
export function crlFile(file: string): { caId: string; kind: CrlKind } {
  if (file.endsWith(DELTA_SUFFIX)) return { caId: file.slice(0, -DELTA_SUFFIX.length), kind: 'delta' };
  const partition = /^(.+)-p(0|[1-9]\d{0,3})\.crl$/.exec(file);
  if (partition) return { caId: partitionCrlKey(partition[1]!, Number(partition[2])), kind: 'full' };
  return { caId: file.slice(0, -'.crl'.length), kind: 'full' };
}

function etagOf(crl: CrlIssueSummary): string {
  return `"${crl.number}"`;
}

/** True when the request's validators say the client holds `crl` already (RFC 9110 §13.1). */
function notModified(request: FastifyRequest, crl: CrlIssueSummary): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etagOf(crl));
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(crl.thisUpdate.getTime() / 1000) * 1000 <= since;
}

export function registerCrlPublication(app: FastifyInstance, platform: Platform, config: ServerConfig): void {
  /** DER of the CRLs served lately, by CA, kind and number (a new number replaces the old). */
  const bytes = new Map<string, { number: bigint; der: Uint8Array }>();
  const intervalMs = {
    full: config.crl.fullIntervalMinutes * 60_000,
    delta: config.crl.deltaIntervalMinutes * 60_000,
  };

  async function derOf(crl: CrlIssueSummary): Promise<Uint8Array> {
    const key = `${crl.caId}/${crl.kind}`;
    const held = bytes.get(key);
    if (held?.number === crl.number) return held.der;
    const issue = await platform.store.read.getCrlIssue(crl.caId, crl.number);
    if (!issue)
      throw new ServerError('YZ_ERR_NOT_FOUND', `CRL ${crl.number} of ${crl.caId} was just superseded`);
    bytes.set(key, { number: crl.number, der: issue.der });
    return issue.der;
  }

  function cacheHeaders(reply: FastifyReply, crl: CrlIssueSummary): void {
    const now = platform.clock.now().getTime();
    const until = Math.min(crl.nextUpdate.getTime(), crl.thisUpdate.getTime() + intervalMs[crl.kind]);
    reply
      .header('etag', etagOf(crl))
      .header('last-modified', crl.thisUpdate.toUTCString())
      .header('expires', crl.nextUpdate.toUTCString())
      .header(
        'cache-control',
        `public, max-age=${Math.max(0, Math.floor((until - now) / 1000))}, no-transform`,
      );
  }

  app.get(
    '/crl/:file',
    {
      schema: {
        tags: ['publication'],
        summary:
          'A CA’s latest full CRL ({ca}.crl), delta CRL ({ca}-delta.crl) or partition CRL ({ca}-p{n}.crl), DER 证书撤销列表',
        description:
          'RFC 5280 v2 CRL signed SM2-with-SM3 by the CA. ETag = CRL number; send If-None-Match for a 304. ' +
          'Full and delta CRLs share one number sequence; a delta names its base in deltaCRLIndicator. ' +
          'A partition CRL carries a critical issuingDistributionPoint and only its partition’s entries.',
        params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9._:-]+\\.crl$' }) }),
        produces: [CRL_MEDIA_TYPE],
      },
    },
    async (request, reply) => {
      const file = (request.params as { file: string }).file;
      const { caId, kind } = crlFile(file);
      // a CA whose own id ends in -p<n> (not a partition) still gets its full CRL
      const crl =
        (await platform.store.read.latestCrlIssue(caId, kind)) ??
        (caId.includes('#') ? await platform.store.read.latestCrlIssue(file.slice(0, -4), kind) : undefined);
      if (!crl) throw new ServerError('YZ_ERR_NOT_FOUND', `no ${kind} CRL of CA ${caId} has been issued`);
      cacheHeaders(reply, crl);
      if (notModified(request, crl)) return reply.code(304).send();
      return reply.type(CRL_MEDIA_TYPE).send(Buffer.from(await derOf(crl)));
    },
  );
}
