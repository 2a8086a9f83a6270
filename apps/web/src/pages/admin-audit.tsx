/**
 * `/admin/audit`: the audit trail viewer (审计日志, R3, R37) — the chain check first (GET
 * /api/v1/audit/verify: every entry's hash and the latest SM2-signed checkpoint), then the entries
 * newest first (GET /api/v1/audit) filtered by time, actor, action and a USCC, serial or object,
 * fifty at a time with "more". Auditors and the CA administrator.
 */
import { Alert, Button, Form, Input, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { type AuditEntry, type AuditFilters, type AuditVerification, adminApi } from '../api/admin.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Show, asApiError, useLoad } from '../load.js';
import type { ApiError } from '../api.js';

function ChainCheck({ result }: { readonly result: AuditVerification }) {
  const { t } = useI18n();
  const checkpoint = result.checkpoint
    ? t('audit.checkpoint', {
        seq: result.checkpoint.seq,
        state: t(result.checkpoint.signatureValid ? 'audit.signatureValid' : 'audit.signatureInvalid'),
      })
    : undefined;
  return (
    <Alert
      data-testid="audit-chain"
      style={{ marginBottom: 16 }}
      showIcon
      type={result.valid && result.checkpoint?.signatureValid !== false ? 'success' : 'error'}
      message={
        result.valid
          ? t('audit.chainValid', { entries: result.entries })
          : t('audit.chainInvalid', { seq: result.problem?.seq ?? 0, message: result.problem?.message ?? '' })
      }
      description={checkpoint}
    />
  );
}

/** Local `datetime-local` text → ISO 8601 (the browser's time zone), or undefined. */
function isoOf(local: string | undefined): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function AuditPage() {
  const { t } = useI18n();
  const [verified, recheck] = useLoad(() => adminApi.verifyAudit());
  const [filters, setFilters] = useState<AuditFilters>({});
  const [entries, setEntries] = useState<readonly AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [searching, setSearching] = useState(false);

  const search = async (given: AuditFilters, before?: number) => {
    setSearching(true);
    try {
      const page = await adminApi.audit(given, before);
      setEntries((shown) => (before === undefined ? page.entries : [...shown, ...page.entries]));
      setNext(page.next);
      setFailure(null);
    } catch (caught) {
      setFailure(asApiError(caught));
    } finally {
      setSearching(false);
    }
  };
  useEffect(() => {
    void search({});
    // the newest entries once, on opening; the form searches again
  }, []);

  return (
    <>
      <Typography.Title level={2}>{t('nav.audit')}</Typography.Title>
      <Show loaded={verified} retry={recheck}>
        {(result) => <ChainCheck result={result} />}
      </Show>
      <Form<AuditFilters & { fromLocal?: string; toLocal?: string }>
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={({ fromLocal, toLocal, ...rest }) => {
          const given: AuditFilters = {
            ...(rest.actor ? { actor: rest.actor.trim() } : {}),
            ...(rest.action ? { action: rest.action.trim() } : {}),
            ...(rest.text ? { text: rest.text.trim() } : {}),
            ...(isoOf(fromLocal) ? { from: isoOf(fromLocal) } : {}),
            ...(isoOf(toLocal) ? { to: isoOf(toLocal) } : {}),
          };
          setFilters(given);
          void search(given);
        }}
      >
        <Form.Item name="fromLocal" label={t('audit.time')}>
          <Input type="datetime-local" aria-label="from" />
        </Form.Item>
        <Form.Item name="toLocal">
          <Input type="datetime-local" aria-label="to" />
        </Form.Item>
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input placeholder="operator:admin" />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <Input placeholder="certificate.revoke" />
        </Form.Item>
        <Form.Item name="text" label={t('audit.text')}>
          <Input />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={searching}>
            {t('audit.search')}
          </Button>
        </Form.Item>
      </Form>
      {failure ? (
        <ErrorState error={failure} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Table<AuditEntry>
            aria-label={t('nav.audit')}
            size="small"
            rowKey="seq"
            loading={searching}
            pagination={false}
            dataSource={[...entries]}
            columns={[
              { title: '#', dataIndex: 'seq', width: 70 },
              {
                title: t('audit.time'),
                dataIndex: 'at',
                render: (v: string) => new Date(v).toLocaleString(),
              },
              { title: t('audit.actor'), dataIndex: 'actor' },
              { title: t('audit.action'), dataIndex: 'action' },
              { title: t('audit.object'), dataIndex: 'object', ellipsis: true },
              { title: t('audit.reason'), dataIndex: 'reason' },
            ]}
          />
          {next !== null && (
            <Button onClick={() => void search(filters, next)} loading={searching}>
              {t('audit.more')}
            </Button>
          )}
        </Space>
      )}
    </>
  );
}
