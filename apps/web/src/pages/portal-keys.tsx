/**
 * `/portal/keys` 证书管理 (R34): the soft certificates of this browser — make a key under a PIN
 * (twice), see each key's certificate (subject, serial, expiry) and whether its KMC encryption key
 * is opened and matches the encryption certificate, make a CSR, import the issued pair, delete.
 */
import { Alert, Button, Card, Form, Input, Popconfirm, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n.js';
import { useLoad } from '../load.js';
import { Shell } from '../shell.js';
import { formatName, parseCertificate } from '@yizheng/pki/browser';
import {
  PIN_MAX_LENGTH,
  PIN_MIN_LENGTH,
  type SoftKey,
  checkPinRule,
  createSoftKey,
  deleteSoftKey,
  listSoftKeys,
  softKeyEncryptionReady,
} from '../softkey/index.js';
import { CsrDialog, InstallDialog } from './portal-key-dialogs.js';
import { refusalText } from './portal-errors.js';
import { PORTAL_KEY_NAV } from './portal-nav.js';

interface Row extends SoftKey {
  readonly subject?: string;
  readonly serial?: string;
  readonly notAfter?: string;
  readonly encReady: boolean;
}

async function loadRows(): Promise<Row[]> {
  const keys = await listSoftKeys();
  return Promise.all(
    keys.map(async (key) => {
      const encReady = await softKeyEncryptionReady(key.id);
      if (!key.signCertificate) return { ...key, encReady };
      const { tbs } = parseCertificate(key.signCertificate);
      return {
        ...key,
        encReady,
        subject: formatName(tbs.subject),
        serial: tbs.serialNumber.toString(16).toUpperCase(),
        notAfter: tbs.validity.notAfter.toISOString().slice(0, 10),
      };
    }),
  );
}

function CreateKeyForm({ onCreated }: { readonly onCreated: () => void }) {
  const { t, errorText } = useI18n();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (fields: { label: string; pin: string }) => {
    setBusy(true);
    setError(null);
    try {
      await createSoftKey(fields.label, fields.pin);
      form.resetFields();
      message.success(t('portal.keys.created'));
      onCreated();
    } catch (caught) {
      setError(refusalText(caught, errorText, String));
    } finally {
      setBusy(false);
    }
  };
  const pinRule = {
    validator: async (_: unknown, pin: string | undefined) => {
      if (!pin) throw new Error(t('portal.keys.pinRule'));
      try {
        checkPinRule(pin);
      } catch {
        throw new Error(t('portal.keys.pinRule'));
      }
    },
  };
  return (
    <Card title={t('portal.keys.create')} style={{ marginBottom: 16 }}>
      <Form form={form} name="create-key" layout="inline" onFinish={create} requiredMark={false}>
        <Form.Item label={t('portal.keys.label')} name="label" rules={[{ required: true, max: 64 }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('portal.keys.pin')} name="pin" rules={[pinRule]}>
          <Input.Password autoComplete="new-password" maxLength={PIN_MAX_LENGTH} minLength={PIN_MIN_LENGTH} />
        </Form.Item>
        <Form.Item
          label={t('portal.keys.pinAgain')}
          name="pinAgain"
          dependencies={['pin']}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_: unknown, again: string | undefined) => {
                if (again !== getFieldValue('pin')) throw new Error(t('portal.keys.pinMismatch'));
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={PIN_MAX_LENGTH} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('portal.keys.create')}
          </Button>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginTop: 16 }} />}
    </Card>
  );
}

export function PortalKeysPage() {
  const { t, errorText } = useI18n();
  const [rows, reload] = useLoad(loadRows);
  const [dialog, setDialog] = useState<{ kind: 'csr' | 'install'; key: SoftKey } | null>(null);
  const close = (changed: boolean) => {
    setDialog(null);
    if (changed) reload();
  };
  return (
    <Shell nav={PORTAL_KEY_NAV}>
      <Typography.Title level={2}>{t('portal.keys.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.keys.about')}</Typography.Paragraph>
      <CreateKeyForm onCreated={reload} />
      {rows.state === 'error' && (
        <Alert type="error" showIcon message={errorText(rows.error.code, rows.error.detail)} />
      )}
      <Table<Row>
        aria-label={t('portal.keys.title')}
        rowKey="id"
        loading={rows.state === 'loading'}
        dataSource={rows.state === 'done' ? rows.value : []}
        locale={{ emptyText: t('portal.keys.none') }}
        pagination={false}
        columns={[
          { title: t('portal.keys.label'), dataIndex: 'label', width: 160 },
          {
            title: t('portal.keys.createdAt'),
            dataIndex: 'createdAt',
            render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{at.slice(0, 10)}</span>,
          },
          {
            title: t('portal.keys.subject'),
            render: (_, row) =>
              row.subject ? (
                <Space direction="vertical" size={0}>
                  <span>{row.subject}</span>
                  {row.encReady && <Tag color="green">{t('portal.keys.encReady')}</Tag>}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('portal.keys.noCertificate')}</Typography.Text>
              ),
          },
          { title: t('portal.keys.serial'), dataIndex: 'serial' },
          {
            title: t('portal.keys.notAfter'),
            dataIndex: 'notAfter',
            render: (at?: string) => <span style={{ whiteSpace: 'nowrap' }}>{at}</span>,
          },
          {
            title: t('portal.keys.actions'),
            render: (_, row) => (
              <Space wrap>
                <Button size="small" onClick={() => setDialog({ kind: 'csr', key: row })}>
                  {t('portal.keys.csr')}
                </Button>
                <Button size="small" onClick={() => setDialog({ kind: 'install', key: row })}>
                  {t('portal.keys.install')}
                </Button>
                <Popconfirm
                  title={t('portal.keys.deleteConfirm')}
                  okText={t('portal.keys.delete')}
                  cancelText={t('portal.keys.cancel')}
                  onConfirm={() => deleteSoftKey(row.id).then(reload)}
                >
                  <Button size="small" danger>
                    {t('portal.keys.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {dialog?.kind === 'csr' && <CsrDialog softKey={dialog.key} onClose={close} />}
      {dialog?.kind === 'install' && <InstallDialog softKey={dialog.key} onClose={close} />}
    </Shell>
  );
}
