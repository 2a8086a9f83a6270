/**
 * docs/api.md keeps step with the code (issue 5 "Every route declares which roles may call
 * it"): its role table is the core's `ROLES`, its scope table `API_SCOPES`, and its route × role
 * matrix is made from the access every registered /api/ route declares. Adding a route or
 * changing a declaration fails this test until the doc says the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_ROLES, API_SCOPES, ROLES } from '@yizheng/core';
import { DEFAULT_CONFIG, type DeclaredRoute, buildServer, openPlatform } from '../src/index.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/api.md'), 'utf8');
const dataDir = mkdtempSync(join(tmpdir(), 'yz-api-doc-'));
const platform = await openPlatform({ dataDir, note: () => undefined });
const server = await buildServer(platform, DEFAULT_CONFIG, { logger: false });
afterAll(async () => {
  await server.app.close();
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The text between `<!-- name:begin -->` and `<!-- name:end -->`, trimmed. */
function section(name: string): string {
  const found = new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc);
  if (!found) throw new Error(`docs/api.md has no section <!-- ${name}:begin --> … <!-- ${name}:end -->`);
  return found[1]!.trim();
}

function rolesTable(): string {
  return [
    '| role | held by | 说明 | description |',
    '|---|---|---|---|',
    ...ALL_ROLES.map((id) => `| \`${id}\` | ${ROLES[id].holder} | ${ROLES[id].zh} | ${ROLES[id].en} |`),
  ].join('\n');
}

function scopesTable(): string {
  return [
    '| scope | 说明 | description |',
    '|---|---|---|',
    ...Object.entries(API_SCOPES).map(([id, text]) => `| \`${id}\` | ${text.zh} | ${text.en} |`),
  ].join('\n');
}

function cell(route: DeclaredRoute, role: string): string {
  if (route.access === 'public') return '✓';
  if (!route.access.roles.includes(role as never)) return '·';
  return role === 'app-department' && route.access.scope ? `✓ \`${route.access.scope}\`` : '✓';
}

function accessMatrix(routes: readonly DeclaredRoute[]): string {
  const sorted = [...routes].sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
  return [
    `| route | anonymous | ${ALL_ROLES.join(' | ')} |`,
    `|---|---|${ALL_ROLES.map(() => '---').join('|')}|`,
    ...sorted.map(
      (route) =>
        `| \`${route.method} ${route.url}\` | ${route.access === 'public' ? '✓' : '·'} | ${ALL_ROLES.map((role) => cell(route, role)).join(' | ')} |`,
    ),
  ].join('\n');
}

describe('docs/api.md', () => {
  it('ok/the role table is the core role table', () => {
    expect(section('roles')).toBe(rolesTable());
  });

  it('ok/the scope table is the core scope table', () => {
    expect(section('scopes')).toBe(scopesTable());
  });

  it('ok/the route × role matrix is what the registered routes declare', () => {
    expect(section('access-matrix')).toBe(accessMatrix(server.apiRoutes));
  });
});
