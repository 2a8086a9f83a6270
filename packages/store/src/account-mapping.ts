/**
 * Rows ↔ records for the tables of `0008_accounts` (see `mapping.ts` for the conventions).
 */
import type {
  ApiClientRecord,
  ApiScope,
  BranchRecord,
  LoginChallengeRecord,
  OperatorRecord,
  Role,
  SessionRecord,
} from '@yizheng/core';
import type { Insertable, Selectable } from 'kysely';
import { timeOrNull, type Codec } from './mapping.js';
import type {
  ApiClientsTable,
  BranchesTable,
  LoginChallengesTable,
  OperatorsTable,
  SessionsTable,
} from './account-schema.js';

export function branchToRow(codec: Codec, b: BranchRecord): Insertable<BranchesTable> {
  return {
    id: b.id,
    name: b.name,
    region_code: b.regionCode,
    address: b.address,
    active: codec.bool(b.active),
    created_at: codec.time(b.createdAt),
    updated_at: codec.time(b.updatedAt),
  };
}

export function branchFromRow(codec: Codec, row: Selectable<BranchesTable>): BranchRecord {
  return {
    id: row.id,
    name: row.name,
    regionCode: row.region_code,
    address: row.address,
    active: Boolean(row.active),
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
  };
}

export function operatorToRow(codec: Codec, o: OperatorRecord): Insertable<OperatorsTable> {
  return {
    login: o.login,
    name: o.name,
    branch_id: o.branchId,
    roles: JSON.stringify(o.roles),
    password_hash: o.passwordHash,
    badge_key_hash: o.badgeKeyHash,
    status: o.status,
    failed_logins: o.failedLogins,
    locked_until: timeOrNull(codec, o.lockedUntil),
    created_at: codec.time(o.createdAt),
    updated_at: codec.time(o.updatedAt),
  };
}

export function operatorFromRow(codec: Codec, row: Selectable<OperatorsTable>): OperatorRecord {
  return {
    login: row.login,
    name: row.name,
    branchId: row.branch_id,
    roles: codec.json(row.roles) as Role[],
    passwordHash: row.password_hash,
    badgeKeyHash: row.badge_key_hash,
    status: row.status as OperatorRecord['status'],
    failedLogins: Number(row.failed_logins),
    lockedUntil: row.locked_until === null ? null : codec.date(row.locked_until),
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
  };
}

export function apiClientToRow(codec: Codec, c: ApiClientRecord): Insertable<ApiClientsTable> {
  return {
    id: c.id,
    name: c.name,
    department: c.department,
    scopes: JSON.stringify(c.scopes),
    secret_hash: c.secretHash,
    status: c.status,
    created_at: codec.time(c.createdAt),
    updated_at: codec.time(c.updatedAt),
  };
}

export function apiClientFromRow(codec: Codec, row: Selectable<ApiClientsTable>): ApiClientRecord {
  return {
    id: row.id,
    name: row.name,
    department: row.department,
    scopes: codec.json(row.scopes) as ApiScope[],
    secretHash: row.secret_hash,
    status: row.status as ApiClientRecord['status'],
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
  };
}

export function sessionToRow(codec: Codec, s: SessionRecord): Insertable<SessionsTable> {
  return {
    token_hash: s.tokenHash,
    kind: s.kind,
    subject: s.subject,
    roles: JSON.stringify(s.roles),
    branch_id: s.branchId,
    uscc: s.uscc,
    created_at: codec.time(s.createdAt),
    expires_at: codec.time(s.expiresAt),
  };
}

export function sessionFromRow(codec: Codec, row: Selectable<SessionsTable>): SessionRecord {
  return {
    tokenHash: row.token_hash,
    kind: row.kind as SessionRecord['kind'],
    subject: row.subject,
    roles: codec.json(row.roles) as Role[],
    branchId: row.branch_id,
    uscc: row.uscc,
    createdAt: codec.date(row.created_at),
    expiresAt: codec.date(row.expires_at),
  };
}

export function challengeToRow(codec: Codec, c: LoginChallengeRecord): Insertable<LoginChallengesTable> {
  return { nonce: c.nonce, created_at: codec.time(c.createdAt), expires_at: codec.time(c.expiresAt) };
}

export function challengeFromRow(codec: Codec, row: Selectable<LoginChallengesTable>): LoginChallengeRecord {
  return { nonce: row.nonce, createdAt: codec.date(row.created_at), expiresAt: codec.date(row.expires_at) };
}
