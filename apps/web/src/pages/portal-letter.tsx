/**
 * `/portal/letters/:id`: the electronic authorisation letter (电子授权书, R34) — the exact text to
 * sign, its state and verification report (the evidence kept), and the legal representative's
 * signature: with the soft key (`softKeySign` over the UTF-8 text, signer ID 1234567812345678)
 * when the build has it, or a signature and certificate made elsewhere, pasted in. All checks
 * pass: the application is approved without manual review and the new pair issued.
 */
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { type AuthorisationLetter, type LetterOutcome, portalApi } from '../api/portal.js';
import { loadSoftKey, softKeyAvailable, toBase64 } from '../api/softkey-bridge.js';
import { useI18n } from '../i18n.js';
import { Show, useLoad } from '../load.js';
import { useAction } from './portal-form.js';

interface Fields {
  readonly signature: string;
  readonly certificate: string;
  readonly pin?: string;
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
  const { error, busy, run, setError } = useAction();
  const send = (signature: string, certificate: string) =>
    run(async () => done(await portalApi.signLetter(letter.id, signature, certificate)));
  const withSoftKey = async () => {
    try {
      const softKey = (await loadSoftKey())!;
      const key = (await softKey.listSoftKeys()).find((k) => k.signCertificate);
      const pin = String(form.getFieldValue('pin') ?? '');
      const signature = await softKey.softKeySign(key!.id, pin, new TextEncoder().encode(letter.text));
      await send(toBase64(signature), key!.signCertificate!);
    } catch (caught) {
      setError(String((caught as Error).message ?? caught));
    }
  };
  return (
    <Card title={t('portal.letter.sign')} size="small">
      <Form<Fields>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(f) => void send(f.signature, f.certificate)}
      >
        {softKeyAvailable && (
          <Space align="end">
            <Form.Item label={t('portal.apply.pin')} name="pin">
              <Input.Password />
            </Form.Item>
            <Form.Item>
              <Button type="primary" onClick={() => void withSoftKey()} loading={busy}>
                {t('portal.letter.signSoftKey')}
              </Button>
            </Form.Item>
          </Space>
        )}
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
