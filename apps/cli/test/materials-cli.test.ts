/**
 * Materials management from the command line (R33): `yizheng media receive --branch --batch`,
 * `media list`, `media transfer`, `media scrap`, `media threshold`, `media warnings` (exit 1 when a
 * branch is short), and a bad move refused with its code.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const yz = cliRunner(scratch, 'cli:stock-li');

describe('yizheng media (materials)', () => {
  it('ok/receive, list, transfer, scrap, threshold and warnings', () => {
    for (const [id, region] of [
      ['hz-xihu-01', '330106'],
      ['nb-yinzhou', '330212'],
    ] as const)
      expect(
        yz(['branch', 'add', id, '--name', id, '--region', region, '--address', '某某路 1 号']).status,
      ).toBe(0);
    const received = yz([
      'media',
      'receive',
      '--model',
      'FT-ePass3000GM',
      '--branch',
      'hz-xihu-01',
      '--batch',
      'B2026-03',
      'CLI-0001',
      'CLI-0002',
      'CLI-0003',
    ]);
    expect(received.status, received.stderr).toBe(0);
    expect(received.stdout).toMatch(/3 media received .*branch hz-xihu-01, batch B2026-03/);
    const same = yz(['media', 'transfer', '--to', 'hz-xihu-01', 'CLI-0001']);
    expect(same.status).toBe(2);
    expect(same.stderr).toMatch(/YZ_ERR_MEDIUM_MOVE/);
    expect(yz(['media', 'transfer', '--to', 'nb-yinzhou', '--reason', '鄞州缺货', 'CLI-0003']).status).toBe(
      0,
    );
    expect(yz(['media', 'scrap', '--medium', 'CLI-0002', '--reason', '外壳破损']).status).toBe(0);
    const listed = yz(['media', 'list', '--batch', 'B2026-03']);
    expect(listed.stdout.split('\n').filter(Boolean)).toEqual([
      'CLI-0001\tFT-ePass3000GM\tB2026-03\thz-xihu-01\tstock\t',
      'CLI-0002\tFT-ePass3000GM\tB2026-03\thz-xihu-01\tretired\t',
      'CLI-0003\tFT-ePass3000GM\tB2026-03\tnb-yinzhou\ttransit\t',
    ]);
    expect(
      yz(['media', 'threshold', '--branch', 'hz-xihu-01', '--model', 'FT-ePass3000GM', '--minimum', '2'])
        .status,
    ).toBe(0);
    const warnings = yz(['media', 'warnings']);
    expect(warnings.status).toBe(1);
    expect(warnings.stdout).toMatch(/hz-xihu-01 FT-ePass3000GM 1 in stock < 2/);
  });
});
