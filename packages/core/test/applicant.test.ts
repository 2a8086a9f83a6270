/**
 * The agent (经办人) and materials of an application (design §3; R27 history): kept with the
 * application, identity number checked by GB 11643, materials by SM3 hash; bad details refused
 * before anything is issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sm3, toHex, utf8 } from '@yizheng/gm';
import {
  FixedClock,
  type IssuanceContext,
  checkApplicant,
  isValidResidentId,
  issueDual,
  maskIdNumber,
} from '../src/index.js';
import { type TestStore, openTestStore } from '../../../tools/test-support/stores.js';
import { csrDer, demoContext } from '../../../tools/test-support/core-context.js';
import { testUscc } from '../../../tools/test-support/uscc.js';

const AGENT_ID = '330106199003070022';

describe('applicant details', () => {
  it.each([
    ['ok/valid 18-character number', AGENT_ID, true],
    ['ok/check character X', '11010519491231002X', true],
    ['error/wrong check character', '330106199003070023', false],
    ['error/15-character old number', '330106900307002', false],
    ['error/letters', '33010619900307002A', false],
  ])('%s', (_name, id, valid) => expect(isValidResidentId(id)).toBe(valid));

  it('ok/masks identity numbers for display', () => {
    expect(maskIdNumber(AGENT_ID)).toBe('330106********0022');
  });

  it('error/bad agent or material details are coded input errors', () => {
    const material = {
      kind: 'business-licence' as const,
      fileName: '营业执照.pdf',
      size: 10,
      sm3: 'ab'.repeat(32),
    };
    expect(() =>
      checkApplicant({ agent: { name: '王小明', idType: 'resident-id', idNumber: '330106199003070023' } }),
    ).toThrow(expect.objectContaining({ code: 'YZ_ERR_INPUT' }));
    expect(() => checkApplicant({ agent: { name: ' ', idType: 'resident-id', idNumber: AGENT_ID } })).toThrow(
      /name/,
    );
    expect(() =>
      checkApplicant({
        agent: { name: '王小明', idType: 'resident-id', idNumber: AGENT_ID, phone: '2380000000' },
      }),
    ).toThrow(/mobile/);
    expect(() => checkApplicant({ materials: [{ ...material, sm3: 'xyz' }] })).toThrow(/SM3/);
    expect(() => checkApplicant({ materials: [{ ...material, kind: 'photo' as never }] })).toThrow(/kind/);
    expect(checkApplicant({ materials: [{ ...material, sm3: 'AB'.repeat(32) }] }).materials?.[0]?.sm3).toBe(
      'ab'.repeat(32),
    );
  });
});

describe('applicant details on issuance', () => {
  let t: TestStore;
  let context: IssuanceContext;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    context = await demoContext(t.store, new FixedClock('2026-03-01T00:00:00Z'));
  });
  afterAll(async () => t?.dispose());

  const csr = () => csrDer('绍兴某某纺织有限公司');

  it('ok/the agent and material hashes are kept with the application', async () => {
    const licence = utf8('营业执照扫描件 (fictional)');
    const pair = await issueDual(context, {
      request: csr(),
      legalPerson: { uscc: testUscc(9100), name: '绍兴某某纺织有限公司', legalRepresentative: '钱七' },
      channel: 'counter',
      actor: 'op',
      applicant: {
        agent: { name: '王小明', idType: 'resident-id', idNumber: AGENT_ID, phone: '13800000000' },
        materials: [
          {
            kind: 'business-licence',
            fileName: '营业执照.pdf',
            size: licence.length,
            sm3: toHex(sm3(licence)),
          },
        ],
      },
    });
    expect((await t.store.read.getApplication(pair.applicationId))?.data).toMatchObject({
      agent: { name: '王小明', idType: 'resident-id', idNumber: AGENT_ID, phone: '13800000000' },
      materials: [
        {
          kind: 'business-licence',
          fileName: '营业执照.pdf',
          size: licence.length,
          sm3: toHex(sm3(licence)),
        },
      ],
    });
  });

  it('error/an invalid agent identity number issues nothing', async () => {
    const before = (await t.store.read.queryCertificates({})).length;
    await expect(
      issueDual(context, {
        request: csr(),
        legalPerson: { uscc: testUscc(9101), name: '绍兴某某纺织有限公司' },
        channel: 'counter',
        actor: 'op',
        applicant: { agent: { name: '王小明', idType: 'resident-id', idNumber: '330106199003070021' } },
      }),
    ).rejects.toMatchObject({ code: 'YZ_ERR_INPUT' });
    expect((await t.store.read.queryCertificates({})).length).toBe(before);
  });
});
