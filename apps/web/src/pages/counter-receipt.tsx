/**
 * `/counter/receipt/:applicationId` 受理单 — the printable acceptance form / receipt of a counter
 * application (R33; domain-practice.md a.1 "the applicant signs the form"): application id, legal
 * person, agent (identity number masked), business type, certificate serials, medium serial, fee
 * and payment, operator, branch, date. `@media print` leaves only the form on paper; 打印 calls
 * window.print().
 */
import { Button, Descriptions, Typography } from 'antd';
import { useParams } from 'react-router';
import { type Receipt, counterApi } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { Show, useLoad } from '../load.js';

/** Only the form on paper: no header, no buttons, black on white. */
export const PRINT_CSS = `
@media print {
  .ant-layout-header, .no-print { display: none !important; }
  .ant-layout, .ant-layout-content { background: #fff !important; padding: 0 !important; }
  .receipt { border: none !important; box-shadow: none !important; }
}
.receipt { max-width: 760px; margin: 0 auto; padding: 32px; background: #fff; border: 1px solid #d9d9d9; }
`;

export function yuan(fen: number): string {
  return (fen / 100).toFixed(2);
}

function ReceiptForm({ receipt }: { readonly receipt: Receipt }) {
  const { t, term } = useI18n();
  const { application } = receipt;
  const fee = receipt.charges.reduce((sum, c) => sum + c.amountFen, 0);
  const feeNotes = receipt.charges.map((c) => `${c.name}：${c.note}`).join('；');
  const date = new Date(application.createdAt);
  return (
    <div className="receipt">
      <Typography.Title level={3} style={{ textAlign: 'center' }}>
        {t('receipt.title')}
      </Typography.Title>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label={t('receipt.application')}>{application.id}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.legalPerson')}>
          {receipt.legalPerson?.name ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.uscc')}>{application.uscc}</Descriptions.Item>
        <Descriptions.Item label={t('lookup.representative')}>
          {receipt.legalPerson?.legalRepresentative ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.agent')}>
          {receipt.agent
            ? `${receipt.agent.name}（${receipt.agent.idNumber}）`
            : (receipt.legalPerson?.legalRepresentative ?? '—')}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.businessType')}>
          {term('businessType', application.businessType)}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.certificates')}>
          {receipt.certificates.map((c) => (
            <div key={c.serial}>
              {term('certRole', c.role)}：<span className="serial">{c.serial}</span>
            </div>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.medium')}>
          {receipt.medium ? `${receipt.medium.serial}（${receipt.medium.model}）` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.fee')}>
          {t('receipt.yuan', { amount: yuan(fee) })}
          {feeNotes && <div style={{ fontSize: 12 }}>{feeNotes}</div>}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.payment')}>
          {receipt.paymentMethod ? t(`new.payment.${receipt.paymentMethod}` as MessageKey) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.operator')}>{receipt.operator}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.branch')}>
          {receipt.branch ? `${receipt.branch.name}（${receipt.branch.address}）` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.date')}>{date.toLocaleDateString()}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph style={{ marginTop: 48 }}>{t('receipt.signature')}</Typography.Paragraph>
    </div>
  );
}

export function CounterReceiptPage() {
  const { t } = useI18n();
  const { applicationId = '' } = useParams();
  const [loaded, reload] = useLoad(() => counterApi.receipt(applicationId));
  return (
    <>
      <style>{PRINT_CSS}</style>
      <div className="no-print" style={{ marginBottom: 16 }}>
        <Button type="primary" onClick={() => window.print()}>
          {t('receipt.print')}
        </Button>
      </div>
      <Show loaded={loaded} retry={reload}>
        {(receipt) => <ReceiptForm receipt={receipt} />}
      </Show>
    </>
  );
}
