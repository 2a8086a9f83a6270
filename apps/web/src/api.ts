/**
 * Typed client of the REST API (docs/api.md) for the web platform (issue 6): fetch with the
 * session's bearer token from sessionStorage (gone when the tab closes), and every refusal turned
 * into an `ApiError` carrying the problem+json `YZ_ERR_*` code so pages can say it in plain words.
 */

/** The operator or legal person behind the session (GET /api/v1/me). */
export interface Principal {
  readonly kind: string;
  readonly id: string;
  readonly name: string | null;
  readonly roles: readonly string[];
  readonly branchId: string | null;
  readonly uscc: string | null;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly principal: Principal;
}

export type Counts = Readonly<Record<string, number>>;

export interface Statistics {
  readonly at: string;
  readonly expiringWithinDays: number;
  readonly legalPersons: number;
  readonly certificatesByStatus: Counts;
  readonly certificatesByRole: Counts;
  readonly certificatesByCa: Counts;
  readonly applicationsByBusinessType: Counts;
  readonly applicationsByChannel: Counts;
  readonly expiring: number;
  readonly afterSales: { readonly reissue: number; readonly unlock: number; readonly recover: number };
}

export interface Application {
  readonly id: string;
  readonly uscc: string;
  readonly businessType: string;
  readonly channel: string;
  readonly state: string;
  readonly actor: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Certificate {
  readonly caId: string;
  readonly serial: string;
  readonly role: string;
  readonly pairId: string;
  readonly uscc: string | null;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: string;
}

export interface LegalPerson {
  readonly uscc: string;
  readonly name: string;
  readonly legalRepresentative: string;
  readonly registryStatus: string;
  readonly updatedAt: string;
}

export interface LegalPersonHistory {
  readonly legalPerson: LegalPerson;
  readonly applications: readonly Application[];
  readonly certificates: readonly Certificate[];
}

/** A refusal of the API: HTTP status and the `YZ_ERR_*` code of its problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const SESSION_KEY = 'yizheng.session';

export function currentSession(): Session | null {
  const text = sessionStorage.getItem(SESSION_KEY);
  return text ? (JSON.parse(text) as Session) : null;
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** One call of `/api/v1{path}` with the session's token; a refusal throws `ApiError`. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const session = currentSession();
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(session ? { authorization: `Bearer ${session.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'YZ_ERR_UNAVAILABLE', String(error));
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = (payload ?? {}) as { code?: string; detail?: string; title?: string };
    if (response.status === 401) forgetSession();
    throw new ApiError(
      response.status,
      problem.code ?? 'YZ_ERR_INTERNAL',
      problem.detail ?? problem.title ?? response.statusText,
    );
  }
  return payload as T;
}

/** Keeps a session granted by a login (password here, certificate in api/portal-session.ts). */
export function rememberSession(session: Session): Session {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

export async function loginWithPassword(login: string, password: string): Promise<Session> {
  return rememberSession(await call<Session>('POST', '/session/password', { login, password }));
}

export async function logout(): Promise<void> {
  try {
    await call<void>('DELETE', '/session');
  } finally {
    forgetSession();
  }
}

export const api = {
  statistics: (days = 30) => call<Statistics>('GET', `/statistics?days=${days}`),
  reviewQueue: () => call<Application[]>('GET', '/applications?state=review'),
  approve: (id: string, note?: string) =>
    call<unknown>('POST', `/applications/${encodeURIComponent(id)}/approve`, note ? { note } : {}),
  reject: (id: string, reason: string) =>
    call<Application>('POST', `/applications/${encodeURIComponent(id)}/reject`, { reason }),
  legalPersonHistory: (uscc: string) =>
    call<LegalPersonHistory>('GET', `/legal-persons/${encodeURIComponent(uscc)}/history`),
};
