/**
 * The work badge (电子工作证, R37) of one operator in the operators table: bound or not, and for
 * the CA administrator "issue" — paste the PKCS#10 request made on the staff member's USB-KEY
 * (POST /api/v1/operators/{login}/badge) — and "withdraw" (…/badge/revoke), after which the badge
 * no longer logs in.
 */
import { Button, Form, Input, Modal, Space, Tag } from 'antd';
import { useState } from 'react';
import { type Operator, adminApi } from '../api/admin.js';
import { useI18n } from '../i18n.js';
import { RequiredItem, useAction } from './admin-form.js';

export function WorkBadgeCell({
  operator,
  mayIssue,
  reload,
}: {
  readonly operator: Operator;
  readonly mayIssue: boolean;
  readonly reload: () => void;
}) {
  const { t } = useI18n();
  const act = useAction(reload);
  const [issuing, setIssuing] = useState(false);
  const [form] = Form.useForm<{ csr: string }>();
  return (
    <Space wrap>
      <Tag color={operator.workBadge ? 'blue' : 'default'}>
        {t(operator.workBadge ? 'operator.badgeBound' : 'operator.badgeNone')}
      </Tag>
      {mayIssue && (
        <Button size="small" onClick={() => setIssuing(true)}>
          {t('badge.issue')}
        </Button>
      )}
      {mayIssue && operator.workBadge && (
        <Button
          size="small"
          danger
          onClick={() => void act(() => adminApi.revokeBadge(operator.login), t('badge.revoked'))}
        >
          {t('badge.revoke')}
        </Button>
      )}
      <Modal
        open={issuing}
        title={`${t('badge.issue')} ${operator.login}`}
        okText={t('badge.issue')}
        cancelText={t('form.cancel')}
        onCancel={() => setIssuing(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={({ csr }) =>
            void act(() => adminApi.issueBadge(operator.login, csr.trim()), t('badge.issued')).then(
              (ok) => ok && setIssuing(false),
            )
          }
        >
          <RequiredItem name="csr" label={t('badge.csr')}>
            <Input.TextArea rows={8} spellCheck={false} style={{ fontFamily: 'monospace' }} />
          </RequiredItem>
        </Form>
      </Modal>
    </Space>
  );
}
