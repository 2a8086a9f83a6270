/**
 * The soft certificate (软证书, `src/softkey/`) of a portal form: which of this browser's soft keys,
 * and its PIN. The online application makes its request with a key that has no certificate yet
 * (`softKeyCsr`); the legal representative signs a letter with one that holds the enterprise's
 * signing certificate (`softKeySign`). Refusals of the key (wrong PIN, locked) show in words.
 */
import { Button, Form, Input, Select, Space } from 'antd';
import { useI18n } from '../i18n.js';
import { useLoad } from '../load.js';
import { type SoftKey, listSoftKeys } from '../softkey/index.js';

export interface SoftKeyChoice {
  readonly keyId?: string;
  readonly pin?: string;
}

/** Key and PIN fields (`keyId`, `pin`) and the button that uses them; nothing when no key fits. */
export function SoftKeyFields({
  fits,
  action,
  onUse,
  busy,
}: {
  readonly fits: (key: SoftKey) => boolean;
  readonly action: string;
  readonly onUse: () => void;
  readonly busy: boolean;
}) {
  const { t } = useI18n();
  const [keys] = useLoad(async () => (await listSoftKeys()).filter(fits));
  if (keys.state !== 'done' || keys.value.length === 0) return null;
  return (
    <Space align="end" wrap>
      <Form.Item label={t('portal.login.key')} name="keyId" initialValue={keys.value[0]!.id}>
        <Select
          style={{ minWidth: 200 }}
          options={keys.value.map((k) => ({ value: k.id, label: k.label }))}
        />
      </Form.Item>
      <Form.Item label={t('portal.login.pin')} name="pin">
        <Input.Password autoComplete="off" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" onClick={onUse} loading={busy}>
          {action}
        </Button>
      </Form.Item>
    </Space>
  );
}
