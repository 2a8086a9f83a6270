/**
 * The stock query of the materials page (R33 "query and track stock"): media by serial, branch,
 * state, model or batch across every branch (`GET /media`), e.g. to find a branch that can spare
 * keys or every key of a recalled batch; a serial shows its movements.
 */
import { Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { type Medium, type Movement, counterApi } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { asApiError } from '../load.js';

const STATES = ['stock', 'transit', 'issued', 'lost', 'returned', 'retired'] as const;

interface Query {
  serial?: string;
  branch?: string;
  state?: string;
  model?: string;
  batch?: string;
}

export function MediaSearch({ fail }: { readonly fail: (error: ReturnType<typeof asApiError>) => void }) {
  const { t } = useI18n();
  const [found, setFound] = useState<readonly Medium[] | null>(null);
  const [movements, setMovements] = useState<{ serial: string; list: readonly Movement[] } | null>(null);
  const search = (query: Query) => {
    const filter = Object.fromEntries(
      Object.entries(query).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '',
      ),
    );
    setMovements(null);
    counterApi.media(filter).then(setFound, (error: unknown) => fail(asApiError(error)));
  };
  const showMovements = (serial: string) =>
    counterApi.mediumMovements(serial).then(
      (list) => setMovements({ serial, list }),
      (error: unknown) => fail(asApiError(error)),
    );
  return (
    <Card title={t('search.title')} size="small">
      <Form<Query> name="media-search" layout="inline" onFinish={search}>
        <Form.Item label={t('materials.serial')} name="serial">
          <Input style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('search.branch')} name="branch">
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item label={t('materials.state')} name="state">
          <Select
            allowClear
            style={{ width: 120 }}
            options={STATES.map((s) => ({ value: s, label: t(`medium.state.${s}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item label={t('materials.model')} name="model">
          <Input style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('materials.batch')} name="batch">
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Button htmlType="submit">{t('search.submit')}</Button>
      </Form>
      {found && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 12 }}>
          <Table<Medium>
            rowKey="serial"
            size="small"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={[...found]}
            columns={[
              {
                title: t('materials.serial'),
                dataIndex: 'serial',
                render: (serial: string) => (
                  <Button type="link" size="small" onClick={() => void showMovements(serial)}>
                    {serial}
                  </Button>
                ),
              },
              { title: t('materials.model'), dataIndex: 'model' },
              { title: t('materials.batch'), dataIndex: 'batch', render: (b: string | null) => b ?? '—' },
              { title: t('search.branch'), dataIndex: 'branchId', render: (b: string | null) => b ?? '—' },
              {
                title: t('materials.state'),
                dataIndex: 'state',
                render: (s: string) => <Tag>{t(`medium.state.${s}` as MessageKey)}</Tag>,
              },
              { title: t('materials.holder'), dataIndex: 'uscc', render: (u: string | null) => u ?? '—' },
            ]}
          />
          {movements && (
            <Table<Movement>
              rowKey="id"
              size="small"
              pagination={false}
              title={() => t('search.movementsOf', { serial: movements.serial })}
              dataSource={[...movements.list]}
              columns={[
                {
                  title: t('materials.at'),
                  dataIndex: 'at',
                  render: (v: string) => new Date(v).toLocaleString(),
                },
                {
                  title: t('materials.kind'),
                  dataIndex: 'kind',
                  render: (k: string) => t(`movement.${k}` as MessageKey),
                },
                {
                  title: t('materials.from'),
                  dataIndex: 'fromBranch',
                  render: (b: string | null) => b ?? '—',
                },
                { title: t('materials.to'), dataIndex: 'toBranch', render: (b: string | null) => b ?? '—' },
                { title: t('materials.actor'), dataIndex: 'actor' },
                { title: t('materials.reason'), dataIndex: 'reason', render: (r: string | null) => r ?? '' },
              ]}
            />
          )}
        </Space>
      )}
    </Card>
  );
}
