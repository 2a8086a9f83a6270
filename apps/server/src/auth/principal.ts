/**
 * The caller inside a handler: `principalOf(request)` on any route that declared roles (the
 * access check has set it), the account actor the core's account operations take, and
 * `requireOwnUscc` for routes open to legal persons, who act for their own USCC only.
 */
import { type AccountActor, CoreError, type Principal, auditName } from '@yizheng/core';
import type { FastifyRequest } from 'fastify';

/** The authenticated caller; a route that declared roles always has one. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null)
    throw new Error(`${request.method} ${request.url}: no principal (is the route declared public?)`);
  return request.principal;
}

/** The caller as the actor of an account operation (audit name, roles, branch). */
export function actorOf(principal: Principal): AccountActor {
  return { name: auditName(principal), roles: principal.roles, branchId: principal.branchId };
}

/**
 * Refuses (`YZ_ERR_OUT_OF_SCOPE`, 403) a legal person acting for another USCC; staff and API
 * clients pass (their roles were checked already).
 */
export function requireOwnUscc(principal: Principal, uscc: string): void {
  if (principal.kind === 'legal-person' && principal.uscc !== uscc)
    throw new CoreError(
      'YZ_ERR_OUT_OF_SCOPE',
      `a legal person may act for its own USCC only (${principal.uscc})`,
    );
}
