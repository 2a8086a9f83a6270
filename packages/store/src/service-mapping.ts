/**
 * Rows ↔ records for the tables of `0003_service` (see `mapping.ts` for the conventions).
 */
import type { ChargeRecord, FeeItem, FeeScheduleRecord, MediumRecord, UnlockRecord } from '@yizheng/core';
import type { Insertable, Selectable } from 'kysely';
import { bytesFromDb, bytesToDb, type Codec } from './mapping.js';
import type { ChargesTable, FeeSchedulesTable, MediaTable, MediumUnlocksTable } from './service-schema.js';

export function mediumToRow(codec: Codec, m: MediumRecord): Insertable<MediaTable> {
  return {
    serial: m.serial,
    model: m.model,
    scheme: m.scheme,
    state: m.state,
    branch_id: m.branchId,
    batch: m.batch,
    uscc: m.uscc,
    pair_id: m.pairId,
    so_pin_sealed: m.soPinSealed === null ? null : bytesToDb(m.soPinSealed),
    created_at: codec.time(m.createdAt),
    updated_at: codec.time(m.updatedAt),
  };
}

export function mediumFromRow(codec: Codec, row: Selectable<MediaTable>): MediumRecord {
  return {
    serial: row.serial,
    model: row.model,
    scheme: row.scheme,
    state: row.state as MediumRecord['state'],
    branchId: row.branch_id,
    batch: row.batch,
    uscc: row.uscc,
    pairId: row.pair_id,
    soPinSealed: row.so_pin_sealed === null ? null : bytesFromDb(row.so_pin_sealed),
    createdAt: codec.date(row.created_at),
    updatedAt: codec.date(row.updated_at),
  };
}

export function unlockToRow(codec: Codec, u: UnlockRecord): Insertable<MediumUnlocksTable> {
  return {
    id: u.id,
    medium_serial: u.mediumSerial,
    challenge: u.challenge,
    uscc: u.uscc,
    pair_id: u.pairId,
    actor: u.actor,
    evidence: JSON.stringify(u.evidence),
    application_id: u.applicationId,
    created_at: codec.time(u.createdAt),
  };
}

export function feeScheduleToRow(codec: Codec, f: FeeScheduleRecord): Insertable<FeeSchedulesTable> {
  return {
    version: f.version,
    items: JSON.stringify(f.items),
    published_at: codec.time(f.publishedAt),
    published_by: f.publishedBy,
  };
}

export function feeScheduleFromRow(codec: Codec, row: Selectable<FeeSchedulesTable>): FeeScheduleRecord {
  return {
    version: Number(row.version),
    items: codec.json(row.items) as FeeItem[],
    publishedAt: codec.date(row.published_at),
    publishedBy: row.published_by,
  };
}

export function chargeToRow(codec: Codec, c: ChargeRecord): Insertable<ChargesTable> {
  return {
    id: c.id,
    application_id: c.applicationId,
    uscc: c.uscc,
    code: c.code,
    name: c.name,
    amount_fen: c.amountFen,
    status: c.status,
    note: c.note,
    schedule_version: c.scheduleVersion,
    created_at: codec.time(c.createdAt),
  };
}

export function chargeFromRow(codec: Codec, row: Selectable<ChargesTable>): ChargeRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    uscc: row.uscc,
    code: row.code,
    name: row.name,
    amountFen: Number(row.amount_fen),
    status: row.status as ChargeRecord['status'],
    note: row.note,
    scheduleVersion: row.schedule_version === null ? null : Number(row.schedule_version),
    createdAt: codec.date(row.created_at),
  };
}
