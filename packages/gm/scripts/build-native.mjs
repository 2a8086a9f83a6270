// Builds the optional native SM2 accelerator (native/sm2p256.c) during `npm ci`.
// It must never fail the install: without a compiler the package falls back to pure TypeScript
// (src/native.ts says so once at run time), so every error here is reported and swallowed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const npmRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
  const candidates = [
    npmRoot && join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

if (process.env.YIZHENG_NO_NATIVE === '1') {
  console.log('[@yizheng/gm] YIZHENG_NO_NATIVE=1: skipping the native SM2 accelerator');
} else {
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    console.warn('[@yizheng/gm] node-gyp not found: using the pure TypeScript SM2 implementation');
  } else {
    // Build against the headers of the Node that runs us (Debian puts them under /usr/include/node)
    // instead of letting node-gyp download them: these machines reach no such server.
    const args = [nodeGyp, 'rebuild', '-j', '2'];
    const localHeaders = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
    if (!process.env.npm_config_nodedir && existsSync(localHeaders)) {
      args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);
    }
    const result = spawnSync(process.execPath, args, {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (result.status === 0) {
      console.log('[@yizheng/gm] native SM2 accelerator built');
    } else {
      console.warn('[@yizheng/gm] native SM2 accelerator did not build; using pure TypeScript.');
      console.warn((result.stderr || result.stdout || '').split('\n').slice(-15).join('\n'));
    }
  }
}
