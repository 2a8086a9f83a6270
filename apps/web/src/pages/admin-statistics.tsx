/**
 * `/admin/statistics`: business volume (业务量统计, R25, R37) — issuance 新办, renewal 更新, change
 * 变更, reissue 补办, unlock 解锁 and revocation 撤销 per day, week or month of a chosen range, by
 * business type, branch, channel or profile (GET /api/v1/statistics/operations); a chart, a table
 * and the totals; CSV and Excel downloads of the same report; and the certificates expiring within
 * a chosen horizon (GET /api/v1/statistics/expiring).
 */
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { Certificate } from '../api.js';
import { type GroupBy, type OperationStatistics, type OperationsQuery, adminApi } from '../api/admin.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { EmptyState, Show, asApiError, useLoad } from '../load.js';
import { PeriodChart } from './admin-period-chart.js';

const BUSINESS_TYPES = ['new', 'renew', 'change', 'reissue', 'unlock', 'revoke'] as const;

const GROUP_LABELS: Record<GroupBy, MessageKey> = {
  businessType: 'ops.byBusinessType',
  branch: 'ops.byBranch',
  channel: 'ops.byChannel',
  profile: 'ops.byProfile',
};

/** Today in China Standard Time (the statistics' days), `YYYY-MM-DD`. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function defaultQuery(): OperationsQuery {
  const today = chinaToday();
  return { from: `${today.slice(0, 8)}01`, to: today, granularity: 'day', groupBy: 'businessType' };
}

interface PivotRow {
  readonly key: string;
  readonly period: string;
  readonly group: string;
  readonly counts: Readonly<Record<string, number>>;
}

/** One table row per period (and group), a column per business type. */
function pivot(stats: OperationStatistics): PivotRow[] {
  const rows = new Map<string, { period: string; group: string; counts: Record<string, number> }>();
  for (const row of stats.rows) {
    const group = stats.groupBy === 'businessType' ? '' : row.group;
    const key = `${row.period}|${group}`;
    const entry = rows.get(key) ?? { period: row.period, group, counts: {} };
    entry.counts[row.businessType] = (entry.counts[row.businessType] ?? 0) + row.count;
    rows.set(key, entry);
  }
  return [...rows.entries()].map(([key, row]) => ({ key, ...row }));
}

function OperationsReport({ stats }: { readonly stats: OperationStatistics }) {
  const { t, term } = useI18n();
  const groupName = (group: string) => {
    if (group === '') return t('ops.notRecorded');
    if (stats.groupBy === 'channel') return term('channel', group);
    return group;
  };
  const series = BUSINESS_TYPES.map((type) => ({
    name: term('businessType', type),
    values: stats.periods.map((period) =>
      stats.rows
        .filter((r) => r.period === period && r.businessType === type)
        .reduce((n, r) => n + r.count, 0),
    ),
  }));
  return (
    <Row gutter={[16, 16]}>
      {BUSINESS_TYPES.map((type) => (
        <Col xs={12} md={3} key={type}>
          <Card data-testid={`total-${type}`}>
            <Statistic title={term('businessType', type)} value={stats.totals[type] ?? 0} />
          </Card>
        </Col>
      ))}
      <Col xs={24} md={6}>
        <Card data-testid="total-after-sales">
          <Statistic title={t('ops.afterSales')} value={stats.afterSales} />
        </Card>
      </Col>
      <Col xs={24}>
        <Card title={t('ops.chart')}>
          <PeriodChart periods={stats.periods} series={series} label={t('ops.chart')} />
        </Card>
      </Col>
      <Col xs={24}>
        {stats.rows.length === 0 ? (
          <EmptyState />
        ) : (
          <Table<PivotRow>
            aria-label={t('nav.statistics')}
            size="small"
            pagination={{ pageSize: 31, hideOnSinglePage: true }}
            dataSource={pivot(stats)}
            columns={[
              { title: t('ops.period'), dataIndex: 'period' },
              ...(stats.groupBy === 'businessType'
                ? []
                : [{ title: t(GROUP_LABELS[stats.groupBy]), dataIndex: 'group', render: groupName }]),
              ...BUSINESS_TYPES.map((type) => ({
                title: term('businessType', type),
                key: type,
                align: 'right' as const,
                render: (_: unknown, row: PivotRow) => row.counts[type] ?? 0,
              })),
            ]}
          />
        )}
      </Col>
    </Row>
  );
}

/** Runs a download, saying a refusal in words. */
function useDownload(): (work: () => Promise<void>) => Promise<void> {
  const { errorText } = useI18n();
  const { message } = App.useApp();
  return (work) =>
    work().catch((caught: unknown) => {
      const error = asApiError(caught);
      void message.error(errorText(error.code, error.detail));
    });
}

function ExpiringCertificates() {
  const { t, term } = useI18n();
  const download = useDownload();
  const [days, setDays] = useState(30);
  const [loaded, reload] = useLoad(() => adminApi.expiring(days));
  return (
    <Card
      title={t('ops.expiring')}
      extra={
        <Space>
          <span>{t('ops.horizon')}</span>
          <InputNumber
            aria-label={t('ops.horizon')}
            min={1}
            max={3660}
            value={days}
            onChange={(value) => setDays(value ?? 30)}
          />
          <Button onClick={reload}>{t('ops.refresh')}</Button>
          <Button onClick={() => void download(() => adminApi.exportExpiring(days, 'csv'))}>
            {t('ops.csv')}
          </Button>
          <Button onClick={() => void download(() => adminApi.exportExpiring(days, 'xlsx'))}>
            {t('ops.xlsx')}
          </Button>
        </Space>
      }
    >
      <Show loaded={loaded} retry={reload}>
        {(expiring) => (
          <>
            <Typography.Paragraph data-testid="expiring-count">
              {t('ops.expiringCount', { days: expiring.days, total: expiring.total })}
            </Typography.Paragraph>
            <Table<Certificate>
              aria-label={t('ops.expiring')}
              size="small"
              rowKey="serial"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={[...expiring.certificates]}
              columns={[
                { title: t('ops.uscc'), dataIndex: 'uscc' },
                { title: t('ops.subject'), dataIndex: 'subject' },
                { title: t('cert.serial'), dataIndex: 'serial' },
                {
                  title: t('cert.status'),
                  dataIndex: 'status',
                  render: (v: string) => term('certStatus', v),
                },
                {
                  title: t('cert.notAfter'),
                  dataIndex: 'notAfter',
                  render: (v: string) => new Date(v).toLocaleDateString(),
                },
              ]}
            />
          </>
        )}
      </Show>
    </Card>
  );
}

export function StatisticsPage() {
  const { t } = useI18n();
  const [query, setQuery] = useState<OperationsQuery>(defaultQuery);
  const [form] = Form.useForm<OperationsQuery>();
  const [loaded, reload] = useLoad(() => adminApi.operations(query));
  const saveAs = useDownload();
  const download = (format: 'csv' | 'xlsx') => saveAs(() => adminApi.exportOperations(query, format));
  return (
    <>
      <Typography.Title level={2}>{t('nav.statistics')}</Typography.Title>
      <Form<OperationsQuery>
        form={form}
        layout="inline"
        initialValues={query}
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={(values) => {
          // one render sees both: its load reads the new query
          setQuery(values);
          reload();
        }}
      >
        <Form.Item
          name="from"
          label={t('ops.range')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input type="date" aria-label="from" />
        </Form.Item>
        <Form.Item name="to" rules={[{ required: true, message: t('form.required') }]}>
          <Input type="date" aria-label="to" />
        </Form.Item>
        <Form.Item name="granularity" label={t('ops.granularity')}>
          <Radio.Group optionType="button">
            <Radio.Button value="day">{t('ops.day')}</Radio.Button>
            <Radio.Button value="week">{t('ops.week')}</Radio.Button>
            <Radio.Button value="month">{t('ops.month')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="groupBy" label={t('ops.groupBy')}>
          <Radio.Group optionType="button">
            {(Object.keys(GROUP_LABELS) as GroupBy[]).map((group) => (
              <Radio.Button key={group} value={group}>
                {t(GROUP_LABELS[group])}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t('ops.query')}
            </Button>
            <Button onClick={() => void download('csv')}>{t('ops.csv')}</Button>
            <Button onClick={() => void download('xlsx')}>{t('ops.xlsx')}</Button>
          </Space>
        </Form.Item>
      </Form>
      <Show loaded={loaded} retry={reload}>
        {(stats) => <OperationsReport stats={stats} />}
      </Show>
      <div style={{ marginTop: 16 }}>
        <ExpiringCertificates />
      </div>
    </>
  );
}
