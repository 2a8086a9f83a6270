/**
 * `/portal/apply`: the agent's online application for a new pair (在线新办, R34, R18). The request
 * comes from a soft certificate of this browser (`softKeyCsr`, a key made under 证书管理 that has
 * no certificate yet), or is pasted from a USB-KEY tool;
 * materials are uploaded as files (the server keeps only their SM3, size and name). The answer is
 * the electronic authorisation letter for the legal representative to sign.
 */
import { Alert, Button, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type MaterialUpload, currentAgent, fileBase64, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { CsrField, useAction } from './portal-form.js';
import { SoftKeyCsrFields } from './portal-softkey-field.js';

interface Fields {
  readonly csr: string;
  readonly letterDays: number;
  readonly materialKind: MaterialUpload['kind'];
  readonly pin?: string;
  readonly keyId?: string;
}

const KINDS = ['business-licence', 'id-card', 'application-form', 'other'] as const;

export function PortalApplyPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [form] = Form.useForm<Fields>();
  const [files, setFiles] = useState<File[]>([]);
  const { error, busy, run } = useAction();
  const agent = currentAgent();
  const submit = async (fields: Fields) => {
    if (!agent) return;
    await run(async () => {
      const materials = await Promise.all(
        files.map(async (file) => ({
          kind: fields.materialKind,
          fileName: file.name,
          content: await fileBase64(file),
        })),
      );
      const { letter } = await portalApi.applyNew({
        csr: fields.csr,
        agentPhone: agent.phone,
        letterDays: fields.letterDays,
        ...(materials.length ? { materials } : {}),
      });
      navigate(`/portal/letters/${letter.id}`);
    });
  };
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={2}>{t('portal.apply.title')}</Typography.Title>
      <Typography.Paragraph>{t('portal.apply.intro')}</Typography.Paragraph>
      {!agent && <Alert type="info" showIcon message={t('portal.apply.noAgent')} />}
      <Form<Fields>
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
        initialValues={{ letterDays: 30, materialKind: 'business-licence' }}
        disabled={!agent}
      >
        <SoftKeyCsrFields form={form} />
        <CsrField />
        <Form.Item label={t('portal.apply.materialKind')} name="materialKind">
          <Select options={KINDS.map((kind) => ({ value: kind, label: t(`portal.material.${kind}`) }))} />
        </Form.Item>
        <Form.Item label={t('portal.apply.materials')} htmlFor="materials">
          <input
            id="materials"
            type="file"
            multiple
            onChange={(event) => setFiles([...(event.target.files ?? [])])}
          />
        </Form.Item>
        <Form.Item label={t('portal.apply.letterDays')} name="letterDays">
          <InputNumber min={1} max={90} />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('portal.apply.submit')}
        </Button>
      </Form>
    </Space>
  );
}
