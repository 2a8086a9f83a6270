/**
 * What the account routes answer with: the records of the core without their secrets (password
 * hashes, client secret hashes are never serialised — the response schemas list the fields that
 * leave the server, and the mappers below build exactly those). Times are ISO 8601 text.
 */
import type { ApiClientRecord, BranchRecord, OperatorRecord, Principal } from '@yizheng/core';
import { Type, type Static, type TSchema } from 'typebox';

const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const BranchView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  regionCode: Type.String({ description: 'GB/T 2260 administrative division code' }),
  address: Type.String(),
  active: Type.Boolean(),
  createdAt: Time,
  updatedAt: Time,
});

export const OperatorView = Type.Object({
  login: Type.String(),
  name: Type.String(),
  branchId: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  status: Type.String({ description: 'active | disabled' }),
  workBadge: Nullable(Type.String({ description: 'SM3 of the work-badge SM2 public key (SPKI), hex' })),
  lockedUntil: Nullable(Time),
  createdAt: Time,
  updatedAt: Time,
});

export const ClientView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  department: Type.String(),
  scopes: Type.Array(Type.String()),
  status: Type.String({ description: 'active | revoked' }),
  createdAt: Time,
  updatedAt: Time,
});

export const PrincipalView = Type.Object({
  kind: Type.String({ description: 'operator | client | legal-person' }),
  id: Type.String({ description: 'operator login, API client id, or USCC' }),
  name: Nullable(Type.String()),
  roles: Type.Array(Type.String()),
  branchId: Nullable(Type.String()),
  uscc: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  expiresAt: Nullable(Time),
});

export function branchView(b: BranchRecord): Static<typeof BranchView> {
  return {
    id: b.id,
    name: b.name,
    regionCode: b.regionCode,
    address: b.address,
    active: b.active,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export function operatorView(o: OperatorRecord): Static<typeof OperatorView> {
  return {
    login: o.login,
    name: o.name,
    branchId: o.branchId,
    roles: [...o.roles],
    status: o.status,
    workBadge: o.badgeKeyHash,
    lockedUntil: o.lockedUntil?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export function clientView(c: ApiClientRecord): Static<typeof ClientView> {
  return {
    id: c.id,
    name: c.name,
    department: c.department,
    scopes: [...c.scopes],
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function principalView(p: Principal, name: string | null): Static<typeof PrincipalView> {
  return {
    kind: p.kind,
    id: p.id,
    name,
    roles: [...p.roles],
    branchId: p.branchId,
    uscc: p.uscc,
    scopes: [...p.scopes],
    expiresAt: p.expiresAt?.toISOString() ?? null,
  };
}
