/**
 * `/portal`: the legal person's home (R34): its certificates (signing and encryption) with status,
 * expiry and days left, a renewal prompt for those inside the renewal window of the stored service
 * policy (R19), the lifecycle steps it may take online, the seals placeholder, and the
 * applications in progress with their steps.
 */
import { Alert, Button, Card, Descriptions, Space, Steps, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { type PortalCertificate, type PortalOverview, currentAgent, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, useLoad } from '../load.js';

const STATUS_COLOURS: Readonly<Record<string, string>> = {
  valid: 'green',
  suspended: 'orange',
  revoked: 'red',
};
const STEPS = ['renew', 'change', 'reissue', 'suspend', 'revoke'] as const;

/** Which step of submitted → letter / review → completed an application is at. */
function progressOf(state: string): number {
  return state === 'submitted' ? 1 : state === 'review' || state === 'approved' ? 1 : 2;
}

function Certificates({ overview }: { readonly overview: PortalOverview }) {
  const { t, term } = useI18n();
  const due = overview.certificates.filter((c) => c.renewalDue && c.role === 'sign');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {due.map((c) => (
        <Alert
          key={c.serial}
          type="warning"
          showIcon
          message={t('portal.home.renewalDue', { days: c.daysLeft, window: overview.renewalWindowDays })}
          action={
            <Link to={`/portal/certificates/${c.serial}/renew`}>
              <Button type="primary">{t('portal.home.renew')}</Button>
            </Link>
          }
        />
      ))}
      {overview.certificates.length === 0 ? (
        <EmptyState />
      ) : (
        <Table<PortalCertificate>
          aria-label={t('portal.home.certificates')}
          rowKey="serial"
          size="small"
          pagination={false}
          dataSource={[...overview.certificates]}
          columns={[
            { title: t('cert.role'), dataIndex: 'role', render: (role: string) => term('certRole', role) },
            { title: t('cert.serial'), dataIndex: 'serial', render: (s: string) => <code>{s}</code> },
            {
              title: t('cert.status'),
              dataIndex: 'status',
              render: (status: string) => (
                <Tag color={STATUS_COLOURS[status]}>{term('certStatus', status)}</Tag>
              ),
            },
            { title: t('cert.notAfter'), dataIndex: 'notAfter', render: (at: string) => at.slice(0, 10) },
            {
              title: t('cert.daysLeft'),
              dataIndex: 'daysLeft',
              render: (days: number, c) => (
                <span style={c.renewalDue ? { color: '#d46b08', fontWeight: 600 } : undefined}>
                  {t('portal.home.days', { days })}
                </span>
              ),
            },
            {
              title: t('portal.home.actions'),
              key: 'actions',
              render: (_, c) =>
                c.role === 'sign' && c.status === 'valid' ? (
                  <Space size="small" wrap>
                    {STEPS.map((step) => (
                      <Link key={step} to={`/portal/certificates/${c.serial}/${step}`}>
                        {term('businessType', step)}
                      </Link>
                    ))}
                  </Space>
                ) : null,
            },
          ]}
        />
      )}
    </Space>
  );
}

function Pending({ overview }: { readonly overview: PortalOverview }) {
  const { t, term } = useI18n();
  if (overview.pending.length === 0) return <Typography.Text>{t('portal.home.noPending')}</Typography.Text>;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {overview.pending.map((a) => {
        const letterId = (a.data as { letterId?: string }).letterId;
        return (
          <Card
            key={a.id}
            size="small"
            title={`${term('businessType', a.businessType)} · ${term('state', a.state)}`}
          >
            <Steps
              size="small"
              current={progressOf(a.state)}
              items={[
                { title: t('portal.step.submitted') },
                { title: t('portal.step.authorised') },
                { title: t('portal.step.completed') },
              ]}
            />
            {letterId && a.state === 'submitted' && (
              <Link to={`/portal/letters/${letterId}`}>{t('portal.letter.title')}</Link>
            )}
          </Card>
        );
      })}
    </Space>
  );
}

export function PortalHomePage() {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(() => portalApi.overview());
  const agent = currentAgent();
  return (
    <Show loaded={loaded} retry={reload}>
      {(overview) => (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Typography.Title level={2}>{t('portal.home.title')}</Typography.Title>
          <Descriptions bordered column={1} size="small">
            <Descriptions.Item label={t('lookup.name')}>{overview.name}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.uscc')}>{overview.uscc}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.representative')}>
              {overview.legalRepresentative}
            </Descriptions.Item>
          </Descriptions>
          {agent && <Typography.Text>{t('portal.home.agent', { name: agent.name })}</Typography.Text>}
          <Typography.Title level={3}>{t('portal.home.certificates')}</Typography.Title>
          <Certificates overview={overview} />
          <Typography.Title level={3}>{t('portal.home.pending')}</Typography.Title>
          <Pending overview={overview} />
          <Card title={t('portal.home.seals')} size="small">
            {t('portal.home.sealsPending')}
          </Card>
        </Space>
      )}
    </Show>
  );
}
