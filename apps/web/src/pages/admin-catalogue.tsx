/**
 * `/admin/catalogue`: certificate categories (证书类别, profiles) and the fee schedule (收费标准)
 * with their versions (R4 "manage certificate categories", R17 published fee schedule): every
 * profile version with its definition, every fee schedule version with its items; the CA
 * administrator publishes a new version of either (POST /api/v1/profiles/{id}, POST /fees) — a
 * change is always a new version, earlier ones stay for what was issued or charged under them.
 */
import { Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type FeeSchedule, type Profile, adminApi } from '../api/admin.js';
import { currentSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { Show, useLoad } from '../load.js';
import { RequiredItem, useAction } from './admin-form.js';

const yuan = (fen: number) => (fen / 100).toFixed(2);

function ProfileVersions({ mayPublish }: { readonly mayPublish: boolean }) {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(() => adminApi.profiles());
  const act = useAction(reload);
  const [editing, setEditing] = useState<Profile | null>(null);
  const [form] = Form.useForm<{ name: string; definition: string }>();
  return (
    <Card title={t('catalogue.profiles')} style={{ marginBottom: 16 }}>
      <Show loaded={loaded} retry={reload}>
        {(profiles) => (
          <Table<Profile>
            aria-label={t('catalogue.profiles')}
            size="small"
            rowKey={(p) => `${p.id}@${p.version}`}
            pagination={false}
            dataSource={[...profiles].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version)}
            expandable={{
              expandedRowRender: (p) => (
                <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify(p.definition, null, 2)}</pre>
              ),
            }}
            columns={[
              { title: t('catalogue.profileId'), dataIndex: 'id' },
              { title: t('catalogue.version'), dataIndex: 'version' },
              { title: t('catalogue.name'), dataIndex: 'name' },
              { title: t('catalogue.role'), dataIndex: 'role' },
              {
                title: t('catalogue.state'),
                dataIndex: 'active',
                render: (active: boolean) =>
                  active ? (
                    <Tag color="green">{t('catalogue.active')}</Tag>
                  ) : (
                    <Tag>{t('catalogue.earlier')}</Tag>
                  ),
              },
              {
                title: t('catalogue.published'),
                dataIndex: 'createdAt',
                render: (v: string) => new Date(v).toLocaleString(),
              },
              ...(mayPublish
                ? [
                    {
                      title: t('form.actions'),
                      key: 'actions',
                      render: (_: unknown, p: Profile) =>
                        p.active && (
                          <Button
                            size="small"
                            onClick={() => {
                              setEditing(p);
                              form.setFieldsValue({
                                name: p.name,
                                definition: JSON.stringify(p.definition, null, 2),
                              });
                            }}
                          >
                            {t('catalogue.newVersion')}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Show>
      <Modal
        open={editing !== null}
        width={720}
        title={`${t('catalogue.newVersion')} ${editing?.id ?? ''}`}
        okText={t('catalogue.publish')}
        cancelText={t('form.cancel')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={({ name, definition }) =>
            void act(
              () =>
                adminApi.saveProfile(editing!.id, name, JSON.parse(definition) as Record<string, unknown>),
              t('catalogue.published'),
            ).then((ok) => ok && setEditing(null))
          }
        >
          <RequiredItem name="name" label={t('catalogue.name')}>
            <Input />
          </RequiredItem>
          <Form.Item
            name="definition"
            label={t('catalogue.definition')}
            rules={[
              {
                validator: async (_, text: string) => {
                  JSON.parse(text);
                },
                message: t('catalogue.badJson'),
              },
            ]}
          >
            <Input.TextArea rows={14} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

interface FeeForm {
  readonly items: { code: string; name: string; amountYuan: number }[];
}

function FeeVersions({ mayPublish }: { readonly mayPublish: boolean }) {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(() => adminApi.feeVersions());
  const act = useAction(reload);
  const [publishing, setPublishing] = useState(false);
  const [form] = Form.useForm<FeeForm>();
  return (
    <Card title={t('catalogue.fees')}>
      <Show loaded={loaded} retry={reload}>
        {(versions) => (
          <>
            {mayPublish && versions[0] && (
              <Button
                style={{ marginBottom: 12 }}
                onClick={() => {
                  form.setFieldsValue({
                    items: versions[0]!.items.map((item) => ({ ...item, amountYuan: item.amountFen / 100 })),
                  });
                  setPublishing(true);
                }}
              >
                {t('catalogue.newFees')}
              </Button>
            )}
            <Table<FeeSchedule>
              aria-label={t('catalogue.fees')}
              size="small"
              rowKey="version"
              pagination={false}
              dataSource={versions}
              expandable={{
                defaultExpandedRowKeys: versions[0] ? [versions[0].version] : [],
                expandedRowRender: (schedule) => (
                  <Table
                    aria-label={t('catalogue.fees')}
                    size="small"
                    rowKey="code"
                    pagination={false}
                    dataSource={[...schedule.items]}
                    columns={[
                      { title: t('catalogue.feeCode'), dataIndex: 'code' },
                      { title: t('catalogue.feeName'), dataIndex: 'name' },
                      {
                        title: t('catalogue.amount'),
                        dataIndex: 'amountFen',
                        align: 'right',
                        render: (fen: number) => yuan(fen),
                      },
                    ]}
                  />
                ),
              }}
              columns={[
                { title: t('catalogue.version'), dataIndex: 'version' },
                {
                  title: t('catalogue.state'),
                  key: 'state',
                  render: (_: unknown, schedule: FeeSchedule) =>
                    schedule.version === versions[0]?.version ? (
                      <Tag color="green">{t('catalogue.active')}</Tag>
                    ) : (
                      <Tag>{t('catalogue.earlier')}</Tag>
                    ),
                },
                {
                  title: t('catalogue.published'),
                  dataIndex: 'publishedAt',
                  render: (v: string) => new Date(v).toLocaleString(),
                },
              ]}
            />
          </>
        )}
      </Show>
      <Modal
        open={publishing}
        width={720}
        title={t('catalogue.newFees')}
        okText={t('catalogue.publish')}
        cancelText={t('form.cancel')}
        onCancel={() => setPublishing(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<FeeForm>
          form={form}
          onFinish={({ items }) =>
            void act(
              () =>
                adminApi.publishFees(
                  items.map(({ code, name, amountYuan }) => ({
                    code,
                    name,
                    amountFen: Math.round(amountYuan * 100),
                  })),
                ),
              t('catalogue.published'),
            ).then((ok) => ok && setPublishing(false))
          }
        >
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline">
                    <RequiredItem name={[field.name, 'code']} label={t('catalogue.feeCode')}>
                      <Input style={{ width: 140 }} />
                    </RequiredItem>
                    <RequiredItem name={[field.name, 'name']} label={t('catalogue.feeName')}>
                      <Input style={{ width: 200 }} />
                    </RequiredItem>
                    <RequiredItem name={[field.name, 'amountYuan']} label={t('catalogue.amount')}>
                      <InputNumber min={0} step={0.01} precision={2} />
                    </RequiredItem>
                    <Button onClick={() => remove(field.name)}>{t('catalogue.removeItem')}</Button>
                  </Space>
                ))}
                <Button onClick={() => add({ code: '', name: '', amountYuan: 0 })}>
                  {t('catalogue.addItem')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Card>
  );
}

export function CataloguePage() {
  const { t } = useI18n();
  const mayPublish = currentSession()?.principal.roles.includes('ca-admin') ?? false;
  return (
    <>
      <Typography.Title level={2}>{t('nav.catalogue')}</Typography.Title>
      <ProfileVersions mayPublish={mayPublish} />
      <FeeVersions mayPublish={mayPublish} />
    </>
  );
}
