/**
 * Records of the accounts that reach the platform (issue 5 "Authentication"; R33 branches, R37
 * back office and electronic work badges, R39 application departments): branches (网点),
 * operators (操作员), API clients of application departments (应用部门接入), sessions and
 * single-use login challenges. Plain data like `model.ts`; secrets are kept only as hashes.
 */
import type { ApiScope, Role } from './roles.js';

/** 网点 a service branch. */
export interface BranchRecord {
  /** Short stable id, e.g. `hz-xihu-01`. */
  readonly id: string;
  readonly name: string;
  /** GB/T 2260 administrative division code (6 digits), e.g. 330106 西湖区. */
  readonly regionCode: string;
  readonly address: string;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type OperatorStatus = 'active' | 'disabled';

/** 操作员 a staff account. */
export interface OperatorRecord {
  /** The login name, also the id (lower case). */
  readonly login: string;
  readonly name: string;
  readonly branchId: string | null;
  readonly roles: readonly Role[];
  /** scrypt hash string with salt and parameters (`password.ts`). */
  readonly passwordHash: string;
  /** 电子工作证: SM3 of the SubjectPublicKeyInfo of the operator's SM2 certificate, hex. */
  readonly badgeKeyHash: string | null;
  readonly status: OperatorStatus;
  /** Wrong passwords since the last success or lockout. */
  readonly failedLogins: number;
  /** Logins are refused until then (after too many wrong passwords). */
  readonly lockedUntil: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type ApiClientStatus = 'active' | 'revoked';

/** 应用部门接入 an application department's API client. */
export interface ApiClientRecord {
  readonly id: string;
  readonly name: string;
  /** The department that runs the application, e.g. 浙江省公共资源交易中心. */
  readonly department: string;
  readonly scopes: readonly ApiScope[];
  /** SM3 of the secret, hex (the secret is 256 random bits, so no slow hash is needed). */
  readonly secretHash: string;
  readonly status: ApiClientStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Who holds a session. */
export type SessionKind = 'operator' | 'legal-person';

/** A login session: the bearer token is kept only as its SM3 hash. */
export interface SessionRecord {
  /** SM3 of the token, hex. */
  readonly tokenHash: string;
  readonly kind: SessionKind;
  /** Operator login, or the legal person's USCC. */
  readonly subject: string;
  /** The roles at login; changing an operator's roles ends its sessions. */
  readonly roles: readonly Role[];
  readonly branchId: string | null;
  readonly uscc: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** A nonce handed out for a certificate login; used once, then gone. */
export interface LoginChallengeRecord {
  /** 32 random bytes, hex. */
  readonly nonce: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** The authenticated caller of a request. */
export interface Principal {
  readonly kind: 'operator' | 'client' | 'legal-person';
  /** Operator login, API client id, or the legal person's USCC. */
  readonly id: string;
  readonly roles: readonly Role[];
  readonly branchId: string | null;
  /** The USCC a legal person may act for (its own only). */
  readonly uscc: string | null;
  /** API clients only; empty for the others. */
  readonly scopes: readonly ApiScope[];
  /** When the session ends; null for API keys. */
  readonly expiresAt: Date | null;
}

/** The name the audit trail records for a principal: `operator:wang`, `client:…`, `legal-person:…`. */
export function auditName(principal: Pick<Principal, 'kind' | 'id'>): string {
  return `${principal.kind}:${principal.id}`;
}

/** Who performs an account operation: its audit name and the roles that bound what it may do. */
export interface AccountActor {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly branchId: string | null;
}
