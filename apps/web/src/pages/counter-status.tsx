/**
 * `/counter/service/{revoke,suspend,resume}` 柜台撤销 / 暂停 / 恢复 — a walk-in's status change of
 * a pair at the branch counter (R33; R23 revoke). Steps shared with the other counter pages
 * (counter-steps.tsx): look the legal person up and pick the pair; the revoke checklist as scans
 * (checked at the desk: the status API keeps no scans, so the items checked go into the audited
 * note); the reason (RFC 5280, in plain words) and the reference; a confirmation dialog (a
 * revocation is irreversible); then a printable record of what was done.
 */
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { type Certificate, currentSession } from '../api.js';
import {
  type CounterMaterial,
  REVOCATION_REASONS,
  type RevocationReason,
  counterApi,
} from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { PRINT_CSS } from './counter-receipt.js';
import { WalkInOpening, useWalkIn } from './counter-walk-in.js';
import { type Agent, type CounterStatusStep, type Person } from './counter-steps.js';

export const STATUS_STEPS: readonly CounterStatusStep[] = ['revoke', 'suspend', 'resume'];
const STEPS: readonly MessageKey[] = ['new.step.lookup', 'new.step.documents', 'status.step'];

interface Done {
  readonly certificates: readonly Certificate[];
  readonly reason: RevocationReason | null;
  readonly note: string;
  readonly at: Date;
}

function StatusRecord({
  step,
  person,
  done,
  checked,
}: {
  readonly step: CounterStatusStep;
  readonly person: Person;
  readonly done: Done;
  readonly checked: readonly string[];
}) {
  const { t, term } = useI18n();
  return (
    <div className="receipt">
      <Typography.Title level={3} style={{ textAlign: 'center' }}>
        {t('receipt.title')}
      </Typography.Title>
      <Descriptions bordered column={1} size="small">
        <Descriptions.Item label={t('receipt.businessType')}>{term('businessType', step)}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.legalPerson')}>{person.registry.name}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.uscc')}>{person.registry.uscc}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.certificates')}>
          {done.certificates.map((c) => (
            <div key={c.serial}>
              {term('certRole', c.role)}：<span className="serial">{c.serial}</span>（
              {term('certStatus', c.status)}）
            </div>
          ))}
        </Descriptions.Item>
        {done.reason && (
          <Descriptions.Item label={t('status.reason')}>
            {t(`status.reason.${done.reason}` as MessageKey)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('status.note')}>{done.note || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('status.materials')}>{checked.join('、') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('receipt.operator')}>
          {currentSession()?.principal.name ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('receipt.date')}>{done.at.toLocaleString()}</Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph style={{ marginTop: 48 }}>{t('receipt.signature')}</Typography.Paragraph>
    </div>
  );
}

function ChangeStep({
  step,
  serial,
  deskNote,
  onDone,
  fail,
  back,
}: {
  readonly step: CounterStatusStep;
  readonly serial: string;
  /** What was checked at the desk (agent, checklist items), for the audited note. */
  readonly deskNote: string;
  readonly onDone: (done: Done) => void;
  readonly fail: (error: unknown) => void;
  readonly back: () => void;
}) {
  const { t, term } = useI18n();
  const [reason, setReason] = useState<RevocationReason>('keyCompromise');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const type = term('businessType', step);
  const ready = step !== 'revoke' || note.trim() !== '';
  const send = () => {
    setConfirming(false);
    const fullNote = [note.trim(), deskNote].filter(Boolean).join('; ');
    counterApi
      .changeStatus(
        serial,
        step === 'revoke'
          ? { step, reason, note: fullNote }
          : { step, ...(fullNote ? { note: fullNote } : {}) },
      )
      .then(
        (certificates) =>
          onDone({
            certificates,
            reason: step === 'revoke' ? reason : null,
            note: note.trim(),
            at: new Date(),
          }),
        fail,
      );
  };
  return (
    <Card title={type} size="small">
      <Form layout="vertical">
        {step === 'revoke' && (
          <Form.Item label={t('status.reason')}>
            <Radio.Group
              value={reason}
              onChange={(e) => setReason(e.target.value as RevocationReason)}
              options={REVOCATION_REASONS.map((r) => ({
                value: r,
                label: t(`status.reason.${r}` as MessageKey),
              }))}
            />
          </Form.Item>
        )}
        <Form.Item label={t('status.note')} extra={step === 'revoke' ? t('status.noteHint') : undefined}>
          <Input.TextArea
            aria-label={t('status.note')}
            rows={2}
            maxLength={300}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Form.Item>
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button
            type="primary"
            danger={step === 'revoke'}
            disabled={!ready}
            onClick={() => setConfirming(true)}
          >
            {t('status.submit', { type })}
          </Button>
        </Space>
      </Form>
      <Modal
        open={confirming}
        title={t('status.confirm', { type, serial })}
        okText={t('status.submit', { type })}
        okButtonProps={{ danger: step === 'revoke' }}
        onOk={send}
        onCancel={() => setConfirming(false)}
      >
        <Alert
          type={step === 'revoke' ? 'error' : 'warning'}
          showIcon
          message={step === 'revoke' ? t('status.irreversible') : t('status.pairNote')}
        />
      </Modal>
    </Card>
  );
}

/** The status API keeps no scans: who came and which checklist items were checked go into the audited note. */
function deskNote(agent: Agent | null, materials: Record<string, CounterMaterial>): string {
  const items = Object.keys(materials).join(', ');
  return [agent && `agent ${agent.name.trim()}`, items && `counter checklist: ${items}`]
    .filter(Boolean)
    .join('; ');
}

/** The status-change flow; `/counter/service/:type` (counter-new.tsx) picks it for these types. */
export function CounterStatusFlow({ step: businessType }: { readonly step: CounterStatusStep }) {
  const { t, term, language } = useI18n();
  const walkIn = useWalkIn();
  const { step, setStep, person, picked: certificate, agent, materials, fail } = walkIn;
  const [done, setDone] = useState<Done | null>(null);
  const [checked, setChecked] = useState<readonly string[]>([]);
  const onDone = (result: Done) => {
    setDone(result);
    counterApi.checklists().then((lists) => {
      const items = lists['revoke'] ?? [];
      setChecked(
        Object.keys(materials).map((id) => {
          const item = items.find((i) => i.id === id);
          return item ? (language === 'en' ? item.en : item.zh) : id;
        }),
      );
    }, fail);
  };
  if (done && person)
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <style>{PRINT_CSS}</style>
        <Alert
          className="no-print"
          type="success"
          showIcon
          message={t('status.done', { type: term('businessType', businessType) })}
        />
        <div className="no-print">
          <Button type="primary" onClick={() => window.print()}>
            {t('receipt.print')}
          </Button>
        </div>
        <StatusRecord step={businessType} person={person} done={done} checked={checked} />
      </Space>
    );
  return (
    <>
      {/* suspend and resume are asked for with the same documents as a revocation (R23) */}
      <WalkInOpening walkIn={walkIn} steps={STEPS} businessType={businessType} documentsType="revoke" />
      {step === 2 && person && certificate && (
        <ChangeStep
          step={businessType}
          serial={certificate}
          deskNote={deskNote(agent, materials)}
          onDone={onDone}
          fail={fail}
          back={() => setStep(1)}
        />
      )}
    </>
  );
}
