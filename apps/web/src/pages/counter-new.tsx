/**
 * `/counter/new` 柜台新办 — a walk-in new certificate on a USB-KEY (R33; R18, R26, R14, R17), in
 * four steps: look the legal person up (USCC with its GB 32100 check, or by name) with its
 * registry data and history; check the documents of the checklist (defined once in the core,
 * `GET /counter/checklists`) and upload their scans (the server keeps their SM3); take the fee and
 * pick a USB-KEY from this branch's stock; paste or upload the CSR the key's vendor tool made on
 * the key (the platform never makes the signing key) and issue — the pair is personalised onto the
 * medium in the same transaction. Then the printable acceptance form.
 */
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Radio,
  Space,
  Steps,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, type LegalPersonHistory, currentSession } from '../api.js';
import {
  type ChecklistItem,
  type CounterApplicationResult,
  type CounterMaterial,
  type FeeSchedule,
  type Medium,
  type RegistryEntry,
  counterApi,
} from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { ErrorState, asApiError } from '../load.js';
import { isValidUscc, normalizeUscc } from '../uscc.js';

const PAYMENT_METHODS = ['cash', 'bank-card', 'wechat', 'alipay', 'transfer'] as const;

/** The file's bytes as base64 (the API hashes them with SM3 and keeps only the hash). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

interface Person {
  readonly registry: RegistryEntry;
  readonly history: LegalPersonHistory | null;
}

export function CounterNewPage() {
  const { t } = useI18n();
  const [step, setStep] = useState(0);
  const [person, setPerson] = useState<Person | null>(null);
  const [agent, setAgent] = useState<{ name: string; idNumber: string } | null>(null);
  const [materials, setMaterials] = useState<Record<string, CounterMaterial>>({});
  const [payment, setPayment] = useState<string>('cash');
  const [medium, setMedium] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [result, setResult] = useState<CounterApplicationResult | null>(null);
  const fail = (error: unknown) => setFailure(asApiError(error));
  const steps: MessageKey[] = ['new.step.lookup', 'new.step.documents', 'new.step.fee', 'new.step.issue'];
  return (
    <>
      <Typography.Title level={2}>{t('new.title')}</Typography.Title>
      <Steps current={step} items={steps.map((key) => ({ title: t(key) }))} style={{ marginBottom: 24 }} />
      {failure && <ErrorState error={failure} />}
      {step === 0 && (
        <LookupStep
          person={person}
          onFound={(found) => {
            setFailure(null);
            setPerson(found);
          }}
          fail={fail}
          next={() => setStep(1)}
        />
      )}
      {step === 1 && person && (
        <DocumentsStep
          person={person}
          agent={agent}
          setAgent={setAgent}
          materials={materials}
          setMaterials={setMaterials}
          fail={fail}
          back={() => setStep(0)}
          next={() => setStep(2)}
        />
      )}
      {step === 2 && person && (
        <FeeStep
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
      {step === 3 && person && medium && (
        <IssueStep
          result={result}
          back={() => setStep(2)}
          submit={(csr) => {
            setFailure(null);
            counterApi
              .apply({
                csr,
                legalPerson: {
                  uscc: person.registry.uscc,
                  name: person.registry.name,
                  legalRepresentative: person.registry.legalRepresentative,
                },
                ...(agent
                  ? { agent: { name: agent.name, idType: 'resident-id', idNumber: agent.idNumber } }
                  : {}),
                materials: Object.values(materials),
                mediumSerial: medium,
                paymentMethod: payment,
              })
              .then(setResult, fail);
          }}
        />
      )}
    </>
  );
}

function LookupStep({
  person,
  onFound,
  fail,
  next,
}: {
  readonly person: Person | null;
  readonly onFound: (person: Person) => void;
  readonly fail: (error: unknown) => void;
  readonly next: () => void;
}) {
  const { t, term } = useI18n();
  const [matches, setMatches] = useState<readonly { uscc: string; subject: string }[]>([]);
  const lookUp = async (uscc: string) => {
    const registry = await counterApi.registry(uscc);
    const history = await counterApi.history(uscc).catch((error: unknown) => {
      if (asApiError(error).status === 404) return null;
      throw error;
    });
    onFound({ registry, history });
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Form<{ uscc: string }>
        layout="inline"
        onFinish={({ uscc }) => lookUp(normalizeUscc(uscc)).catch(fail)}
      >
        <Form.Item
          label={t('lookup.uscc')}
          name="uscc"
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                if (!isValidUscc(normalizeUscc(value ?? ''))) throw new Error(t('lookup.invalid'));
              },
            },
          ]}
        >
          <Input maxLength={18} style={{ width: 240 }} autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('lookup.submit')}
        </Button>
      </Form>
      <Form<{ name: string }>
        layout="inline"
        onFinish={({ name }) =>
          counterApi.searchByName(name).then((certificates) => {
            const seen = new Map<string, string>();
            for (const c of certificates) if (c.uscc && !seen.has(c.uscc)) seen.set(c.uscc, c.subject);
            setMatches([...seen].map(([uscc, subject]) => ({ uscc, subject })));
          }, fail)
        }
      >
        <Form.Item label={t('new.byName')} name="name" rules={[{ required: true }]}>
          <Input style={{ width: 240 }} />
        </Form.Item>
        <Button htmlType="submit">{t('new.search')}</Button>
      </Form>
      {matches.map((m) => (
        <Button key={m.uscc} type="link" onClick={() => lookUp(m.uscc).catch(fail)}>
          {m.uscc} {m.subject}
        </Button>
      ))}
      {person && (
        <Card title={t('new.registry')} size="small">
          <Descriptions bordered column={1} size="small">
            <Descriptions.Item label={t('lookup.uscc')}>{person.registry.uscc}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.name')}>{person.registry.name}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.representative')}>
              {person.registry.legalRepresentative}
            </Descriptions.Item>
            <Descriptions.Item label={t('new.registryStatus')}>
              {term('registryStatus', person.registry.status)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {person.history && person.history.certificates.length > 0
              ? t('new.history', {
                  count: person.history.certificates.length,
                  applications: person.history.applications.length,
                })
              : t('new.noHistory')}
          </Typography.Paragraph>
          <Button type="primary" disabled={person.registry.status !== 'active'} onClick={next}>
            {t('new.next')}
          </Button>
        </Card>
      )}
    </Space>
  );
}

function DocumentsStep({
  person,
  agent,
  setAgent,
  materials,
  setMaterials,
  fail,
  back,
  next,
}: {
  readonly person: Person;
  readonly agent: { name: string; idNumber: string } | null;
  readonly setAgent: (agent: { name: string; idNumber: string } | null) => void;
  readonly materials: Record<string, CounterMaterial>;
  readonly setMaterials: (
    update: (m: Record<string, CounterMaterial>) => Record<string, CounterMaterial>,
  ) => void;
  readonly fail: (error: unknown) => void;
  readonly back: () => void;
  readonly next: () => void;
}) {
  const { t, language } = useI18n();
  const [items, setItems] = useState<readonly ChecklistItem[]>([]);
  useEffect(() => {
    counterApi.checklists().then((lists) => setItems(lists.new ?? []), fail);
  }, []);
  const byAgent = agent !== null && agent.name.trim() !== person.registry.legalRepresentative;
  const needed = items.filter((item) => item.need === 'always' || byAgent);
  const missing = needed.filter((item) => !materials[item.id]);
  const label = (item: ChecklistItem) => (language === 'en' ? item.en : item.zh);
  return (
    <Card title={t('new.checklist')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Checkbox
          checked={agent === null}
          onChange={(e) => setAgent(e.target.checked ? null : { name: '', idNumber: '' })}
        >
          {t('new.agentIsRepresentative')}（{person.registry.legalRepresentative}）
        </Checkbox>
        {agent && (
          <Space wrap>
            <Input
              aria-label={t('new.agentName')}
              placeholder={t('new.agentName')}
              value={agent.name}
              onChange={(e) => setAgent({ ...agent, name: e.target.value })}
            />
            <Input
              aria-label={t('new.agentId')}
              placeholder={t('new.agentId')}
              value={agent.idNumber}
              maxLength={18}
              onChange={(e) => setAgent({ ...agent, idNumber: e.target.value.toUpperCase() })}
            />
          </Space>
        )}
        {needed.map((item) => (
          <div key={item.id}>
            <Typography.Text strong>{label(item)}</Typography.Text>{' '}
            <input
              type="file"
              aria-label={label(item)}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file)
                  readBase64(file).then(
                    (content) =>
                      setMaterials((m) => ({
                        ...m,
                        [item.id]: { item: item.id, kind: item.kind, fileName: file.name, content },
                      })),
                    fail,
                  );
              }}
            />{' '}
            {materials[item.id] && (
              <Typography.Text type="success">
                {t('new.uploaded', { name: materials[item.id]!.fileName })}
              </Typography.Text>
            )}
          </div>
        ))}
        {missing.length > 0 && (
          <Typography.Text type="secondary">
            {t('new.missing', { items: missing.map(label).join('、') })}
          </Typography.Text>
        )}
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button type="primary" disabled={items.length === 0 || missing.length > 0} onClick={next}>
            {t('new.next')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}

function FeeStep({
  person,
  payment,
  setPayment,
  medium,
  setMedium,
  fail,
  back,
  next,
}: {
  readonly person: Person;
  readonly payment: string;
  readonly setPayment: (method: string) => void;
  readonly medium: string | null;
  readonly setMedium: (serial: string) => void;
  readonly fail: (error: unknown) => void;
  readonly back: () => void;
  readonly next: () => void;
}) {
  const { t } = useI18n();
  const branchId = currentSession()?.principal.branchId ?? undefined;
  const [stock, setStock] = useState<readonly Medium[] | null>(null);
  const [fees, setFees] = useState<FeeSchedule | null>(null);
  useEffect(() => {
    counterApi.media({ ...(branchId ? { branch: branchId } : {}), state: 'stock' }).then(setStock, fail);
    counterApi.fees().then(setFees, fail);
  }, []);
  const first = !person.history || person.history.certificates.length === 0;
  const mediumFee = fees?.items.find((i) => i.code === 'medium.usbkey')?.amountFen ?? 0;
  return (
    <Card title={t('new.step.fee')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text strong>
          {t('new.fee')}：
          {first ? t('new.feeFree') : t('new.feeMedium', { amount: (mediumFee / 100).toFixed(2) })}
        </Typography.Text>
        <Typography.Text>{t('new.payment')}</Typography.Text>
        <Radio.Group
          value={payment}
          onChange={(e) => setPayment(e.target.value as string)}
          options={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`new.payment.${m}` as MessageKey) }))}
        />
        <Typography.Text>{t('new.medium')}</Typography.Text>
        {stock && stock.length === 0 && <Alert type="warning" showIcon message={t('new.noStock')} />}
        <Radio.Group
          value={medium}
          onChange={(e) => setMedium(e.target.value as string)}
          options={(stock ?? []).map((m) => ({
            value: m.serial,
            label: `${m.serial}（${m.model}${m.batch ? `，${m.batch}` : ''}）`,
          }))}
        />
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button type="primary" disabled={!medium} onClick={next}>
            {t('new.next')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}

function IssueStep({
  result,
  back,
  submit,
}: {
  readonly result: CounterApplicationResult | null;
  readonly back: () => void;
  readonly submit: (csr: string) => void;
}) {
  const { t } = useI18n();
  const [csr, setCsr] = useState('');
  if (result?.state === 'completed')
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="success" showIcon message={t('new.issued', { medium: result.medium.serial })} />
        <Alert type="warning" showIcon message={t('new.soPin', { soPin: result.soPin })} />
        <Link to={`/counter/receipt/${result.pair.applicationId}`}>
          <Button type="primary">{t('new.receipt')}</Button>
        </Link>
      </Space>
    );
  if (result?.state === 'review')
    return <Alert type="info" showIcon message={t('new.review', { id: result.application.id })} />;
  return (
    <Card title={t('new.csr')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('new.csrHint')}</Typography.Text>
        <Input.TextArea
          aria-label={t('new.csr')}
          rows={8}
          value={csr}
          onChange={(e) => setCsr(e.target.value)}
          style={{ fontFamily: 'monospace' }}
        />
        <label>
          {t('new.csrFile')}{' '}
          <input
            type="file"
            accept=".pem,.csr,.req,.txt"
            onChange={(e) => void e.target.files?.[0]?.text().then(setCsr)}
          />
        </label>
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button type="primary" disabled={csr.trim() === ''} onClick={() => submit(csr.trim())}>
            {t('new.submit')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}
