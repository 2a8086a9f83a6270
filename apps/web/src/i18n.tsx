/**
 * The web platform's two languages (issue 6): 简体中文 first and by default, English on request.
 * One flat dictionary per language keeps every label findable; the choice is kept in
 * localStorage. Error codes get a plain sentence in both (docs/errors.md has the full list).
 */
import { type ReactNode, createContext, useContext, useState } from 'react';

export type Language = 'zh-CN' | 'en';

const zh = {
  'app.title': '一证 法人数字证书平台',
  'app.switch': 'English',
  'landing.intro': '基于国密算法（SM2/SM3/SM4）的法人数字证书服务。请选择入口：',
  'face.portal': '法人门户',
  'face.portal.about': '法人以本单位签名证书登录，办理和查询本单位证书业务。',
  'face.counter': '网点柜台',
  'face.counter.about': '网点受理员查询法人、证书与业务记录。',
  'face.admin': '后台管理',
  'face.admin.about': '业务统计与申请审核。',
  'face.open': '进入',
  'portal.pending': '法人门户需要以证书（USB-KEY）登录，将在下一阶段提供。现在可通过 REST API 办理。',
  'login.title': '操作员登录',
  'login.login': '登录名',
  'login.password': '口令',
  'login.submit': '登录',
  'login.logout': '退出',
  'nav.dashboard': '业务统计',
  'nav.review': '审核队列',
  'nav.lookup': '法人查询',
  'nav.home': '首页',
  'state.loading': '正在加载…',
  'state.empty': '暂无数据',
  'state.retry': '重试',
  'stats.legalPersons': '法人数',
  'stats.certificates': '证书数',
  'stats.expiring': '{days} 天内到期',
  'stats.afterSales': '售后（补办 / 解锁 / 恢复）',
  'stats.byBusinessType': '按业务类型的申请',
  'stats.byChannel': '按渠道的申请',
  'stats.byStatus': '按状态的证书',
  'stats.key': '类别',
  'stats.count': '数量',
  'review.id': '申请编号',
  'review.uscc': '统一社会信用代码',
  'review.type': '业务类型',
  'review.channel': '渠道',
  'review.submitted': '提交时间',
  'review.actions': '操作',
  'review.approve': '通过',
  'review.reject': '不通过',
  'review.reason': '不通过的理由',
  'review.reasonRequired': '请填写理由',
  'review.done': '已处理',
  'lookup.uscc': '统一社会信用代码',
  'lookup.submit': '查询',
  'lookup.invalid': '统一社会信用代码校验不通过（GB 32100），请核对',
  'lookup.name': '单位名称',
  'lookup.representative': '法定代表人',
  'lookup.registry': '法人库状态',
  'lookup.certificates': '证书',
  'lookup.applications': '业务记录',
  'cert.serial': '序列号',
  'cert.role': '用途',
  'cert.status': '状态',
  'cert.notAfter': '有效期至',
  'cert.daysLeft': '剩余天数',
  'refused.title': '无权访问',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Yizheng legal-person certificates',
  'app.switch': '简体中文',
  'landing.intro': 'Legal-person digital certificates on the national algorithms (SM2/SM3/SM4). Choose:',
  'face.portal': 'Legal-person portal',
  'face.portal.about':
    'Legal persons log in with their signing certificate and manage their own certificates.',
  'face.counter': 'Branch counter',
  'face.counter.about': 'Branch operators look up legal persons, certificates and business records.',
  'face.admin': 'Back office',
  'face.admin.about': 'Business statistics and application review.',
  'face.open': 'Open',
  'portal.pending':
    'The portal needs a certificate (USB-KEY) login and comes in the next stage; the REST API serves legal persons now.',
  'login.title': 'Operator login',
  'login.login': 'Login',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.logout': 'Log out',
  'nav.dashboard': 'Statistics',
  'nav.review': 'Review queue',
  'nav.lookup': 'Legal-person look-up',
  'nav.home': 'Home',
  'state.loading': 'Loading…',
  'state.empty': 'Nothing here yet',
  'state.retry': 'Retry',
  'stats.legalPersons': 'Legal persons',
  'stats.certificates': 'Certificates',
  'stats.expiring': 'Expiring within {days} days',
  'stats.afterSales': 'After-sales (reissue / unlock / recover)',
  'stats.byBusinessType': 'Applications by business type',
  'stats.byChannel': 'Applications by channel',
  'stats.byStatus': 'Certificates by status',
  'stats.key': 'Kind',
  'stats.count': 'Count',
  'review.id': 'Application',
  'review.uscc': 'USCC',
  'review.type': 'Business type',
  'review.channel': 'Channel',
  'review.submitted': 'Submitted',
  'review.actions': 'Actions',
  'review.approve': 'Approve',
  'review.reject': 'Reject',
  'review.reason': 'Reason for rejecting',
  'review.reasonRequired': 'Give a reason',
  'review.done': 'Done',
  'lookup.uscc': 'Unified social credit code (USCC)',
  'lookup.submit': 'Look up',
  'lookup.invalid': 'The USCC fails its GB 32100 check character; check it',
  'lookup.name': 'Name',
  'lookup.representative': 'Legal representative',
  'lookup.registry': 'Registry status',
  'lookup.certificates': 'Certificates',
  'lookup.applications': 'Business records',
  'cert.serial': 'Serial',
  'cert.role': 'Use',
  'cert.status': 'Status',
  'cert.notAfter': 'Valid until',
  'cert.daysLeft': 'Days left',
  'refused.title': 'Not allowed',
};

/** Plain words for the codes a page meets most; others fall back to the server's detail. */
const ERRORS: Record<Language, Readonly<Record<string, string>>> = {
  'zh-CN': {
    YZ_ERR_LOGIN_FAILED: '登录名或口令不正确，或账户已锁定',
    YZ_ERR_UNAUTHENTICATED: '请先登录',
    YZ_ERR_FORBIDDEN: '您的角色无权使用此功能',
    YZ_ERR_OUT_OF_SCOPE: '超出您的管辖范围',
    YZ_ERR_NOT_FOUND: '未找到该记录',
    YZ_ERR_INPUT: '输入有误，请核对',
    YZ_ERR_USCC: '统一社会信用代码无效',
    YZ_ERR_STATE: '当前状态不允许此操作',
    YZ_ERR_RATE_LIMITED: '尝试过于频繁，请稍后再试',
    YZ_ERR_UNAVAILABLE: '服务暂不可用，请稍后再试',
    YZ_ERR_INTERNAL: '服务器内部错误',
  },
  en: {
    YZ_ERR_LOGIN_FAILED: 'Wrong login or password, or the account is locked',
    YZ_ERR_UNAUTHENTICATED: 'Log in first',
    YZ_ERR_FORBIDDEN: 'Your role may not use this',
    YZ_ERR_OUT_OF_SCOPE: 'Outside what you manage',
    YZ_ERR_NOT_FOUND: 'No such record',
    YZ_ERR_INPUT: 'The input is not valid; check it',
    YZ_ERR_USCC: 'Not a valid USCC',
    YZ_ERR_STATE: 'Not allowed in the current state',
    YZ_ERR_RATE_LIMITED: 'Too many attempts; try again later',
    YZ_ERR_UNAVAILABLE: 'The service is unavailable; try again later',
    YZ_ERR_INTERNAL: 'Internal server error',
  },
};

/** The API's domain values (packages/core/src/model.ts) in words, by kind. */
export type TermKind = 'certStatus' | 'certRole' | 'businessType' | 'channel' | 'registryStatus' | 'state';

const TERMS: Record<Language, Record<TermKind, Readonly<Record<string, string>>>> = {
  'zh-CN': {
    certStatus: { valid: '有效', suspended: '已暂停', revoked: '已撤销' },
    certRole: { sign: '签名证书', enc: '加密证书' },
    businessType: {
      new: '新办',
      renew: '更新',
      change: '变更',
      reissue: '补办',
      revoke: '撤销',
      suspend: '暂停',
      resume: '恢复',
      unlock: '解锁',
      recover: '密钥恢复',
      import: '存量导入',
    },
    channel: { counter: '网点柜台', online: '网上办理', api: '接口', mobile: '移动端', cli: '命令行' },
    registryStatus: { active: '存续', deregistered: '注销', revoked: '吊销', unknown: '未知' },
    state: {
      submitted: '已提交',
      review: '待审核',
      approved: '已通过',
      completed: '已办结',
      rejected: '未通过',
    },
  },
  en: {
    certStatus: { valid: 'valid', suspended: 'suspended', revoked: 'revoked' },
    certRole: { sign: 'signing', enc: 'encryption' },
    businessType: {
      new: 'new',
      renew: 'renewal',
      change: 'change',
      reissue: 'reissue',
      revoke: 'revocation',
      suspend: 'suspension',
      resume: 'resumption',
      unlock: 'unlock',
      recover: 'key recovery',
      import: 'stock import',
    },
    channel: { counter: 'counter', online: 'online', api: 'API', mobile: 'mobile', cli: 'command line' },
    registryStatus: {
      active: 'active',
      deregistered: 'deregistered',
      revoked: 'licence revoked',
      unknown: 'unknown',
    },
    state: {
      submitted: 'submitted',
      review: 'in review',
      approved: 'approved',
      completed: 'completed',
      rejected: 'rejected',
    },
  },
};

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'yizheng.language';

interface I18n {
  readonly language: Language;
  readonly t: (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;
  /** `说明 (YZ_ERR_…)`: the code in plain words, then the code itself. */
  readonly errorText: (code: string, detail: string) => string;
  /** A domain value in words; an unknown value shows as it is. */
  readonly term: (kind: TermKind, value: string) => string;
  readonly toggle: () => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { readonly children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(() =>
    localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN',
  );
  const value: I18n = {
    language,
    t: (key, values = {}) =>
      DICTIONARIES[language][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '')),
    term: (kind, value) => TERMS[language][kind][value] ?? value,
    errorText: (code, detail) => `${ERRORS[language][code] ?? detail} (${code})`,
    toggle: () => {
      const next: Language = language === 'zh-CN' ? 'en' : 'zh-CN';
      localStorage.setItem(STORAGE_KEY, next);
      document.documentElement.lang = next;
      setLanguage(next);
    },
  };
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
