/**
 * `/portal/payments`: the legal person's charges (R17: priced from the published fee schedule) and
 * their payment (R34): 支付 opens an order for one application's due charges; the provider's
 * confirmation reaches the server's callback, never the page. On the embedded default the payment
 * simulator stands in for the provider (模拟支付).
 */
import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type Charge, type PaymentOrder, portalApi } from '../api/portal.js';
import { useI18n } from '../i18n.js';
import { EmptyState, Show, useLoad } from '../load.js';
import { useAction } from './portal-form.js';

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function PortalPaymentsPage() {
  const { t } = useI18n();
  const [loaded, reload] = useLoad(() => portalApi.charges());
  const [order, setOrder] = useState<PaymentOrder | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { error, run: attempt } = useAction();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('portal.payments.title')}</Typography.Title>
      {order && order.state === 'created' && (
        <Alert
          type="info"
          showIcon
          message={t('portal.payments.order', {
            id: order.id,
            amount: yuan(order.amountFen),
            version: order.scheduleVersion,
          })}
          action={
            <Button
              type="primary"
              onClick={() =>
                void attempt(async () => {
                  const paid = await portalApi.simulatePayment(order.id);
                  setOrder(paid);
                  setNotice(t('portal.payments.paid', { ref: paid.providerRef ?? '' }));
                  reload();
                })
              }
            >
              {t('portal.payments.simulate')}
            </Button>
          }
        />
      )}
      {notice && <Alert type="success" showIcon message={notice} />}
      {error && <Alert type="error" showIcon message={error} />}
      <Show loaded={loaded} retry={reload}>
        {({ charges }) =>
          charges.length === 0 ? (
            <EmptyState />
          ) : (
            <Table<Charge>
              aria-label={t('portal.payments.title')}
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={charges}
              columns={[
                { title: t('portal.payments.item'), dataIndex: 'name' },
                {
                  title: t('portal.payments.amount'),
                  dataIndex: 'amountFen',
                  render: (fen: number) => yuan(fen),
                },
                {
                  title: t('portal.payments.status'),
                  dataIndex: 'status',
                  render: (status: Charge['status']) => (
                    <Tag color={status === 'due' ? 'orange' : 'green'}>
                      {t(`portal.payments.status.${status}`)}
                    </Tag>
                  ),
                },
                {
                  title: t('portal.home.actions'),
                  key: 'pay',
                  render: (_, charge) =>
                    charge.status === 'due' ? (
                      <Button
                        onClick={() =>
                          void attempt(async () =>
                            setOrder((await portalApi.pay(charge.applicationId)).order),
                          )
                        }
                      >
                        {t('portal.payments.pay')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          )
        }
      </Show>
    </Space>
  );
}
