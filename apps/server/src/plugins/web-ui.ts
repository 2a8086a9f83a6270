/**
 * The web platform (issue 6; R4, R25, R33): serves the built `apps/web` at `/` — the landing
 * page, `/portal` (legal persons), `/counter` (branches), `/admin` (back office). The three faces
 * are one single-page app, so a deep link such as `/admin/review` answers `index.html` and the
 * browser's router takes over. Only those prefixes fall back: `/api`, `/ocsp`, `/crl`, `/ca`,
 * `/docs`, `/metrics`, `/healthz`, `/readyz` keep their own routes and an unknown path stays a
 * problem+json 404. A checkout that has not built the UI still serves everything else.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** apps/web/dist, from both apps/server/src and apps/server/dist. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** The faces whose paths belong to the browser's router. */
export const WEB_FACES = ['portal', 'counter', 'admin'] as const;

/** Registers the UI when `root` holds a build; answers whether it did. */
export async function registerWebUi(app: FastifyInstance, root: string): Promise<boolean> {
  if (!existsSync(`${root}/index.html`)) return false;
  // wildcard: false serves the files present at start-up and leaves every other path to the
  // routes and the problem+json not-found handler
  await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  for (const face of WEB_FACES)
    for (const url of [`/${face}`, `/${face}/*`])
      app.get(url, { schema: { hide: true } }, (_request, reply) =>
        reply.header('cache-control', 'no-cache').sendFile('index.html'),
      );
  return true;
}
