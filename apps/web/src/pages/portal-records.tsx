/**
 * `/portal/history` and `/portal/messages` (R27: the legal person's history of business records at
 * any time; R34 站内消息): every application of its own USCC with business type, channel and
 * state (GET /legal-persons/{uscc}/history), and one message per state its applications reached.
 */
import { List, Space, Table, Typography } from 'antd';
import { type Application, currentSession } from '../api.js';
import { type PortalMessage, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, useLoad } from '../load.js';

export function PortalHistoryPage() {
  const { t, term } = useI18n();
  const uscc = currentSession()?.principal.uscc ?? '';
  const [loaded, reload] = useLoad(() => portalApi.history(uscc));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('portal.history.title')}</Typography.Title>
      <Show loaded={loaded} retry={reload}>
        {(history) =>
          history.applications.length === 0 ? (
            <EmptyState />
          ) : (
            <Table<Application>
              aria-label={t('portal.history.title')}
              rowKey="id"
              size="small"
              dataSource={[...history.applications].reverse()}
              columns={[
                {
                  title: t('portal.history.at'),
                  dataIndex: 'updatedAt',
                  render: (at: string) => at.replace('T', ' ').slice(0, 19),
                },
                {
                  title: t('portal.history.type'),
                  dataIndex: 'businessType',
                  render: (v: string) => term('businessType', v),
                },
                {
                  title: t('portal.history.channel'),
                  dataIndex: 'channel',
                  render: (v: string) => term('channel', v),
                },
                {
                  title: t('portal.history.state'),
                  dataIndex: 'state',
                  render: (v: string) => term('state', v),
                },
                { title: t('review.id'), dataIndex: 'id', render: (id: string) => <code>{id}</code> },
              ]}
            />
          )
        }
      </Show>
    </Space>
  );
}

export function PortalMessagesPage() {
  const { t, term } = useI18n();
  const [loaded, reload] = useLoad(() => portalApi.messages());
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('portal.messages.title')}</Typography.Title>
      <Show loaded={loaded} retry={reload}>
        {(messages) =>
          messages.length === 0 ? (
            <EmptyState />
          ) : (
            <List<PortalMessage>
              bordered
              dataSource={messages}
              renderItem={(m) => (
                <List.Item>
                  <Space direction="vertical" size={0}>
                    <span>
                      {t('portal.messages.text', {
                        type: term('businessType', m.businessType),
                        channel: term('channel', m.channel),
                        state: term('state', m.state),
                      })}
                    </span>
                    <Typography.Text type="secondary">{m.at.replace('T', ' ').slice(0, 19)}</Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          )
        }
      </Show>
    </Space>
  );
}
