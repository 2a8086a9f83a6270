/** Operator password login (issue 6), shared by `/counter/login` and `/admin/login`. */
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { loginWithPassword } from '../api.js';
import { useI18n } from '../i18n.js';
import { asApiError } from '../load.js';
import { Shell } from '../shell.js';

interface Fields {
  readonly login: string;
  readonly password: string;
}

export function LoginPage({ face }: { readonly face: 'counter' | 'admin' }) {
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? `/${face}`;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (fields: Fields) => {
    setBusy(true);
    setError(null);
    try {
      await loginWithPassword(fields.login, fields.password);
      navigate(from, { replace: true });
    } catch (caught) {
      const apiError = asApiError(caught);
      setError(errorText(apiError.code, apiError.detail));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Shell>
      <Card
        title={
          <h1 style={{ fontSize: 20, margin: 0 }}>
            {t('login.title')} · {t(`face.${face}`)}
          </h1>
        }
        style={{ maxWidth: 420, margin: '48px auto' }}
      >
        <Form<Fields> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t('login.login')}
            name="login"
            rules={[{ required: true, message: t('login.login') }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.password') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Shell>
  );
}
