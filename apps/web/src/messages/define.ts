/**
 * One face's texts in both languages: the English table must have every key of the Chinese one
 * (the type says so), and error codes may get plain words of their own.
 */
export type ErrorTexts = Readonly<Record<string, string>>;

export interface Messages<K extends string> {
  readonly zh: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
  readonly errors: { readonly zh: ErrorTexts; readonly en: ErrorTexts };
}

export function defineMessages<const Z extends Readonly<Record<string, string>>>(
  zh: Z,
  en: Readonly<Record<keyof Z & string, string>>,
  errors: { readonly zh: ErrorTexts; readonly en: ErrorTexts } = { zh: {}, en: {} },
): Messages<keyof Z & string> {
  return { zh, en, errors };
}
