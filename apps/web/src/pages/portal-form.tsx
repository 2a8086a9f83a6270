/**
 * What the portal's forms share: a submit that shows its refusal (API or soft key) in plain words
 * with the code (`useAction`), and the request field of every step that certifies a new key (`CsrField`).
 */
import { Form, Input } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n.js';
import { refusalText } from './portal-errors.js';

/** Runs one submit at a time; a refusal of the API or the soft key becomes `error` (说明 (YZ_ERR_…)). */
export function useAction() {
  const { t, errorText } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(refusalText(caught, errorText, (n) => t('portal.login.attemptsLeft', { n })));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run, setError };
}

/** The PKCS#10 request (PEM) from the soft key or a USB-KEY tool. */
export function CsrField() {
  const { t } = useI18n();
  return (
    <Form.Item
      label={t('portal.apply.csr')}
      name="csr"
      extra={t('portal.apply.csrHelp')}
      rules={[
        { required: true, pattern: /-----BEGIN CERTIFICATE REQUEST-----/, message: t('portal.apply.csr') },
      ]}
    >
      <Input.TextArea rows={6} style={{ fontFamily: 'monospace' }} />
    </Form.Item>
  );
}
