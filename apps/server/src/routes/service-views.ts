/**
 * What the service, KMC and back-office routes answer with: media without their sealed SO PINs,
 * charges, recovery requests, fee schedules, the service policy, profiles and statistics. Times
 * are ISO 8601 text.
 */
import type {
  ChargeRecord,
  FeeScheduleRecord,
  MediumRecord,
  PlatformStatistics,
  ProfileRecord,
  RecoveryRequestRecord,
  ServicePolicy,
} from '@yizheng/core';
import { Type, type Static } from 'typebox';
import { Nullable, Time } from './certificate-views.js';

export const MediumView = Type.Object({
  serial: Type.String(),
  model: Type.String(),
  scheme: Type.String({ description: 'unlock scheme of the COS' }),
  state: Type.String({
    description:
      'stock | transit (调拨在途, to branchId) | issued (personalised, SO PIN sealed) | lost | returned (退厂) | retired (回收/报废)',
  }),
  branchId: Nullable(Type.String({ description: 'the branch holding it; null: the central store' })),
  batch: Nullable(Type.String({ description: 'the vendor batch (批次号) it was received with' })),
  uscc: Nullable(Type.String()),
  pairId: Nullable(Type.String()),
  createdAt: Time,
  updatedAt: Time,
});

export const ChargeView = Type.Object({
  id: Type.String(),
  applicationId: Type.String(),
  uscc: Type.String(),
  code: Type.String(),
  name: Type.String(),
  amountFen: Type.Integer({ description: '分 fen' }),
  status: Type.String({ description: 'due | paid | waived' }),
  note: Type.String(),
  scheduleVersion: Nullable(Type.Integer()),
  createdAt: Time,
});

export const RecoveryView = Type.Object({
  id: Type.String(),
  escrowId: Type.String(),
  uscc: Nullable(Type.String()),
  reason: Type.String(),
  requestedBy: Type.String(),
  requestedAt: Time,
  state: Type.String({ description: 'pending | approved | completed | rejected' }),
  approvals: Type.Array(Type.Object({ by: Type.String(), at: Time })),
  completedAt: Nullable(Time),
});

const FeeItem = Type.Object({
  code: Type.String(),
  name: Type.String(),
  amountFen: Type.Integer({ description: '分 fen' }),
});

export const FeeScheduleView = Type.Object({
  version: Type.Integer(),
  publishedAt: Time,
  items: Type.Array(FeeItem),
});

export const PolicyView = Type.Object({
  servicePeriod: Nullable(Type.Object({ from: Time, to: Time })),
  maxUnlocksPerDay: Type.Integer(),
  retentionYears: Type.Integer(),
  renewalWindowDays: Type.Integer(),
  renewalGraceDays: Type.Integer(),
});

export const ProfileView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  active: Type.Boolean(),
  createdAt: Time,
  definition: Type.Unknown({ description: 'the profile definition (docs/lifecycle.md, profiles.ts)' }),
});

const Counts = Type.Record(Type.String(), Type.Integer());

export const StatisticsView = Type.Object({
  at: Time,
  from: Nullable(Time),
  to: Nullable(Time),
  expiringWithinDays: Type.Integer(),
  legalPersons: Type.Integer(),
  certificatesByStatus: Counts,
  certificatesByRole: Counts,
  certificatesByCa: Counts,
  applicationsByBusinessType: Counts,
  applicationsByChannel: Counts,
  expiring: Type.Integer(),
  afterSales: Type.Object({ reissue: Type.Integer(), unlock: Type.Integer(), recover: Type.Integer() }),
});

/** A medium as it may leave the server: never its sealed SO PIN. */
export function mediumView(m: Omit<MediumRecord, 'soPinSealed'>): Static<typeof MediumView> {
  return {
    serial: m.serial,
    model: m.model,
    scheme: m.scheme,
    state: m.state,
    branchId: m.branchId,
    batch: m.batch,
    uscc: m.uscc,
    pairId: m.pairId,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function chargeView(c: ChargeRecord): Static<typeof ChargeView> {
  return { ...c, createdAt: c.createdAt.toISOString() };
}

export function recoveryView(r: RecoveryRequestRecord): Static<typeof RecoveryView> {
  return {
    id: r.id,
    escrowId: r.escrowId,
    uscc: r.uscc,
    reason: r.reason,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt.toISOString(),
    state: r.state,
    approvals: r.approvals.map((a) => ({ by: a.by, at: a.at.toISOString() })),
    completedAt: r.completedAt?.toISOString() ?? null,
  };
}

export function feeScheduleView(s: FeeScheduleRecord): Static<typeof FeeScheduleView> {
  return {
    version: s.version,
    publishedAt: s.publishedAt.toISOString(),
    items: s.items.map((i) => ({ code: i.code, name: i.name, amountFen: i.amountFen })),
  };
}

export function policyView(p: ServicePolicy): Static<typeof PolicyView> {
  return {
    servicePeriod: p.servicePeriod
      ? { from: p.servicePeriod.from.toISOString(), to: p.servicePeriod.to.toISOString() }
      : null,
    maxUnlocksPerDay: p.maxUnlocksPerDay,
    retentionYears: p.retentionYears,
    renewalWindowDays: p.renewalWindowDays,
    renewalGraceDays: p.renewalGraceDays,
  };
}

export function profileView(p: ProfileRecord): Static<typeof ProfileView> {
  return {
    id: p.id,
    version: p.version,
    name: p.name,
    role: p.role,
    active: p.active,
    createdAt: p.createdAt.toISOString(),
    definition: p.definition,
  };
}

export function statisticsView(
  s: PlatformStatistics,
  query: { at: Date; from?: Date; to?: Date; expiringWithinDays: number },
): Static<typeof StatisticsView> {
  return {
    at: query.at.toISOString(),
    from: query.from?.toISOString() ?? null,
    to: query.to?.toISOString() ?? null,
    expiringWithinDays: query.expiringWithinDays,
    legalPersons: s.legalPersons,
    certificatesByStatus: { ...s.certificatesByStatus },
    certificatesByRole: { ...s.certificatesByRole },
    certificatesByCa: { ...s.certificatesByCa },
    applicationsByBusinessType: { ...s.applicationsByBusinessType },
    applicationsByChannel: { ...s.applicationsByChannel },
    expiring: s.expiring,
    afterSales: { ...s.afterSales },
  };
}
