/**
 * Accounts from the command line (issue 5 "Authentication"): `branch add`, `operator add`,
 * `operator passwd`, `client add`. Whoever runs these holds the database and its master secrets,
 * so the command line acts as a CA administrator (audited under YIZHENG_OPERATOR). Generated
 * passwords and API keys are printed once and never stored in clear.
 */
import {
  type AccountActor,
  createApiClient,
  createBranch,
  createOperator,
  resetOperatorPassword,
} from '@yizheng/core';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, required } from '../io.js';
import { OPERATOR } from './commands.js';
import { withPlatform } from './context.js';

const CLI_ADMIN: AccountActor = { name: OPERATOR, roles: ['ca-admin'], branchId: null };

function list(value: string | undefined, name: string): string[] {
  return required(value, name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function positional(positionals: readonly string[], what: string): string {
  const [value] = positionals;
  if (value === undefined) throw new CliError('YZ_ERR_USAGE', `give the ${what}`);
  return value;
}

/** branch add ID --name N --region CODE --address A */
export async function branchAdd(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'name', 'region', 'address'],
    positionals: 1,
  });
  const id = positional(positionals, 'branch id');
  return withPlatform(values, async (p) => {
    const branch = await createBranch(
      p,
      {
        id,
        name: required(values.name, 'name'),
        regionCode: required(values.region, 'region'),
        address: required(values.address, 'address'),
      },
      CLI_ADMIN,
    );
    process.stdout.write(`branch ${branch.id} opened 已创建网点: ${branch.name} (${branch.regionCode})\n`);
    return Exit.OK;
  });
}

/** operator add LOGIN --name N --roles r1,r2 [--branch B] */
export async function operatorAdd(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'name', 'roles', 'branch'],
    positionals: 1,
  });
  const login = positional(positionals, 'login');
  const roles = list(values.roles, 'roles');
  return withPlatform(values, async (p) => {
    const { operator, generatedPassword } = await createOperator(
      p,
      { login, name: required(values.name, 'name'), roles, branchId: values.branch ?? null },
      CLI_ADMIN,
    );
    process.stdout.write(
      [
        `operator ${operator.login} created 已创建操作员: ${operator.name}, roles ${operator.roles.join(', ')}` +
          (operator.branchId ? `, branch ${operator.branchId}` : ''),
        `password (shown once; change it after the first login 首次登录后请修改): ${generatedPassword}`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

/** operator passwd LOGIN: a new generated password, printed once; clears a lockout. */
export async function operatorPasswd(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { strings: ['data'], positionals: 1 });
  const login = positional(positionals, 'login');
  return withPlatform(values, async (p) => {
    const { generatedPassword } = await resetOperatorPassword(p, { login }, CLI_ADMIN);
    process.stdout.write(
      [
        `password of ${login} reset 口令已重置; its sessions are ended and any lockout cleared`,
        `password (shown once): ${generatedPassword}`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

/** client add NAME --department D --scopes s1,s2 */
export async function clientAdd(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    strings: ['data', 'department', 'scopes'],
    positionals: 1,
  });
  const name = positional(positionals, 'client name');
  const scopes = list(values.scopes, 'scopes');
  return withPlatform(values, async (p) => {
    const { client, key } = await createApiClient(
      p,
      { name, department: required(values.department, 'department'), scopes },
      CLI_ADMIN,
    );
    process.stdout.write(
      [
        `API client ${client.id} created 已创建接入应用: ${client.name} (${client.department}), scopes ${client.scopes.join(', ')}`,
        `key (shown once; send as Authorization: Bearer <key>): ${key}`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}
