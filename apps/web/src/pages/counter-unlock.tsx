/**
 * `/counter/unlock` 柜台介质解锁 — a locked USB-KEY unlocked at the branch counter by
 * challenge/response (R33; R22). Steps shared with the other counter pages (counter-steps.tsx):
 * look the legal person up and pick one of its issued media (listed by `GET /media?uscc=`); the
 * unlock checklist as scans (identity documents; the desk's check is the identity evidence the
 * audit names); the challenge the key client shows (SKF_GenRandom) and optionally a new user PIN.
 * The answer (R1 authentication, R2 PIN cryptogram) is shown big and copyable for the key client
 * to write with SKF_UnblockPIN; refusals (a challenge answered already, rate limits) in words
 * with their code.
 */
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type CounterMaterial, type Medium, type UnlockAnswer, counterApi } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import type { Agent, Person } from './counter-steps.js';
import { WalkInOpening, useWalkIn } from './counter-walk-in.js';

const STEPS: readonly MessageKey[] = ['new.step.lookup', 'new.step.documents', 'unlock.submit'];
const CHALLENGE = /^\s*([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})\s*$/;

function MediumPicker({
  uscc,
  medium,
  setMedium,
  fail,
}: {
  readonly uscc: string;
  readonly medium: string | null;
  readonly setMedium: (serial: string) => void;
  readonly fail: (error: unknown) => void;
}) {
  const { t } = useI18n();
  const [media, setMedia] = useState<readonly Medium[] | null>(null);
  useEffect(() => {
    counterApi.media({ uscc, state: 'issued' }).then(setMedia, fail);
  }, [uscc]);
  if (media && media.length === 0) return <Alert type="warning" showIcon message={t('unlock.noMedia')} />;
  return (
    <Space direction="vertical" style={{ marginBottom: 12 }}>
      <Typography.Text strong>{t('unlock.medium')}</Typography.Text>
      <Radio.Group
        value={medium}
        onChange={(e) => setMedium(e.target.value as string)}
        options={(media ?? []).map((m) => ({ value: m.serial, label: `${m.serial}（${m.model}）` }))}
      />
    </Space>
  );
}

const BIG = { fontFamily: 'monospace', fontSize: 22, wordBreak: 'break-all' } as const;

function Answer({ answer }: { readonly answer: UnlockAnswer }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions bordered column={1} title={t('unlock.answer')}>
        <Descriptions.Item label={t('unlock.authentication')}>
          <Typography.Text copyable style={BIG}>
            {answer.authentication}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('unlock.pinCryptogram')}>
          <Typography.Text copyable style={BIG}>
            {answer.pinCryptogram}
          </Typography.Text>
        </Descriptions.Item>
        {answer.oneTimePin && (
          <Descriptions.Item label={t('unlock.oneTimePin')}>
            <Typography.Text copyable style={BIG}>
              {answer.oneTimePin}
            </Typography.Text>
          </Descriptions.Item>
        )}
      </Descriptions>
      <Link to={`/counter/receipt/${answer.applicationId}`}>
        <Button type="primary">{t('new.receipt')}</Button>
      </Link>
    </Space>
  );
}

function ChallengeStep({
  medium,
  evidence,
  onAnswer,
  fail,
  back,
}: {
  readonly medium: string;
  readonly evidence: string;
  readonly onAnswer: (answer: UnlockAnswer) => void;
  readonly fail: (error: unknown) => void;
  readonly back: () => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const submit = (fields: { challenge: string; newUserPin?: string }) => {
    setBusy(true);
    counterApi
      .unlock(medium, {
        challenge: fields.challenge.trim(),
        evidence: { kind: 'counter', reference: evidence },
        ...(fields.newUserPin ? { newUserPin: fields.newUserPin } : {}),
      })
      .then(onAnswer, fail)
      .finally(() => setBusy(false));
  };
  return (
    <Card title={`${t('unlock.submit')}：${medium}`} size="small">
      <Form<{ challenge: string; newUserPin?: string }>
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
      >
        <Form.Item
          label={t('unlock.challenge')}
          name="challenge"
          rules={[{ required: true, pattern: CHALLENGE, message: t('unlock.challengeInvalid') }]}
        >
          <Input style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item
          label={t('unlock.newPin')}
          name="newUserPin"
          rules={[{ pattern: /^[0-9A-Za-z]{6,16}$/, message: t('unlock.newPinInvalid') }]}
        >
          <Input.Password minLength={6} maxLength={16} />
        </Form.Item>
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('unlock.submit')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

/** The identity evidence the audit names: who came and which checklist items the desk checked. */
function evidenceOf(person: Person, agent: Agent | null, materials: Record<string, CounterMaterial>): string {
  const who = agent
    ? `agent ${agent.name.trim()}`
    : `legal representative ${person.registry.legalRepresentative}`;
  return `${who}; counter checklist: ${Object.keys(materials).join(', ')}`;
}

export function CounterUnlockPage() {
  const { t } = useI18n();
  const walkIn = useWalkIn();
  const {
    step,
    setStep,
    person,
    picked: medium,
    setPicked: setMedium,
    agent,
    materials,
    fail,
    setFailure,
  } = walkIn;
  const [answer, setAnswer] = useState<UnlockAnswer | null>(null);
  return (
    <>
      <Typography.Title level={2}>{t('unlock.title')}</Typography.Title>
      <WalkInOpening
        walkIn={walkIn}
        steps={STEPS}
        businessType="unlock"
        documentsType="unlock"
        picker={
          person && (
            <MediumPicker uscc={person.registry.uscc} medium={medium} setMedium={setMedium} fail={fail} />
          )
        }
      />
      {step === 2 && person && medium && !answer && (
        <ChallengeStep
          medium={medium}
          evidence={evidenceOf(person, agent, materials)}
          onAnswer={(a) => {
            setFailure(null);
            setAnswer(a);
          }}
          fail={fail}
          back={() => setStep(1)}
        />
      )}
      {answer && <Answer answer={answer} />}
    </>
  );
}
