/**
 * The account operations of the store port (`AccountStoreTx`) on Kysely: branches, operators, API
 * clients, sessions and login challenges. It extends the after-sales section and the main
 * `KyselyStoreTx` extends it, so one transaction object offers every operation. Same rules as
 * `kysely-store.ts`: unique keys through `ON CONFLICT DO NOTHING`, a zero row count becomes
 * `StoreConflictError`, so a PostgreSQL transaction stays usable after a refusal.
 */
import { StoreConflictError } from '@yizheng/core';
import type {
  AccountStoreTx,
  ApiClientRecord,
  BranchRecord,
  LoginChallengeRecord,
  OperatorRecord,
  SessionKind,
  SessionRecord,
} from '@yizheng/core';
import type { DeleteResult, InsertResult, Updateable } from 'kysely';
import {
  apiClientFromRow,
  apiClientToRow,
  branchFromRow,
  branchToRow,
  challengeFromRow,
  challengeToRow,
  operatorFromRow,
  operatorToRow,
  sessionFromRow,
  sessionToRow,
} from './account-mapping.js';
import type { ApiClientsTable, BranchesTable, OperatorsTable } from './account-schema.js';
import { timeOrNull } from './mapping.js';
import { KyselyStatusStoreTx } from './kysely-status-store.js';

function wrote(result: InsertResult | undefined): boolean {
  return result !== undefined && result.numInsertedOrUpdatedRows !== 0n;
}

function deleted(result: DeleteResult | undefined): number {
  return Number(result?.numDeletedRows ?? 0n);
}

export class KyselyAccountStoreTx extends KyselyStatusStoreTx implements AccountStoreTx {
  // branches

  async insertBranch(branch: BranchRecord): Promise<void> {
    const result = await this.db
      .insertInto('branches')
      .values(branchToRow(this.codec, branch))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result)) throw new StoreConflictError('branch', `branch ${branch.id} already exists`);
  }

  async getBranch(id: string): Promise<BranchRecord | undefined> {
    const row = await this.db.selectFrom('branches').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : branchFromRow(this.codec, row);
  }

  async updateBranch(
    id: string,
    change: Partial<Pick<BranchRecord, 'name' | 'regionCode' | 'address' | 'active' | 'updatedAt'>>,
  ): Promise<void> {
    const set: Updateable<BranchesTable> = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.regionCode !== undefined) set.region_code = change.regionCode;
    if (change.address !== undefined) set.address = change.address;
    if (change.active !== undefined) set.active = this.codec.bool(change.active);
    if (change.updatedAt !== undefined) set.updated_at = this.codec.time(change.updatedAt);
    if (Object.keys(set).length > 0)
      await this.db.updateTable('branches').set(set).where('id', '=', id).execute();
  }

  async listBranches(): Promise<BranchRecord[]> {
    const rows = await this.db.selectFrom('branches').selectAll().orderBy('id').execute();
    return rows.map((row) => branchFromRow(this.codec, row));
  }

  // operators

  async insertOperator(operator: OperatorRecord): Promise<void> {
    const result = await this.db
      .insertInto('operators')
      .values(operatorToRow(this.codec, operator))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (wrote(result)) return;
    // two unique keys: say which one refused
    if (await this.getOperator(operator.login))
      throw new StoreConflictError('operator', `operator ${operator.login} already exists`);
    throw new StoreConflictError('badge', `the work badge of ${operator.login} is another operator's`);
  }

  async getOperator(login: string): Promise<OperatorRecord | undefined> {
    let query = this.db.selectFrom('operators').selectAll().where('login', '=', login);
    // logins of one operator serialise on its row (PostgreSQL): the failure counter is read-modify-write
    if (this.codec.dialect === 'postgres' && this.db.isTransaction) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : operatorFromRow(this.codec, row);
  }

  async findOperatorByBadge(badgeKeyHash: string): Promise<OperatorRecord | undefined> {
    const row = await this.db
      .selectFrom('operators')
      .selectAll()
      .where('badge_key_hash', '=', badgeKeyHash)
      .executeTakeFirst();
    return row === undefined ? undefined : operatorFromRow(this.codec, row);
  }

  async updateOperator(
    login: string,
    change: Parameters<AccountStoreTx['updateOperator']>[1],
  ): Promise<void> {
    const set: Updateable<OperatorsTable> = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.branchId !== undefined) set.branch_id = change.branchId;
    if (change.roles !== undefined) set.roles = JSON.stringify(change.roles);
    if (change.passwordHash !== undefined) set.password_hash = change.passwordHash;
    if (change.badgeKeyHash !== undefined) set.badge_key_hash = change.badgeKeyHash;
    if (change.status !== undefined) set.status = change.status;
    if (change.failedLogins !== undefined) set.failed_logins = change.failedLogins;
    if (change.lockedUntil !== undefined) set.locked_until = timeOrNull(this.codec, change.lockedUntil);
    if (change.updatedAt !== undefined) set.updated_at = this.codec.time(change.updatedAt);
    if (Object.keys(set).length > 0)
      await this.db.updateTable('operators').set(set).where('login', '=', login).execute();
  }

  async listOperators(query: { readonly branchId?: string } = {}): Promise<OperatorRecord[]> {
    const rows = await this.db
      .selectFrom('operators')
      .selectAll()
      .$if(query.branchId !== undefined, (q) => q.where('branch_id', '=', query.branchId ?? ''))
      .orderBy('login')
      .execute();
    return rows.map((row) => operatorFromRow(this.codec, row));
  }

  // API clients

  async insertApiClient(client: ApiClientRecord): Promise<void> {
    const result = await this.db
      .insertInto('api_clients')
      .values(apiClientToRow(this.codec, client))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result)) throw new StoreConflictError('apiClient', `API client ${client.id} already exists`);
  }

  async getApiClient(id: string): Promise<ApiClientRecord | undefined> {
    const row = await this.db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : apiClientFromRow(this.codec, row);
  }

  async updateApiClient(
    id: string,
    change: Partial<Pick<ApiClientRecord, 'status' | 'updatedAt'>>,
  ): Promise<void> {
    const set: Updateable<ApiClientsTable> = {};
    if (change.status !== undefined) set.status = change.status;
    if (change.updatedAt !== undefined) set.updated_at = this.codec.time(change.updatedAt);
    if (Object.keys(set).length > 0)
      await this.db.updateTable('api_clients').set(set).where('id', '=', id).execute();
  }

  async listApiClients(): Promise<ApiClientRecord[]> {
    const rows = await this.db
      .selectFrom('api_clients')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => apiClientFromRow(this.codec, row));
  }

  // sessions

  async insertSession(session: SessionRecord): Promise<void> {
    await this.db.insertInto('sessions').values(sessionToRow(this.codec, session)).execute();
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row === undefined ? undefined : sessionFromRow(this.codec, row);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(kind: SessionKind, subject: string): Promise<number> {
    return deleted(
      await this.db
        .deleteFrom('sessions')
        .where('kind', '=', kind)
        .where('subject', '=', subject)
        .executeTakeFirst(),
    );
  }

  async deleteExpiredSessions(at: Date): Promise<number> {
    return deleted(
      await this.db.deleteFrom('sessions').where('expires_at', '<=', this.codec.time(at)).executeTakeFirst(),
    );
  }

  // login challenges

  async insertLoginChallenge(challenge: LoginChallengeRecord): Promise<void> {
    const result = await this.db
      .insertInto('login_challenges')
      .values(challengeToRow(this.codec, challenge))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result))
      throw new StoreConflictError('loginChallenge', `nonce ${challenge.nonce} already exists`);
  }

  async takeLoginChallenge(nonce: string): Promise<LoginChallengeRecord | undefined> {
    // DELETE … RETURNING: the row goes to exactly one of any number of concurrent takers
    const row = await this.db
      .deleteFrom('login_challenges')
      .where('nonce', '=', nonce)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : challengeFromRow(this.codec, row);
  }

  async deleteExpiredLoginChallenges(at: Date): Promise<number> {
    return deleted(
      await this.db
        .deleteFrom('login_challenges')
        .where('expires_at', '<=', this.codec.time(at))
        .executeTakeFirst(),
    );
  }
}
