/**
 * `/counter/identity` 身份核验 (R33 "collect and verify documents, including for mobile
 * certificates whose online identity check failed"): the remote applications waiting for the
 * holder at a counter (`GET /applications?state=identity-check`); the operator checks the
 * originals, uploads the new-certificate checklist's scans (counter-steps.tsx) and sends them
 * (`POST /counter/identity-checks/{id}`): issued at once on a registry match, else to review.
 */
import { Alert, Button, Card, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, type Application, call } from '../api.js';
import type { CounterMaterial } from '../api/counter.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Show, asApiError, useLoad } from '../load.js';
import { type Agent, DocumentsStep } from './counter-steps.js';

interface Waiting extends Application {
  readonly data: {
    readonly legalPerson?: { uscc: string; name: string; legalRepresentative: string };
    readonly identityCheck?: { method: string; reference: string };
  };
}

type Verified = { readonly state: 'completed' | 'review'; readonly id: string };

export function CounterIdentityPage() {
  const { t, term } = useI18n();
  const [loaded, reload] = useLoad(() => call<Waiting[]>('GET', '/applications?state=identity-check'));
  const [chosen, setChosen] = useState<Waiting | null>(null);
  const [agent, setAgent] = useState<Agent | null>(null);
  const [materials, setMaterials] = useState<Record<string, CounterMaterial>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [verified, setVerified] = useState<Verified | null>(null);
  const fail = (error: unknown) => setFailure(asApiError(error));
  const verify = (application: Waiting) => {
    setFailure(null);
    call<{ state: 'completed' | 'review' }>('POST', `/counter/identity-checks/${application.id}`, {
      ...(agent ? { agent: { name: agent.name, idType: 'resident-id', idNumber: agent.idNumber } } : {}),
      materials: Object.values(materials),
    }).then((result) => {
      setVerified({ state: result.state, id: application.id });
      setChosen(null);
      setMaterials({});
      reload();
    }, fail);
  };
  const person = chosen?.data.legalPerson;
  return (
    <>
      <Typography.Title level={2}>{t('identity.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('identity.about')}</Typography.Paragraph>
      {failure && <ErrorState error={failure} />}
      {verified && (
        <Alert
          type={verified.state === 'completed' ? 'success' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          message={
            <Space>
              {t(verified.state === 'completed' ? 'identity.issued' : 'identity.review', { id: verified.id })}
              {verified.state === 'completed' && (
                <Link to={`/counter/receipt/${verified.id}`}>{t('new.receipt')}</Link>
              )}
            </Space>
          }
        />
      )}
      <Show loaded={loaded} retry={reload}>
        {(waiting) => (
          <Table<Waiting>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={waiting}
            columns={[
              { title: t('review.id'), dataIndex: 'id' },
              { title: t('review.uscc'), dataIndex: 'uscc' },
              {
                title: t('lookup.name'),
                key: 'name',
                render: (_: unknown, a: Waiting) => a.data.legalPerson?.name,
              },
              { title: t('review.channel'), dataIndex: 'channel', render: (v: string) => term('channel', v) },
              {
                title: t('identity.failedCheck'),
                key: 'check',
                render: (_: unknown, a: Waiting) => a.data.identityCheck?.method ?? '',
              },
              {
                title: t('review.actions'),
                key: 'actions',
                render: (_: unknown, a: Waiting) => (
                  <Button onClick={() => setChosen(a)}>{t('identity.verify')}</Button>
                ),
              },
            ]}
          />
        )}
      </Show>
      {chosen && person && (
        <Card title={`${t('identity.verify')} ${chosen.id}`} size="small" style={{ marginTop: 16 }}>
          <DocumentsStep
            businessType="new"
            person={{
              registry: {
                uscc: person.uscc,
                name: person.name,
                legalRepresentative: person.legalRepresentative,
                status: 'active',
              },
              history: null,
            }}
            agent={agent}
            setAgent={setAgent}
            materials={materials}
            setMaterials={setMaterials}
            fail={fail}
            back={() => setChosen(null)}
            next={() => verify(chosen)}
          />
        </Card>
      )}
    </>
  );
}
