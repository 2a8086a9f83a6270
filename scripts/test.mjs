#!/usr/bin/env node
// `npm test`: installs the system packages the tests need (when missing, with apt-get, as root),
// then runs the type check, the linters and every test of every workspace, and ends with one
// plain summary line "N passed, N failed" that CI can read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** System packages the suite needs: [what to check, Debian package]. */
const SYSTEM_PACKAGES = [
  ['/usr/share/java/bcprov.jar', 'libbcprov-java'],
  ['/usr/share/java/bcpkix.jar', 'libbcpkix-java'],
  ['/usr/share/java/bcutil.jar', 'libbcutil-java'],
  ['java', 'default-jre-headless'],
  ['javac', 'default-jdk-headless'],
  ['openssl', 'openssl'],
  ['ldapsearch', 'ldap-utils'],
  ['/usr/sbin/slapd', 'slapd'],
  ['/usr/bin/chromium', 'chromium'],
  // a CJK font, so that the browser tests' screenshots show Chinese rather than boxes
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'fonts-wqy-microhei'],
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(label, command, args, options = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter(([what]) =>
    what.startsWith('/') ? !existsSync(what) : !onPath(what),
  ).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const install = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(`The tests need system packages that are missing. Run as root:\n  ${install}`);
    process.exit(1);
  }
  console.log(`Installing system packages for the tests: ${missing.join(', ')}`);
  run('apt-get install', 'sh', ['-c', install], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

ensureSystemPackages();
run('type check (sources)', 'npx', ['tsc', '-b']);
run('type check (tests)', 'npx', ['tsc', '-p', 'tsconfig.test.json']);
run('lint', 'npx', ['eslint', '.']);
run('format', 'npx', ['prettier', '--check', '.']);

const reportDir = join(root, '.test-output');
mkdirSync(reportDir, { recursive: true });
const report = join(reportDir, 'vitest.json');
const tests = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { cwd: root, stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  skipped = summary.numPendingTests + summary.numTodoTests;
}
if (tests.status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(tests.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
