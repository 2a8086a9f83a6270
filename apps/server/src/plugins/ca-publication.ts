/**
 * The CA certificates, where relying parties and the AIA extension of our certificates point
 * (`/ca/{id}.crt`, DER, `application/pkix-cert`; `/ca/{id}.pem`, the chain in PEM, issuer first)
 * and a list of the CAs (`/ca`). Cacheable: a CA certificate changes only when the CA is replaced.
 */
import type { FastifyInstance } from 'fastify';
import { encodePem, sm3, toHex } from '@yizheng/gm';
import { Type } from 'typebox';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';

const CaSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  sm3Fingerprint: Type.Union([Type.String(), Type.Null()]),
  certificate: Type.String({ description: 'URL of the DER certificate' }),
  chain: Type.String({ description: 'URL of the PEM chain' }),
});

export function registerCaPublication(app: FastifyInstance, platform: Platform): void {
  app.get(
    '/ca',
    {
      schema: {
        tags: ['publication'],
        summary: 'The CAs of this platform 本平台的 CA',
        response: { 200: Type.Array(CaSummary) },
      },
    },
    async () =>
      (await platform.store.read.listCas()).map((ca) => ({
        id: ca.id,
        name: ca.name,
        status: ca.status,
        sm3Fingerprint: ca.certificateDer ? toHex(sm3(ca.certificateDer)).toUpperCase() : null,
        certificate: `/ca/${encodeURIComponent(ca.id)}.crt`,
        chain: `/ca/${encodeURIComponent(ca.id)}.pem`,
      })),
  );
  app.get(
    '/ca/:file',
    {
      schema: {
        tags: ['publication'],
        summary: 'A CA certificate (DER, .crt) or its chain (PEM, .pem)',
        params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9._:-]+\\.(crt|pem)$' }) }),
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const extension = file.slice(file.lastIndexOf('.') + 1);
      const id = file.slice(0, file.lastIndexOf('.'));
      const ca = await platform.store.read.getCa(id);
      if (!ca?.certificateDer) throw new ServerError('YZ_ERR_NOT_FOUND', `no CA ${id} with a certificate`);
      reply.header('cache-control', 'public, max-age=3600');
      if (extension === 'crt')
        return reply.type('application/pkix-cert').send(Buffer.from(ca.certificateDer));
      const pem = [ca.certificateDer, ...ca.chainDer].map((der) => encodePem('CERTIFICATE', der)).join('');
      return reply.type('application/x-pem-file').send(pem);
    },
  );
}
