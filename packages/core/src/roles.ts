/**
 * The roles of the platform (issue 5 "Role-based access"; R4 business management, R25 statistics
 * for regulators and application departments, R33 branch counter, R37 back office): one table,
 * so the API's route declarations, the account rules below and docs/api.md all read the same
 * names. A role is what a caller may do; who holds it depends on the kind of account:
 * operators (操作员) hold staff roles, a legal person (法人) logged in with its certificate holds
 * `applicant`, an application department's API client holds `app-department`.
 */

/** Role id → who holds it and what it is for, in Chinese and English. */
export const ROLES = {
  applicant: {
    holder: 'legal-person',
    zh: '法人：以本平台签发的有效签名证书登录，只办理和查询本单位（本统一社会信用代码）的业务',
    en: 'legal person logged in with a valid signing certificate of this platform; its own USCC only',
  },
  'branch-operator': {
    holder: 'operator',
    zh: '网点受理员：在网点受理申请、核验材料、制证',
    en: 'branch operator: takes applications at a branch counter, checks materials, makes certificates',
  },
  reviewer: {
    holder: 'operator',
    zh: '审核员：审核申请（含法人库比对不一致的人工审核）',
    en: 'reviewer: approves or rejects applications, including the registry manual review',
  },
  'branch-manager': {
    holder: 'operator',
    zh: '网点负责人：管理本网点的操作员和业务',
    en: "branch manager: manages its own branch's operators and business",
  },
  'ca-admin': {
    holder: 'operator',
    zh: 'CA 管理员：管理 CA、证书类别、网点、操作员和接入应用',
    en: 'CA administrator: CAs, profiles, branches, operators and API clients',
  },
  'kmc-officer': {
    holder: 'operator',
    zh: 'KMC 管理员：密钥管理中心的密钥池与密钥恢复审批',
    en: 'KMC officer: the key management centre pool and key-recovery approvals',
  },
  auditor: {
    holder: 'operator',
    zh: '审计员：只读查看审计日志、操作员与接入应用',
    en: 'auditor: reads the audit trail, operators and API clients; changes nothing',
  },
  regulator: {
    holder: 'operator',
    zh: '监管部门：只读查看业务统计',
    en: 'regulator: reads business statistics only',
  },
  'app-department': {
    holder: 'client',
    zh: '应用部门：通过接入密钥查询和验证证书',
    en: 'application department: queries and verifies certificates with an API key',
  },
} as const satisfies Record<
  string,
  { readonly holder: 'operator' | 'legal-person' | 'client'; readonly zh: string; readonly en: string }
>;

export type Role = keyof typeof ROLES;

/** Every role, in table order. */
export const ALL_ROLES: readonly Role[] = Object.keys(ROLES) as Role[];

/** The roles an operator account may hold. */
export const OPERATOR_ROLES: readonly Role[] = ALL_ROLES.filter((r) => ROLES[r].holder === 'operator');

/** True for a role id of the table. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(ROLES, value);
}

/**
 * Roles an operator needs a branch for: the counter roles act for one branch (R33), and a branch
 * manager's authority is that branch.
 */
export const BRANCH_ROLES: readonly Role[] = ['branch-operator', 'branch-manager'];

/** What a branch manager may grant: the branch-level roles, never a platform-wide one. */
export const BRANCH_MANAGER_GRANTS: readonly Role[] = ['branch-operator', 'reviewer', 'branch-manager'];

/**
 * Pairs one operator may not hold together — separation of duties (三员分立) that a security
 * review of a CA expects (R3): whoever administers the CA or the KMC does not audit it.
 */
export const INCOMPATIBLE_ROLES: readonly (readonly [Role, Role])[] = [
  ['auditor', 'ca-admin'],
  ['auditor', 'kmc-officer'],
];

/** Scopes of an API client key (应用部门接入): what an application department may do. */
export const API_SCOPES = {
  'certificates:query': { zh: '查询证书与法人信息', en: 'query certificates and legal-person data' },
  'certificates:verify': { zh: '验证证书状态与签名', en: 'verify certificate status and signatures' },
  'statistics:read': { zh: '读取业务统计', en: 'read business statistics' },
} as const satisfies Record<string, { readonly zh: string; readonly en: string }>;

export type ApiScope = keyof typeof API_SCOPES;

/** True for a scope of the table. */
export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && Object.hasOwn(API_SCOPES, value);
}
