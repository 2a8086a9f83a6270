/**
 * Records of the online subsystem (在线业务子系统, R34): SMS login codes of agents (经办人短信验证码),
 * electronic authorisation letters (电子授权书) with their verification, and payment orders
 * (支付订单, R17). Plain data like `model.ts`; a code is kept only as its SM3 hash.
 */

/** A one-time SMS login code sent to an agent's phone. */
export interface SmsCodeRecord {
  readonly id: string;
  /** The legal person the agent acts for. */
  readonly uscc: string;
  /** 11 digits starting with 1. */
  readonly phone: string;
  /** SM3(id ‖ ':' ‖ code), hex: the code itself is never stored. */
  readonly codeHash: string;
  /** The requesting client's address (per-address rate limit). */
  readonly fromAddress: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Wrong codes tried against it. */
  readonly attempts: number;
  readonly usedAt: Date | null;
}

/** What an authorisation letter says (rendered by the server, then signed as canonical text). */
export interface AuthorisationLetterContent {
  readonly version: 'yizheng-authorisation-letter/1';
  readonly id: string;
  readonly uscc: string;
  readonly enterpriseName: string;
  readonly legalRepresentative: string;
  readonly agentName: string;
  readonly agentIdNumber: string;
  readonly businessTypes: readonly string[];
  readonly validFrom: string;
  readonly validUntil: string;
  readonly nonce: string;
  readonly issuedAt: string;
}

/** pending: waiting for the signature; approved / review: signed and verified (or sent to review). */
export type AuthorisationLetterState = 'pending' | 'approved' | 'review';

/** 电子授权书 an electronic authorisation letter and, once signed, its evidence. */
export interface AuthorisationLetterRecord {
  readonly id: string;
  readonly uscc: string;
  /** The online application it authorises. */
  readonly applicationId: string;
  readonly nonce: string;
  readonly content: AuthorisationLetterContent;
  /** The exact UTF-8 text the legal representative signs. */
  readonly text: string;
  readonly state: AuthorisationLetterState;
  /** DER SM2 signature (signer ID 1234567812345678) over `text`. */
  readonly signature: Uint8Array | null;
  /** The signer's certificate, DER. */
  readonly signerCertificate: Uint8Array | null;
  /** The verification report (checks and outcome), kept as evidence. */
  readonly verification: Readonly<Record<string, unknown>> | null;
  readonly createdAt: Date;
  readonly signedAt: Date | null;
}

/** created → paid (the payment provider confirmed). */
export type PaymentOrderState = 'created' | 'paid';

/** 支付订单 an order for the fee of one application, priced from one fee schedule version. */
export interface PaymentOrderRecord {
  readonly id: string;
  readonly uscc: string;
  readonly applicationId: string;
  readonly amountFen: number;
  readonly scheduleVersion: number;
  readonly items: readonly { readonly code: string; readonly name: string; readonly amountFen: number }[];
  readonly state: PaymentOrderState;
  /** The provider's transaction reference, once paid. */
  readonly providerRef: string | null;
  readonly createdAt: Date;
  readonly paidAt: Date | null;
}
