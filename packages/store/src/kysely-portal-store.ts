/**
 * The online subsystem's operations of the store port (`PortalStoreTx`, R34) on Kysely: SMS
 * codes, authorisation letters, payment orders. The main `KyselyStoreTx` extends this class, so
 * one transaction object offers every operation. Same rules as `kysely-store.ts`.
 */
import {
  type AuthorisationLetterRecord,
  type PaymentOrderRecord,
  type PortalStoreTx,
  type SmsCodeRecord,
  StoreConflictError,
} from '@yizheng/core';
import type { Selectable } from 'kysely';
import { KyselyBackOfficeStoreTx } from './kysely-back-office-store.js';
import { bytesFromDb, bytesToDb, dateOrNull, timeOrNull } from './mapping.js';
import type { AuthorisationLettersTable, PaymentOrdersTable, SmsCodesTable } from './portal-schema.js';

export class KyselyPortalStoreTx extends KyselyBackOfficeStoreTx implements PortalStoreTx {
  // SMS codes

  async insertSmsCode(code: SmsCodeRecord): Promise<void> {
    await this.db
      .insertInto('sms_codes')
      .values({
        id: code.id,
        uscc: code.uscc,
        phone: code.phone,
        code_hash: code.codeHash,
        from_address: code.fromAddress,
        created_at: this.codec.time(code.createdAt),
        expires_at: this.codec.time(code.expiresAt),
        attempts: code.attempts,
        used_at: timeOrNull(this.codec, code.usedAt),
      })
      .execute();
  }

  async latestSmsCode(uscc: string, phone: string): Promise<SmsCodeRecord | undefined> {
    let query = this.db
      .selectFrom('sms_codes')
      .selectAll()
      .where('phone', '=', phone)
      .where('uscc', '=', uscc)
      .orderBy('created_at', 'desc')
      .limit(1);
    // two logins with one code serialise on its row (PostgreSQL); SQLite has one writer anyway
    if (this.codec.dialect === 'postgres' && this.db.isTransaction) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : this.smsCodeFromRow(row);
  }

  async updateSmsCode(
    id: string,
    change: Partial<Pick<SmsCodeRecord, 'attempts' | 'usedAt'>>,
  ): Promise<void> {
    await this.db
      .updateTable('sms_codes')
      .set({
        ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
        ...(change.usedAt !== undefined ? { used_at: timeOrNull(this.codec, change.usedAt) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async countSmsCodesToPhone(phone: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('sms_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('phone', '=', phone)
      .where('created_at', '>=', this.codec.time(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countSmsCodesFromAddress(address: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('sms_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('from_address', '=', address)
      .where('created_at', '>=', this.codec.time(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private smsCodeFromRow(row: Selectable<SmsCodesTable>): SmsCodeRecord {
    return {
      id: row.id,
      uscc: row.uscc,
      phone: row.phone,
      codeHash: row.code_hash,
      fromAddress: row.from_address,
      createdAt: this.codec.date(row.created_at),
      expiresAt: this.codec.date(row.expires_at),
      attempts: Number(row.attempts),
      usedAt: dateOrNull(this.codec, row.used_at),
    };
  }

  // authorisation letters

  async insertAuthorisationLetter(letter: AuthorisationLetterRecord): Promise<void> {
    const result = await this.db
      .insertInto('authorisation_letters')
      .values({
        id: letter.id,
        uscc: letter.uscc,
        application_id: letter.applicationId,
        nonce: letter.nonce,
        content: JSON.stringify(letter.content),
        text: letter.text,
        state: letter.state,
        signature: letter.signature ? bytesToDb(letter.signature) : null,
        signer_certificate: letter.signerCertificate ? bytesToDb(letter.signerCertificate) : null,
        verification: letter.verification ? JSON.stringify(letter.verification) : null,
        created_at: this.codec.time(letter.createdAt),
        signed_at: timeOrNull(this.codec, letter.signedAt),
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (result.numInsertedOrUpdatedRows === 0n)
      throw new StoreConflictError('letterNonce', `letter ${letter.id} or its nonce exists already`);
  }

  async getAuthorisationLetter(id: string): Promise<AuthorisationLetterRecord | undefined> {
    let query = this.db.selectFrom('authorisation_letters').selectAll().where('id', '=', id);
    if (this.codec.dialect === 'postgres' && this.db.isTransaction) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : this.letterFromRow(row);
  }

  async updateAuthorisationLetter(
    id: string,
    change: Partial<
      Pick<
        AuthorisationLetterRecord,
        'state' | 'signature' | 'signerCertificate' | 'verification' | 'signedAt'
      >
    >,
  ): Promise<void> {
    await this.db
      .updateTable('authorisation_letters')
      .set({
        ...(change.state !== undefined ? { state: change.state } : {}),
        ...(change.signature ? { signature: bytesToDb(change.signature) } : {}),
        ...(change.signerCertificate ? { signer_certificate: bytesToDb(change.signerCertificate) } : {}),
        ...(change.verification ? { verification: JSON.stringify(change.verification) } : {}),
        ...(change.signedAt !== undefined ? { signed_at: timeOrNull(this.codec, change.signedAt) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async listAuthorisationLetters(uscc: string): Promise<AuthorisationLetterRecord[]> {
    const rows = await this.db
      .selectFrom('authorisation_letters')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => this.letterFromRow(row));
  }

  private letterFromRow(row: Selectable<AuthorisationLettersTable>): AuthorisationLetterRecord {
    return {
      id: row.id,
      uscc: row.uscc,
      applicationId: row.application_id,
      nonce: row.nonce,
      content: this.codec.json(row.content) as AuthorisationLetterRecord['content'],
      text: row.text,
      state: row.state as AuthorisationLetterRecord['state'],
      signature: row.signature ? bytesFromDb(row.signature) : null,
      signerCertificate: row.signer_certificate ? bytesFromDb(row.signer_certificate) : null,
      verification:
        row.verification === null ? null : (this.codec.json(row.verification) as Record<string, unknown>),
      createdAt: this.codec.date(row.created_at),
      signedAt: dateOrNull(this.codec, row.signed_at),
    };
  }

  // payment orders

  async insertPaymentOrder(order: PaymentOrderRecord): Promise<void> {
    await this.db
      .insertInto('payment_orders')
      .values({
        id: order.id,
        uscc: order.uscc,
        application_id: order.applicationId,
        amount_fen: order.amountFen,
        schedule_version: order.scheduleVersion,
        items: JSON.stringify(order.items),
        state: order.state,
        provider_ref: order.providerRef,
        created_at: this.codec.time(order.createdAt),
        paid_at: timeOrNull(this.codec, order.paidAt),
      })
      .execute();
  }

  async getPaymentOrder(id: string): Promise<PaymentOrderRecord | undefined> {
    let query = this.db.selectFrom('payment_orders').selectAll().where('id', '=', id);
    if (this.codec.dialect === 'postgres' && this.db.isTransaction) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : this.orderFromRow(row);
  }

  async updatePaymentOrder(
    id: string,
    change: Partial<Pick<PaymentOrderRecord, 'state' | 'providerRef' | 'paidAt'>>,
  ): Promise<void> {
    await this.db
      .updateTable('payment_orders')
      .set({
        ...(change.state !== undefined ? { state: change.state } : {}),
        ...(change.providerRef !== undefined ? { provider_ref: change.providerRef } : {}),
        ...(change.paidAt !== undefined ? { paid_at: timeOrNull(this.codec, change.paidAt) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async listPaymentOrders(uscc: string): Promise<PaymentOrderRecord[]> {
    const rows = await this.db
      .selectFrom('payment_orders')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => this.orderFromRow(row));
  }

  async setChargeStatus(id: string, status: 'paid'): Promise<void> {
    await this.db.updateTable('charges').set({ status }).where('id', '=', id).execute();
  }

  private orderFromRow(row: Selectable<PaymentOrdersTable>): PaymentOrderRecord {
    return {
      id: row.id,
      uscc: row.uscc,
      applicationId: row.application_id,
      amountFen: Number(row.amount_fen),
      scheduleVersion: Number(row.schedule_version),
      items: this.codec.json(row.items) as PaymentOrderRecord['items'],
      state: row.state as PaymentOrderRecord['state'],
      providerRef: row.provider_ref,
      createdAt: this.codec.date(row.created_at),
      paidAt: dateOrNull(this.codec, row.paid_at),
    };
  }
}
