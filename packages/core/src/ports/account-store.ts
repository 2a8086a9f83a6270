/**
 * The store operations of accounts (issue 5 "Authentication"): branches, operators, API clients,
 * sessions and login challenges. Declared apart from the main `StoreTx` like `service-store.ts`;
 * `StoreTx` extends it, and the contract suite holds both adapters to it.
 */
import type {
  ApiClientRecord,
  BranchRecord,
  LoginChallengeRecord,
  OperatorRecord,
  SessionKind,
  SessionRecord,
} from '../account-model.js';

export interface AccountStoreTx {
  // branches (网点)
  /** A duplicate id is `StoreConflictError` with `what: 'branch'`. */
  insertBranch(branch: BranchRecord): Promise<void>;
  getBranch(id: string): Promise<BranchRecord | undefined>;
  updateBranch(
    id: string,
    change: Partial<Pick<BranchRecord, 'name' | 'regionCode' | 'address' | 'active' | 'updatedAt'>>,
  ): Promise<void>;
  /** Ordered by id. */
  listBranches(): Promise<BranchRecord[]>;

  // operators (操作员)
  /** A duplicate login is `StoreConflictError` with `what: 'operator'`, a badge in use `what: 'badge'`. */
  insertOperator(operator: OperatorRecord): Promise<void>;
  /** Inside a transaction on PostgreSQL the row stays locked until commit (login counters serialise). */
  getOperator(login: string): Promise<OperatorRecord | undefined>;
  /** The operator whose work badge (电子工作证) has this public key hash. */
  findOperatorByBadge(badgeKeyHash: string): Promise<OperatorRecord | undefined>;
  updateOperator(
    login: string,
    change: Partial<
      Pick<
        OperatorRecord,
        | 'name'
        | 'branchId'
        | 'roles'
        | 'passwordHash'
        | 'badgeKeyHash'
        | 'status'
        | 'failedLogins'
        | 'lockedUntil'
        | 'updatedAt'
      >
    >,
  ): Promise<void>;
  /** Ordered by login; only one branch's when `branchId` is given. */
  listOperators(query?: { readonly branchId?: string }): Promise<OperatorRecord[]>;

  // API clients (应用部门接入)
  /** A duplicate id is `StoreConflictError` with `what: 'apiClient'`. */
  insertApiClient(client: ApiClientRecord): Promise<void>;
  getApiClient(id: string): Promise<ApiClientRecord | undefined>;
  updateApiClient(id: string, change: Partial<Pick<ApiClientRecord, 'status' | 'updatedAt'>>): Promise<void>;
  /** Ordered by creation time, then id. */
  listApiClients(): Promise<ApiClientRecord[]>;

  // sessions
  insertSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of one subject (roles changed, disabled, password reset); returns how many. */
  deleteSessionsOf(kind: SessionKind, subject: string): Promise<number>;
  /** Housekeeping: sessions that expired before `at`; returns how many. */
  deleteExpiredSessions(at: Date): Promise<number>;

  // login challenges
  insertLoginChallenge(challenge: LoginChallengeRecord): Promise<void>;
  /** Removes and returns the challenge: two callers with one nonce never both get it. */
  takeLoginChallenge(nonce: string): Promise<LoginChallengeRecord | undefined>;
  /** Housekeeping: challenges that expired before `at`; returns how many. */
  deleteExpiredLoginChallenges(at: Date): Promise<number>;
}
