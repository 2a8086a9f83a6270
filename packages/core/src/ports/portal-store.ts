/**
 * The store operations of the online subsystem (R34): SMS codes, authorisation letters and
 * payment orders. Declared apart from the main `StoreTx` like `service-store.ts`; `StoreTx`
 * extends it, and both adapters (SQLite, PostgreSQL) implement it.
 */
import type { AuthorisationLetterRecord, PaymentOrderRecord, SmsCodeRecord } from '../portal-model.js';

export interface PortalStoreTx {
  // SMS login codes
  insertSmsCode(code: SmsCodeRecord): Promise<void>;
  /** The newest code sent to `phone` for `uscc` (on PostgreSQL locked until commit). */
  latestSmsCode(uscc: string, phone: string): Promise<SmsCodeRecord | undefined>;
  updateSmsCode(id: string, change: Partial<Pick<SmsCodeRecord, 'attempts' | 'usedAt'>>): Promise<void>;
  /** Codes sent to `phone` (any USCC) at or after `since`. */
  countSmsCodesToPhone(phone: string, since: Date): Promise<number>;
  /** Codes asked for from `address` at or after `since`. */
  countSmsCodesFromAddress(address: string, since: Date): Promise<number>;

  // authorisation letters (电子授权书)
  /** A duplicate nonce is `StoreConflictError` with `what: 'letterNonce'`. */
  insertAuthorisationLetter(letter: AuthorisationLetterRecord): Promise<void>;
  /** On PostgreSQL, inside a transaction, the row stays locked until commit. */
  getAuthorisationLetter(id: string): Promise<AuthorisationLetterRecord | undefined>;
  updateAuthorisationLetter(
    id: string,
    change: Partial<
      Pick<
        AuthorisationLetterRecord,
        'state' | 'signature' | 'signerCertificate' | 'verification' | 'signedAt'
      >
    >,
  ): Promise<void>;
  /** Newest first. */
  listAuthorisationLetters(uscc: string): Promise<AuthorisationLetterRecord[]>;

  // payment orders (支付)
  insertPaymentOrder(order: PaymentOrderRecord): Promise<void>;
  getPaymentOrder(id: string): Promise<PaymentOrderRecord | undefined>;
  updatePaymentOrder(
    id: string,
    change: Partial<Pick<PaymentOrderRecord, 'state' | 'providerRef' | 'paidAt'>>,
  ): Promise<void>;
  /** Newest first. */
  listPaymentOrders(uscc: string): Promise<PaymentOrderRecord[]>;
  /** Marks a charge (fees.ts) paid once its order is confirmed. */
  setChargeStatus(id: string, status: 'paid'): Promise<void>;
}
