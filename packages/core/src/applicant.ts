/**
 * Who applies and with what (design §3: Agent 经办人, Application materials): the agent who
 * handles the business for the legal person, identified by a resident identity card number
 * (GB 11643, check character verified) or another document, and the materials handed in —
 * business licence, ID card copy, authorisation letter, application form — each kept as its
 * SM3 hash, size and name, so a dispute can prove which file was relied on without the platform
 * keeping the file itself in the database.
 */
import { CoreError } from './errors.js';

/** 经办人 the agent handling the business. */
export interface AgentDetails {
  readonly name: string;
  /** `resident-id` (居民身份证, GB 11643), `passport`, `hk-macao-permit`, `other`. */
  readonly idType: 'resident-id' | 'passport' | 'hk-macao-permit' | 'other';
  readonly idNumber: string;
  /** Mobile number for notices (SMS), 11 digits starting with 1. */
  readonly phone?: string;
}

/** 申请材料 a file handed in, by hash. */
export interface MaterialDetails {
  /** business-licence 营业执照, id-card 身份证, authorisation-letter 授权书, application-form 申请表, other. */
  readonly kind: 'business-licence' | 'id-card' | 'authorisation-letter' | 'application-form' | 'other';
  readonly fileName: string;
  readonly size: number;
  /** SM3 of the file, 64 hex digits. */
  readonly sm3: string;
}

export interface ApplicantDetails {
  readonly agent?: AgentDetails;
  readonly materials?: readonly MaterialDetails[];
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** True for an 18-character resident identity number with a valid GB 11643 check character. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17];
}

const MATERIAL_KINDS = new Set([
  'business-licence',
  'id-card',
  'authorisation-letter',
  'application-form',
  'other',
]);
const ID_TYPES = new Set(['resident-id', 'passport', 'hk-macao-permit', 'other']);

/** Checks and normalises what an application says about its agent and materials (YZ_ERR_INPUT). */
export function checkApplicant(applicant: ApplicantDetails): ApplicantDetails {
  const out: { agent?: AgentDetails; materials?: MaterialDetails[] } = {};
  const agent = applicant.agent;
  if (agent) {
    if (typeof agent.name !== 'string' || agent.name.trim() === '')
      throw new CoreError('YZ_ERR_INPUT', "the agent's name is required");
    if (!ID_TYPES.has(agent.idType))
      throw new CoreError('YZ_ERR_INPUT', `unknown agent id type ${agent.idType}`);
    const idNumber = String(agent.idNumber ?? '')
      .trim()
      .toUpperCase();
    if (agent.idType === 'resident-id' ? !isValidResidentId(idNumber) : !/^[0-9A-Z]{5,20}$/.test(idNumber))
      throw new CoreError(
        'YZ_ERR_INPUT',
        agent.idType === 'resident-id'
          ? "the agent's resident identity number is not 18 characters with a valid GB 11643 check character"
          : "the agent's document number must be 5–20 letters or digits",
      );
    if (agent.phone !== undefined && !/^1\d{10}$/.test(agent.phone))
      throw new CoreError('YZ_ERR_INPUT', "the agent's mobile number must be 11 digits starting with 1");
    out.agent = {
      name: agent.name.trim(),
      idType: agent.idType,
      idNumber,
      ...(agent.phone ? { phone: agent.phone } : {}),
    };
  }
  if (applicant.materials) {
    out.materials = applicant.materials.map((m) => {
      if (!MATERIAL_KINDS.has(m.kind)) throw new CoreError('YZ_ERR_INPUT', `unknown material kind ${m.kind}`);
      if (!/^[0-9a-fA-F]{64}$/.test(m.sm3))
        throw new CoreError('YZ_ERR_INPUT', `material ${m.fileName}: SM3 must be 64 hex digits`);
      if (!Number.isSafeInteger(m.size) || m.size < 0)
        throw new CoreError('YZ_ERR_INPUT', `material ${m.fileName}: bad size`);
      if (typeof m.fileName !== 'string' || m.fileName.trim() === '' || m.fileName.length > 255)
        throw new CoreError('YZ_ERR_INPUT', 'a material needs a file name of at most 255 characters');
      return { kind: m.kind, fileName: m.fileName.trim(), size: m.size, sm3: m.sm3.toLowerCase() };
    });
  }
  return out;
}

/** `330106********1234`: what lists and logs show of an identity number. */
export function maskIdNumber(id: string): string {
  return id.length <= 10
    ? id.replace(/.(?=.{2})/g, '*')
    : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}
