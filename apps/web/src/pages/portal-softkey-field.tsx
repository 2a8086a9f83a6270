/**
 * The soft certificate (软证书, `src/softkey/`) of a portal form: which of this browser's soft keys,
 * and its PIN. The online application makes its request with a key that has no certificate yet
 * (`softKeyCsr`); the legal representative signs a letter with one that holds the enterprise's
 * signing certificate (`softKeySign`). Refusals of the key (wrong PIN, locked) show in words.
 */
import { Alert, Button, Form, type FormInstance, Input, Select, Space } from 'antd';
import { currentSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { useLoad } from '../load.js';
import { type SoftKey, listSoftKeys, softKeyCsr } from '../softkey/index.js';
import { useAction } from './portal-form.js';

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

/**
 * The request of a new pair made with a soft key that has no certificate yet (`softKeyCsr`:
 * CN and O the legal person's name, its USCC), written into the form's `csr` field.
 */
export function SoftKeyCsrFields({ form }: { readonly form: FormInstance }) {
  const { t } = useI18n();
  const { error, busy, run } = useAction();
  const make = () =>
    run(async () => {
      const { keyId, pin } = form.getFieldsValue(['keyId', 'pin']) as SoftKeyChoice;
      const principal = currentSession()?.principal;
      const name = principal?.name ?? '';
      const csr = await softKeyCsr(keyId ?? '', pin ?? '', {
        cn: name,
        o: name,
        ...(principal?.uscc ? { uscc: principal.uscc } : {}),
      });
      form.setFieldValue('csr', csr);
    });
  return (
    <>
      <Alert type="info" showIcon message={t('portal.apply.softKeyHint')} style={{ marginBottom: 16 }} />
      <SoftKeyFields
        fits={(key) => !key.signCertificate}
        action={t('portal.apply.softKey')}
        onUse={() => void make()}
        busy={busy}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
    </>
  );
}
