/**
 * `yizheng serve` as a real child process for the fault tests (issue 5 "Load, latency and
 * faults"): started on free ports, its URL and first-run password read from what it prints, and
 * an HTTP client for its API — so a test can kill it, cut its database and watch what a client
 * sees.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');

/** What a client got: status, media type and the JSON body (undefined when not JSON). */
export interface Answer {
  readonly status: number;
  readonly type: string;
  readonly json: Record<string, unknown>;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** The `admin` password of a first run, when it printed one. */
  readonly firstRunPassword: string | undefined;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  /** A JSON call to the API; `timeoutMs` bounds the wait (a hang is a failure, not a pass). */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; timeoutMs?: number },
  ): Promise<Answer>;
}

/** The built CLI, started as `serve --http-port 0 --ldap-port 0 --data dataDir` with `env`. */
export async function startServeProcess(
  dataDir: string,
  env: Readonly<Record<string, string>>,
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--http-port', '0', '--ldap-port', '0', '--data', dataDir],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        YIZHENG_MASTER_KEY: '',
        YIZHENG_KMC_MASTER_KEY: '',
        YIZHENG_LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const found = /serving on (http:\/\/\S+)/.exec(printed);
      if (found) resolve(found[1]!);
    };
    child.stdout!.on('data', look);
    void exited.then((code) =>
      reject(new Error(`serve exited (${String(code)}) before serving:\n${printed}`)),
    );
  });
  const call: ServeProcess['call'] = async (method, path, options = {}) => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      // the process died or hung: what it printed last says why
      throw new Error(`${method} ${path}: ${String(error)}; the server printed:\n${printed.slice(-4000)}`);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (a certificate download, an OCSP response): status and type say enough
    }
    return { status: response.status, type: response.headers.get('content-type') ?? '', json };
  };
  return {
    child,
    url,
    output: () => printed,
    firstRunPassword: /password \(shown once\): (\S+)/.exec(printed)?.[1],
    exited,
    call,
  };
}

/** Logs in with a password and returns the session token. */
export async function login(server: ServeProcess, name: string, password: string): Promise<string> {
  const answer = await server.call('POST', '/api/v1/session/password', { body: { login: name, password } });
  if (answer.status !== 200)
    throw new Error(`login ${name}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json.token as string;
}

/** As `admin`: opens branch hz-xihu-01 and makes a counter operator there; returns its token. */
export async function counterOperator(server: ServeProcess, adminToken: string): Promise<string> {
  const branch = await server.call('POST', '/api/v1/branches', {
    token: adminToken,
    body: { id: 'hz-xihu-01', name: '西湖区网点', regionCode: '330106', address: '杭州市西湖区某某路 1 号' },
  });
  if (branch.status !== 201) throw new Error(`branch: ${JSON.stringify(branch.json)}`);
  const password = 'Xihu-Desk-2026';
  const operator = await server.call('POST', '/api/v1/operators', {
    token: adminToken,
    body: {
      login: 'teller',
      name: '受理员 某某',
      roles: ['branch-operator'],
      password,
      branchId: 'hz-xihu-01',
    },
  });
  if (operator.status !== 201) throw new Error(`operator: ${JSON.stringify(operator.json)}`);
  return login(server, 'teller', password);
}
