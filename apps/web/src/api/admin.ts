/**
 * The back office's API client (后台管理, issue 6; R4, R25, R37, R3): statistics by period and
 * dimension with their CSV/Excel downloads, the expiring certificates, the audit trail and its
 * check, branches and operators. Downloads go through fetch with the session's bearer token (a
 * plain link would carry none) and are handed to the browser as a file.
 */
import { ApiError, type Application, type Certificate, call, currentSession } from '../api.js';

export type Granularity = 'day' | 'week' | 'month';
export type GroupBy = 'businessType' | 'branch' | 'channel' | 'profile';

export interface OperationsQuery {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly groupBy: GroupBy;
}

export interface OperationRow {
  readonly period: string;
  readonly businessType: string;
  readonly group: string;
  readonly count: number;
}

export interface OperationStatistics extends OperationsQuery {
  readonly periods: readonly string[];
  readonly rows: readonly OperationRow[];
  readonly totals: Readonly<Record<string, number>>;
  readonly afterSales: number;
}

export interface Expiring {
  readonly days: number;
  readonly total: number;
  readonly certificates: readonly Certificate[];
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly object: string;
  readonly reason: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly next: number | null;
}

export interface AuditFilters {
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly text?: string;
}

export interface AuditVerification {
  readonly valid: boolean;
  readonly entries: number;
  readonly problem: { readonly seq: number; readonly message: string } | null;
  readonly checkpoint: { readonly seq: number; readonly signatureValid: boolean } | null;
}

export interface Branch {
  readonly id: string;
  readonly name: string;
  readonly regionCode: string;
  readonly address: string;
  readonly active: boolean;
}

export interface Operator {
  readonly login: string;
  readonly name: string;
  readonly branchId: string | null;
  readonly roles: readonly string[];
  readonly status: string;
  readonly workBadge: string | null;
  readonly lockedUntil: string | null;
}

export interface Profile {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly role: string;
  readonly active: boolean;
  readonly createdAt: string;
  readonly definition: unknown;
}

export interface FeeItem {
  readonly code: string;
  readonly name: string;
  readonly amountFen: number;
}

export interface FeeSchedule {
  readonly version: number;
  readonly publishedAt: string;
  readonly items: readonly FeeItem[];
}

/** The review queue's filter by assignment (审核分派). */
export type Assigned = 'all' | 'mine' | 'unassigned';

export interface ReviewAssignment {
  readonly reviewer: string;
  readonly by: string;
  readonly at: string;
}

/** A difference the registry check found (R26): what was applied for, what the registry holds. */
export interface RegistryDifference {
  readonly field: string;
  readonly applied: string;
  readonly registry: string;
}

interface ReviewFields {
  readonly assignment?: ReviewAssignment;
  readonly registryCheck?: {
    readonly outcome: string;
    readonly differences: readonly RegistryDifference[];
    readonly reason?: string;
  };
  readonly legalPerson?: {
    readonly uscc: string;
    readonly name: string;
    readonly legalRepresentative: string;
  };
}

/** The review fields of an application's data. */
export function reviewFieldsOf(application: Application): ReviewFields {
  return ((application as { data?: unknown }).data ?? {}) as ReviewFields;
}

export function assignmentOf(application: Application): ReviewAssignment | null {
  return reviewFieldsOf(application).assignment ?? null;
}

export interface RoleInfo {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly holder: string;
}

/** `?a=1&b=2` of the defined values. */
function query(values: Readonly<Record<string, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** GETs `/api/v1{path}` as a file and hands it to the browser's download under the server's name. */
export async function downloadFile(path: string): Promise<void> {
  const session = currentSession();
  const response = await fetch(`/api/v1${path}`, {
    headers: session ? { authorization: `Bearer ${session.token}` } : {},
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiError(
      response.status,
      problem.code ?? 'YZ_ERR_INTERNAL',
      problem.detail ?? response.statusText,
    );
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const adminApi = {
  operations: (q: OperationsQuery) =>
    call<OperationStatistics>('GET', `/statistics/operations${query({ ...q })}`),
  exportOperations: (q: OperationsQuery, format: 'csv' | 'xlsx') =>
    downloadFile(`/statistics/operations/export${query({ ...q, format })}`),
  exportExpiring: (days: number, format: 'csv' | 'xlsx') =>
    downloadFile(`/statistics/expiring/export${query({ days, format })}`),
  expiring: (days: number) => call<Expiring>('GET', `/statistics/expiring${query({ days, limit: 100 })}`),
  audit: (filters: AuditFilters, before?: number) =>
    call<AuditPage>('GET', `/audit${query({ ...filters, before, limit: 50 })}`),
  verifyAudit: () => call<AuditVerification>('GET', '/audit/verify'),
  profiles: () => call<Profile[]>('GET', '/profiles'),
  saveProfile: (id: string, name: string, definition: Readonly<Record<string, unknown>>) =>
    call<{ id: string; version: number }>('POST', `/profiles/${encodeURIComponent(id)}`, {
      name,
      definition,
    }),
  feeVersions: () => call<FeeSchedule[]>('GET', '/fees/versions'),
  publishFees: (items: readonly FeeItem[]) => call<FeeSchedule>('POST', '/fees', { items }),
  reviewQueue: (assigned: Assigned) =>
    call<Application[]>(
      'GET',
      `/applications${query({ state: 'review', assigned: assigned === 'all' ? undefined : assigned })}`,
    ),
  assign: (id: string, reviewer?: string) =>
    call<Application>('POST', `/applications/${encodeURIComponent(id)}/assign`, reviewer ? { reviewer } : {}),
  branches: () => call<Branch[]>('GET', '/branches'),
  createBranch: (branch: Omit<Branch, 'active'>) => call<Branch>('POST', '/branches', branch),
  updateBranch: (id: string, change: Partial<Omit<Branch, 'id'>>) =>
    call<Branch>('PATCH', `/branches/${encodeURIComponent(id)}`, change),
  operators: () => call<Operator[]>('GET', '/operators'),
  roles: () => call<{ roles: RoleInfo[] }>('GET', '/roles'),
  createOperator: (operator: {
    login: string;
    name: string;
    roles: readonly string[];
    branchId?: string | null;
    password?: string;
  }) => call<{ operator: Operator; password: string | null }>('POST', '/operators', operator),
  updateOperator: (
    login: string,
    change: { name?: string; roles?: readonly string[]; branchId?: string | null; status?: string },
  ) => call<Operator>('PATCH', `/operators/${encodeURIComponent(login)}`, change),
  issueBadge: (login: string, csr: string) =>
    call<Certificate>('POST', `/operators/${encodeURIComponent(login)}/badge`, { csr }),
  revokeBadge: (login: string) =>
    call<{ revoked: string | null }>('POST', `/operators/${encodeURIComponent(login)}/badge/revoke`, {}),
  resetPassword: (login: string) =>
    call<{ password: string | null }>('POST', `/operators/${encodeURIComponent(login)}/password`, {}),
};
