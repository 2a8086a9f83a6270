/**
 * The after-sales and retention operations of the store port (`ServiceStoreTx`) on Kysely. The
 * main `KyselyStoreTx` extends this class, so one transaction object offers every operation.
 * Same rules as `kysely-store.ts`: unique keys through `ON CONFLICT DO NOTHING`, a zero row count
 * becomes `StoreConflictError`, so a PostgreSQL transaction stays usable after a refusal.
 */
import { StoreConflictError } from '@yizheng/core';
import type {
  CertificateRecord,
  ChargeRecord,
  FeeScheduleRecord,
  MediumRecord,
  ServiceStoreTx,
  UnlockRecord,
} from '@yizheng/core';
import type { InsertResult, Kysely, Updateable } from 'kysely';
import { bytesToDb, certificateFromRow, type Codec } from './mapping.js';
import type { Database } from './schema.js';
import type { MediaTable } from './service-schema.js';
import {
  chargeFromRow,
  chargeToRow,
  feeScheduleFromRow,
  feeScheduleToRow,
  mediumFromRow,
  mediumToRow,
  unlockToRow,
} from './service-mapping.js';

function wrote(result: InsertResult | undefined): boolean {
  return result !== undefined && result.numInsertedOrUpdatedRows !== 0n;
}

export class KyselyServiceStoreTx implements ServiceStoreTx {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly codec: Codec,
  ) {}

  // media

  async insertMedium(medium: MediumRecord): Promise<void> {
    const result = await this.db
      .insertInto('media')
      .values(mediumToRow(this.codec, medium))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result)) throw new StoreConflictError('medium', `medium ${medium.serial} already exists`);
  }

  async getMedium(serial: string): Promise<MediumRecord | undefined> {
    let query = this.db.selectFrom('media').selectAll().where('serial', '=', serial);
    // unlocks of one medium serialise on its row (PostgreSQL); SQLite has one writer anyway
    if (this.codec.dialect === 'postgres' && this.db.isTransaction) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : mediumFromRow(this.codec, row);
  }

  async updateMedium(
    serial: string,
    change: Partial<
      Pick<MediumRecord, 'state' | 'branchId' | 'uscc' | 'pairId' | 'soPinSealed' | 'updatedAt'>
    >,
  ): Promise<void> {
    const set: Updateable<MediaTable> = {};
    if (change.state !== undefined) set.state = change.state;
    if (change.branchId !== undefined) set.branch_id = change.branchId;
    if (change.uscc !== undefined) set.uscc = change.uscc;
    if (change.pairId !== undefined) set.pair_id = change.pairId;
    if (change.soPinSealed !== undefined)
      set.so_pin_sealed = change.soPinSealed === null ? null : bytesToDb(change.soPinSealed);
    if (change.updatedAt !== undefined) set.updated_at = this.codec.time(change.updatedAt);
    if (Object.keys(set).length > 0)
      await this.db.updateTable('media').set(set).where('serial', '=', serial).execute();
  }

  async listMedia(uscc: string): Promise<MediumRecord[]> {
    const rows = await this.db
      .selectFrom('media')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at')
      .orderBy('serial')
      .execute();
    return rows.map((row) => mediumFromRow(this.codec, row));
  }

  // unlocks

  async insertUnlock(unlock: UnlockRecord): Promise<void> {
    const result = await this.db
      .insertInto('medium_unlocks')
      .values(unlockToRow(this.codec, unlock))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result))
      throw new StoreConflictError(
        'unlockChallenge',
        `challenge ${unlock.challenge} of medium ${unlock.mediumSerial} was already answered`,
      );
  }

  async countUnlocks(mediumSerial: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('medium_unlocks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('medium_serial', '=', mediumSerial)
      .where('created_at', '>=', this.codec.time(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // fees

  async insertFeeSchedule(schedule: FeeScheduleRecord): Promise<void> {
    const result = await this.db
      .insertInto('fee_schedules')
      .values(feeScheduleToRow(this.codec, schedule))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!wrote(result))
      throw new StoreConflictError('feeSchedule', `fee schedule version ${schedule.version} already exists`);
  }

  async feeScheduleAt(at: Date): Promise<FeeScheduleRecord | undefined> {
    const row = await this.db
      .selectFrom('fee_schedules')
      .selectAll()
      .where('published_at', '<=', this.codec.time(at))
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : feeScheduleFromRow(this.codec, row);
  }

  async latestFeeSchedule(): Promise<FeeScheduleRecord | undefined> {
    const row = await this.db
      .selectFrom('fee_schedules')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : feeScheduleFromRow(this.codec, row);
  }

  async insertCharge(charge: ChargeRecord): Promise<void> {
    await this.db.insertInto('charges').values(chargeToRow(this.codec, charge)).execute();
  }

  async listCharges(uscc: string): Promise<ChargeRecord[]> {
    const rows = await this.db
      .selectFrom('charges')
      .selectAll()
      .where('uscc', '=', uscc)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => chargeFromRow(this.codec, row));
  }

  // settings

  async getSetting(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? undefined : this.codec.json(row.value);
  }

  async putSetting(key: string, value: unknown, at: Date): Promise<void> {
    const json = JSON.stringify(value);
    const time = this.codec.time(at);
    await this.db
      .insertInto('settings')
      .values({ key, value: json, updated_at: time })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: time }))
      .execute();
  }

  // retention

  async certificatesEndedBefore(cutoff: Date, limit: number): Promise<CertificateRecord[]> {
    const time = this.codec.time(cutoff);
    const rows = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('not_after', '<', time)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '<', time)]))
      .orderBy('not_after')
      .orderBy('ca_id')
      .orderBy('serial')
      .limit(limit)
      .execute();
    return rows.map((row) => certificateFromRow(this.codec, row));
  }

  async deleteCertificate(caId: string, serial: string): Promise<void> {
    await this.db.deleteFrom('certificates').where('ca_id', '=', caId).where('serial', '=', serial).execute();
  }
}
