/**
 * The embedded default's demo branch counter (issue 6 "Done when": a new user logs in as the
 * seeded demo operator): on the first run, beside the demo CA and `admin`, a demo service branch
 * 网点 (西湖区, region 330106), a counter operator 受理员 `counter` (branch-operator there) with a
 * random password returned once, and a few demo USB-KEYs 介质 in that branch's stock — so the
 * counter can issue a certificate onto a key at once (R33 walk-in business and materials).
 * Every step goes through the ordinary, audited domain functions. Never run for a real CA:
 * `yizheng serve` calls it only when it has just created the demo CA.
 */
import type { AccountActor } from './account-model.js';
import { createBranch } from './branches.js';
import { type MediaContext, receiveMedia } from './media.js';
import { createOperator } from './operators.js';

/** The demo branch, operator and stock (model and batch say "DEMO" so nobody takes them for real keys). */
export const DEMO_COUNTER = {
  branch: {
    id: 'hz-xihu',
    name: '西湖区演示网点 Xihu demo branch',
    regionCode: '330106',
    address: '杭州市西湖区演示路 1 号（演示）',
  },
  login: 'counter',
  model: 'DEMO-ePass3000GM',
  batch: 'DEMO-2026-01',
  serials: ['DEMO-XH-0001', 'DEMO-XH-0002', 'DEMO-XH-0003', 'DEMO-XH-0004', 'DEMO-XH-0005'],
} as const;

/**
 * Creates the demo branch, its counter operator and stock unless the branch exists already
 * (idempotent); returns the operator's generated password once, or undefined when nothing was made.
 */
export async function ensureDemoCounter(
  context: MediaContext,
  actorName: string,
): Promise<{ login: string; password: string; branchId: string; media: number } | undefined> {
  if (await context.store.read.getBranch(DEMO_COUNTER.branch.id)) return undefined;
  const actor: AccountActor = { name: actorName, roles: ['ca-admin'], branchId: null };
  await createBranch(context, DEMO_COUNTER.branch, actor);
  const { generatedPassword } = await createOperator(
    context,
    {
      login: DEMO_COUNTER.login,
      name: '演示受理员 demo counter operator',
      roles: ['branch-operator'],
      branchId: DEMO_COUNTER.branch.id,
    },
    actor,
  );
  const media = await receiveMedia(context, {
    serials: DEMO_COUNTER.serials,
    model: DEMO_COUNTER.model,
    batch: DEMO_COUNTER.batch,
    branchId: DEMO_COUNTER.branch.id,
    actor: actorName,
  });
  return {
    login: DEMO_COUNTER.login,
    password: generatedPassword!,
    branchId: DEMO_COUNTER.branch.id,
    media: media.length,
  };
}
