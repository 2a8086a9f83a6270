/**
 * The dialogs of `/portal/keys` (R34): make a certificate request (PKCS#10) with a soft key, and
 * import the issued pair with its KMC-encrypted encryption key. Each asks for the key's PIN.
 */
import { Alert, Button, Form, Input, Modal, Space, message } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n.js';
import { type SoftKey, SoftKeyError, installIssued, softKeyCsr } from '../softkey/index.js';
import { refusalText } from './portal-errors.js';

interface DialogProps {
  readonly softKey: SoftKey;
  readonly onClose: (changed: boolean) => void;
}

function useRefusal() {
  const { t, errorText } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const fail = (caught: unknown) =>
    setError(refusalText(caught, errorText, (n) => t('portal.login.attemptsLeft', { n })));
  return { error, setError, fail };
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/pkcs10' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function CsrDialog({ softKey, onClose }: DialogProps) {
  const { t } = useI18n();
  const { error, setError, fail } = useRefusal();
  const [csr, setCsr] = useState<string | null>(null);
  const make = async (fields: { cn: string; o?: string; uscc?: string; pin: string }) => {
    setError(null);
    try {
      const subject = {
        cn: fields.cn,
        ...(fields.o ? { o: fields.o } : {}),
        ...(fields.uscc ? { uscc: fields.uscc } : {}),
      };
      setCsr(await softKeyCsr(softKey.id, fields.pin, subject));
    } catch (caught) {
      fail(caught);
    }
  };
  return (
    <Modal
      open
      title={`${t('portal.keys.csr')} · ${softKey.label}`}
      footer={null}
      onCancel={() => onClose(false)}
    >
      <Form name="csr" layout="vertical" onFinish={make} requiredMark={false}>
        <Form.Item label={t('portal.keys.csrCn')} name="cn" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('portal.keys.csrO')} name="o">
          <Input />
        </Form.Item>
        <Form.Item label={t('portal.keys.csrUscc')} name="uscc">
          <Input maxLength={18} />
        </Form.Item>
        <Form.Item label={t('portal.login.pin')} name="pin" rules={[{ required: true }]}>
          <Input.Password autoComplete="off" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit">
          {t('portal.keys.csrMake')}
        </Button>
      </Form>
      {csr && (
        <div style={{ marginTop: 16 }}>
          <Input.TextArea readOnly value={csr} rows={8} aria-label={t('portal.keys.csrResult')} />
          <Space style={{ marginTop: 8 }}>
            <Button
              onClick={() => {
                void navigator.clipboard?.writeText(csr).then(() => message.success(t('portal.keys.copied')));
              }}
            >
              {t('portal.keys.copy')}
            </Button>
            <Button onClick={() => download(`${softKey.label}.csr`, csr)}>{t('portal.keys.download')}</Button>
          </Space>
        </div>
      )}
    </Modal>
  );
}

/** The issued pair out of what the issuance API returned: `{pair: …}`, the pair, or the three fields. */
function issuedOf(text: string): { signCertificate: string; encCertificate?: string; encryptedKey?: string } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'not JSON');
  }
  const pair = (typeof value.pair === 'object' && value.pair ? value.pair : value) as Record<string, unknown>;
  const text_ = (key: string) => (typeof pair[key] === 'string' ? (pair[key] as string) : undefined);
  const signCertificate = text_('signCertificate');
  if (!signCertificate) throw new SoftKeyError('YZ_ERR_SOFTKEY_INPUT', 'no signCertificate');
  // GM/T 0009 envelope when delivered so; the GM/T 0092 CSRResponse carries one in any delivery
  const encryptedKey =
    text_('encryptedKey') ??
    ((text_('delivery') ?? 'sm2-enveloped-key') === 'sm2-enveloped-key' ? text_('envelope') : undefined) ??
    text_('csrResponse');
  const encCertificate = text_('encCertificate');
  return {
    signCertificate,
    ...(encCertificate ? { encCertificate } : {}),
    ...(encryptedKey ? { encryptedKey } : {}),
  };
}

export function InstallDialog({ softKey, onClose }: DialogProps) {
  const { t } = useI18n();
  const { error, setError, fail } = useRefusal();
  const [busy, setBusy] = useState(false);
  const install = async (fields: { issued: string; pin: string }) => {
    setError(null);
    setBusy(true);
    try {
      await installIssued(softKey.id, fields.pin, issuedOf(fields.issued));
      message.success(t('portal.keys.installed'));
      onClose(true);
    } catch (caught) {
      fail(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={`${t('portal.keys.install')} · ${softKey.label}`}
      footer={null}
      onCancel={() => onClose(false)}
    >
      <Form name="install" layout="vertical" onFinish={install} requiredMark={false}>
        <Form.Item label={t('portal.keys.installHelp')} name="issued" rules={[{ required: true }]}>
          <Input.TextArea rows={8} />
        </Form.Item>
        <Form.Item label={t('portal.login.pin')} name="pin" rules={[{ required: true }]}>
          <Input.Password autoComplete="off" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('portal.keys.install')}
        </Button>
      </Form>
    </Modal>
  );
}
