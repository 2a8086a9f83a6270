/**
 * 材料清单 the documents a branch counter collects per business type (R33 "collect and verify
 * documents"; domain-practice.md a.1–a.5: 申请表, 营业执照 copy with the company seal, the 法定代表人's
 * and the 经办人's identity cards, a 授权委托书 when the agent is not the legal representative).
 * Defined once here: the API serves it to the counter UI, and `checkChecklist` holds a counter
 * application to it before anything is issued. Each scan is kept as its SM3 hash (applicant.ts).
 */
import type { AgentDetails, MaterialDetails } from './applicant.js';
import { CoreError } from './errors.js';

/** When an item is needed: always, or only when the agent is not the legal representative. */
export type ChecklistNeed = 'always' | 'agent-not-representative';

export interface ChecklistItem {
  /** Stable id the UI and the stored material name use. */
  readonly id: string;
  /** The material kind it is stored as (applicant.ts). */
  readonly kind: MaterialDetails['kind'];
  readonly need: ChecklistNeed;
  readonly zh: string;
  readonly en: string;
}

const FORM: ChecklistItem = {
  id: 'application-form',
  kind: 'application-form',
  need: 'always',
  zh: '数字证书申请表（加盖公章）',
  en: 'certificate application form (with the company seal)',
};
const LICENCE: ChecklistItem = {
  id: 'business-licence',
  kind: 'business-licence',
  need: 'always',
  zh: '营业执照复印件（加盖公章）',
  en: 'business licence copy (with the company seal)',
};
const REPRESENTATIVE_ID: ChecklistItem = {
  id: 'representative-id',
  kind: 'id-card',
  need: 'always',
  zh: '法定代表人身份证复印件',
  en: "legal representative's identity card copy",
};
const AGENT_ID: ChecklistItem = {
  id: 'agent-id',
  kind: 'id-card',
  need: 'agent-not-representative',
  zh: '经办人身份证（原件核验，留存复印件）',
  en: "agent's identity card (original checked, copy kept)",
};
const AUTHORISATION: ChecklistItem = {
  id: 'authorisation-letter',
  kind: 'authorisation-letter',
  need: 'agent-not-representative',
  zh: '法人授权委托书',
  en: 'authorisation letter of the legal person',
};

/** The counter's business types (业务类型) and what each needs. */
export const COUNTER_CHECKLISTS = {
  new: [FORM, LICENCE, REPRESENTATIVE_ID, AGENT_ID, AUTHORISATION],
  renew: [FORM, LICENCE, AGENT_ID, AUTHORISATION],
  change: [FORM, LICENCE, REPRESENTATIVE_ID, AGENT_ID, AUTHORISATION],
  reissue: [FORM, LICENCE, AGENT_ID, AUTHORISATION],
  revoke: [FORM, LICENCE, AGENT_ID, AUTHORISATION],
  unlock: [FORM, AGENT_ID, AUTHORISATION],
} as const satisfies Record<string, readonly ChecklistItem[]>;

export type CounterBusinessType = keyof typeof COUNTER_CHECKLISTS;

/** A scan handed in at the counter, for one checklist item. */
export interface ChecklistMaterial extends MaterialDetails {
  readonly item: string;
}

/** True when the agent is someone other than the legal representative (names compared trimmed). */
export function agentIsRepresentative(agent: AgentDetails | undefined, representative: string): boolean {
  return agent === undefined || agent.name.trim() === representative.trim();
}

/**
 * Refuses (`YZ_ERR_CHECKLIST`) unless every item the business type needs in this case has a
 * scan; returns the materials as stored (the item id prefixed to the file name so the record says
 * which document it was).
 */
export function checkChecklist(
  businessType: CounterBusinessType,
  input: { agent?: AgentDetails; representative: string; materials: readonly ChecklistMaterial[] },
): MaterialDetails[] {
  const items: readonly ChecklistItem[] = COUNTER_CHECKLISTS[businessType];
  const byAgent = !agentIsRepresentative(input.agent, input.representative);
  for (const material of input.materials)
    if (!items.some((item) => item.id === material.item))
      throw new CoreError('YZ_ERR_INPUT', `${material.item} is not on the ${businessType} checklist`);
  const missing = items.filter(
    (item) =>
      (item.need === 'always' || byAgent) && !input.materials.some((material) => material.item === item.id),
  );
  if (missing.length > 0)
    throw new CoreError(
      'YZ_ERR_CHECKLIST',
      `missing for ${businessType}: ${missing.map((item) => `${item.zh} ${item.en}`).join('; ')}`,
    );
  return input.materials.map((m) => ({
    kind: m.kind,
    fileName: `${m.item}/${m.fileName}`,
    size: m.size,
    sm3: m.sm3,
  }));
}
