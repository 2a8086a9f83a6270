/**
 * The simulator's registry (法人综合库) as seeded data: 30 fictional legal persons of Zhejiang —
 * enterprises (91…), one public institution (12…, 事业单位) and one social organisation (51…,
 * 社会团体) — with the events a real registry carries: name and legal-representative changes
 * (变更), deregistrations (注销) and one licence revocation (吊销). Every name carries 示例
 * ("example") or 某某 so that none is taken for a real company.
 *
 * A row gives the first 17 characters of the unified social credit code (registration authority
 * and type, administrative division, organisation code); the check character is computed
 * (GB 32100-2015, modulus 31). A row's current data is the state after its events; a change
 * event's `from` is the earlier value, its `to` the current one.
 */
import type { RegistryEvent, RegistryFieldChange, RegistryRecord } from '@yizheng/core';

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * The 18-character code: `first17` plus its GB 32100 check character (the computation
 * `isValidUscc` of @yizheng/pki checks).
 * @example withUsccCheckCharacter('91330106MA2B3C4D5') // '91330106MA2B3C4D5D'
 */
export function withUsccCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NP-RTUWXY]{17}$/.test(first17))
    throw new RangeError(`${first17} is not 17 characters of the GB 32100 character set`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return first17 + USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** One seeded legal person and what happened to it. */
interface SeedRow {
  readonly code17: string;
  readonly name: string;
  readonly legalRepresentative: string;
  /** 成立日期, YYYY-MM-DD (China time). */
  readonly registered: string;
  readonly events?: readonly {
    readonly type: RegistryEvent['type'];
    /** YYYY-MM-DD. */
    readonly at: string;
    /** For a change: the earlier values. */
    readonly before?: { readonly name?: string; readonly legalRepresentative?: string };
    readonly note?: string;
  }[];
}

const ROWS: readonly SeedRow[] = [
  {
    code17: '91330106MA2B3C4D5',
    name: '杭州某某科技有限公司',
    legalRepresentative: '张三',
    registered: '2018-03-12',
  },
  {
    code17: '91330201MA2C3D4E5',
    name: '宁波某某贸易有限公司',
    legalRepresentative: '李四',
    registered: '2017-09-26',
  },
  {
    code17: '91330108MA27XK3P1',
    name: '杭州示例网络技术有限公司',
    legalRepresentative: '王芳',
    registered: '2016-05-18',
  },
  {
    code17: '91330000MA2D0A1B2',
    name: '浙江示例（集团）有限公司',
    legalRepresentative: '陈建国',
    registered: '2003-11-04',
  },
  {
    code17: '91330110MA2H4L7Q8',
    name: '示例（杭州）信息技术有限公司',
    legalRepresentative: '刘洋',
    registered: '2019-07-30',
  },
  {
    code17: '91330109MA2J6N8R3',
    name: '杭州萧山示例机械制造有限公司',
    legalRepresentative: '赵磊',
    registered: '2008-04-15',
  },
  {
    code17: '91330203MA2K1P5T6',
    name: '宁波示例港口物流有限公司',
    legalRepresentative: '孙丽',
    registered: '2011-06-21',
  },
  {
    code17: '91330212MA2L8Q2U4',
    name: '宁波鄞州示例电子有限公司',
    legalRepresentative: '周杰',
    registered: '2014-02-11',
    events: [{ type: 'change', at: '2026-02-10', before: { legalRepresentative: '周建新' } }],
  },
  {
    code17: '91330302MA2M3R7W9',
    name: '温州示例鞋业有限公司',
    legalRepresentative: '吴晓明',
    registered: '2006-08-09',
  },
  {
    code17: '91330381MA2N5T1X2',
    name: '瑞安市示例汽摩配件有限公司',
    legalRepresentative: '郑海',
    registered: '2010-12-01',
  },
  {
    code17: '91330402MA2P7U4Y6',
    name: '嘉兴示例纺织有限公司',
    legalRepresentative: '冯敏',
    registered: '2009-03-17',
  },
  {
    code17: '91330502MA2Q9W6A3',
    name: '湖州示例竹木制品有限公司',
    legalRepresentative: '蒋涛',
    registered: '2012-05-08',
    events: [
      { type: 'deregistration', at: '2025-06-30', note: '湖州市吴兴区市场监督管理局 准予注销登记通知书' },
    ],
  },
  {
    code17: '91330602MA2R2X8B5',
    name: '绍兴示例黄酒有限公司',
    legalRepresentative: '沈玉',
    registered: '2005-10-20',
  },
  {
    code17: '91330681MA2T4Y1C7',
    name: '诸暨市示例袜业有限公司',
    legalRepresentative: '韩冬',
    registered: '2013-07-02',
    events: [{ type: 'deregistration', at: '2025-11-12', note: '简易注销 simplified deregistration' }],
  },
  {
    code17: '91330702MA2U6A3D9',
    name: '金华示例五金工具有限公司',
    legalRepresentative: '杨帆',
    registered: '2015-01-28',
  },
  {
    code17: '91330782MA2W8B5E1',
    name: '义乌市示例小商品贸易有限公司',
    legalRepresentative: '朱红',
    registered: '2012-09-14',
    events: [{ type: 'change', at: '2025-04-22', before: { legalRepresentative: '朱建平' } }],
  },
  {
    code17: '91330802MA2X1C7F3',
    name: '衢州示例新材料有限公司',
    legalRepresentative: '秦岭',
    registered: '2020-04-07',
  },
  {
    code17: '91330902MA2Y3D9G5',
    name: '舟山示例海洋渔业有限公司',
    legalRepresentative: '许亮',
    registered: '2010-06-25',
    events: [{ type: 'revocation', at: '2025-09-05', note: '舟山市市场监督管理局 吊销营业执照' }],
  },
  {
    code17: '91331002MA2A5E2H7',
    name: '台州示例医药化工有限公司',
    legalRepresentative: '何静',
    registered: '2007-02-13',
  },
  {
    code17: '91331102MA2B7F4J9',
    name: '丽水示例生态农业有限公司',
    legalRepresentative: '吕青',
    registered: '2016-11-03',
    events: [{ type: 'deregistration', at: '2026-01-20', note: '丽水市莲都区市场监督管理局 注销登记' }],
  },
  {
    code17: '91330105MA2C9G6K2',
    name: '杭州拱墅示例文化传媒有限公司',
    legalRepresentative: '施诗',
    registered: '2017-03-08',
    events: [{ type: 'change', at: '2025-03-10', before: { name: '杭州下城示例文化传媒有限公司' } }],
  },
  {
    code17: '91330114MA2D2H8L4',
    name: '杭州钱塘示例生物医药有限公司',
    legalRepresentative: '张伟',
    registered: '2021-08-19',
  },
  {
    code17: '91330113MA2E4J1M6',
    name: '杭州临平示例服饰有限公司',
    legalRepresentative: '李娜',
    registered: '2021-10-12',
  },
  {
    code17: '91330282MA2F6K3N8',
    name: '慈溪市示例家电有限公司',
    legalRepresentative: '王强',
    registered: '2004-05-27',
    events: [{ type: 'deregistration', at: '2024-12-18', note: '慈溪市市场监督管理局 注销登记' }],
  },
  {
    code17: '91330324MA2G8L5P1',
    name: '永嘉县示例泵阀有限公司',
    legalRepresentative: '陈静',
    registered: '2011-01-19',
  },
  {
    code17: '91330102MA2H1M7Q3',
    name: '杭州上城示例餐饮管理有限公司',
    legalRepresentative: '阿依古丽·买买提',
    registered: '2019-12-16',
  },
  {
    code17: '12330000470012345',
    name: '浙江省示例质量检测研究院',
    legalRepresentative: '刘建华',
    registered: '1998-06-01',
  },
  {
    code17: '51330000MJ8800123',
    name: '浙江省示例软件行业协会',
    legalRepresentative: '钱伟',
    registered: '2002-09-10',
  },
  {
    code17: '91330106MA2J3N9R5',
    name: '杭州西湖示例茶业有限公司',
    legalRepresentative: '龚秀英',
    registered: '2014-04-01',
  },
  {
    code17: '91330206MA2K5P2T7',
    name: '宁波北仑示例模具有限公司',
    legalRepresentative: '邵军',
    registered: '2009-08-05',
    events: [
      {
        type: 'change',
        at: '2025-08-15',
        before: { name: '宁波示例精密模具有限公司', legalRepresentative: '邵国平' },
      },
    ],
  },
];

/** A YYYY-MM-DD day at midnight China time (UTC+8). */
function chinaDay(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

const TERMINAL_STATUS = { deregistration: 'deregistered', revocation: 'revoked' } as const;

/** The seeded registry: records and events (oldest first), built fresh on each call. */
export function registrySeed(): { records: RegistryRecord[]; events: RegistryEvent[] } {
  const records: RegistryRecord[] = [];
  const events: { day: string; event: Omit<RegistryEvent, 'id'> }[] = [];
  for (const row of ROWS) {
    const uscc = withUsccCheckCharacter(row.code17);
    let status: RegistryRecord['status'] = 'active';
    let updatedAt = chinaDay(row.registered);
    for (const e of row.events ?? []) {
      const at = chinaDay(e.at);
      const changes: RegistryFieldChange[] = (['name', 'legalRepresentative'] as const)
        .filter((field) => e.before?.[field] !== undefined)
        .map((field) => ({ field, from: e.before![field]!, to: row[field] }));
      events.push({
        day: e.at,
        event: {
          uscc,
          type: e.type,
          at,
          ...(changes.length ? { changes } : {}),
          ...(e.note ? { note: e.note } : {}),
        },
      });
      if (e.type !== 'change') status = TERMINAL_STATUS[e.type];
      if (at > updatedAt) updatedAt = at;
    }
    records.push({
      uscc,
      name: row.name,
      legalRepresentative: row.legalRepresentative,
      status,
      registeredAt: chinaDay(row.registered),
      updatedAt,
    });
  }
  // ids as a registry numbers its notices: the day, then a running number
  const ordered = events.sort((a, b) => +a.event.at - +b.event.at);
  return {
    records,
    events: ordered.map(({ day, event }, i) => ({ id: `RE-${day.replaceAll('-', '')}-${i + 1}`, ...event })),
  };
}
