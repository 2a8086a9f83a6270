/**
 * The branch counter's API client (R33): materials (物资管理: media, stock, movements, warnings,
 * transfers, scrapping) and the walk-in flow (checklists, registry look-up, counter new
 * certificate, receipt). Shapes follow docs/api.md "Materials" and "Counter".
 */
import {
  type Application,
  type Certificate,
  type LegalPerson,
  type LegalPersonHistory,
  call,
} from '../api.js';
import type { UnlockAnswer as PortalUnlockAnswer } from './portal.js';

export interface Medium {
  readonly serial: string;
  readonly model: string;
  readonly scheme: string;
  readonly state: string;
  readonly branchId: string | null;
  readonly batch: string | null;
  readonly uscc: string | null;
  readonly pairId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Movement {
  readonly id: string;
  readonly mediumSerial: string;
  readonly kind: string;
  readonly fromBranch: string | null;
  readonly toBranch: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly at: string;
}

export interface StockWarning {
  readonly branchId: string;
  readonly model: string;
  readonly minimum: number;
  readonly inStock: number;
}

export interface Stock {
  readonly counts: readonly { branchId: string | null; model: string; state: string; count: number }[];
  readonly thresholds: readonly { branchId: string; model: string; minimum: number }[];
  readonly warnings: readonly StockWarning[];
}

export interface Branch {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
}

export interface ChecklistItem {
  readonly id: string;
  readonly kind: string;
  readonly need: 'always' | 'agent-not-representative';
  readonly zh: string;
  readonly en: string;
}

export interface RegistryEntry {
  readonly uscc: string;
  readonly name: string;
  readonly legalRepresentative: string;
  readonly status: string;
}

export interface Charge {
  readonly code: string;
  readonly name: string;
  readonly amountFen: number;
  readonly status: string;
  readonly note: string;
  readonly applicationId: string;
}

export interface FeeSchedule {
  readonly version: number;
  readonly items: readonly { code: string; name: string; amountFen: number }[];
}

export interface CounterMaterial {
  readonly item: string;
  readonly kind: string;
  readonly fileName: string;
  /** base64: the server keeps only its SM3, size and name. */
  readonly content: string;
}

export interface CounterApplicationInput {
  readonly csr: string;
  readonly legalPerson: { uscc: string; name: string; legalRepresentative: string };
  readonly agent?: { name: string; idType: 'resident-id'; idNumber: string; phone?: string };
  readonly materials: readonly CounterMaterial[];
  readonly mediumSerial: string;
  readonly paymentMethod: string;
}

export interface CounterServiceInput {
  readonly businessType: 'renew' | 'change' | 'reissue';
  readonly serial: string;
  readonly csr: string;
  readonly legalPerson?: { name: string; legalRepresentative?: string };
  readonly agent?: CounterApplicationInput['agent'];
  readonly materials: readonly CounterMaterial[];
  readonly mediumSerial?: string;
  readonly paymentMethod: string;
}

export type CounterApplicationResult =
  | {
      readonly state: 'completed';
      readonly pair: { applicationId: string; sign: Certificate; enc: Certificate };
      readonly medium: Medium;
      readonly soPin: string;
      readonly charge: Charge;
    }
  | { readonly state: 'review'; readonly application: Application };

export interface Receipt {
  readonly application: Application & { readonly data: Record<string, unknown> };
  readonly legalPerson: LegalPerson | null;
  readonly agent: { name: string; idType: string; idNumber: string } | null;
  readonly certificates: readonly Certificate[];
  readonly medium: Medium | null;
  readonly charges: readonly Charge[];
  readonly branch: (Branch & { address: string }) | null;
  readonly operator: string;
  readonly paymentMethod: string | null;
}

/**
 * The RFC 5280 reasons a holder gives at the counter (a subset of packages/core REVOCATION_REASONS:
 * cACompromise is the CA's, not a walk-in's).
 */
export const REVOCATION_REASONS = [
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
  'unspecified',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** A pair's status change at the counter: staff say who asked (here the holder) and the reference. */
export type StatusChangeInput =
  | { readonly step: 'revoke'; readonly reason: RevocationReason; readonly note: string }
  | { readonly step: 'suspend' | 'resume'; readonly note?: string };

/** The unlock answer (shared with the portal) and what it charged. */
export type UnlockAnswer = PortalUnlockAnswer & { readonly charge: Charge };

const query = (params: Readonly<Record<string, string | undefined>>): string => {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};

export const counterApi = {
  branches: () => call<Branch[]>('GET', '/branches'),
  media: (filter: { branch?: string; state?: string; model?: string; batch?: string; uscc?: string }) =>
    call<Medium[]>('GET', `/media${query(filter)}`),
  mediumMovements: (serial: string) =>
    call<{ medium: Medium; movements: Movement[] }>('GET', `/media/${encodeURIComponent(serial)}`).then(
      (answer) => answer.movements,
    ),
  stock: (branch?: string) => call<Stock>('GET', `/stock${query({ branch })}`),
  movements: (branch?: string, limit = 50) =>
    call<Movement[]>('GET', `/stock/movements${query({ branch, limit: String(limit) })}`),
  receive: (body: { model: string; batch?: string; serials: readonly string[] }) =>
    call<Medium[]>('POST', '/media', body),
  transfer: (serials: readonly string[], toBranch: string, reason?: string) =>
    call<Medium[]>('POST', '/media/transfers', { serials, toBranch, ...(reason ? { reason } : {}) }),
  signFor: (serials: readonly string[]) => call<Medium[]>('POST', '/media/transfers/receive', { serials }),
  returnMedium: (serial: string, to: 'stock' | 'vendor', reason: string) =>
    call<Medium>('POST', `/media/${encodeURIComponent(serial)}/return`, { to, reason }),
  /** Staff revocation on the holder's request (R23): the CRL reason and the request's reference. */
  revoke: (serial: string, reason: string, note: string) =>
    call<Certificate[]>('POST', `/certificates/${encodeURIComponent(serial)}/revoke`, {
      reason,
      requestedBy: 'holder',
      note,
    }),
  scrap: (serial: string, reason: string) =>
    call<Medium>('POST', `/media/${encodeURIComponent(serial)}/scrap`, { reason }),
  setThreshold: (branchId: string, model: string, minimum: number) =>
    call<unknown>('PUT', '/stock/thresholds', { branchId, model, minimum }),
  checklists: () => call<Record<string, ChecklistItem[]>>('GET', '/counter/checklists'),
  registry: (uscc: string) => call<RegistryEntry>('GET', `/counter/registry/${encodeURIComponent(uscc)}`),
  history: (uscc: string) =>
    call<LegalPersonHistory>('GET', `/legal-persons/${encodeURIComponent(uscc)}/history`),
  searchByName: (name: string) => call<Certificate[]>('GET', `/certificates${query({ name, role: 'sign' })}`),
  fees: () => call<FeeSchedule>('GET', '/fees'),
  apply: (body: CounterApplicationInput) =>
    call<CounterApplicationResult>('POST', '/counter/applications', body),
  service: (body: CounterServiceInput) =>
    call<{ pair: { applicationId: string }; medium: Medium | null; soPin: string | null }>(
      'POST',
      '/counter/services',
      body,
    ),
  changeStatus: (serial: string, input: StatusChangeInput): Promise<Certificate[]> =>
    input.step === 'revoke'
      ? counterApi.revoke(serial, input.reason, input.note)
      : call<Certificate[]>(
          'POST',
          `/certificates/${encodeURIComponent(serial)}/${input.step}`,
          input.note ? { note: input.note } : {},
        ),
  unlock: (
    serial: string,
    body: { challenge: string; evidence: { kind: string; reference: string }; newUserPin?: string },
  ) => call<UnlockAnswer>('POST', `/media/${encodeURIComponent(serial)}/unlock`, body),
  receipt: (applicationId: string) =>
    call<Receipt>('GET', `/counter/receipts/${encodeURIComponent(applicationId)}`),
};
