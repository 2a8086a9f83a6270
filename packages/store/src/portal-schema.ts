/**
 * Tables of migration `0013_portal` (R34 online subsystem): SMS codes, authorisation letters,
 * payment orders. Same column conventions as `schema.ts`.
 */
import type { BytesColumn, JsonColumn, TimeValue } from './schema.js';

export interface SmsCodesTable {
  id: string;
  uscc: string;
  phone: string;
  code_hash: string;
  from_address: string;
  created_at: TimeValue;
  expires_at: TimeValue;
  attempts: number;
  used_at: TimeValue | null;
}

export interface AuthorisationLettersTable {
  id: string;
  uscc: string;
  application_id: string;
  nonce: string;
  content: JsonColumn;
  text: string;
  state: string;
  signature: BytesColumn | null;
  signer_certificate: BytesColumn | null;
  verification: JsonColumn | null;
  created_at: TimeValue;
  signed_at: TimeValue | null;
}

export interface PaymentOrdersTable {
  id: string;
  uscc: string;
  application_id: string;
  amount_fen: number;
  schedule_version: number;
  items: JsonColumn;
  state: string;
  provider_ref: string | null;
  created_at: TimeValue;
  paid_at: TimeValue | null;
}

export interface PortalTables {
  sms_codes: SmsCodesTable;
  authorisation_letters: AuthorisationLettersTable;
  payment_orders: PaymentOrdersTable;
}
