/**
 * The USCC look-up form the counter's pages share (R33): one field with its GB 32100 check
 * character verified in the form (`uscc.ts`), so a mistyped code never reaches the API.
 */
import { Button, Form, Input } from 'antd';
import { useI18n } from './i18n.js';
import { isValidUscc, normalizeUscc } from './uscc.js';

export function UsccForm({ onLookUp }: { readonly onLookUp: (uscc: string) => void }) {
  const { t } = useI18n();
  return (
    <Form<{ uscc: string }> layout="inline" onFinish={({ uscc }) => onLookUp(normalizeUscc(uscc))}>
      <Form.Item
        label={t('lookup.uscc')}
        name="uscc"
        rules={[
          {
            validator: async (_, value: string | undefined) => {
              if (!isValidUscc(normalizeUscc(value ?? ''))) throw new Error(t('lookup.invalid'));
            },
          },
        ]}
      >
        <Input maxLength={18} style={{ width: 240 }} autoFocus />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {t('lookup.submit')}
      </Button>
    </Form>
  );
}
