/**
 * Tables of migration `0008_accounts` (issue 5 "Authentication"): branches, operators, API
 * clients, sessions and login challenges. Same column conventions as `schema.ts`; role and scope
 * lists are JSON arrays.
 */
import type { BoolValue, JsonColumn, TimeValue } from './schema.js';

export interface BranchesTable {
  id: string;
  name: string;
  region_code: string;
  address: string;
  active: BoolValue;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface OperatorsTable {
  login: string;
  name: string;
  branch_id: string | null;
  roles: JsonColumn;
  password_hash: string;
  badge_key_hash: string | null;
  status: string;
  failed_logins: number;
  locked_until: TimeValue | null;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface ApiClientsTable {
  id: string;
  name: string;
  department: string;
  scopes: JsonColumn;
  secret_hash: string;
  status: string;
  created_at: TimeValue;
  updated_at: TimeValue;
}

export interface SessionsTable {
  token_hash: string;
  kind: string;
  subject: string;
  roles: JsonColumn;
  branch_id: string | null;
  uscc: string | null;
  created_at: TimeValue;
  expires_at: TimeValue;
}

export interface LoginChallengesTable {
  nonce: string;
  created_at: TimeValue;
  expires_at: TimeValue;
}

/** The tables `0008_accounts` adds. */
export interface AccountTables {
  branches: BranchesTable;
  operators: OperatorsTable;
  api_clients: ApiClientsTable;
  sessions: SessionsTable;
  login_challenges: LoginChallengesTable;
}
