/**
 * Options shared by the business commands: the channel, and the agent (经办人) and materials of
 * an application (`--agent 姓名,身份证号[,手机]`, `--materials KIND:FILE[,KIND:FILE…]`, each file
 * hashed with SM3 here so only its hash, size and name reach the platform).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ApplicantDetails, Channel, MaterialDetails } from '@yizheng/core';
import { CliError } from '../cli-error.js';
import { readInput } from '../io.js';

const CHANNELS: readonly Channel[] = ['counter', 'online', 'api', 'mobile', 'cli'];

/** `--channel`, default `fallback`. */
export function channelOption(value: string | undefined, fallback: Channel = 'counter'): Channel {
  const channel = (value ?? fallback) as Channel;
  if (!CHANNELS.includes(channel))
    throw new CliError('YZ_ERR_USAGE', `--channel must be one of ${CHANNELS.join(', ')}`);
  return channel;
}

/** The option names to add to a command's `strings`. */
export const APPLICANT_OPTIONS = ['agent', 'materials'] as const;

/** `{ applicant }` from `--agent` and `--materials`, or `{}` when neither is given. */
export function applicantOption(values: { agent?: string; materials?: string }): {
  applicant?: ApplicantDetails;
} {
  const applicant: { agent?: ApplicantDetails['agent']; materials?: MaterialDetails[] } = {};
  if (values.agent !== undefined) {
    const [name, idNumber, phone] = values.agent.split(',').map((s) => s.trim());
    if (!name || !idNumber)
      throw new CliError(
        'YZ_ERR_USAGE',
        '--agent is NAME,ID-NUMBER[,MOBILE] (resident identity card number)',
      );
    applicant.agent = { name, idType: 'resident-id', idNumber, ...(phone ? { phone } : {}) };
  }
  if (values.materials !== undefined) {
    applicant.materials = values.materials.split(',').map((item) => {
      const colon = item.indexOf(':');
      if (colon <= 0) throw new CliError('YZ_ERR_USAGE', '--materials is KIND:FILE[,KIND:FILE…]');
      const path = item.slice(colon + 1);
      const bytes = readInput(path);
      return {
        kind: item.slice(0, colon) as MaterialDetails['kind'],
        fileName: basename(path),
        size: bytes.length,
        sm3: createHash('sm3').update(bytes).digest('hex'),
      };
    });
  }
  return applicant.agent || applicant.materials ? { applicant } : {};
}
