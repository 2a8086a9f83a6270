/**
 * `/portal/letters/:id`: the electronic authorisation letter (电子授权书, R34) — the exact text to
 * sign, its state and verification report (the evidence kept), and the legal representative's
 * signature: with a soft certificate of this browser holding the enterprise's signing certificate
 * (`softKeySign` over the UTF-8 text, signer ID 1234567812345678), or a signature and certificate
 * made elsewhere (a USB-KEY tool), pasted in. All checks
 * pass: the application is approved without manual review and the new pair issued.
 */
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { type AuthorisationLetter, type LetterOutcome, portalApi } from '../api/portal.js';
import { toBase64, utf8 } from '@yizheng/gm';
import { useI18n } from '../i18n.js';
import { Show, useLoad } from '../load.js';
import { listSoftKeys, softKeySign } from '../softkey/index.js';
import { useAction } from './portal-form.js';
import { type SoftKeyChoice, SoftKeyFields } from './portal-softkey-field.js';

interface Fields {
  readonly signature: string;
  readonly certificate: string;
  readonly pin?: string;
  readonly keyId?: string;
}

type RegistryOutcome = 'match' | 'mismatch' | 'not-found' | 'unavailable';

const STATE_COLOURS = { pending: 'blue', approved: 'green', review: 'orange' } as const;

function SignForm({
  letter,
  done,
}: {
  readonly letter: AuthorisationLetter;
  readonly done: (o: LetterOutcome) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Fields>();
  const { error, busy, run } = useAction();
  const send = (signature: string, certificate: string) =>
    run(async () => done(await portalApi.signLetter(letter.id, signature, certificate)));
  const withSoftKey = () =>
    run(async () => {
      const { keyId, pin } = form.getFieldsValue(['keyId', 'pin']) as SoftKeyChoice;
      const key = (await listSoftKeys()).find((k) => k.id === keyId);
      const signature = await softKeySign(keyId ?? '', pin ?? '', utf8(letter.text));
      done(await portalApi.signLetter(letter.id, toBase64(signature), key?.signCertificate ?? ''));
    });
  return (
    <Card title={t('portal.letter.sign')} size="small">
      <Form<Fields>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(f) => void send(f.signature, f.certificate)}
      >
        <SoftKeyFields
          fits={(key) => key.signCertificate !== undefined && (key.uscc ?? letter.uscc) === letter.uscc}
          action={t('portal.letter.signSoftKey')}
          onUse={() => void withSoftKey()}
          busy={busy}
        />
        <Form.Item
          label={t('portal.letter.signature')}
          name="signature"
          extra={t('portal.letter.signatureHelp')}
          rules={[{ required: true, message: t('portal.letter.signature') }]}
        >
          <Input.TextArea rows={2} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item
          label={t('portal.letter.certificate')}
          name="certificate"
          rules={[{ required: true, message: t('portal.letter.certificate') }]}
        >
          <Input.TextArea rows={5} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Button htmlType="submit" loading={busy}>
          {t('portal.letter.submit')}
        </Button>
      </Form>
    </Card>
  );
}

export function PortalLetterPage() {
  const { t } = useI18n();
  const id = useParams().id ?? '';
  const [loaded, reload] = useLoad(() => portalApi.letter(id));
  const [outcome, setOutcome] = useState<LetterOutcome | null>(null);
  return (
    <Show loaded={loaded} retry={reload}>
      {(loadedLetter) => {
        // once signed, the letter as the server answered (its state and verification report)
        const letter = outcome?.letter ?? loadedLetter;
        const registry = letter.verification?.checks?.registry?.outcome as RegistryOutcome | undefined;
        return (
          <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 900 }}>
            <Typography.Title level={2}>{t('portal.letter.title')}</Typography.Title>
            <Descriptions bordered column={1} size="small">
              <Descriptions.Item label={t('portal.letter.state')}>
                <Tag color={STATE_COLOURS[letter.state]}>{t(`portal.letter.state.${letter.state}`)}</Tag>
              </Descriptions.Item>
              {registry && (
                <Descriptions.Item label={t('portal.letter.registry')}>
                  {t(`portal.registry.${registry}`)}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Card title={t('portal.letter.text')} size="small">
              <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="letter-text">
                {letter.text}
              </pre>
            </Card>
            {outcome?.outcome === 'approved' && (
              <Alert
                type="success"
                showIcon
                message={t('portal.letter.approved', { serial: outcome.pair.sign.serial })}
              />
            )}
            {outcome?.outcome === 'review' && (
              <Alert
                type="warning"
                showIcon
                message={t('portal.letter.review', { reason: outcome.reason })}
              />
            )}
            {letter.state === 'pending' && !outcome && <SignForm letter={letter} done={setOutcome} />}
            {letter.verification && (
              <Card title={t('portal.letter.verification')} size="small">
                <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                  {JSON.stringify(letter.verification, null, 2)}
                </pre>
              </Card>
            )}
          </Space>
        );
      }}
    </Show>
  );
}
