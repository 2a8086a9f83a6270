/**
 * Runs the BouncyCastle checker (tools/bc-check/BcCheck.java) from tests: compiles it once per
 * machine (into tools/bc-check/classes, rebuilt when the source changes), then answers a batch
 * of commands in one JVM. BouncyCastle comes from Debian's libbcprov-java / libbcpkix-java /
 * libbcutil-java, which `npm test` installs when missing (scripts/test.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkerDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bc-check');
const source = join(checkerDir, 'BcCheck.java');
const classes = join(checkerDir, 'classes');
const jarDir = process.env.BC_JAR_DIR ?? '/usr/share/java';
const classpath = ['bcprov.jar', 'bcpkix.jar', 'bcutil.jar'].map((jar) => join(jarDir, jar));

function ensureCompiled(): void {
  const compiled = join(classes, 'BcCheck.class');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(source).mtimeMs) return;
  for (const jar of classpath) {
    if (!existsSync(jar))
      throw new Error(
        `${jar} is missing: run "npm test" (it installs BouncyCastle) or apt-get install libbcprov-java libbcpkix-java libbcutil-java`,
      );
  }
  mkdirSync(classes, { recursive: true });
  // Test files run in parallel: compile aside, then rename into place (atomic), so no JVM
  // ever loads a half-written class.
  const staging = mkdtempSync(join(checkerDir, 'classes-'));
  try {
    const result = spawnSync('javac', ['-nowarn', '-d', staging, '-cp', classpath.join(':'), source], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`javac failed: ${result.error?.message ?? result.stderr}`);
    renameSync(join(staging, 'BcCheck.class'), compiled);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** One answer of the checker: `ok` with its space-separated fields, or the error text. */
export interface BcAnswer {
  ok: boolean;
  fields: string[];
  error: string;
}

/** Runs `commands` (one per line, hex arguments, "-" for empty) and returns one answer each. */
export function runBc(commands: readonly string[]): BcAnswer[] {
  ensureCompiled();
  const result = spawnSync('java', ['-cp', [classes, ...classpath].join(':'), 'BcCheck'], {
    input: commands.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`BouncyCastle checker failed: ${result.error?.message ?? result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  if (lines.length !== commands.length)
    throw new Error(`expected ${commands.length} answers, got ${lines.length}`);
  return lines.map((line) => {
    const [status, ...rest] = line.split(' ');
    return status === 'ok'
      ? { ok: true, fields: rest, error: '' }
      : { ok: false, fields: [], error: rest.join(' ') };
  });
}

/** Hex argument for the checker ("-" for empty). */
export function bcHex(bytes: Uint8Array): string {
  return bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex');
}
