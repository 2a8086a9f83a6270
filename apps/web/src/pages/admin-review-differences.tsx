/**
 * The registry check of an application in review (R26), shown under its row in the review queue:
 * the outcome, and each field that differs with what was applied for and what the legal-person
 * database (法人综合库) holds side by side, the differing values highlighted.
 */
import { Space, Table, Tag, Typography } from 'antd';
import type { Application } from '../api.js';
import { type RegistryDifference, reviewFieldsOf } from '../api/admin.js';
import { type MessageKey, useI18n } from '../i18n.js';

const HIGHLIGHT = { background: '#fff1f0', color: '#a8071a', fontWeight: 600, padding: '0 4px' } as const;

export function RegistryDifferences({ application }: { readonly application: Application }) {
  const { t } = useI18n();
  const check = reviewFieldsOf(application).registryCheck;
  if (!check) return null;
  const outcome = `diff.${check.outcome}` as MessageKey;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={`differences-${application.id}`}>
      <Space>
        <Typography.Text strong>{t('diff.outcome')}</Typography.Text>
        <Tag color={check.outcome === 'match' ? 'green' : 'orange'}>{t(outcome)}</Tag>
        {check.reason && <Typography.Text type="secondary">{check.reason}</Typography.Text>}
      </Space>
      {check.differences.length === 0 ? (
        <Typography.Text type="secondary">{t('diff.none')}</Typography.Text>
      ) : (
        <Table<RegistryDifference>
          aria-label={t('diff.outcome')}
          size="small"
          rowKey="field"
          pagination={false}
          dataSource={[...check.differences]}
          columns={[
            {
              title: t('diff.field'),
              dataIndex: 'field',
              render: (field: string) => t(`diff.${field}` as MessageKey),
            },
            {
              title: t('diff.applied'),
              dataIndex: 'applied',
              render: (value: string) => <mark style={HIGHLIGHT}>{value}</mark>,
            },
            {
              title: t('diff.registry'),
              dataIndex: 'registry',
              render: (value: string) => <mark style={HIGHLIGHT}>{value}</mark>,
            },
          ]}
        />
      )}
    </Space>
  );
}
