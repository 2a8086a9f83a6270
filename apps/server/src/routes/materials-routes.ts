/**
 * 物资管理 materials management (R33 "material (USB-KEY stock) management: query and track
 * stock"; R37): media queried by serial, branch, state, model and batch; the movement log; stock
 * counts with the low-stock warnings; transfers between branches (调拨, out and signed for in),
 * returns (退回), scrapping (报废) and the per-branch thresholds. The core (`materials.ts`) keeps
 * the counter roles to their own branch's stock; a CA administrator acts on every branch. Staff
 * read every branch's stock: a counter short of keys looks for a branch to ask.
 */
import {
  type MediumMovementRecord,
  type MediumState,
  lowStockWarnings,
  receiveTransfer,
  returnMedium,
  scrapMedium,
  setStockThreshold,
  transferMedia,
} from '@yizheng/core';
import { Type, type Static } from 'typebox';
import { actorOf, principalOf } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Nullable, Time } from './certificate-views.js';
import { BranchId, MediumSerial } from './media-routes.js';
import { COUNTER, STAFF_READERS } from './route-roles.js';
import { MediumView, mediumView } from './service-views.js';

/** Who moves stock: the counter (own branch) and the CA administrator (every branch). */
const STOCK_MOVERS = [...COUNTER, 'ca-admin'] as const;

const STATES: readonly MediumState[] = ['stock', 'transit', 'issued', 'lost', 'returned', 'retired'];
const State = Type.Union(STATES.map((s) => Type.Literal(s)));
const Model = Type.String({ minLength: 1, maxLength: 100, description: 'vendor model, e.g. FT-ePass3000GM' });
const StockReason = Type.String({ minLength: 1, maxLength: 500 });
const Serials = Type.Array(MediumSerial, { minItems: 1, maxItems: 1000, uniqueItems: true });
const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 200 });

const MovementView = Type.Object({
  id: Type.String(),
  mediumSerial: Type.String(),
  kind: Type.String({
    description: 'receive | transfer-out | transfer-in | issue | return | scrap | lose | retire | rebind',
  }),
  fromBranch: Nullable(Type.String()),
  toBranch: Nullable(Type.String()),
  fromState: Nullable(Type.String()),
  toState: Type.String(),
  actor: Type.String(),
  reason: Nullable(Type.String()),
  detail: Type.Unknown({ description: 'model, batch, holder and pair, application' }),
  at: Time,
});

const WarningView = Type.Object({
  branchId: Type.String(),
  model: Type.String(),
  minimum: Type.Integer(),
  inStock: Type.Integer(),
});

const ThresholdView = Type.Object({
  branchId: Type.String(),
  model: Type.String(),
  minimum: Type.Integer(),
  updatedBy: Type.String(),
  updatedAt: Time,
});

function movementView(m: MediumMovementRecord): Static<typeof MovementView> {
  return { ...m, detail: { ...m.detail }, at: m.at.toISOString() };
}

export function registerMaterialsRoutes(app: TypedApp, platform: Platform): void {
  app.get(
    '/media',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['materials'],
        summary: 'Media 介质查询 by serial, branch, state, model, batch or holder',
        querystring: Type.Object(
          {
            serial: Type.Optional(MediumSerial),
            branch: Type.Optional(BranchId),
            state: Type.Optional(State),
            model: Type.Optional(Model),
            batch: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            uscc: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{18}$' })),
            limit: Limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(MediumView) },
      },
    },
    async (request) => {
      const { serial, branch, state, model, batch, uscc, limit } = request.query;
      const media = await platform.store.read.queryMedia({
        ...(serial ? { serial } : {}),
        ...(branch ? { branchId: branch } : {}),
        ...(state ? { state } : {}),
        ...(model ? { model } : {}),
        ...(batch ? { batch } : {}),
        ...(uscc ? { uscc } : {}),
        limit,
      });
      return media.map(mediumView);
    },
  );

  app.get(
    '/media/:serial',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['materials'],
        summary: 'One medium with its movements 介质详情与流水 (newest first)',
        params: Type.Object({ serial: MediumSerial }),
        response: { 200: Type.Object({ medium: MediumView, movements: Type.Array(MovementView) }) },
      },
    },
    async (request) => {
      const medium = await platform.store.read.getMedium(request.params.serial);
      if (!medium) throw new ServerError('YZ_ERR_NOT_FOUND', `no medium ${request.params.serial}`);
      const movements = await platform.store.read.listMovements({ mediumSerial: medium.serial, limit: 1000 });
      return { medium: mediumView(medium), movements: movements.map(movementView) };
    },
  );

  app.get(
    '/stock/movements',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['materials'],
        summary: 'The movement log 物资流水, newest first (of a branch: moves from or to it)',
        querystring: Type.Object(
          { branch: Type.Optional(BranchId), serial: Type.Optional(MediumSerial), limit: Limit },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(MovementView) },
      },
    },
    async (request) => {
      const { branch, serial, limit } = request.query;
      const movements = await platform.store.read.listMovements({
        ...(branch ? { branchId: branch } : {}),
        ...(serial ? { mediumSerial: serial } : {}),
        limit,
      });
      return movements.map(movementView);
    },
  );

  app.get(
    '/stock',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['materials'],
        summary: 'Stock counts 库存统计 by branch, model and state, with thresholds and low-stock warnings',
        querystring: Type.Object({ branch: Type.Optional(BranchId) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            counts: Type.Array(
              Type.Object({
                branchId: Nullable(Type.String()),
                model: Type.String(),
                state: Type.String(),
                count: Type.Integer(),
              }),
            ),
            thresholds: Type.Array(ThresholdView),
            warnings: Type.Array(WarningView),
          }),
        },
      },
    },
    async (request) => {
      const branch = request.query.branch;
      const [counts, thresholds, warnings] = await Promise.all([
        platform.store.read.stockCounts(branch),
        platform.store.read.listStockThresholds(branch),
        lowStockWarnings(platform.store, branch),
      ]);
      return {
        counts: [...counts],
        thresholds: thresholds.map((t) => ({ ...t, updatedAt: t.updatedAt.toISOString() })),
        warnings,
      };
    },
  );

  app.get(
    '/stock/warnings',
    {
      config: { access: { roles: STAFF_READERS } },
      schema: {
        tags: ['materials'],
        summary: 'Low-stock warnings 低库存预警: (branch, model) with fewer in stock than its minimum',
        querystring: Type.Object({ branch: Type.Optional(BranchId) }, { additionalProperties: false }),
        response: { 200: Type.Array(WarningView) },
      },
    },
    async (request) => lowStockWarnings(platform.store, request.query.branch),
  );

  app.put(
    '/stock/thresholds',
    {
      config: { access: { roles: ['branch-manager', 'ca-admin'] } },
      schema: {
        tags: ['materials'],
        summary: 'Set the low-stock threshold 设置预警阈值 of a branch and model',
        description: 'A branch manager sets its own branch’s; a CA administrator any branch’s.',
        body: Type.Object(
          { branchId: BranchId, model: Model, minimum: Type.Integer({ minimum: 0, maximum: 1_000_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: ThresholdView },
      },
    },
    async (request) => {
      const threshold = await setStockThreshold(platform, request.body, actorOf(principalOf(request)));
      return { ...threshold, updatedAt: threshold.updatedAt.toISOString() };
    },
  );

  app.post(
    '/media/transfers',
    {
      config: { access: { roles: STOCK_MOVERS } },
      schema: {
        tags: ['materials'],
        summary: 'Transfer media to another branch 调拨出库 (in transit until signed for; all or none)',
        body: Type.Object(
          { serials: Serials, toBranch: BranchId, reason: Type.Optional(StockReason) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(MediumView) },
      },
    },
    async (request) => {
      const { serials, toBranch, reason } = request.body;
      const moved = await transferMedia(
        platform,
        { serials, toBranch, ...(reason ? { reason } : {}) },
        actorOf(principalOf(request)),
      );
      return moved.map(mediumView);
    },
  );

  app.post(
    '/media/transfers/receive',
    {
      config: { access: { roles: STOCK_MOVERS } },
      schema: {
        tags: ['materials'],
        summary: 'Sign for media in transit to the caller’s branch 调拨入库 (all or none)',
        body: Type.Object({ serials: Serials }, { additionalProperties: false }),
        response: { 200: Type.Array(MediumView) },
      },
    },
    async (request) =>
      (await receiveTransfer(platform, request.body, actorOf(principalOf(request)))).map(mediumView),
  );

  app.post(
    '/media/:serial/return',
    {
      config: { access: { roles: STOCK_MOVERS } },
      schema: {
        tags: ['materials'],
        summary:
          'Return a medium 退回: an issued key back to stock or to the vendor, a stock key to the vendor',
        params: Type.Object({ serial: MediumSerial }),
        body: Type.Object(
          { to: Type.Union([Type.Literal('stock'), Type.Literal('vendor')]), reason: StockReason },
          { additionalProperties: false },
        ),
        response: { 200: MediumView },
      },
    },
    async (request) =>
      mediumView(
        await returnMedium(
          platform,
          { serial: request.params.serial, ...request.body },
          actorOf(principalOf(request)),
        ),
      ),
  );

  app.post(
    '/media/:serial/scrap',
    {
      config: { access: { roles: STOCK_MOVERS } },
      schema: {
        tags: ['materials'],
        summary: 'Scrap a medium in stock 报废 with a reason (an issued key is refused, 409)',
        params: Type.Object({ serial: MediumSerial }),
        body: Type.Object({ reason: StockReason }, { additionalProperties: false }),
        response: { 200: MediumView },
      },
    },
    async (request) =>
      mediumView(
        await scrapMedium(
          platform,
          { serial: request.params.serial, reason: request.body.reason },
          actorOf(principalOf(request)),
        ),
      ),
  );
}
