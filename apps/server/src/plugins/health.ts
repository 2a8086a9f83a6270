/**
 * Liveness and readiness (issue 5 "Start-up"): `/healthz` answers while the process runs;
 * `/readyz` answers 200 only when the database answers and an issuing CA is installed, so a load
 * balancer sends no traffic to a node that cannot serve it.
 */
import type {} from '@fastify/swagger'; // the `hide` schema option
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../platform.js';

const Health = Type.Object({ status: Type.String() });
const Ready = Type.Object({
  status: Type.String(),
  checks: Type.Object({ database: Type.String(), ca: Type.String() }),
});

export function registerHealth(app: FastifyInstance, platform: Platform): void {
  app.get('/healthz', { schema: { hide: true, response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: Ready, 503: Ready } } },
    async (_request, reply) => {
      let database = 'ok';
      let ca = 'ok';
      try {
        const cas = await platform.store.read.listCas();
        if (!cas.some((c) => c.status === 'active' && c.certificateDer))
          ca = 'no active CA with a certificate';
      } catch (error) {
        database = `unreachable: ${(error as Error).message}`;
        ca = 'unknown';
      }
      const ready = database === 'ok' && ca === 'ok';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', checks: { database, ca } });
    },
  );
}
