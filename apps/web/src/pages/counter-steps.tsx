/**
 * The steps of the counter's walk-in business (R33), shared by the new-certificate page and the
 * renew / change / reissue page (counter-new.tsx): look the legal person up with its registry data
 * and history (and, to replace a pair, pick its certificate); the documents of the business type's
 * checklist (`GET /counter/checklists`) as scans; the fee and, where a key is needed, a USB-KEY from
 * this branch's stock; the CSR from the key's vendor tool. Each step is told what to show by the
 * business type and hands its answer up; the page sends the request.
 */
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, Radio, Space, Typography } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { type Certificate, type LegalPersonHistory, currentSession } from '../api.js';
import {
  type ChecklistItem,
  type CounterMaterial,
  type FeeSchedule,
  type Medium,
  type RegistryEntry,
  counterApi,
} from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { asApiError } from '../load.js';
import { UsccForm } from '../uscc-form.js';

export type CounterBusiness = 'new' | 'renew' | 'change' | 'reissue';
/** Status changes of a pair at the counter (撤销 revoke, 暂停 suspend, 恢复 resume; R23). */
export type CounterStatusStep = 'revoke' | 'suspend' | 'resume';
/** Every counter business the look-up and checklist steps serve. */
export type CounterWalkIn = CounterBusiness | CounterStatusStep | 'unlock';

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

export interface Person {
  readonly registry: RegistryEntry;
  readonly history: LegalPersonHistory | null;
}

export interface Agent {
  readonly name: string;
  readonly idNumber: string;
  /** Registered with the application: the portal's SMS login sends its code there (R34). */
  readonly phone: string;
}

/** Business types that take a USB-KEY from this branch's stock. */
export const TAKES_MEDIUM: readonly CounterBusiness[] = ['new', 'reissue'];

/** The pairs a business acts on: resume a suspended one, suspend a valid one, else any unrevoked. */
function actsOn(businessType: CounterWalkIn, c: Certificate): boolean {
  if (c.role !== 'sign') return false;
  if (businessType === 'resume') return c.status === 'suspended';
  if (businessType === 'suspend') return c.status === 'valid';
  return c.status !== 'revoked';
}

export function LookupStep({
  businessType,
  person,
  certificate,
  onFound,
  onCertificate,
  picker,
  fail,
  next,
}: {
  readonly businessType: CounterWalkIn;
  readonly person: Person | null;
  /** The picked certificate serial (or, with a `picker`, whatever it picked). */
  readonly certificate: string | null;
  readonly onFound: (person: Person) => void;
  readonly onCertificate: (serial: string) => void;
  /** Shown in place of the certificate choice (the unlock page picks a medium). */
  readonly picker?: ReactNode;
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
  const replaceable = (person?.history?.certificates ?? []).filter((c) => actsOn(businessType, c));
  const ready =
    person !== null && (businessType === 'new' ? person.registry.status === 'active' : certificate !== null);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <UsccForm onLookUp={(uscc) => void lookUp(uscc).catch(fail)} />
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
          {picker}
          {businessType !== 'new' && !picker && (
            <Space direction="vertical" style={{ marginBottom: 12 }}>
              <Typography.Text strong>{t('service.pick')}</Typography.Text>
              <Radio.Group
                value={certificate}
                onChange={(e) => onCertificate(e.target.value as string)}
                options={replaceable.map((c) => ({
                  value: c.serial,
                  label: `${c.serial}（${term('certStatus', c.status)}，${t('cert.notAfter')} ${c.notAfter.slice(0, 10)}）`,
                }))}
              />
            </Space>
          )}
          <div>
            <Button type="primary" disabled={!ready} onClick={next}>
              {t('new.next')}
            </Button>
          </div>
        </Card>
      )}
    </Space>
  );
}

export function DocumentsStep({
  businessType,
  person,
  agent,
  setAgent,
  materials,
  setMaterials,
  fail,
  back,
  next,
}: {
  /** Whose checklist (GET /counter/checklists) to show. */
  readonly businessType: CounterBusiness | 'revoke' | 'unlock';
  readonly person: Person;
  readonly agent: Agent | null;
  readonly setAgent: (agent: Agent | null) => void;
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
    counterApi.checklists().then((lists) => setItems(lists[businessType] ?? []), fail);
  }, [businessType]);
  const byAgent = agent !== null && agent.name.trim() !== person.registry.legalRepresentative;
  const needed = items.filter((item) => item.need === 'always' || byAgent);
  const missing = needed.filter((item) => !materials[item.id]);
  const label = (item: ChecklistItem) => (language === 'en' ? item.en : item.zh);
  return (
    <Card title={t('new.checklist')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Checkbox
          checked={agent === null}
          onChange={(e) => setAgent(e.target.checked ? null : { name: '', idNumber: '', phone: '' })}
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
            <Input
              aria-label={t('new.agentPhone')}
              placeholder={t('new.agentPhone')}
              value={agent.phone}
              maxLength={11}
              inputMode="numeric"
              onChange={(e) => setAgent({ ...agent, phone: e.target.value.trim() })}
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

/** What the fee step says the business costs (the server records the charge from the schedule). */
function feeText(
  t: ReturnType<typeof useI18n>['t'],
  businessType: CounterBusiness,
  person: Person,
  mediumFen: number,
): string {
  const medium = t('new.feeMedium', { amount: (mediumFen / 100).toFixed(2) });
  if (businessType === 'new')
    return !person.history || person.history.certificates.length === 0 ? t('new.feeFree') : medium;
  if (businessType === 'reissue') return medium;
  return t(businessType === 'change' ? 'service.feeChange' : 'service.feeRenew');
}

export function FeeStep({
  businessType,
  person,
  payment,
  setPayment,
  medium,
  setMedium,
  fail,
  back,
  next,
}: {
  readonly businessType: CounterBusiness;
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
  const takesMedium = TAKES_MEDIUM.includes(businessType);
  const [stock, setStock] = useState<readonly Medium[] | null>(null);
  const [fees, setFees] = useState<FeeSchedule | null>(null);
  useEffect(() => {
    if (takesMedium)
      counterApi.media({ ...(branchId ? { branch: branchId } : {}), state: 'stock' }).then(setStock, fail);
    counterApi.fees().then(setFees, fail);
  }, []);
  const mediumFee = fees?.items.find((i) => i.code === 'medium.usbkey')?.amountFen ?? 0;
  return (
    <Card title={t('new.step.fee')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text strong>
          {t('new.fee')}：{feeText(t, businessType, person, mediumFee)}
        </Typography.Text>
        <Typography.Text>{t('new.payment')}</Typography.Text>
        <Radio.Group
          value={payment}
          onChange={(e) => setPayment(e.target.value as string)}
          options={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`new.payment.${m}` as MessageKey) }))}
        />
        {takesMedium && (
          <>
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
          </>
        )}
        <Space>
          <Button onClick={back}>{t('new.back')}</Button>
          <Button type="primary" disabled={takesMedium && !medium} onClick={next}>
            {t('new.next')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}

/** What issuing answered: the medium the pair went onto and its SO PIN, or the review it went to. */
export type Outcome =
  | {
      readonly state: 'completed';
      readonly applicationId: string;
      readonly medium: string | null;
      readonly soPin: string | null;
    }
  | { readonly state: 'review'; readonly applicationId: string };

export function IssueStep({
  businessType,
  outcome,
  back,
  submit,
}: {
  readonly businessType: CounterBusiness;
  readonly outcome: Outcome | null;
  readonly back: () => void;
  readonly submit: (csr: string, change: { name: string; legalRepresentative: string } | null) => void;
}) {
  const { t } = useI18n();
  const [csr, setCsr] = useState('');
  const [change, setChange] = useState({ name: '', legalRepresentative: '' });
  if (outcome?.state === 'completed')
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert
          type="success"
          showIcon
          message={outcome.medium ? t('new.issued', { medium: outcome.medium }) : t('service.issued')}
        />
        {outcome.soPin && (
          <Alert type="warning" showIcon message={t('new.soPin', { soPin: outcome.soPin })} />
        )}
        <Link to={`/counter/receipt/${outcome.applicationId}`}>
          <Button type="primary">{t('new.receipt')}</Button>
        </Link>
      </Space>
    );
  if (outcome?.state === 'review')
    return <Alert type="info" showIcon message={t('new.review', { id: outcome.applicationId })} />;
  const changeReady = businessType !== 'change' || change.name.trim() !== '';
  return (
    <Card title={t('new.csr')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        {businessType === 'change' && (
          <Space wrap>
            <Input
              aria-label={t('service.newName')}
              placeholder={t('service.newName')}
              value={change.name}
              onChange={(e) => setChange({ ...change, name: e.target.value })}
            />
            <Input
              aria-label={t('service.newRepresentative')}
              placeholder={t('service.newRepresentative')}
              value={change.legalRepresentative}
              onChange={(e) => setChange({ ...change, legalRepresentative: e.target.value })}
            />
          </Space>
        )}
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
          <Button
            type="primary"
            disabled={csr.trim() === '' || !changeReady}
            onClick={() => submit(csr.trim(), businessType === 'change' ? change : null)}
          >
            {t('new.submit')}
          </Button>
        </Space>
      </Space>
    </Card>
  );
}
