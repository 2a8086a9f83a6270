/**
 * After-sales services from the command line (issue 4; R17, R22, R24, R7): media into stock,
 * personalisation with a per-medium SO PIN, unlock by challenge/response (checked here with
 * Node's own SM4 as the key would), the fee schedule, the service policy and the retention purge.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const yz = cliRunner(scratch, 'counter-op');

/** R1 as the key computes it: SM4-ECB under first16(SHA1(pad16(SO PIN))) of pad16(random). */
function expectedR1(soPin: string, randomHex: string): string {
  const pad16 = (b: Buffer) => {
    const out = Buffer.alloc((Math.floor(b.length / 16) + 1) * 16);
    b.copy(out);
    out[b.length] = 0x80;
    return out;
  };
  const key = createHash('sha1')
    .update(pad16(Buffer.from(soPin)))
    .digest()
    .subarray(0, 16);
  const c = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(pad16(Buffer.from(randomHex, 'hex'))), c.final()])
    .toString('hex')
    .toUpperCase();
}

describe('yizheng media / unlock / fees / policy / purge', () => {
  it('ok/a counter operator personalises a USB-KEY and unlocks it; replays and bad input are refused with codes', () => {
    expect(yz(['ca', 'init', '--demo', '--pool', '3']).status).toBe(0);
    expect(yz(['gm', 'keygen', '--out', 'sign.key']).status).toBe(0);
    expect(
      yz([
        'req',
        'new',
        '--key',
        'sign.key',
        '--subject',
        'C=CN,O=嘉兴某某电子有限公司,CN=嘉兴某某电子有限公司',
        '--out',
        'req.pem',
      ]).status,
    ).toBe(0);
    writeFileSync(scratch.path('licence.pdf'), '营业执照扫描件 (fictional)');
    const issued = yz([
      'issue',
      '--csr',
      'req.pem',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      '嘉兴某某电子有限公司',
      '--out',
      'out',
      '--channel',
      'counter',
      '--agent',
      '王小明,330106199003070022,13800000000',
      '--materials',
      'business-licence:licence.pdf',
    ]);
    expect(issued.status, issued.stderr).toBe(0);
    const serial = /sign(?:ing)?[^\n]*?([0-9A-F]{20,})/i.exec(issued.stdout)?.[1];
    expect(serial, issued.stdout).toBeDefined();

    const received = yz(
      ['media', 'receive', '--model', 'FT-ePass3000GM', 'FT3000GM-880001', 'FT3000GM-880002'],
      'stock-op',
    );
    expect(received.status, received.stderr).toBe(0);
    expect(received.stdout).toMatch(/2 media received/);
    const personalised = yz(['media', 'personalise', '--medium', 'FT3000GM-880001', '--serial', serial!]);
    expect(personalised.status, personalised.stderr).toBe(0);
    const soPin = /SO PIN[^:]*: ([0-9A-F]{16})/.exec(personalised.stdout)?.[1];
    expect(soPin).toBeDefined();

    const random = 'A1B2C3D4E5F60718';
    const unlocked = yz([
      'unlock',
      '--medium',
      'FT3000GM-880001',
      '--challenge',
      random,
      '--evidence',
      'counter:法定代表人身份证核验',
      '--new-pin',
      'Qw7x9zK2',
    ]);
    expect(unlocked.status, unlocked.stderr).toBe(0);
    expect(/\(R1\): ([0-9A-F]{32})/.exec(unlocked.stdout)?.[1]).toBe(expectedR1(soPin!, random));
    expect(unlocked.stdout).toMatch(/charge 收费: 0\.00 元 waived/);

    const replay = yz([
      'unlock',
      '--medium',
      'FT3000GM-880001',
      '--challenge',
      random,
      '--evidence',
      'counter:x',
    ]);
    expect(replay.status).toBe(2);
    expect(replay.stderr).toMatch(/YZ_ERR_UNLOCK_REPLAY/);
    const stock = yz([
      'unlock',
      '--medium',
      'FT3000GM-880002',
      '--challenge',
      random,
      '--evidence',
      'counter:x',
    ]);
    expect(stock.stderr).toMatch(/YZ_ERR_MEDIUM_STATE/);
    expect(
      yz(['unlock', '--medium', 'FT3000GM-880001', '--challenge', random, '--evidence', 'nokind']).stderr,
    ).toMatch(/YZ_ERR_USAGE/);

    const soPinRead = yz(
      ['media', 'so-pin', '--medium', 'FT3000GM-880001', '--reason', '厂商检修'],
      'vendor-engineer',
    );
    expect(soPinRead.stdout.trim()).toBe(soPin);
    expect(yz(['media', 'so-pin', '--medium', 'FT3000GM-880001']).stderr).toMatch(/YZ_ERR_USAGE/);

    const history = yz(['history', '91330201MA2C3D4E55']);
    expect(history.stdout).toMatch(/media 介质:\n {2}FT3000GM-880001 {2}FT-ePass3000GM {2}issued/);
    expect(history.stdout).toMatch(/unlock/);
    expect(history.stdout).toMatch(/agent 经办人 王小明 330106\*{8}0022/);
    expect(history.stdout).toMatch(/material 材料 business-licence licence\.pdf SM3 [0-9a-f]{16}…/);
    expect(history.stdout).not.toMatch(/330106199003070022/);
    const badAgent = yz([
      'issue',
      '--csr',
      'req.pem',
      '--uscc',
      '91330201MA2C3D4E55',
      '--name',
      'x',
      '--agent',
      '王小明,330106199003070021',
    ]);
    expect(badAgent.stderr).toMatch(/YZ_ERR_INPUT.*GB 11643/);
    expect(yz(['audit', 'verify']).status).toBe(0);
  });

  it('ok/fee schedule, service policy and purge are operated from the CLI; bad values are refused', () => {
    const shown = yz(['fees', 'show']);
    expect(shown.stdout).toMatch(/version 1/);
    expect(shown.stdout).toMatch(/medium\.usbkey +80\.00 元/);
    writeFileSync(
      scratch.path('fees.json'),
      JSON.stringify([
        { code: 'medium.usbkey', name: 'USB-KEY 介质费', amountFen: 6800 },
        { code: 'service.change', name: '变更服务费', amountFen: 0 },
        { code: 'service.unlock', name: '解锁服务费', amountFen: 2000 },
      ]),
    );
    expect(yz(['fees', 'publish', 'fees.json'], 'finance').stdout).toMatch(
      /version 2 published with 3 items/,
    );
    expect(yz(['fees', 'show']).stdout).toMatch(/medium\.usbkey +68\.00 元/);
    writeFileSync(
      scratch.path('bad-fees.json'),
      JSON.stringify([{ code: 'Medium', name: '', amountFen: -1 }]),
    );
    expect(yz(['fees', 'publish', 'bad-fees.json']).stderr).toMatch(/YZ_ERR_INPUT/);

    const set = yz(
      [
        'policy',
        'set',
        '--service-from',
        '2026-01-01',
        '--service-to',
        '2028-12-31',
        '--max-unlocks-per-day',
        '2',
      ],
      'admin',
    );
    expect(set.status, set.stderr).toBe(0);
    expect(yz(['policy', 'show']).stdout).toMatch(/2026-01-01T00:00:00.000Z → 2028-12-31T00:00:00.000Z/);
    expect(yz(['policy', 'set', '--retention-years', '3'], 'admin').stderr).toMatch(
      /YZ_ERR_INPUT.*five years/,
    );
    expect(yz(['policy', 'set', '--service-from', '2026-01-01']).stderr).toMatch(/YZ_ERR_USAGE/);

    const dry = yz(['purge', '--dry-run'], 'admin');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would purge 0 certificates that ended before/);
    expect(yz(['audit', 'verify']).status).toBe(0);
  });
});
