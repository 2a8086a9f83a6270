/**
 * The web platform's two languages (issue 6): 简体中文 first and by default, English on request.
 * One flat dictionary per language keeps every label findable; the choice is kept in
 * localStorage. Error codes get a plain sentence in both (docs/errors.md has the full list).
 */
import { type ReactNode, createContext, useContext, useState } from 'react';
import { adminMessages } from './messages/admin.js';
import { commonMessages } from './messages/common.js';
import { counterMessages } from './messages/counter.js';
import { portalMessages } from './messages/portal.js';

export type Language = 'zh-CN' | 'en';

const MODULES = [commonMessages, portalMessages, counterMessages, adminMessages] as const;

export type MessageKey =
  | keyof typeof commonMessages.zh
  | keyof typeof portalMessages.zh
  | keyof typeof counterMessages.zh
  | keyof typeof adminMessages.zh;

const zh = Object.assign({}, ...MODULES.map((m) => m.zh)) as Record<MessageKey, string>;
const en = Object.assign({}, ...MODULES.map((m) => m.en)) as Record<MessageKey, string>;

/** Plain words for the codes a page meets most; others fall back to the server's detail. */
const ERRORS: Record<Language, Readonly<Record<string, string>>> = {
  'zh-CN': Object.assign({}, ...MODULES.map((m) => m.errors.zh)) as Record<string, string>,
  en: Object.assign({}, ...MODULES.map((m) => m.errors.en)) as Record<string, string>,
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
      'identity-check': '待柜台核验身份',
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
      'identity-check': 'awaiting identity check at a counter',
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
