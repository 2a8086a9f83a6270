/**
 * `/portal/sms-login`: the agent's login by phone and SMS code (经办人手机 + 短信验证码, R34). The
 * USCC is checked (GB 32100) and the phone's form before anything is sent; the server sends the
 * code only to an agent registered for that legal person.
 */
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { useAction } from './portal-form.js';
import { Shell } from '../shell.js';
import { PORTAL_KEY_NAV } from './portal-nav.js';
import { isValidUscc, normalizeUscc } from '../uscc.js';

interface Fields {
  readonly uscc: string;
  readonly phone: string;
  readonly code: string;
}

const PHONE = /^1\d{10}$/;

export function PortalSmsLoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/portal';
  const [form] = Form.useForm<Fields>();
  const [notice, setNotice] = useState<string | null>(null);
  const { error, busy, run } = useAction();
  const send = async () => {
    setNotice(null);
    // the form shows what is wrong with the two fields; nothing is sent then
    const fields = await form.validateFields(['uscc', 'phone']).catch(() => null);
    if (!fields) return;
    await run(async () => {
      const sent = await portalApi.sendSmsCode(normalizeUscc(fields.uscc), fields.phone);
      setNotice(t('portal.sms.sent', { phone: sent.phone }));
    });
  };
  const submit = (fields: Fields) =>
    run(async () => {
      await portalApi.loginWithSms(normalizeUscc(fields.uscc), fields.phone, fields.code);
      navigate(from, { replace: true });
    });
  return (
    <Shell nav={PORTAL_KEY_NAV}>
      <Card
        title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('portal.sms.title')}</h1>}
        style={{ maxWidth: 460, margin: '48px auto' }}
      >
        <Typography.Paragraph>{t('portal.sms.intro')}</Typography.Paragraph>
        <Form<Fields> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t('portal.sms.uscc')}
            name="uscc"
            rules={[
              {
                validator: async (_, value: string | undefined) => {
                  if (!value || !isValidUscc(normalizeUscc(value))) throw new Error(t('lookup.invalid'));
                },
              },
            ]}
          >
            <Input autoFocus maxLength={18} />
          </Form.Item>
          <Form.Item label={t('portal.sms.phone')} required>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item
                name="phone"
                noStyle
                rules={[{ pattern: PHONE, required: true, message: t('portal.sms.phoneInvalid') }]}
              >
                <Input id="phone" aria-label={t('portal.sms.phone')} inputMode="numeric" maxLength={11} />
              </Form.Item>
              <Button onClick={() => void send()}>{t('portal.sms.send')}</Button>
            </Space.Compact>
          </Form.Item>
          <Form.Item
            label={t('portal.sms.code')}
            name="code"
            rules={[{ pattern: /^\d{6}$/, required: true, message: t('portal.sms.codeInvalid') }]}
          >
            <Input inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
          </Form.Item>
          {notice && <Alert type="success" showIcon message={notice} style={{ marginBottom: 16 }} />}
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('portal.sms.submit')}
          </Button>
        </Form>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          <Link to="/portal/login" state={{ from }}>
            {t('portal.sms.certificate')}
          </Link>
        </div>
      </Card>
    </Shell>
  );
}
