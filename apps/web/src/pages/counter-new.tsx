/**
 * `/counter/new` 柜台新办 and `/counter/service/:type` 柜台更新/变更/补办 (撤销/暂停/恢复: counter-status.tsx) — the counter's walk-in
 * business on a USB-KEY (R33; R18–R21, R26, R14, R17), in four steps (counter-steps.tsx): the legal
 * person (USCC with its GB 32100 check, or by name) with its registry data and history, and to
 * replace a pair its certificate; the documents of the business type's checklist as scans (the
 * server keeps their SM3); the fee and, for a new certificate or a reissue, a USB-KEY from this
 * branch's stock; the CSR the key's vendor tool made on the key (the platform never makes the
 * signing key). The server issues, charges and personalises in one transaction; then the
 * printable acceptance form.
 */
import { Radio, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { counterApi } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { CounterStatusFlow, STATUS_STEPS } from './counter-status.js';
import { WalkInOpening, useWalkIn } from './counter-walk-in.js';
import {
  type CounterBusiness,
  type CounterStatusStep,
  FeeStep,
  IssueStep,
  type Outcome,
} from './counter-steps.js';

const STEPS: readonly MessageKey[] = [
  'new.step.lookup',
  'new.step.documents',
  'new.step.fee',
  'new.step.issue',
];
const SERVICES = ['renew', 'change', 'reissue'] as const;

function CounterBusinessFlow({ businessType }: { readonly businessType: CounterBusiness }) {
  const walkIn = useWalkIn();
  const { step, setStep, person, picked: certificate, agent, materials, fail, setFailure } = walkIn;
  const [payment, setPayment] = useState<string>('cash');
  const [medium, setMedium] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const agentBody = agent
    ? {
        agent: {
          name: agent.name,
          idType: 'resident-id' as const,
          idNumber: agent.idNumber,
          ...(agent.phone ? { phone: agent.phone } : {}),
        },
      }
    : {};
  const submit = (csr: string, change: { name: string; legalRepresentative: string } | null) => {
    if (!person) return;
    setFailure(null);
    const common = { csr, ...agentBody, materials: Object.values(materials), paymentMethod: payment };
    if (businessType === 'new')
      counterApi
        .apply({
          ...common,
          legalPerson: {
            uscc: person.registry.uscc,
            name: person.registry.name,
            legalRepresentative: person.registry.legalRepresentative,
          },
          mediumSerial: medium!,
        })
        .then(
          (result) =>
            setOutcome(
              result.state === 'completed'
                ? {
                    state: 'completed',
                    applicationId: result.pair.applicationId,
                    medium: result.medium.serial,
                    soPin: result.soPin,
                  }
                : { state: 'review', applicationId: result.application.id },
            ),
          fail,
        );
    else
      counterApi
        .service({
          ...common,
          businessType,
          serial: certificate!,
          ...(medium && businessType === 'reissue' ? { mediumSerial: medium } : {}),
          ...(change
            ? {
                legalPerson: {
                  name: change.name.trim(),
                  ...(change.legalRepresentative.trim()
                    ? { legalRepresentative: change.legalRepresentative.trim() }
                    : {}),
                },
              }
            : {}),
        })
        .then(
          (result) =>
            setOutcome({
              state: 'completed',
              applicationId: result.pair.applicationId,
              medium: result.medium?.serial ?? null,
              soPin: result.soPin,
            }),
          fail,
        );
  };
  return (
    <>
      <WalkInOpening walkIn={walkIn} steps={STEPS} businessType={businessType} documentsType={businessType} />
      {step === 2 && person && (
        <FeeStep
          businessType={businessType}
          person={person}
          payment={payment}
          setPayment={setPayment}
          medium={medium}
          setMedium={setMedium}
          fail={fail}
          back={() => setStep(1)}
          next={() => setStep(3)}
        />
      )}
      {step === 3 && person && (
        <IssueStep businessType={businessType} outcome={outcome} back={() => setStep(2)} submit={submit} />
      )}
    </>
  );
}

export function CounterNewPage() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={2}>{t('new.title')}</Typography.Title>
      <CounterBusinessFlow businessType="new" />
    </>
  );
}

export function CounterServicePage() {
  const { t, term } = useI18n();
  const navigate = useNavigate();
  const type = useParams().type ?? '';
  const status = (STATUS_STEPS as readonly string[]).includes(type) ? (type as CounterStatusStep) : null;
  const businessType =
    status ?? ((SERVICES as readonly string[]).includes(type) ? (type as CounterBusiness) : 'renew');
  return (
    <>
      <Typography.Title level={2} className="no-print">
        {t('service.title')}
      </Typography.Title>
      <Radio.Group
        value={businessType}
        optionType="button"
        onChange={(e) => {
          const value = e.target.value as string;
          navigate(value === 'unlock' ? '/counter/unlock' : `/counter/service/${value}`);
        }}
        options={[...SERVICES, ...STATUS_STEPS, 'unlock' as const].map((s) => ({
          value: s,
          label: term('businessType', s),
        }))}
        style={{ marginBottom: 16 }}
        className="no-print"
      />
      {/* a new flow for each business type: nothing carries over from another */}
      {status ? (
        <CounterStatusFlow key={status} step={status} />
      ) : (
        <CounterBusinessFlow key={businessType} businessType={businessType as CounterBusiness} />
      )}
    </>
  );
}
