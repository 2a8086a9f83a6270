/**
 * `/admin/operators`: 操作员管理 (R37, R33) — operators with their branch, roles, status and work
 * badge (电子工作证: issued from a CSR and withdrawn in `admin-work-badge.tsx`); a new operator; roles and branch changed; disabled or enabled; a password
 * reset whose one-time password is shown once. The rules (incompatible roles 三员分立, counter
 * roles need a branch, a branch manager manages its own branch's counter staff only) are the
 * server's (packages/core/src/operators.ts, account-scope.ts); their refusals show in words.
 */
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { type Operator, adminApi } from '../api/admin.js';
import { currentSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { RequiredChoices, RequiredItem, useAction } from './admin-form.js';
import { WorkBadgeCell } from './admin-work-badge.js';
import { Show, useLoad } from '../load.js';

interface OperatorForm {
  readonly login: string;
  readonly name: string;
  readonly branchId?: string;
  readonly roles: string[];
  readonly password?: string;
}

export function OperatorsPage() {
  const { t, language } = useI18n();
  const [loaded, reload] = useLoad(async () => {
    const [operators, branches, roles] = await Promise.all([
      adminApi.operators(),
      adminApi.branches(),
      adminApi.roles(),
    ]);
    return { operators, branches, roles: roles.roles.filter((role) => role.holder === 'operator') };
  });
  const [form] = Form.useForm<OperatorForm>();
  const [editForm] = Form.useForm<Pick<OperatorForm, 'name' | 'branchId' | 'roles'>>();
  const [editing, setEditing] = useState<Operator | null>(null);
  const [oneTimePassword, setOneTimePassword] = useState<string | null>(null);
  const principal = currentSession()?.principal;
  const mayChange = principal?.roles.some((r) => r === 'ca-admin' || r === 'branch-manager') ?? false;
  const isCaAdmin = principal?.roles.includes('ca-admin') ?? false;
  const act = useAction(reload);
  return (
    <>
      <Typography.Title level={2}>{t('nav.operators')}</Typography.Title>
      {oneTimePassword && (
        <Alert
          data-testid="one-time-password"
          type="warning"
          showIcon
          closable
          style={{ marginBottom: 16 }}
          onClose={() => setOneTimePassword(null)}
          message={t('operator.newPassword', { password: oneTimePassword })}
        />
      )}
      <Show loaded={loaded} retry={reload}>
        {({ operators, branches, roles }) => {
          const branchOptions = branches
            .filter((b) => b.active)
            .map((b) => ({ value: b.id, label: `${b.name} (${b.id})` }));
          // the role's name: its description up to the colon (网点受理员：… / branch operator: …)
          const roleOptions = roles.map((role) => ({
            value: role.id,
            label: (language === 'en' ? role.en : role.zh).split(/[:：]/)[0]!,
          }));
          const roleName = (id: string) => roleOptions.find((o) => o.value === id)?.label ?? id;
          return (
            <>
              {mayChange && (
                <Card title={t('operator.create')} style={{ marginBottom: 16 }}>
                  <Form<OperatorForm>
                    form={form}
                    layout="vertical"
                    onFinish={({ branchId, password, ...rest }) =>
                      void act(async () => {
                        const created = await adminApi.createOperator({
                          ...rest,
                          branchId: branchId ?? null,
                          ...(password ? { password } : {}),
                        });
                        setOneTimePassword(created.password);
                      }, t('operator.created')).then((ok) => ok && form.resetFields())
                    }
                  >
                    <Space wrap align="start">
                      <RequiredItem name="login" label={t('operator.login')}>
                        <Input />
                      </RequiredItem>
                      <RequiredItem name="name" label={t('operator.name')}>
                        <Input />
                      </RequiredItem>
                      <Form.Item name="branchId" label={t('operator.branch')}>
                        <Select
                          allowClear
                          style={{ width: 220 }}
                          options={branchOptions}
                          aria-label={t('operator.branch')}
                        />
                      </Form.Item>
                      <Form.Item name="password" label={t('operator.password')}>
                        <Input.Password autoComplete="new-password" />
                      </Form.Item>
                    </Space>
                    <RequiredChoices name="roles" label={t('operator.roles')}>
                      <Checkbox.Group options={roleOptions} />
                    </RequiredChoices>
                    <Button type="primary" htmlType="submit">
                      {t('operator.create')}
                    </Button>
                  </Form>
                </Card>
              )}
              <Table<Operator>
                aria-label={t('nav.operators')}
                rowKey="login"
                size="small"
                dataSource={operators}
                columns={[
                  { title: t('operator.login'), dataIndex: 'login' },
                  { title: t('operator.name'), dataIndex: 'name' },
                  {
                    title: t('operator.branch'),
                    dataIndex: 'branchId',
                    render: (v: string | null) => v ?? '—',
                  },
                  {
                    title: t('operator.roles'),
                    dataIndex: 'roles',
                    render: (list: string[]) => list.map((r) => <Tag key={r}>{roleName(r)}</Tag>),
                  },
                  {
                    title: t('operator.status'),
                    dataIndex: 'status',
                    render: (v: string) => (
                      <Tag color={v === 'active' ? 'green' : 'red'}>
                        {t(v === 'active' ? 'operator.active' : 'operator.disabled')}
                      </Tag>
                    ),
                  },
                  {
                    title: t('operator.badge'),
                    key: 'badge',
                    render: (_: unknown, operator: Operator) => (
                      <WorkBadgeCell operator={operator} mayIssue={isCaAdmin} reload={reload} />
                    ),
                  },
                  ...(mayChange
                    ? [
                        {
                          title: t('form.actions'),
                          key: 'actions',
                          render: (_: unknown, operator: Operator) => (
                            <Space wrap>
                              <Button
                                size="small"
                                onClick={() => {
                                  setEditing(operator);
                                  editForm.setFieldsValue({
                                    name: operator.name,
                                    roles: [...operator.roles],
                                    ...(operator.branchId ? { branchId: operator.branchId } : {}),
                                  });
                                }}
                              >
                                {t('operator.edit')}
                              </Button>
                              <Button
                                size="small"
                                danger={operator.status === 'active'}
                                onClick={() =>
                                  void act(
                                    () =>
                                      adminApi.updateOperator(operator.login, {
                                        status: operator.status === 'active' ? 'disabled' : 'active',
                                      }),
                                    t(operator.status === 'active' ? 'operator.disable' : 'operator.enable'),
                                  )
                                }
                              >
                                {t(operator.status === 'active' ? 'operator.disable' : 'operator.enable')}
                              </Button>
                              <Button
                                size="small"
                                onClick={() =>
                                  void act(async () => {
                                    const reset = await adminApi.resetPassword(operator.login);
                                    setOneTimePassword(reset.password);
                                  }, t('operator.reset'))
                                }
                              >
                                {t('operator.reset')}
                              </Button>
                            </Space>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
              <Modal
                open={editing !== null}
                title={`${t('operator.edit')} ${editing?.login ?? ''}`}
                okText={t('operator.save')}
                cancelText={t('form.cancel')}
                onCancel={() => setEditing(null)}
                onOk={() => editForm.submit()}
                destroyOnHidden
              >
                <Form
                  form={editForm}
                  layout="vertical"
                  onFinish={({ name, branchId, roles: chosen }) =>
                    void act(
                      () =>
                        adminApi.updateOperator(editing!.login, {
                          name,
                          roles: chosen,
                          branchId: branchId ?? null,
                        }),
                      t('operator.save'),
                    ).then((ok) => ok && setEditing(null))
                  }
                >
                  <RequiredItem name="name" label={t('operator.name')}>
                    <Input />
                  </RequiredItem>
                  <Form.Item name="branchId" label={t('operator.branch')}>
                    <Select allowClear options={branchOptions} />
                  </Form.Item>
                  <RequiredChoices name="roles" label={t('operator.roles')}>
                    <Checkbox.Group options={roleOptions} />
                  </RequiredChoices>
                </Form>
              </Modal>
            </>
          );
        }}
      </Show>
    </>
  );
}
