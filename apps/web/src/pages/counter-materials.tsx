/**
 * `/counter/materials` 物资管理 (R33 "material (USB-KEY stock) management: query and track stock"):
 * the branch's low-stock warnings as a banner, its stock by model and state, receipt (入库) with
 * model and batch, transfers out (调拨) and signing for incoming ones, scrapping (报废) with a reason,
 * the threshold (branch managers), and the movement log — all through docs/api.md "Materials".
 */
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { currentSession } from '../api.js';
import { type Branch, type Medium, type Movement, type Stock, counterApi } from '../api/counter.js';
import { type MessageKey, useI18n } from '../i18n.js';
import { ErrorState, Show, asApiError, useLoad } from '../load.js';
import { MediaSearch } from './counter-media-search.js';
import type { ApiError } from '../api.js';

const STATE_COLOURS: Readonly<Record<string, string>> = {
  stock: 'green',
  transit: 'blue',
  issued: 'purple',
  lost: 'orange',
  returned: 'default',
  retired: 'red',
};

interface Data {
  readonly stock: Stock;
  readonly media: readonly Medium[];
  readonly movements: readonly Movement[];
  readonly branches: readonly Branch[];
}

type Move = { readonly kind: 'transfer' | 'scrap' | 'return'; readonly serial: string };

const MOVE_TITLES: Readonly<Record<Move['kind'], MessageKey>> = {
  transfer: 'materials.transfer',
  scrap: 'materials.scrap',
  return: 'materials.return',
};

export function useStateLabel(): (state: string) => string {
  const { t } = useI18n();
  return (state) => t(`medium.state.${state}` as MessageKey);
}

export function CounterMaterialsPage() {
  const { t } = useI18n();
  const branchId = currentSession()?.principal.branchId ?? undefined;
  const canSetThreshold = currentSession()?.principal.roles.some(
    (r) => r === 'branch-manager' || r === 'ca-admin',
  );
  const [loaded, reload] = useLoad<Data>(async () => ({
    stock: await counterApi.stock(branchId),
    media: await counterApi.media({ ...(branchId ? { branch: branchId } : {}) }),
    movements: await counterApi.movements(branchId),
    branches: await counterApi.branches(),
  }));
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [move, setMove] = useState<Move | null>(null);
  const act = (work: Promise<unknown>, message?: string) => {
    setFailure(null);
    setDone(null);
    work.then(
      () => {
        setMove(null);
        if (message) setDone(message);
        reload();
      },
      (error: unknown) => setFailure(asApiError(error)),
    );
  };
  return (
    <>
      <Typography.Title level={2}>{t('nav.materials')}</Typography.Title>
      {branchId && <Typography.Paragraph>{t('materials.branch', { branch: branchId })}</Typography.Paragraph>}
      {failure && <ErrorState error={failure} />}
      {done && <Alert type="success" showIcon message={done} style={{ marginBottom: 16 }} />}
      <Show loaded={loaded} retry={reload}>
        {(data) => (
          <Materials
            data={data}
            branchId={branchId}
            canSetThreshold={canSetThreshold === true}
            act={act}
            onMove={setMove}
            fail={setFailure}
          />
        )}
      </Show>
      {move && loaded.state === 'done' && (
        <MoveDialog
          move={move}
          branches={loaded.value.branches}
          branchId={branchId}
          act={act}
          close={() => setMove(null)}
        />
      )}
    </>
  );
}

function Materials({
  data,
  branchId,
  canSetThreshold,
  act,
  onMove,
  fail,
}: {
  readonly data: Data;
  readonly branchId: string | undefined;
  readonly canSetThreshold: boolean;
  readonly act: (work: Promise<unknown>, message?: string) => void;
  readonly onMove: (move: Move) => void;
  readonly fail: (error: ApiError) => void;
}) {
  const { t } = useI18n();
  const stateLabel = useStateLabel();
  const own = data.media.filter((m) => m.state !== 'transit');
  const incoming = data.media.filter((m) => m.state === 'transit');
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {data.stock.warnings.map((w) => (
        <Alert
          key={`${w.branchId}/${w.model}`}
          type="warning"
          showIcon
          role="alert"
          message={t('materials.lowStock', { model: w.model, inStock: w.inStock, minimum: w.minimum })}
        />
      ))}
      <Card title={t('materials.summary')} size="small">
        <Table
          rowKey={(c) => `${c.model}/${c.state}`}
          size="small"
          pagination={false}
          dataSource={[...data.stock.counts]}
          columns={[
            { title: t('materials.model'), dataIndex: 'model' },
            { title: t('materials.state'), dataIndex: 'state', render: (s: string) => stateLabel(s) },
            { title: t('materials.count'), dataIndex: 'count', align: 'right' },
          ]}
        />
      </Card>
      <Card title={t('materials.receive')} size="small">
        <Form<{ model: string; batch?: string; serials: string }>
          name="receive"
          layout="vertical"
          onFinish={({ model, batch, serials }) => {
            const list = serials
              .split(/[\s,]+/)
              .map((s) => s.trim())
              .filter((s) => s !== '');
            act(
              counterApi.receive({ model, ...(batch ? { batch } : {}), serials: list }),
              t('materials.received', { count: list.length }),
            );
          }}
        >
          <Space align="start" wrap>
            <Form.Item
              label={t('materials.model')}
              name="model"
              rules={[{ required: true }]}
              initialValue="FT-ePass3000GM"
            >
              <Input style={{ width: 200 }} />
            </Form.Item>
            <Form.Item label={t('materials.batch')} name="batch">
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label={t('materials.serials')} name="serials" rules={[{ required: true }]}>
              <Input.TextArea rows={3} style={{ width: 280 }} />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit">
            {t('materials.receiveSubmit')}
          </Button>
        </Form>
      </Card>
      {canSetThreshold && branchId && (
        <Card title={t('materials.threshold')} size="small">
          <Form<{ model: string; minimum: number }>
            name="threshold"
            layout="inline"
            onFinish={({ model, minimum }) => act(counterApi.setThreshold(branchId, model, minimum))}
          >
            <Form.Item
              label={t('materials.model')}
              name="model"
              rules={[{ required: true }]}
              initialValue="FT-ePass3000GM"
            >
              <Input style={{ width: 200 }} />
            </Form.Item>
            <Form.Item label={t('materials.minimum')} name="minimum" rules={[{ required: true }]}>
              <InputNumber min={0} />
            </Form.Item>
            <Button htmlType="submit">{t('materials.setThreshold')}</Button>
          </Form>
        </Card>
      )}
      {incoming.length > 0 && (
        <Card title={t('materials.incoming')} size="small">
          <Table<Medium>
            rowKey="serial"
            size="small"
            pagination={false}
            dataSource={incoming}
            columns={[
              { title: t('materials.serial'), dataIndex: 'serial' },
              { title: t('materials.model'), dataIndex: 'model' },
              {
                title: t('materials.actions'),
                key: 'actions',
                render: (_: unknown, m: Medium) => (
                  <Button onClick={() => act(counterApi.signFor([m.serial]))}>
                    {t('materials.signFor')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card title={t('materials.media')} size="small">
        <Table<Medium>
          rowKey="serial"
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={own}
          columns={[
            { title: t('materials.serial'), dataIndex: 'serial' },
            { title: t('materials.model'), dataIndex: 'model' },
            { title: t('materials.batch'), dataIndex: 'batch', render: (b: string | null) => b ?? '—' },
            {
              title: t('materials.state'),
              dataIndex: 'state',
              render: (s: string) => <Tag color={STATE_COLOURS[s]}>{stateLabel(s)}</Tag>,
            },
            { title: t('materials.holder'), dataIndex: 'uscc', render: (u: string | null) => u ?? '—' },
            {
              title: t('materials.actions'),
              key: 'actions',
              render: (_: unknown, m: Medium) => (
                <Space>
                  {m.state === 'stock' && (
                    <>
                      <Button size="small" onClick={() => onMove({ kind: 'transfer', serial: m.serial })}>
                        {t('materials.transfer')}
                      </Button>
                      <Button size="small" danger onClick={() => onMove({ kind: 'scrap', serial: m.serial })}>
                        {t('materials.scrap')}
                      </Button>
                    </>
                  )}
                  {(m.state === 'stock' || m.state === 'issued') && (
                    <Button size="small" onClick={() => onMove({ kind: 'return', serial: m.serial })}>
                      {t('materials.return')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <MediaSearch fail={fail} />
      <Card title={t('materials.movements')} size="small">
        <Table<Movement>
          rowKey="id"
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={[...data.movements]}
          columns={[
            {
              title: t('materials.at'),
              dataIndex: 'at',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            { title: t('materials.serial'), dataIndex: 'mediumSerial' },
            {
              title: t('materials.kind'),
              dataIndex: 'kind',
              render: (k: string) => t(`movement.${k}` as MessageKey),
            },
            { title: t('materials.from'), dataIndex: 'fromBranch', render: (b: string | null) => b ?? '—' },
            { title: t('materials.to'), dataIndex: 'toBranch', render: (b: string | null) => b ?? '—' },
            { title: t('materials.state'), dataIndex: 'toState', render: (s: string) => stateLabel(s) },
            { title: t('materials.actor'), dataIndex: 'actor' },
            { title: t('materials.reason'), dataIndex: 'reason', render: (r: string | null) => r ?? '' },
          ]}
        />
      </Card>
    </Space>
  );
}

function MoveDialog({
  move,
  branches,
  branchId,
  act,
  close,
}: {
  readonly move: Move;
  readonly branches: readonly Branch[];
  readonly branchId: string | undefined;
  readonly act: (work: Promise<unknown>) => void;
  readonly close: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ toBranch?: string; to?: 'stock' | 'vendor'; reason?: string }>();
  const title = `${t(MOVE_TITLES[move.kind])} ${move.serial}`;
  return (
    <Modal
      open
      title={title}
      okText={t('materials.confirm')}
      onCancel={close}
      onOk={() =>
        void form
          .validateFields()
          .then(({ toBranch, to, reason }) =>
            act(
              move.kind === 'transfer'
                ? counterApi.transfer([move.serial], toBranch!, reason)
                : move.kind === 'return'
                  ? counterApi.returnMedium(move.serial, to!, reason!)
                  : counterApi.scrap(move.serial, reason!),
            ),
          )
      }
    >
      <Form form={form} name="move" layout="vertical">
        {move.kind === 'transfer' && (
          <Form.Item label={t('materials.toBranch')} name="toBranch" rules={[{ required: true }]}>
            <Radio.Group
              options={branches
                .filter((b) => b.active && b.id !== branchId)
                .map((b) => ({ value: b.id, label: `${b.name} (${b.id})` }))}
            />
          </Form.Item>
        )}
        {move.kind === 'return' && (
          <Form.Item label={t('materials.returnTo')} name="to" rules={[{ required: true }]}>
            <Radio.Group
              options={(['stock', 'vendor'] as const).map((to) => ({
                value: to,
                label: t(to === 'stock' ? 'materials.returnToStock' : 'materials.returnToVendor'),
              }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label={t('materials.reason')}
          name="reason"
          rules={move.kind === 'transfer' ? [] : [{ required: true, message: t('materials.reasonRequired') }]}
        >
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
