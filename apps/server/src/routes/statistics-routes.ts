/**
 * 业务统计 business statistics for the back office and regulators (R4, R25, R37): operations
 * (新办, 更新, 变更, 补办, 解锁, 撤销) by day, week or month of a date range and by branch, channel,
 * profile or business type; the certificates expiring soon; and both downloadable as CSV or
 * Excel. Readers are the statistics readers of `route-roles.ts` (a regulator sees these only).
 */
import {
  type CertificateRecord,
  type OperationStatistics,
  REPORTED_BUSINESS_TYPES,
  expiringCertificates,
  operationStatistics,
} from '@yizheng/core';
import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import {
  CSV_MEDIA_TYPE,
  type ExportTable,
  XLSX_MEDIA_TYPE,
  tablesToCsv,
  tablesToXlsx,
} from '../export/table-export.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { CertificateView, certificateView } from './certificate-views.js';
import { STATISTICS_READERS } from './route-roles.js';

const access = { roles: STATISTICS_READERS, scope: 'statistics:read' } as const;

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date YYYY-MM-DD (UTC+8)' });
const operationsQueryFields = {
  from: Day,
  to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last local day counted (inclusive)' }),
  granularity: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
    default: 'day',
  }),
  groupBy: Type.Union(
    [Type.Literal('businessType'), Type.Literal('branch'), Type.Literal('channel'), Type.Literal('profile')],
    { default: 'businessType' },
  ),
};
const OperationsQuery = Type.Object(operationsQueryFields, { additionalProperties: false });

const OperationsView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  granularity: Type.String(),
  groupBy: Type.String(),
  periods: Type.Array(Type.String(), { description: "each period's first day, in order" }),
  rows: Type.Array(
    Type.Object({
      period: Type.String(),
      businessType: Type.String(),
      group: Type.String({
        description: "the dimension's value; empty when not recorded (online: no branch)",
      }),
      count: Type.Integer(),
    }),
  ),
  totals: Type.Record(Type.String(), Type.Integer()),
  afterSales: Type.Integer({ description: '补办 + 解锁 + 变更 in the range' }),
});

/** Business types in the words of the exports (Chinese first). */
const BUSINESS_TYPE_NAMES: Readonly<Record<string, string>> = {
  new: '新办 new',
  renew: '更新 renew',
  change: '变更 change',
  reissue: '补办 reissue',
  unlock: '解锁 unlock',
  revoke: '撤销 revoke',
  recover: '密钥恢复 key recovery',
  import: '存量导入 stock import',
};

const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  counter: '网点柜台 counter',
  online: '网上 online',
  mobile: '移动 mobile',
  api: '接口 API',
  cli: '命令行 CLI',
};

const DIMENSION_NAMES: Readonly<Record<string, string>> = {
  businessType: '业务类型 business type',
  branch: '网点 branch',
  channel: '渠道 channel',
  profile: '证书类别 profile',
};

/** The report as export tables: the counts by period, and the totals. */
async function operationTables(platform: Platform, stats: OperationStatistics): Promise<ExportTable[]> {
  const branches = new Map(
    (await platform.store.read.listBranches()).map((b) => [b.id, `${b.name} (${b.id})`]),
  );
  const groupName = (group: string): string => {
    if (group === '') return '— 未记录 not recorded';
    if (stats.groupBy === 'branch') return branches.get(group) ?? group;
    if (stats.groupBy === 'channel') return CHANNEL_NAMES[group] ?? group;
    if (stats.groupBy === 'businessType') return BUSINESS_TYPE_NAMES[group] ?? group;
    return group;
  };
  const typeName = (type: string) => BUSINESS_TYPE_NAMES[type] ?? type;
  const counts: ExportTable = {
    name: '业务量 operations',
    header: ['期间 period', '业务类型 business type', DIMENSION_NAMES[stats.groupBy]!, '数量 count'],
    rows: stats.rows.map((row) => [row.period, typeName(row.businessType), groupName(row.group), row.count]),
  };
  const totals: ExportTable = {
    name: '合计 totals',
    header: ['业务类型 business type', '数量 count'],
    rows: [
      ...Object.entries(stats.totals).map(([type, count]) => [typeName(type), count]),
      ['售后合计 after-sales', stats.afterSales],
      ['统计区间 range', `${stats.from} – ${stats.to}`],
    ],
  };
  return [counts, totals];
}

/** The tables as a CSV or Excel download named `name`.csv/.xlsx. */
function sendTables(reply: FastifyReply, tables: ExportTable[], name: string, format: 'csv' | 'xlsx') {
  return reply
    .type(format === 'csv' ? CSV_MEDIA_TYPE : XLSX_MEDIA_TYPE)
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .header('cache-control', 'no-store')
    .send(format === 'csv' ? tablesToCsv(tables) : tablesToXlsx(tables));
}

const Format = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);
const FileResponse = {
  200: {
    description: 'the report file',
    content: {
      [CSV_MEDIA_TYPE]: { schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' }) },
      [XLSX_MEDIA_TYPE]: { schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' }) },
    },
  },
};

/** The expiring certificates as an export table. */
function expiringTable(days: number, certificates: readonly CertificateRecord[]): ExportTable {
  return {
    name: `即将到期 expiring ${days}d`,
    header: ['统一社会信用代码 USCC', '证书主题 subject', '序列号 serial', '有效期至 notAfter (UTC)'],
    rows: certificates.map((c) => [c.uscc ?? '', c.subject, c.serial, c.notAfter.toISOString()]),
  };
}

export function registerStatisticsRoutes(app: TypedApp, platform: Platform): void {
  const report = (query: Static<typeof OperationsQuery>) => operationStatistics(platform.store, query);

  app.get(
    '/statistics/operations',
    {
      config: { access },
      schema: {
        tags: ['back office'],
        summary: 'Operations by period and dimension 业务量统计 (R25)',
        description:
          `Business types ${REPORTED_BUSINESS_TYPES.join(', ')} (and any other done) counted per day, ` +
          'week (from Monday) or month of [from, to] in China Standard Time, by business type, branch, ' +
          'channel or profile. `revoke` counts plain revocations; the pairs a change or reissue ' +
          'replaced count as that change or reissue. A bad range is 400 YZ_ERR_INPUT.',
        querystring: OperationsQuery,
        response: { 200: OperationsView },
      },
    },
    async (request) => {
      const stats = await report(request.query);
      return { ...stats, periods: [...stats.periods], rows: [...stats.rows] };
    },
  );

  app.get(
    '/statistics/operations/export',
    {
      config: { access },
      schema: {
        tags: ['back office'],
        summary: 'Download the operations report as CSV or Excel 业务量统计导出 (R25)',
        description:
          'CSV: UTF-8 with a byte order mark (Excel reads the Chinese correctly), two tables (counts, ' +
          'totals) separated by a blank line. xlsx: one worksheet each.',
        querystring: Type.Object(
          { ...operationsQueryFields, format: Format },
          { additionalProperties: false },
        ),
        response: FileResponse,
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const tables = await operationTables(platform, await report(query));
      const name = `yizheng-statistics-${query.from}-${query.to}-${query.granularity}-${query.groupBy}`;
      return sendTables(reply, tables, name, format);
    },
  );

  app.get(
    '/statistics/expiring',
    {
      config: { access },
      schema: {
        tags: ['back office'],
        summary: 'Certificates expiring soon 即将到期证书 (R25)',
        description:
          'Valid signing certificates (one per dual pair) whose notAfter falls within `days` from now, ' +
          'soonest first: `total` counts them all, `certificates` lists the first `limit`.',
        querystring: Type.Object(
          {
            days: Type.Integer({ minimum: 1, maximum: 3660, default: 30 }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            days: Type.Integer(),
            total: Type.Integer(),
            certificates: Type.Array(CertificateView),
          }),
        },
      },
    },
    async (request) => {
      const { days, limit } = request.query;
      const found = await expiringCertificates(platform.store, { at: platform.clock.now(), days, limit });
      return { days, total: found.total, certificates: found.certificates.map(certificateView) };
    },
  );

  app.get(
    '/statistics/expiring/export',
    {
      config: { access },
      schema: {
        tags: ['back office'],
        summary: 'Download the certificates expiring soon as CSV or Excel 即将到期证书导出 (R25)',
        description:
          'Every valid signing certificate expiring within `days`, soonest first (at most 100,000).',
        querystring: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 3660, default: 30 }), format: Format },
          { additionalProperties: false },
        ),
        response: FileResponse,
      },
    },
    async (request, reply) => {
      const { days, format } = request.query;
      const found = await expiringCertificates(platform.store, {
        at: platform.clock.now(),
        days,
        limit: 100_000,
      });
      return sendTables(
        reply,
        [expiringTable(days, found.certificates)],
        `yizheng-expiring-${days}d`,
        format,
      );
    },
  );
}
