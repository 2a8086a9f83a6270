/**
 * The registry check (法人综合库核验, R26): the legal-person data of an application against the
 * provincial registry. The outcome decides the path — match issues at once, mismatch / not-found /
 * unavailable go to manual review with the differences shown, inactive (注销, 吊销) is refused
 * (applications.ts).
 *
 * Names are compared after normalisation, because the same registered name reaches us typed in
 * different ways: full-width and half-width brackets (（集团） vs (集团)), full-width letters and
 * digits, stray or ideographic spaces, and the middle dot of minority-language personal names
 * written as ·, •, ・ or ．. What remains different is a real difference for a reviewer to judge.
 */
import { isCoreError } from './errors.js';
import type { LegalPersonRegistry, RegistryRecord, RegistryStatus } from './ports/legal-person-registry.js';

/** How an application's data compares with the registry. */
export type RegistryOutcome = 'match' | 'mismatch' | 'not-found' | 'inactive' | 'unavailable';

/** One field that differs: what the applicant gave and what the registry holds. */
export interface RegistryDifference {
  readonly field: 'name' | 'legalRepresentative';
  readonly applied: string;
  readonly registry: string;
}

/** The legal-person data an application carries. */
export interface AppliedLegalPerson {
  readonly uscc: string;
  readonly name: string;
  readonly legalRepresentative: string;
}

/** The result of one check. */
export interface RegistryCheck {
  readonly outcome: RegistryOutcome;
  readonly differences: readonly RegistryDifference[];
  /** The registry's status, when it has a record. */
  readonly registryStatus?: RegistryStatus;
  /** Why the registry could not be asked (outcome unavailable). */
  readonly reason?: string;
}

/** Middle dots used between the parts of a transliterated personal name (阿依古丽·买买提). */
const MIDDLE_DOTS = /[·•・‧．]/gu;

/**
 * A name as compared: NFKC (full-width brackets, letters and digits become half-width; the
 * ideographic space a space), whitespace removed, middle dots unified. Letter case is kept: a
 * registered name's Latin letters are part of the name.
 */
export function normaliseRegisteredName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '').replace(MIDDLE_DOTS, '·');
}

/** The fields of `applied` that differ from `record` after normalisation. */
export function compareWithRegistry(
  applied: Omit<AppliedLegalPerson, 'uscc'>,
  record: RegistryRecord,
): RegistryDifference[] {
  const fields = ['name', 'legalRepresentative'] as const;
  return fields
    .filter((field) => normaliseRegisteredName(applied[field]) !== normaliseRegisteredName(record[field]))
    .map((field) => ({ field, applied: applied[field], registry: record[field] }));
}

/**
 * Looks `applied.uscc` up and compares. A registry that cannot answer
 * (`YZ_ERR_REGISTRY_UNAVAILABLE`) gives outcome `unavailable` with the reason; any other error is
 * a bug and propagates.
 */
export async function checkRegistry(
  registry: LegalPersonRegistry,
  applied: AppliedLegalPerson,
): Promise<RegistryCheck> {
  let record: RegistryRecord | undefined;
  try {
    record = await registry.lookup(applied.uscc);
  } catch (error) {
    if (isCoreError(error) && error.code === 'YZ_ERR_REGISTRY_UNAVAILABLE')
      return { outcome: 'unavailable', differences: [], reason: error.message };
    throw error;
  }
  if (!record) return { outcome: 'not-found', differences: [] };
  const differences = compareWithRegistry(applied, record);
  if (record.status !== 'active') return { outcome: 'inactive', differences, registryStatus: record.status };
  return { outcome: differences.length ? 'mismatch' : 'match', differences, registryStatus: record.status };
}
