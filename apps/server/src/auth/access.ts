/**
 * Role-based access (issue 5 "Every route declares which roles may call it"). Every route under
 * `/api/` declares `config: { access: 'public' }` or `config: { access: { roles: [...] } }`
 * (plus, for routes open to application departments, the API `scope` their key needs); an
 * `onRoute` hook refuses to register one that does not, so no route can be forgotten.
 *
 * The check runs in `onRequest`, before the body is parsed or validated and before any handler:
 * an anonymous caller gets 401 `YZ_ERR_UNAUTHENTICATED` and a caller whose roles are not declared
 * 403 `YZ_ERR_FORBIDDEN`, whatever it sent, and nothing has happened. Handlers find the caller in
 * `request.principal`. Which *objects* a role reaches (its own branch, its own USCC) is decided
 * further in, and refused as `YZ_ERR_OUT_OF_SCOPE`.
 */
import type {} from '@fastify/swagger'; // the description and security schema options
import { type ApiScope, type Principal, type Role, isApiScope, isRole } from '@yizheng/core';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import { authenticate } from './credentials.js';

/** What a route declares: open to anyone, or to these roles (and, for API clients, a scope). */
export type RouteAccess = 'public' | { readonly roles: readonly Role[]; readonly scope?: ApiScope };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The authenticated caller; null on public routes and routes outside /api/. */
    principal: Principal | null;
  }
}

/** Routes under this prefix must declare their access. */
export const API_PREFIX = '/api/';

/** One registered API route and what it declared. */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

/** Why a declaration is unusable, or null. */
function declarationProblem(access: unknown): string | null {
  if (access === 'public') return null;
  if (typeof access !== 'object' || access === null || !('roles' in access))
    return "declares no access: add config.access = 'public' or { roles: [...] }";
  const { roles, scope } = access as { roles: unknown; scope?: unknown };
  if (!Array.isArray(roles) || roles.length === 0) return 'declares an empty role list';
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0) return `declares unknown role(s) ${unknown.join(', ')}`;
  if (new Set(roles).size !== roles.length) return 'declares a role twice';
  if (scope !== undefined && !isApiScope(scope)) return `declares unknown scope ${String(scope)}`;
  if (scope !== undefined && !roles.includes('app-department'))
    return 'declares a scope but no app-department role to use it';
  return null;
}

function methods(route: RouteOptions): string[] {
  return (Array.isArray(route.method) ? route.method : [route.method]).map(String);
}

/** Why `principal` may not call a route declared `access`, or null when it may. */
export function accessRefusal(access: Exclude<RouteAccess, 'public'>, principal: Principal): string | null {
  if (!principal.roles.some((role) => access.roles.includes(role)))
    return `role(s) ${principal.roles.join(', ')} may not do this; allowed: ${access.roles.join(', ')}`;
  if (principal.kind === 'client' && access.scope !== undefined && !principal.scopes.includes(access.scope))
    return `API client ${principal.id} lacks scope ${access.scope}`;
  return null;
}

/** The roles line the OpenAPI document shows for a route. */
function describeAccess(access: RouteAccess): string {
  if (access === 'public') return 'Access: public (no credentials).';
  const scope = access.scope ? ` API clients need scope \`${access.scope}\`.` : '';
  return `Roles: ${access.roles.map((r) => `\`${r}\``).join(', ')}.${scope}`;
}

/**
 * Installs the declaration check and the per-request check; returns the table of API routes as
 * they are registered (the route-walk test and docs/api.md read it).
 */
export function registerAccessControl(app: FastifyInstance, platform: Platform): readonly DeclaredRoute[] {
  const table: DeclaredRoute[] = [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    const access = route.config?.access;
    const problem = declarationProblem(access);
    if (problem !== null) throw new Error(`route ${methods(route).join(',')} ${route.url} ${problem}`);
    const declared = access as RouteAccess;
    // HEAD is Fastify's automatic twin of a GET, with the same declaration
    for (const method of methods(route).filter((m) => m !== 'HEAD'))
      table.push({ method, url: route.url, access: declared });
    const schema = route.schema ?? {};
    route.schema = {
      ...schema,
      description: [schema.description, describeAccess(declared)].filter(Boolean).join('\n\n'),
      security: declared === 'public' ? [] : [{ bearer: [] }],
    };
  });
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const principal = await authenticate(platform, request.headers.authorization);
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="yizheng"');
      throw new ServerError(
        'YZ_ERR_UNAUTHENTICATED',
        'send Authorization: Bearer <session token> (POST /api/v1/session/…) or Bearer <API client key>',
      );
    }
    const refusal = accessRefusal(access, principal);
    if (refusal !== null) throw new ServerError('YZ_ERR_FORBIDDEN', refusal);
    request.principal = principal;
  });
  return table;
}
