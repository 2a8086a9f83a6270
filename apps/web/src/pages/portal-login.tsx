/**
 * `/portal/login` 法人证书登录 (R34): choose a soft certificate of this browser, enter its PIN; the
 * page signs the server's challenge with it and keeps the legal person's session.
 */
import { Alert, Button, Card, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { loginWithSoftKey } from '../api/portal-session.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Loading, useLoad } from '../load.js';
import { Shell } from '../shell.js';
import { listSoftKeys } from '../softkey/index.js';
import { refusalText } from './portal-errors.js';
import { PORTAL_KEY_NAV } from './portal-nav.js';

interface Fields {
  readonly keyId: string;
  readonly pin: string;
}

export function PortalLoginPage() {
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/portal';
  const [keys] = useLoad(async () => (await listSoftKeys()).filter((k) => k.signCertificate));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (fields: Fields) => {
    setBusy(true);
    setError(null);
    try {
      await loginWithSoftKey(fields.keyId, fields.pin);
      navigate(from, { replace: true });
    } catch (caught) {
      setError(refusalText(caught, errorText, (n) => t('portal.login.attemptsLeft', { n })));
    } finally {
      setBusy(false);
    }
  };
  if (keys.state !== 'done') {
    return (
      <Shell nav={PORTAL_KEY_NAV}>
        {keys.state === 'loading' ? <Loading /> : <ErrorState error={keys.error} />}
      </Shell>
    );
  }
  const options = keys.value.map((k) => ({ value: k.id, label: k.label }));
  return (
    <Shell nav={PORTAL_KEY_NAV}>
      <Card
        title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('portal.login.title')}</h1>}
        style={{ maxWidth: 460, margin: '48px auto' }}
      >
        {options.length === 0 ? (
          <Alert type="info" showIcon message={<Link to="/portal/keys">{t('portal.login.noKeys')}</Link>} />
        ) : (
          <Form<Fields>
            name="soft-key-login"
            layout="vertical"
            onFinish={submit}
            requiredMark={false}
            initialValues={{ keyId: options[0]?.value }}
          >
            <Form.Item label={t('portal.login.key')} name="keyId" rules={[{ required: true }]}>
              <Select options={options} />
            </Form.Item>
            <Form.Item
              label={t('portal.login.pin')}
              name="pin"
              rules={[{ required: true, message: t('portal.login.pin') }]}
            >
              <Input.Password autoComplete="off" autoFocus />
            </Form.Item>
            {error && (
              <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />
            )}
            <Button type="primary" htmlType="submit" loading={busy} block>
              {t('portal.login.submit')}
            </Button>
          </Form>
        )}
      </Card>
    </Shell>
  );
}
