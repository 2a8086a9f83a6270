/**
 * `/counter`: legal-person look-up by USCC (R33): its record, certificates with status and days to
 * expiry (a signing certificate revoked from here, counter-revoke.tsx), and its business records
 * (GET /api/v1/legal-persons/:uscc/history). A USCC failing the
 * GB 32100 check is refused in the form, before any request.
 */
import { Descriptions, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type Application, type Certificate, type LegalPersonHistory, api } from '../api.js';
import { useI18n } from '../i18n.js';
import { EmptyState, type Loaded, Show, asApiError } from '../load.js';
import { UsccForm } from '../uscc-form.js';
import { CounterRevokeButton } from './counter-revoke.js';

const DAY_MS = 86_400_000;
const STATUS_COLOURS: Readonly<Record<string, string>> = {
  valid: 'green',
  suspended: 'orange',
  revoked: 'red',
};

function History({ history, reload }: { readonly history: LegalPersonHistory; readonly reload: () => void }) {
  const { t, term } = useI18n();
  const now = Date.now();
  const person = history.legalPerson;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label={t('lookup.uscc')}>{person.uscc}</Descriptions.Item>
        <Descriptions.Item label={t('lookup.name')}>{person.name}</Descriptions.Item>
        <Descriptions.Item label={t('lookup.representative')}>{person.legalRepresentative}</Descriptions.Item>
        <Descriptions.Item label={t('lookup.registry')}>
          {term('registryStatus', person.registryStatus)}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={3}>{t('lookup.certificates')}</Typography.Title>
      {history.certificates.length === 0 ? (
        <EmptyState />
      ) : (
        <Table<Certificate>
          rowKey="serial"
          size="small"
          pagination={false}
          dataSource={history.certificates}
          columns={[
            { title: t('cert.serial'), dataIndex: 'serial' },
            { title: t('cert.role'), dataIndex: 'role', render: (role: string) => term('certRole', role) },
            {
              title: t('cert.status'),
              dataIndex: 'status',
              render: (status: string) => (
                <Tag color={STATUS_COLOURS[status]}>{term('certStatus', status)}</Tag>
              ),
            },
            { title: t('cert.notAfter'), dataIndex: 'notAfter', render: (v: string) => v.slice(0, 10) },
            {
              title: t('cert.daysLeft'),
              dataIndex: 'notAfter',
              key: 'daysLeft',
              align: 'right',
              render: (v: string) => Math.max(0, Math.floor((Date.parse(v) - now) / DAY_MS)),
            },
            {
              title: t('revoke.button'),
              key: 'revoke',
              // the signing certificate stands for the pair: revoking it revokes both
              render: (_, c) =>
                c.role === 'sign' && c.status !== 'revoked' ? (
                  <CounterRevokeButton serial={c.serial} done={reload} />
                ) : null,
            },
          ]}
        />
      )}
      <Typography.Title level={3}>{t('lookup.applications')}</Typography.Title>
      {history.applications.length === 0 ? (
        <EmptyState />
      ) : (
        <Table<Application>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={history.applications}
          columns={[
            { title: t('review.id'), dataIndex: 'id' },
            {
              title: t('review.type'),
              dataIndex: 'businessType',
              render: (v: string) => term('businessType', v),
            },
            { title: t('review.channel'), dataIndex: 'channel', render: (v: string) => term('channel', v) },
            { title: t('cert.status'), dataIndex: 'state', render: (v: string) => term('state', v) },
            {
              title: t('review.submitted'),
              dataIndex: 'createdAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
          ]}
        />
      )}
    </Space>
  );
}

export function LookupPage() {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded<LegalPersonHistory> | null>(null);
  const [uscc, setUscc] = useState('');
  const lookUp = (value: string) => {
    setUscc(value);
    setLoaded({ state: 'loading' });
    api.legalPersonHistory(value).then(
      (history) => setLoaded({ state: 'done', value: history }),
      (error: unknown) => setLoaded({ state: 'error', error: asApiError(error) }),
    );
  };
  return (
    <>
      <Typography.Title level={2}>{t('nav.lookup')}</Typography.Title>
      <div style={{ marginBottom: 24 }}>
        <UsccForm onLookUp={lookUp} />
      </div>
      {loaded && (
        <Show loaded={loaded} retry={() => lookUp(uscc)}>
          {(history) => <History history={history} reload={() => lookUp(uscc)} />}
        </Show>
      )}
    </>
  );
}
