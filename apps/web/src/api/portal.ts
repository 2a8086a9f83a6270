/**
 * The portal's API client (法人门户, R34, R27, R17): agent SMS login, the home overview, the online
 * new application and its electronic authorisation letter, lifecycle steps on the legal person's
 * own certificates, charges and payment, history and messages. Paths as in docs/api.md.
 */
import {
  type Application,
  type Certificate,
  type LegalPersonHistory,
  type Session,
  call,
  rememberSession,
} from '../api.js';

export interface PortalCertificate extends Certificate {
  readonly daysLeft: number;
  readonly renewalDue: boolean;
}

export interface PortalOverview {
  readonly uscc: string;
  readonly name: string | null;
  readonly legalRepresentative: string | null;
  readonly renewalWindowDays: number;
  readonly certificates: readonly PortalCertificate[];
  readonly pending: readonly (Application & { readonly data: Readonly<Record<string, unknown>> })[];
}

export interface AuthorisationLetter {
  readonly id: string;
  readonly uscc: string;
  readonly applicationId: string;
  readonly state: 'pending' | 'approved' | 'review';
  readonly content: Readonly<Record<string, unknown>>;
  readonly text: string;
  readonly signature: string | null;
  readonly signerCertificate: string | null;
  readonly verification: {
    readonly outcome?: string;
    readonly reason?: string;
    readonly checks?: { readonly registry?: { readonly outcome: string } };
  } | null;
  readonly createdAt: string;
  readonly signedAt: string | null;
}

export interface IssuedPair {
  readonly applicationId: string;
  readonly pairId: string;
  readonly sign: Certificate;
  readonly enc: Certificate;
  readonly signCertificate: string;
  readonly encCertificate: string;
  readonly envelope: string;
}

export type LetterOutcome =
  | { readonly outcome: 'approved'; readonly letter: AuthorisationLetter; readonly pair: IssuedPair }
  | { readonly outcome: 'review'; readonly letter: AuthorisationLetter; readonly reason: string };

export interface Charge {
  readonly id: string;
  readonly applicationId: string;
  readonly name: string;
  readonly amountFen: number;
  readonly status: 'due' | 'paid' | 'waived';
  readonly scheduleVersion: number | null;
  readonly createdAt: string;
}

export interface PaymentOrder {
  readonly id: string;
  readonly applicationId: string;
  readonly amountFen: number;
  readonly scheduleVersion: number;
  readonly state: 'created' | 'paid';
  readonly providerRef: string | null;
}

export interface PortalMessage {
  readonly at: string;
  readonly applicationId: string;
  readonly businessType: string;
  readonly state: string;
  readonly channel: string;
}

/** A material as the API takes it: the file itself (base64); the server keeps only its SM3. */
export interface MaterialUpload {
  readonly kind: 'business-licence' | 'id-card' | 'authorisation-letter' | 'application-form' | 'other';
  readonly fileName: string;
  readonly content: string;
}

const AGENT_KEY = 'yizheng.portal.agent';

/** The agent of this tab's SMS login (name and phone), if the login was by SMS. */
export function currentAgent(): { readonly name: string; readonly phone: string } | null {
  const text = sessionStorage.getItem(AGENT_KEY);
  return text ? (JSON.parse(text) as { name: string; phone: string }) : null;
}

/** A USB-KEY of the legal person (介质). */
export interface Medium {
  readonly serial: string;
  readonly model: string;
  readonly state: string;
  readonly pairId: string | null;
}

/** The unlock answer the USB-KEY client writes to the key (SKF_UnblockPIN's cryptograms). */
export interface UnlockAnswer {
  readonly applicationId: string;
  readonly scheme: string;
  readonly authentication: string;
  readonly pinCryptogram: string;
  readonly oneTimePin: string | null;
}

export type LifecycleStep = 'renew' | 'change' | 'reissue' | 'revoke' | 'suspend';

export const portalApi = {
  sendSmsCode: (uscc: string, phone: string) =>
    call<{ phone: string; expiresAt: string }>('POST', '/portal/sms-code', { uscc, phone }),
  async loginWithSms(uscc: string, phone: string, code: string): Promise<Session> {
    const grant = await call<Session & { agent: { name: string; phone: string } }>(
      'POST',
      '/portal/session/sms',
      {
        uscc,
        phone,
        code,
      },
    );
    rememberSession(grant);
    sessionStorage.setItem(AGENT_KEY, JSON.stringify(grant.agent));
    return grant;
  },
  overview: () => call<PortalOverview>('GET', '/portal/overview'),
  messages: () => call<PortalMessage[]>('GET', '/portal/messages'),
  history: (uscc: string) =>
    call<LegalPersonHistory & { media: Medium[] }>(
      'GET',
      `/legal-persons/${encodeURIComponent(uscc)}/history`,
    ),
  unlock: (
    serial: string,
    body: { challenge: string; newUserPin?: string; evidence: { kind: string; reference: string } },
  ) => call<UnlockAnswer>('POST', `/media/${encodeURIComponent(serial)}/unlock`, body),
  applyNew: (body: {
    csr: string;
    agentPhone: string;
    materials?: readonly MaterialUpload[];
    letterDays?: number;
  }) => call<{ application: Application; letter: AuthorisationLetter }>('POST', '/portal/applications', body),
  letters: () => call<AuthorisationLetter[]>('GET', '/portal/letters'),
  letter: (id: string) => call<AuthorisationLetter>('GET', `/portal/letters/${encodeURIComponent(id)}`),
  signLetter: (id: string, signature: string, certificate: string) =>
    call<LetterOutcome>('POST', `/portal/letters/${encodeURIComponent(id)}/signature`, {
      signature,
      certificate,
    }),
  lifecycle: (serial: string, step: LifecycleStep, body: Readonly<Record<string, unknown>>) =>
    call<IssuedPair | Certificate[]>('POST', `/certificates/${encodeURIComponent(serial)}/${step}`, body),
  charges: () => call<{ charges: Charge[]; orders: PaymentOrder[] }>('GET', '/portal/charges'),
  pay: (applicationId: string) =>
    call<{ order: PaymentOrder; payUrl: string }>('POST', '/portal/payments', { applicationId }),
  /** Development only (embedded default): the payment simulator pays and calls back. */
  simulatePayment: (orderId: string) =>
    call<PaymentOrder>('POST', `/dev/payments/${encodeURIComponent(orderId)}/settle`),
};

/** Base64 of a file's bytes, for a material upload. */
export async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}
