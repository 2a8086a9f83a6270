/**
 * What every walk-in flow at the counter (R33) starts with: the step bar, a refusal in words, the
 * legal person looked up with the certificate (or USB-KEY) picked, and the business type's
 * documents — one state hook and one component, so 新办/更新/变更/补办 (counter-new.tsx), 撤销/暂停/
 * 恢复 (counter-status.tsx) and 解锁 (counter-unlock.tsx) differ only in their later steps.
 */
import { Steps } from 'antd';
import { type Dispatch, type ReactNode, type SetStateAction, useState } from 'react';
import type { ApiError } from '../api.js';
import type { CounterMaterial } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { ErrorState, asApiError } from '../load.js';
import { type Agent, type CounterWalkIn, DocumentsStep, LookupStep, type Person } from './counter-steps.js';

export interface WalkIn {
  readonly step: number;
  readonly setStep: (step: number) => void;
  readonly person: Person | null;
  /** The certificate serial (or, for an unlock, the USB-KEY serial) the business is about. */
  readonly picked: string | null;
  readonly setPicked: (serial: string | null) => void;
  readonly agent: Agent | null;
  readonly setAgent: (agent: Agent | null) => void;
  readonly materials: Record<string, CounterMaterial>;
  readonly setMaterials: Dispatch<SetStateAction<Record<string, CounterMaterial>>>;
  readonly failure: ApiError | null;
  readonly setFailure: (failure: ApiError | null) => void;
  readonly fail: (error: unknown) => void;
  readonly found: (person: Person) => void;
}

export function useWalkIn(): WalkIn {
  const [step, setStep] = useState(0);
  const [person, setPerson] = useState<Person | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [agent, setAgent] = useState<Agent | null>(null);
  const [materials, setMaterials] = useState<Record<string, CounterMaterial>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  return {
    step,
    setStep,
    person,
    picked,
    setPicked,
    agent,
    setAgent,
    materials,
    setMaterials,
    failure,
    setFailure,
    fail: (error) => setFailure(asApiError(error)),
    found: (found) => {
      setFailure(null);
      setPerson(found);
      setPicked(null);
    },
  };
}

/** Steps 0 (look-up and pick) and 1 (documents) of a walk-in flow, under its step bar. */
export function WalkInOpening({
  walkIn,
  steps,
  businessType,
  documentsType,
  picker,
}: {
  readonly walkIn: WalkIn;
  readonly steps: readonly MessageKey[];
  readonly businessType: CounterWalkIn;
  /** The checklist to ask for, when it is another business type's (suspend/resume use revoke's). */
  readonly documentsType: Parameters<typeof DocumentsStep>[0]['businessType'];
  readonly picker?: ReactNode;
}) {
  const { t } = useI18n();
  const { step, setStep, person, fail } = walkIn;
  return (
    <>
      <Steps current={step} items={steps.map((key) => ({ title: t(key) }))} style={{ marginBottom: 24 }} />
      {walkIn.failure && <ErrorState error={walkIn.failure} />}
      {step === 0 && (
        <LookupStep
          businessType={businessType}
          person={person}
          certificate={walkIn.picked}
          onFound={walkIn.found}
          onCertificate={walkIn.setPicked}
          {...(picker ? { picker } : {})}
          fail={fail}
          next={() => setStep(1)}
        />
      )}
      {step === 1 && person && (
        <DocumentsStep
          businessType={documentsType}
          person={person}
          agent={walkIn.agent}
          setAgent={walkIn.setAgent}
          materials={walkIn.materials}
          setMaterials={walkIn.setMaterials}
          fail={fail}
          back={() => setStep(0)}
          next={() => setStep(2)}
        />
      )}
    </>
  );
}
