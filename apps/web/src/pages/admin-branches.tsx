/**
 * `/admin/branches`: 网点管理 (R37) — the branches (GET /api/v1/branches), a new one (POST), and
 * closing or reopening one (PATCH active). The CA administrator changes them; an auditor reads.
 */
import { Button, Card, Form, Input, Table, Tag, Typography } from 'antd';
import { type Branch, adminApi } from '../api/admin.js';
import { currentSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { RequiredItem, useAction } from './admin-form.js';
import { Show, useLoad } from '../load.js';

export function BranchesPage() {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(() => adminApi.branches());
  const [form] = Form.useForm<Omit<Branch, 'active'>>();
  const mayChange = currentSession()?.principal.roles.includes('ca-admin') ?? false;
  const act = useAction(reload);
  return (
    <>
      <Typography.Title level={2}>{t('nav.branches')}</Typography.Title>
      {mayChange && (
        <Card title={t('branch.create')} style={{ marginBottom: 16 }}>
          <Form
            form={form}
            layout="inline"
            style={{ rowGap: 8 }}
            onFinish={(values) =>
              void act(() => adminApi.createBranch(values), t('branch.created')).then(
                (ok) => ok && form.resetFields(),
              )
            }
          >
            {(['id', 'name', 'regionCode', 'address'] as const).map((field) => (
              <RequiredItem
                key={field}
                name={field}
                label={t(field === 'regionCode' ? 'branch.region' : `branch.${field}`)}
              >
                <Input />
              </RequiredItem>
            ))}
            <Form.Item>
              <Button type="primary" htmlType="submit">
                {t('branch.create')}
              </Button>
            </Form.Item>
          </Form>
        </Card>
      )}
      <Show loaded={loaded} retry={reload}>
        {(branches) => (
          <Table<Branch>
            aria-label={t('nav.branches')}
            rowKey="id"
            size="small"
            dataSource={branches}
            columns={[
              { title: t('branch.id'), dataIndex: 'id' },
              { title: t('branch.name'), dataIndex: 'name' },
              { title: t('branch.region'), dataIndex: 'regionCode' },
              { title: t('branch.address'), dataIndex: 'address' },
              {
                title: t('branch.status'),
                dataIndex: 'active',
                render: (active: boolean) => (
                  <Tag color={active ? 'green' : 'default'}>
                    {t(active ? 'branch.open' : 'branch.closed')}
                  </Tag>
                ),
              },
              ...(mayChange
                ? [
                    {
                      title: t('form.actions'),
                      key: 'actions',
                      render: (_: unknown, branch: Branch) => (
                        <Button
                          size="small"
                          danger={branch.active}
                          onClick={() =>
                            void act(
                              () => adminApi.updateBranch(branch.id, { active: !branch.active }),
                              t(branch.active ? 'branch.close' : 'branch.reopen'),
                            )
                          }
                        >
                          {t(branch.active ? 'branch.close' : 'branch.reopen')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Show>
    </>
  );
}
