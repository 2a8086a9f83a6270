/**
 * Issue 6: the server serves the built web UI at `/` with the browser's router behind `/portal`,
 * `/counter` and `/admin`, leaves every other path to its own routes (an unknown one stays a
 * problem+json 404), and still starts when the UI has not been built.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerProblemHandlers } from '../src/plugins/problem.js';
import { registerWebUi } from '../src/plugins/web-ui.js';

const dir = mkdtempSync(join(tmpdir(), 'yz-web-ui-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const INDEX = '<!doctype html><title>一证</title><div id="root"></div>';

async function appWith(root: string) {
  const app = Fastify({ logger: false });
  registerProblemHandlers(app);
  const served = await registerWebUi(app, root);
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.ready();
  return { app, served };
}

describe('web UI serving (issue 6)', () => {
  it('ok/index at /, assets by name, and index.html for every path under the three faces', async () => {
    const root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'index-1.js'), 'console.log(1)');
    const { app, served } = await appWith(root);
    expect(served).toBe(true);
    for (const url of ['/', '/portal', '/counter', '/admin', '/admin/review', '/counter/login']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.body]).toEqual([url, 200, INDEX]);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    }
    expect((await app.inject({ url: '/assets/index-1.js' })).body).toBe('console.log(1)');
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    for (const url of ['/api/v1/nothing', '/nothing', '/administration', '/assets/missing.js']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.headers['content-type']]).toEqual([
        url,
        404,
        'application/problem+json; charset=utf-8',
      ]);
    }
    await app.close();
  });

  it('ok/without a build the server still serves its own routes', async () => {
    const { app, served } = await appWith(join(dir, 'not-built'));
    expect(served).toBe(false);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/admin' })).statusCode).toBe(404);
    await app.close();
  });
});
