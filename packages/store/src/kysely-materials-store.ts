/**
 * The materials-management operations of the store port (`MaterialsStoreTx`, R33) on Kysely:
 * media queries and counts, the movement log and the low-stock thresholds. It extends the
 * after-sales section and the status section extends it, so one transaction object offers every
 * operation (the chain ends at `KyselyStoreTx`).
 */
import type {
  MediaQuery,
  MediumMovementRecord,
  MediumRecord,
  MaterialsStoreTx,
  MovementQuery,
  StockCount,
  StockThresholdRecord,
} from '@yizheng/core';
import { sql, type Selectable } from 'kysely';
import { KyselyServiceStoreTx } from './kysely-service-store.js';
import type { MediumMovementsTable, StockThresholdsTable } from './materials-schema.js';
import { mediumFromRow } from './service-mapping.js';

export class KyselyMaterialsStoreTx extends KyselyServiceStoreTx implements MaterialsStoreTx {
  async queryMedia(query: MediaQuery): Promise<MediumRecord[]> {
    let select = this.db.selectFrom('media').selectAll();
    if (query.serial !== undefined) select = select.where('serial', '=', query.serial);
    if (query.branchId !== undefined) select = select.where('branch_id', '=', query.branchId);
    if (query.state !== undefined) select = select.where('state', '=', query.state);
    if (query.model !== undefined) select = select.where('model', '=', query.model);
    if (query.batch !== undefined) select = select.where('batch', '=', query.batch);
    if (query.uscc !== undefined) select = select.where('uscc', '=', query.uscc);
    const rows = await select.orderBy('serial').limit(query.limit).execute();
    return rows.map((row) => mediumFromRow(this.codec, row));
  }

  async stockCounts(branchId?: string): Promise<StockCount[]> {
    let select = this.db
      .selectFrom('media')
      .select((eb) => ['branch_id', 'model', 'state', eb.fn.countAll().as('n')])
      .groupBy(['branch_id', 'model', 'state']);
    if (branchId !== undefined) select = select.where('branch_id', '=', branchId);
    const rows = await select.orderBy('branch_id').orderBy('model').orderBy('state').execute();
    return rows.map((row) => ({
      branchId: row.branch_id,
      model: row.model,
      state: row.state as StockCount['state'],
      count: Number(row.n),
    }));
  }

  async insertMovement(m: MediumMovementRecord): Promise<void> {
    const next = sql<number>`(select coalesce(max(seq), 0) + 1 from medium_movements where medium_serial = ${m.mediumSerial})`;
    await this.db
      .insertInto('medium_movements')
      .values({
        id: m.id,
        medium_serial: m.mediumSerial,
        seq: next,
        kind: m.kind,
        from_branch: m.fromBranch,
        to_branch: m.toBranch,
        from_state: m.fromState,
        to_state: m.toState,
        actor: m.actor,
        reason: m.reason,
        detail: JSON.stringify(m.detail),
        at: this.codec.time(m.at),
      })
      .execute();
  }

  async listMovements(query: MovementQuery): Promise<MediumMovementRecord[]> {
    let select = this.db.selectFrom('medium_movements').selectAll();
    if (query.mediumSerial !== undefined) select = select.where('medium_serial', '=', query.mediumSerial);
    const branchId = query.branchId;
    if (branchId !== undefined)
      select = select.where((eb) =>
        eb.or([eb('from_branch', '=', branchId), eb('to_branch', '=', branchId)]),
      );
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .orderBy('id')
      .limit(query.limit)
      .execute();
    return rows.map((row) => this.movementFromRow(row));
  }

  async putStockThreshold(t: StockThresholdRecord): Promise<void> {
    const time = this.codec.time(t.updatedAt);
    await this.db
      .insertInto('stock_thresholds')
      .values({
        branch_id: t.branchId,
        model: t.model,
        minimum: t.minimum,
        updated_by: t.updatedBy,
        updated_at: time,
      })
      .onConflict((oc) =>
        oc
          .columns(['branch_id', 'model'])
          .doUpdateSet({ minimum: t.minimum, updated_by: t.updatedBy, updated_at: time }),
      )
      .execute();
  }

  async listStockThresholds(branchId?: string): Promise<StockThresholdRecord[]> {
    let select = this.db.selectFrom('stock_thresholds').selectAll();
    if (branchId !== undefined) select = select.where('branch_id', '=', branchId);
    const rows = await select.orderBy('branch_id').orderBy('model').execute();
    return rows.map((row) => this.thresholdFromRow(row));
  }

  private movementFromRow(row: Selectable<MediumMovementsTable>): MediumMovementRecord {
    return {
      id: row.id,
      mediumSerial: row.medium_serial,
      kind: row.kind as MediumMovementRecord['kind'],
      fromBranch: row.from_branch,
      toBranch: row.to_branch,
      fromState: row.from_state as MediumMovementRecord['fromState'],
      toState: row.to_state as MediumMovementRecord['toState'],
      actor: row.actor,
      reason: row.reason,
      detail: this.codec.json(row.detail) as Record<string, unknown>,
      at: this.codec.date(row.at),
    };
  }

  private thresholdFromRow(row: Selectable<StockThresholdsTable>): StockThresholdRecord {
    return {
      branchId: row.branch_id,
      model: row.model,
      minimum: Number(row.minimum),
      updatedBy: row.updated_by,
      updatedAt: this.codec.date(row.updated_at),
    };
  }
}
