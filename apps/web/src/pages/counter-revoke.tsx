/**
 * 撤销 at the counter (R33 walk-in business, R23 revocation): the operator revokes a legal
 * person's signing certificate (its pair goes with it) on the holder's request, with the CRL
 * reason and the reference of the request form — the API's staff revocation
 * (POST /api/v1/certificates/:serial/revoke, requestedBy holder), audited there. Opened from the
 * look-up page's certificate table.
 */
import { Button, Form, Input, Modal, Radio } from 'antd';
import { useState } from 'react';
import type { ApiError } from '../api.js';
import { counterApi } from '../api/counter.js';
import { useI18n } from '../i18n.js';
import { ErrorState, asApiError } from '../load.js';

/** The CRL reasons offered at the counter (docs/lifecycle.md; certificateHold is suspend's). */
const REASONS = ['cessationOfOperation', 'affiliationChanged', 'superseded', 'keyCompromise'] as const;

export function CounterRevokeButton({
  serial,
  done,
}: {
  readonly serial: string;
  readonly done: () => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [form] = Form.useForm<{ reason: string; note: string }>();
  const submit = ({ reason, note }: { reason: string; note: string }) => {
    setFailure(null);
    counterApi.revoke(serial, reason, note).then(
      () => {
        setOpen(false);
        done();
      },
      (error: unknown) => setFailure(asApiError(error)),
    );
  };
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)}>
        {t('revoke.button')}
      </Button>
      {open && (
        <Modal
          open
          title={t('revoke.title', { serial })}
          okText={t('materials.confirm')}
          okButtonProps={{ danger: true }}
          onCancel={() => setOpen(false)}
          onOk={() => void form.validateFields().then(submit)}
        >
          <Form form={form} name="revoke" layout="vertical" initialValues={{ reason: REASONS[0] }}>
            <Form.Item label={t('revoke.reason')} name="reason" rules={[{ required: true }]}>
              <Radio.Group options={REASONS.map((r) => ({ value: r, label: t(`revoke.reason.${r}`) }))} />
            </Form.Item>
            <Form.Item
              label={t('revoke.note')}
              name="note"
              rules={[{ required: true, whitespace: true, message: t('revoke.noteRequired') }]}
            >
              <Input />
            </Form.Item>
          </Form>
          {failure && <ErrorState error={failure} />}
        </Modal>
      )}
    </>
  );
}
