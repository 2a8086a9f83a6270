/**
 * `/portal/certificates/:serial/:step`: the legal person's lifecycle steps on its own pair, online
 * (R34; R19 renew 更新, R20 change 变更, R21 reissue 补办, R23 revoke 撤销, suspend 冻结) through
 * the lifecycle routes, which take the holder's own session. Steps that replace the pair take a
 * new request (from the soft key, or pasted); reissue's medium fee is then due under 费用支付.
 */
import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { type IssuedPair, type LifecycleStep, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { CsrField, useAction } from './portal-form.js';
import { SoftKeyCsrFields } from './portal-softkey-field.js';

interface Fields {
  readonly csr?: string;
  readonly name?: string;
  readonly note?: string;
}

const REPLACING: ReadonlySet<string> = new Set(['renew', 'change', 'reissue']);

export function PortalLifecyclePage() {
  const { t, term } = useI18n();
  const { serial = '', step = 'renew' } = useParams();
  const [done, setDone] = useState<string | null>(null);
  const { error, busy, run } = useAction();
  const [form] = Form.useForm<Fields>();
  const replacing = REPLACING.has(step);
  const submit = async (fields: Fields) => {
    if (!replacing && !window.confirm(t('portal.lifecycle.confirm', { step: term('businessType', step) })))
      return;
    await run(async () => {
      const body = replacing
        ? {
            csr: fields.csr,
            ...(step === 'change' ? { legalPerson: { name: fields.name } } : {}),
            ...(fields.note && step !== 'renew' ? { note: fields.note } : {}),
          }
        : { ...(fields.note ? { note: fields.note } : {}) };
      const answer = await portalApi.lifecycle(serial, step as LifecycleStep, body);
      setDone(
        replacing
          ? t('portal.lifecycle.issued', { serial: (answer as IssuedPair).sign.serial })
          : t('portal.lifecycle.done'),
      );
    });
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={2}>
        {t('portal.lifecycle.title', { step: term('businessType', step), serial })}
      </Typography.Title>
      {done ? (
        <Alert
          type="success"
          showIcon
          message={done}
          action={
            <Link to={step === 'reissue' ? '/portal/payments' : '/portal'}>{t('portal.nav.home')}</Link>
          }
        />
      ) : (
        <Form<Fields> form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          {replacing && <SoftKeyCsrFields form={form} />}
          {replacing && <CsrField />}
          {step === 'change' && (
            <Form.Item
              label={t('lookup.name')}
              name="name"
              rules={[{ required: true, message: t('lookup.name') }]}
            >
              <Input />
            </Form.Item>
          )}
          {step !== 'renew' && (
            <Form.Item label={t('portal.lifecycle.note')} name="note">
              <Input maxLength={500} />
            </Form.Item>
          )}
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" loading={busy} danger={!replacing}>
            {t('portal.lifecycle.submit')}
          </Button>
        </Form>
      )}
    </Space>
  );
}
