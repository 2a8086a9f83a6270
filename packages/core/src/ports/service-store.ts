/**
 * The store operations of the after-sales services (media, unlocks, fees, settings) and of
 * retention (R7). Declared apart from the main `StoreTx` so each concern reads on its own;
 * `StoreTx` extends it, and the same contract suite holds both adapters to it.
 */
import type { CertificateRecord } from '../model.js';
import type { ChargeRecord, FeeScheduleRecord, MediumRecord, UnlockRecord } from '../service-model.js';

export interface ServiceStoreTx {
  // media (介质)
  /** A duplicate serial is `StoreConflictError` with `what: 'medium'`. */
  insertMedium(medium: MediumRecord): Promise<void>;
  getMedium(serial: string): Promise<MediumRecord | undefined>;
  updateMedium(
    serial: string,
    change: Partial<
      Pick<MediumRecord, 'state' | 'branchId' | 'uscc' | 'pairId' | 'soPinSealed' | 'updatedAt'>
    >,
  ): Promise<void>;
  listMedia(uscc: string): Promise<MediumRecord[]>;

  // unlocks (解锁, R22)
  /** A challenge answered before is `StoreConflictError` with `what: 'unlockChallenge'`. */
  insertUnlock(unlock: UnlockRecord): Promise<void>;
  /** Unlock responses given for a medium at or after `since`. */
  countUnlocks(mediumSerial: string, since: Date): Promise<number>;

  // fees (R17)
  /** A duplicate version is `StoreConflictError` with `what: 'feeSchedule'`. */
  insertFeeSchedule(schedule: FeeScheduleRecord): Promise<void>;
  /** The newest schedule published at or before `at`. */
  feeScheduleAt(at: Date): Promise<FeeScheduleRecord | undefined>;
  latestFeeSchedule(): Promise<FeeScheduleRecord | undefined>;
  insertCharge(charge: ChargeRecord): Promise<void>;
  listCharges(uscc: string): Promise<ChargeRecord[]>;

  // settings (operator-set policy values)
  getSetting(key: string): Promise<unknown>;
  putSetting(key: string, value: unknown, at: Date): Promise<void>;

  // retention (R7)
  /**
   * Certificates that ended (notAfter, and revokedAt when revoked) before `cutoff`, oldest first,
   * at most `limit`.
   */
  certificatesEndedBefore(cutoff: Date, limit: number): Promise<CertificateRecord[]>;
  /** Deletes one certificate record (retention purge only). */
  deleteCertificate(caId: string, serial: string): Promise<void>;
}
