/**
 * A private OpenLDAP `slapd` (Debian package `slapd`, installed by `npm test`) for the publisher's
 * tests: its own temporary directory, a generated slapd.conf (core, cosine and inetorgperson
 * schemas plus schema/yizheng.schema; an mdb database for `o=Yizheng Test,c=CN`; a root DN with a
 * password), a free port on 127.0.0.1, and stop/start on the same data to play an outage. With
 * `tls` (a certificate and key file) it also listens for ldaps:// on a second port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { LdapClient } from '@yizheng/ldap';

const SCHEMA = fileURLToPath(new URL('../../packages/publish/schema/yizheng.schema', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class Slapd {
  readonly suffix = 'o=Yizheng Test,c=CN';
  readonly rootDn = 'cn=admin,o=Yizheng Test,c=CN';
  readonly rootPassword = 'publisher secret for tests';
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    /** The ldaps:// port, when started with `tls`. */
    readonly tlsPort?: number,
  ) {}

  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  /** `ldaps://127.0.0.1:<tlsPort>` (started with `tls` only). */
  get tlsUrl(): string {
    if (this.tlsPort === undefined) throw new Error('slapd was started without tls');
    return `ldaps://127.0.0.1:${this.tlsPort}`;
  }

  /** Writes the configuration and starts slapd; resolves once it answers. */
  static async start(options: { tls?: { certFile: string; keyFile: string } } = {}): Promise<Slapd> {
    const dir = mkdtempSync(join(tmpdir(), 'yz-slapd-'));
    mkdirSync(join(dir, 'db'));
    const slapd = new Slapd(dir, await freePort(), options.tls ? await freePort() : undefined);
    writeFileSync(
      join(dir, 'slapd.conf'),
      [
        'include /etc/ldap/schema/core.schema',
        'include /etc/ldap/schema/cosine.schema',
        'include /etc/ldap/schema/inetorgperson.schema',
        `include ${SCHEMA}`,
        `pidfile ${join(dir, 'slapd.pid')}`,
        ...(options.tls
          ? [`TLSCertificateFile ${options.tls.certFile}`, `TLSCertificateKeyFile ${options.tls.keyFile}`]
          : []),
        'modulepath /usr/lib/ldap',
        'moduleload back_mdb',
        'database mdb',
        'maxsize 104857600',
        `suffix "${slapd.suffix}"`,
        `rootdn "${slapd.rootDn}"`,
        `rootpw "${slapd.rootPassword}"`,
        `directory ${join(dir, 'db')}`,
        'index objectClass eq',
        'index uscc eq',
        '',
      ].join('\n'),
    );
    await slapd.resume();
    return slapd;
  }

  /** Starts slapd on the same port and data; resolves once it answers. */
  async resume(): Promise<void> {
    // -d 0: stay in the foreground (a child we can stop), logging nothing but errors
    const urls = this.tlsPort === undefined ? `${this.url}/` : `${this.url}/ ${this.tlsUrl}/`;
    const child = spawn('slapd', ['-f', join(this.dir, 'slapd.conf'), '-h', urls, '-d', '0']);
    this.#child = child;
    child.stderr.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    for (let waited = 0; ; waited += 50) {
      if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${this.#log}`);
      try {
        (await LdapClient.connect(this.port)).close();
        return;
      } catch {
        if (waited > 15_000) throw new Error(`slapd did not answer on ${this.url}: ${this.#log}`);
        await sleep(50);
      }
    }
  }

  /** Stops slapd (SIGKILL: an outage, not a shutdown) and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops slapd and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
