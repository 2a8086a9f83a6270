/**
 * `/admin/review`: the review queue (GET /api/v1/applications?state=review), approve or reject
 * with a reason. Only reviewers may; the server's 403 shows as the refused page for other roles.
 */
import { App, Button, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { type Application, api } from '../api.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, asApiError, useLoad } from '../load.js';

export function ReviewPage() {
  const { t, term, errorText } = useI18n();
  const { message } = App.useApp();
  const [loaded, reload] = useLoad(() => api.reviewQueue());
  const [rejecting, setRejecting] = useState<Application | null>(null);
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
      <Show loaded={loaded} retry={reload}>
        {(queue) =>
          queue.length === 0 ? (
            <EmptyState />
          ) : (
            <Table<Application>
              aria-label={t('nav.review')}
              rowKey="id"
              dataSource={queue}
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
                  title: t('review.actions'),
                  render: (_: unknown, application: Application) => (
                    <Space>
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
