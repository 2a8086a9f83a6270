/**
 * Business history and statistics (R27: every business record of a legal person, queryable at
 * any time; R25/R4: counts for regulators, application departments and after-sales).
 */
import { CoreError } from './errors.js';
import type { ApplicationRecord, CertificateRecord, LegalPersonRecord } from './model.js';
import type { Statistics, Store } from './ports/store.js';
import type { ChargeRecord, MediumRecord } from './service-model.js';
import { isValidUscc } from '@yizheng/pki';

/** Everything on record for one legal person. */
export interface LegalPersonHistory {
  readonly legalPerson: LegalPersonRecord;
  /** Applications, oldest first. */
  readonly applications: readonly ApplicationRecord[];
  /** Certificates, oldest first (pairs together). */
  readonly certificates: readonly CertificateRecord[];
  /** Charges made (due, paid or waived), oldest first (R17). */
  readonly charges: readonly ChargeRecord[];
  /** Media issued to the legal person, without their sealed SO PINs. */
  readonly media: readonly Omit<MediumRecord, 'soPinSealed'>[];
}

/** The history of `uscc` (YZ_ERR_USCC for a malformed code, YZ_ERR_INPUT when unknown). */
export async function legalPersonHistory(store: Store, uscc: string): Promise<LegalPersonHistory> {
  if (!isValidUscc(uscc))
    throw new CoreError('YZ_ERR_USCC', `${JSON.stringify(uscc)} is not a valid unified social credit code`);
  const legalPerson = await store.read.getLegalPerson(uscc);
  if (!legalPerson) throw new CoreError('YZ_ERR_INPUT', `no legal person ${uscc} on record`);
  const applications = [...(await store.read.listApplications(uscc))].sort(
    (a, b) => +a.createdAt - +b.createdAt,
  );
  const certificates = await store.read.queryCertificates({ uscc });
  const charges = await store.read.listCharges(uscc);
  const media = (await store.read.listMedia(uscc)).map(({ soPinSealed: _sealed, ...medium }) => medium);
  return { legalPerson, applications, certificates, charges, media };
}

/** Statistics with the after-sales figures (reissues, unlocks, recoveries) drawn out. */
export interface PlatformStatistics extends Statistics {
  readonly afterSales: { readonly reissue: number; readonly unlock: number; readonly recover: number };
}

/** Counts over all time or `[from, to)`, with certificates expiring within `expiringWithinDays`. */
export async function platformStatistics(
  store: Store,
  query: { at: Date; expiringWithinDays?: number; from?: Date; to?: Date },
): Promise<PlatformStatistics> {
  const stats = await store.read.statistics({ ...query, expiringWithinDays: query.expiringWithinDays ?? 30 });
  const by = stats.applicationsByBusinessType;
  return {
    ...stats,
    afterSales: { reissue: by.reissue ?? 0, unlock: by.unlock ?? 0, recover: by.recover ?? 0 },
  };
}
