/**
 * 应用部门接入 API clients of application departments (R25 queries and statistics for
 * application departments, R39 interfaces for government applications): a client has scopes
 * (`API_SCOPES`) and one key, `yzk_<client id>.<secret>`, shown once when the client is created.
 * The store keeps SM3 of the secret: the secret is 256 random bits, so unlike a password it
 * cannot be guessed and needs no slow hash — which matters, because it is checked on every
 * request. A revoked client's key stops working at once.
 */
import { constantTimeEqual, fromHex, randomBytes, sm3, toHex, utf8 } from '@yizheng/gm';
import type { AccountActor, ApiClientRecord, Principal } from './account-model.js';
import type { AccountContext } from './account-scope.js';
import { appendAudit } from './audit.js';
import { CoreError } from './errors.js';
import { StoreConflictError, type StoreTx } from './ports/store.js';
import { type ApiScope, API_SCOPES, isApiScope } from './roles.js';

const CLIENT_KEY = /^yzk_([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface ApiClientInput {
  readonly name: string;
  readonly department: string;
  readonly scopes: readonly string[];
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100)
    throw new CoreError('YZ_ERR_INPUT', `${field} must be 1–100 characters`);
  return value.trim();
}

function checkScopes(scopes: readonly unknown[]): ApiScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `an API client needs at least one scope: ${Object.keys(API_SCOPES).join(', ')}`,
    );
  const unknown = scopes.filter((s) => !isApiScope(s));
  if (unknown.length > 0)
    throw new CoreError(
      'YZ_ERR_INPUT',
      `unknown scope(s) ${unknown.map((s) => JSON.stringify(s)).join(', ')}; one of ${Object.keys(API_SCOPES).join(', ')}`,
    );
  return [...new Set(scopes as ApiScope[])];
}

/** Loads a client or refuses with `YZ_ERR_ACCOUNT_NOT_FOUND`. */
export async function requireApiClient(tx: StoreTx, id: string): Promise<ApiClientRecord> {
  const client = await tx.getApiClient(id);
  if (!client) throw new CoreError('YZ_ERR_ACCOUNT_NOT_FOUND', `no API client ${id}`);
  return client;
}

/** Registers a client; returns its key, which is never shown again. */
export async function createApiClient(
  context: AccountContext,
  input: ApiClientInput,
  actor: AccountActor,
): Promise<{ client: ApiClientRecord; key: string }> {
  const fields = {
    name: text(input.name, 'client name'),
    department: text(input.department, 'department'),
    scopes: checkScopes(input.scopes),
  };
  const secret = Buffer.from(randomBytes(32)).toString('base64url');
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const client: ApiClientRecord = {
      id: toHex(randomBytes(6)),
      ...fields,
      secretHash: toHex(sm3(utf8(secret))),
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await tx.insertApiClient(client);
    } catch (error) {
      // 48 random bits: a clash is rare enough that the caller simply asks again
      if (error instanceof StoreConflictError)
        throw new CoreError('YZ_ERR_ACCOUNT_EXISTS', `API client id ${client.id} is taken; try again`);
      throw error;
    }
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'client.create',
      object: `client:${client.id}`,
      reason: null,
      detail: fields,
    });
    return { client, key: `yzk_${client.id}.${secret}` };
  });
}

/** Revokes a client: its key is refused from now on. */
export async function revokeApiClient(
  context: AccountContext,
  id: string,
  actor: AccountActor,
): Promise<ApiClientRecord> {
  return context.store.transaction(async (tx) => {
    const now = context.clock.now();
    const client = await requireApiClient(tx, id);
    if (client.status === 'revoked')
      throw new CoreError('YZ_ERR_STATE', `API client ${id} is already revoked`);
    await tx.updateApiClient(id, { status: 'revoked', updatedAt: now });
    await appendAudit(tx, {
      at: now,
      actor: actor.name,
      action: 'client.revoke',
      object: `client:${id}`,
      reason: null,
      detail: { name: client.name, department: client.department },
    });
    return { ...client, status: 'revoked', updatedAt: now };
  });
}

/** True when `value` has the shape of a client key (so a caller can tell it from a session token). */
export function isApiClientKey(value: string): boolean {
  return value.startsWith('yzk_');
}

/** The caller a client key stands for, or undefined when it is malformed, unknown, wrong or revoked. */
export async function authenticateApiClient(
  context: AccountContext,
  key: string,
): Promise<Principal | undefined> {
  const match = CLIENT_KEY.exec(key);
  if (!match) return undefined;
  const client = await context.store.read.getApiClient(match[1]!);
  if (!client || client.status !== 'active') return undefined;
  if (!constantTimeEqual(sm3(utf8(match[2]!)), fromHex(client.secretHash))) return undefined;
  return {
    kind: 'client',
    id: client.id,
    roles: ['app-department'],
    branchId: null,
    uscc: null,
    scopes: client.scopes,
    expiresAt: null,
  };
}
