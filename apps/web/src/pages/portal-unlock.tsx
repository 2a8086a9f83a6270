/**
 * `/portal/unlock`: online unlock of a locked USB-KEY (解锁申请, R22, R34) for the legal person's
 * own media: the USB-KEY client shows the key's challenge (SKF_GenRandom); the server answers the
 * SO-PIN authentication and the new user PIN under the SO-PIN key, which the client writes with
 * SKF_UnblockPIN. The identity evidence is the session itself: the agent's SMS login (or the
 * certificate login), named in the audit trail.
 */
import { Alert, Button, Descriptions, Form, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { currentSession } from '../api.js';
import { type UnlockAnswer, currentAgent, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, useLoad } from '../load.js';
import { useAction } from './portal-form.js';

interface Fields {
  readonly serial: string;
  readonly challenge: string;
  readonly newUserPin?: string;
}

export function PortalUnlockPage() {
  const { t } = useI18n();
  const uscc = currentSession()?.principal.uscc ?? '';
  const [loaded, reload] = useLoad(() => portalApi.history(uscc));
  const [answer, setAnswer] = useState<UnlockAnswer | null>(null);
  const { error, busy, run } = useAction();
  const agent = currentAgent();
  const evidence = agent
    ? { kind: 'sms', reference: `agent ${agent.name} ${agent.phone.slice(0, 3)}****${agent.phone.slice(7)}` }
    : { kind: 'certificate', reference: 'legal-person certificate login' };
  const submit = (fields: Fields) =>
    run(async () =>
      setAnswer(
        await portalApi.unlock(fields.serial, {
          challenge: fields.challenge.trim(),
          evidence,
          ...(fields.newUserPin ? { newUserPin: fields.newUserPin } : {}),
        }),
      ),
    );
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={2}>{t('portal.unlock.title')}</Typography.Title>
      <Typography.Paragraph>{t('portal.unlock.intro')}</Typography.Paragraph>
      <Show loaded={loaded} retry={reload}>
        {({ media }) =>
          media.length === 0 ? (
            <EmptyState />
          ) : (
            <Form<Fields> layout="vertical" onFinish={submit} requiredMark={false}>
              <Form.Item
                label={t('portal.unlock.medium')}
                name="serial"
                rules={[{ required: true, message: t('portal.unlock.medium') }]}
              >
                <Select
                  options={media.map((m) => ({ value: m.serial, label: `${m.serial} · ${m.model}` }))}
                />
              </Form.Item>
              <Form.Item
                label={t('portal.unlock.challenge')}
                name="challenge"
                rules={[
                  {
                    required: true,
                    pattern: /^\s*([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})\s*$/,
                    message: t('portal.unlock.challengeInvalid'),
                  },
                ]}
              >
                <Input style={{ fontFamily: 'monospace' }} />
              </Form.Item>
              <Form.Item
                label={t('portal.unlock.newPin')}
                name="newUserPin"
                extra={t('portal.unlock.newPinHelp')}
              >
                <Input.Password minLength={6} maxLength={16} />
              </Form.Item>
              {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('portal.unlock.submit')}
              </Button>
            </Form>
          )
        }
      </Show>
      {answer && (
        <Descriptions bordered column={1} size="small" title={t('portal.unlock.answer')}>
          <Descriptions.Item label="R1">
            <code>{answer.authentication}</code>
          </Descriptions.Item>
          <Descriptions.Item label="R2">
            <code>{answer.pinCryptogram}</code>
          </Descriptions.Item>
          {answer.oneTimePin && (
            <Descriptions.Item label={t('portal.unlock.oneTimePin')}>
              <code>{answer.oneTimePin}</code>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Space>
  );
}
