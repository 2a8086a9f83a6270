/** `/admin`: business statistics (R4, R25) from GET /api/v1/statistics. */
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { type Counts, api } from '../api.js';
import { BarChartOf } from '../bar-chart.js';
import { type TermKind, useI18n } from '../i18n.js';
import { EmptyState, Show, useLoad } from '../load.js';

function sum(counts: Counts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** `counts` with its keys in words. */
function useTermCounts(counts: Counts, kind: TermKind): Counts {
  const { term } = useI18n();
  return Object.fromEntries(Object.entries(counts).map(([key, count]) => [term(kind, key), count]));
}

function CountsTable({
  counts,
  kind,
  title,
}: {
  readonly counts: Counts;
  readonly kind: TermKind;
  readonly title: string;
}) {
  const { t } = useI18n();
  const rows = Object.entries(useTermCounts(counts, kind)).map(([key, count]) => ({ key, count }));
  return (
    <Card title={title}>
      {rows.length === 0 ? (
        <EmptyState />
      ) : (
        <Table
          aria-label={title}
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t('stats.key'), dataIndex: 'key' },
            { title: t('stats.count'), dataIndex: 'count', align: 'right' },
          ]}
        />
      )}
    </Card>
  );
}

function BusinessTypeChart({ counts }: { readonly counts: Counts }) {
  const { t } = useI18n();
  return <BarChartOf counts={useTermCounts(counts, 'businessType')} label={t('stats.byBusinessType')} />;
}

export function DashboardPage() {
  const { t } = useI18n();
  const [loaded, retry] = useLoad(() => api.statistics());
  return (
    <>
      <Typography.Title level={2}>{t('nav.dashboard')}</Typography.Title>
      <Show loaded={loaded} retry={retry}>
        {(stats) => (
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('stats.legalPersons')} value={stats.legalPersons} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('stats.certificates')} value={sum(stats.certificatesByStatus)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic
                  title={t('stats.expiring', { days: stats.expiringWithinDays })}
                  value={stats.expiring}
                />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic
                  title={t('stats.afterSales')}
                  value={`${stats.afterSales.reissue} / ${stats.afterSales.unlock} / ${stats.afterSales.recover}`}
                />
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card title={t('stats.byBusinessType')}>
                {sum(stats.applicationsByBusinessType) === 0 ? (
                  <EmptyState />
                ) : (
                  <BusinessTypeChart counts={stats.applicationsByBusinessType} />
                )}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <CountsTable counts={stats.applicationsByChannel} kind="channel" title={t('stats.byChannel')} />
            </Col>
            <Col xs={24} md={12}>
              <CountsTable
                counts={stats.certificatesByStatus}
                kind="certStatus"
                title={t('stats.byStatus')}
              />
            </Col>
            <Col xs={24} md={12}>
              <CountsTable
                counts={stats.applicationsByBusinessType}
                kind="businessType"
                title={t('stats.byBusinessType')}
              />
            </Col>
          </Row>
        )}
      </Show>
    </>
  );
}
