/**
 * `/admin/review`: the review queue (GET /api/v1/applications?state=review), filtered to the
 * caller's or the unassigned applications (审核分派: claim one, or hand it to another reviewer by
 * login), each with the registry's differences highlighted (what was applied for beside what the
 * legal-person database holds, R26); approve, or reject with a reason. Only reviewers may; the
 * server's 403 shows as the refused page for other roles.
 */
import { App, Button, Form, Input, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type Application, api } from '../api.js';
import { type Assigned, adminApi, assignmentOf } from '../api/admin.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, asApiError, useLoad } from '../load.js';
import { RegistryDifferences } from './admin-review-differences.js';

export function ReviewPage() {
  const { t, term, errorText } = useI18n();
  const { message } = App.useApp();
  const [assigned, setAssigned] = useState<Assigned>('all');
  const [loaded, reload] = useLoad(() => adminApi.reviewQueue(assigned));
  const [rejecting, setRejecting] = useState<Application | null>(null);
  const [handing, setHanding] = useState<Application | null>(null);
  const [handForm] = Form.useForm<{ reviewer: string }>();
  const [form] = Form.useForm<{ reason: string }>();
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      void message.success(t('review.done'));
    } catch (caught) {
      const error = asApiError(caught);
      void message.error(errorText(error.code, error.detail));
    }
    reload();
  };
  return (
    <>
      <Typography.Title level={2}>{t('nav.review')}</Typography.Title>
      <Radio.Group
        optionType="button"
        value={assigned}
        style={{ marginBottom: 16 }}
        onChange={(event) => {
          setAssigned(event.target.value as Assigned);
          reload();
        }}
        options={(['all', 'mine', 'unassigned'] as const).map((value) => ({
          value,
          label: t(`assign.${value}`),
        }))}
      />
      <Show loaded={loaded} retry={reload}>
        {(queue) =>
          queue.length === 0 ? (
            <EmptyState />
          ) : (
            <Table<Application>
              aria-label={t('nav.review')}
              rowKey="id"
              dataSource={queue}
              expandable={{
                defaultExpandAllRows: true,
                expandedRowRender: (application) => <RegistryDifferences application={application} />,
              }}
              columns={[
                { title: t('review.id'), dataIndex: 'id' },
                { title: t('review.uscc'), dataIndex: 'uscc' },
                {
                  title: t('review.type'),
                  dataIndex: 'businessType',
                  render: (v: string) => term('businessType', v),
                },
                {
                  title: t('review.channel'),
                  dataIndex: 'channel',
                  render: (v: string) => term('channel', v),
                },
                {
                  title: t('review.submitted'),
                  dataIndex: 'createdAt',
                  render: (v: string) => new Date(v).toLocaleString(),
                },
                {
                  title: t('assign.assignee'),
                  key: 'assignee',
                  render: (_: unknown, application: Application) => {
                    const assignment = assignmentOf(application);
                    return assignment ? (
                      <Tag color="blue">{assignment.reviewer}</Tag>
                    ) : (
                      <Tag>{t('assign.none')}</Tag>
                    );
                  },
                },
                {
                  title: t('review.actions'),
                  render: (_: unknown, application: Application) => (
                    <Space wrap>
                      <Button onClick={() => void act(() => adminApi.assign(application.id))}>
                        {t('assign.claim')}
                      </Button>
                      <Button onClick={() => setHanding(application)}>{t('assign.handOn')}</Button>
                      <Button type="primary" onClick={() => void act(() => api.approve(application.id))}>
                        {t('review.approve')}
                      </Button>
                      <Button danger onClick={() => setRejecting(application)}>
                        {t('review.reject')}
                      </Button>
                    </Space>
                  ),
                },
              ]}
            />
          )
        }
      </Show>
      <Modal
        open={handing !== null}
        title={`${t('assign.handOn')} ${handing?.id ?? ''}`}
        okText={t('assign.handOn')}
        onCancel={() => setHanding(null)}
        onOk={() => handForm.submit()}
        destroyOnHidden
      >
        <Form
          form={handForm}
          layout="vertical"
          onFinish={({ reviewer }) => {
            const application = handing;
            setHanding(null);
            if (application) void act(() => adminApi.assign(application.id, reviewer.trim()));
          }}
        >
          <Form.Item
            label={t('assign.reviewer')}
            name="reviewer"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={rejecting !== null}
        title={`${t('review.reject')} ${rejecting?.id ?? ''}`}
        okText={t('review.reject')}
        okButtonProps={{ danger: true }}
        onCancel={() => setRejecting(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={({ reason }) => {
            const application = rejecting;
            setRejecting(null);
            form.resetFields();
            if (application) void act(() => api.reject(application.id, reason));
          }}
        >
          <Form.Item
            label={t('review.reason')}
            name="reason"
            rules={[{ required: true, whitespace: true, message: t('review.reasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
