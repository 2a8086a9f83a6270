/**
 * Loading, empty and error states every page shares (issue 6): a spinner while the API answers,
 * an error with its code in plain words and a retry, or the page itself.
 */
import { Alert, Button, Empty, Result, Spin } from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError } from './api.js';
import { useI18n } from './i18n.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: ApiError }
  | { readonly state: 'done'; readonly value: T };

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'YZ_ERR_INTERNAL', String(error));
}

/** Runs `load` on mount and on `reload()`. */
export function useLoad<T>(load: () => Promise<T>): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (error: unknown) => current && setLoaded({ state: 'error', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
    // load is rebuilt on every render; the round is what asks again
  }, [round]);
  return [loaded, useCallback(() => setRound((r) => r + 1), [])];
}

/** An API refusal: 403 as a refused page, anything else as an error with a retry. */
export function ErrorState({ error, retry }: { readonly error: ApiError; readonly retry?: () => void }) {
  const { t, errorText } = useI18n();
  const text = errorText(error.code, error.detail);
  if (error.status === 403)
    return <Result status="403" title={t('refused.title')} subTitle={<span role="alert">{text}</span>} />;
  return (
    <Alert
      type="error"
      showIcon
      message={text}
      action={retry && <Button onClick={retry}>{t('state.retry')}</Button>}
    />
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin aria-label={t('state.loading')} />
      <div>{t('state.loading')}</div>
    </div>
  );
}

export function EmptyState() {
  const { t } = useI18n();
  return <Empty description={t('state.empty')} />;
}

/** Renders `loaded` through its three states. */
export function Show<T>({
  loaded,
  retry,
  children,
}: {
  readonly loaded: Loaded<T>;
  readonly retry: () => void;
  readonly children: (value: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'error') return <ErrorState error={loaded.error} retry={retry} />;
  return <>{children(loaded.value)}</>;
}
