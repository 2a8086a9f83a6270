/**
 * End to end with OpenLDAP's own clients from Debian's ldap-utils (R5, R6): ldapsearch,
 * ldapmodify, ldapdelete, ldapcompare and ldapwhoami against the embedded server serving the demo
 * DIT with real SM2 certificates and CRLs. The certificates ldapsearch writes to files (`-t`) must
 * be the exact DER the directory holds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '@yizheng/gm';
import { LdapServer, type LdapServerEvent } from '../src/index.js';
import {
  BASE_DN,
  CA_DN,
  PERSONS_DN,
  demoDirectory,
  serialHex,
  type DemoDirectory,
} from './demo-directory.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an ldap-utils command without blocking the event loop (the server runs in this process). */
function run(command: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    // LDAPNOINIT: ignore /etc/ldap/ldap.conf and ~/.ldaprc, so no BASE or URI of the machine leaks in.
    const child = spawn(command, args, { env: { ...process.env, LDAPNOINIT: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

let demo: DemoDirectory;
let server: LdapServer;
let url: string;
const events: LdapServerEvent[] = [];
let scratch: string;

beforeAll(async () => {
  demo = demoDirectory();
  server = new LdapServer({ backend: demo.directory, onEvent: (event) => events.push(event) });
  const { port } = await server.listen(0);
  url = `ldap://127.0.0.1:${port}`;
  scratch = mkdtempSync(join(tmpdir(), 'yz-ldapsearch-'));
});

afterAll(async () => {
  await server.close(1000);
  rmSync(scratch, { recursive: true, force: true });
});

function ldapsearch(...args: string[]): Promise<Run> {
  return run('ldapsearch', ['-x', '-H', url, '-LLL', '-o', 'ldif-wrap=no', ...args]);
}

function dns(output: string): string[] {
  return [...output.matchAll(/^dn: (.*)$/gm)].map((m) => m[1]!).sort();
}

/** `attribute → [file contents…]` from the LDIF of `ldapsearch -t`, in the order listed. */
function binaryValues(output: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [, name, path] of output.matchAll(/^(\S+):< file:\/\/(.+)$/gm)) {
    values.set(name!, [...(values.get(name!) ?? []), toHex(readFileSync(path!))]);
  }
  return values;
}

const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';

describe('ldapsearch against the embedded server', () => {
  it('ok/R5 anonymous bind and the root DSE', async () => {
    const result = await ldapsearch('-b', '', '-s', 'base', '+');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`namingContexts: ${BASE_DN}`);
    expect(result.stdout).toContain('supportedLDAPVersion: 3');
    expect(result.stdout).toContain('supportedControl: 1.2.840.113556.1.4.319');
    expect((await run('ldapwhoami', ['-x', '-H', url])).stdout.trim()).toBe('anonymous');
  });

  it('ok/R5 base, one and sub scopes', async () => {
    expect(dns((await ldapsearch('-b', BASE_DN, '-s', 'base', 'dn')).stdout)).toEqual([BASE_DN]);
    expect(dns((await ldapsearch('-b', BASE_DN, '-s', 'one', 'dn')).stdout)).toEqual(
      [CA_DN, PERSONS_DN].sort(),
    );
    const sub = await ldapsearch('-b', BASE_DN, '-s', 'sub', 'dn');
    expect(dns(sub.stdout)).toEqual(
      [BASE_DN, CA_DN, PERSONS_DN, ...demo.persons.map((person) => person.dn)].sort(),
    );
  });

  it('ok/R5 (uscc=…) returns the exact DER of the signing and encryption certificates (-t)', async () => {
    const dir = mkdtempSync(join(scratch, 'uscc-'));
    const result = await ldapsearch(
      '-t',
      '-T',
      dir,
      '-b',
      BASE_DN,
      `(uscc=${HANGZHOU})`,
      'userCertificate;binary',
    );
    expect(result.status, result.stderr).toBe(0);
    expect(dns(result.stdout)).toEqual([`uscc=${HANGZHOU},${PERSONS_DN}`]);
    const person = demo.persons[0]!;
    expect(binaryValues(result.stdout).get('userCertificate;binary')).toEqual([
      toHex(person.sign.der),
      toHex(person.enc.der),
    ]);
  });

  it('ok/R5 the CA entry publishes the CA certificate, the CRL and the delta CRL byte for byte', async () => {
    const dir = mkdtempSync(join(scratch, 'ca-'));
    const result = await ldapsearch('-t', '-T', dir, '-b', CA_DN, '-s', 'base');
    expect(result.status, result.stderr).toBe(0);
    const values = binaryValues(result.stdout);
    expect(values.get('cACertificate;binary')).toEqual([toHex(demo.ca.cert.der)]);
    expect(values.get('certificateRevocationList;binary')).toEqual([toHex(demo.crl)]);
    expect(values.get('deltaRevocationList;binary')).toEqual([toHex(demo.deltaCrl)]);
  });

  it('ok/R5 Chinese names: substrings on cn, and serials in hex', async () => {
    expect(dns((await ldapsearch('-b', BASE_DN, '(cn=*某某*)', 'dn')).stdout)).toHaveLength(2);
    expect(dns((await ldapsearch('-b', BASE_DN, '(cn=杭州*有限公司)', 'dn')).stdout)).toEqual([
      `uscc=${HANGZHOU},${PERSONS_DN}`,
    ]);
    const serial = serialHex(demo.persons[1]!.enc).toLowerCase();
    expect(dns((await ldapsearch('-b', BASE_DN, `(serialNumber=${serial})`, 'dn')).stdout)).toEqual([
      `uscc=${NINGBO},${PERSONS_DN}`,
    ]);
  });

  it('ok/R5 and, or, not', async () => {
    const both = await ldapsearch('-b', BASE_DN, `(|(uscc=${HANGZHOU})(uscc=${NINGBO}))`, 'dn');
    expect(dns(both.stdout)).toHaveLength(2);
    const notNingbo = await ldapsearch('-b', BASE_DN, `(&(objectClass=pkiUser)(!(uscc=${NINGBO})))`, 'dn');
    expect(dns(notNingbo.stdout)).toEqual([`uscc=${HANGZHOU},${PERSONS_DN}`]);
  });

  it('ok/R5 paged results (-E pr=2/noprompt) return every entry in pages', async () => {
    const result = await ldapsearch('-E', 'pr=2/noprompt', '-b', BASE_DN, 'dn');
    expect(result.status, result.stderr).toBe(0);
    expect(dns(result.stdout)).toHaveLength(5);
    const cookies = [...result.stdout.matchAll(/^# pagedresults: cookie=(.*)$/gm)].map((m) => m[1]);
    expect(cookies).toHaveLength(3);
    expect(cookies.at(-1)).toBe('');
  });

  it('ok/R6 a size limit (-z 1) is exit code 4, sizeLimitExceeded, with one entry', async () => {
    const result = await ldapsearch('-z', '1', '-b', BASE_DN, 'dn');
    expect(result.status).toBe(4);
    expect(dns(result.stdout)).toHaveLength(1);
  });

  it('error/R6 a huge filter is a protocol error (exit 2) and the server serves the next client', async () => {
    const huge = '(|' + '(cn=杭州某某科技有限公司)'.repeat(2000) + ')';
    const refused = await ldapsearch('-b', BASE_DN, huge, 'dn');
    expect(refused.status).toBe(2);
    expect(refused.stderr + refused.stdout).toMatch(/YZ_ERR_LDAP_FILTER/);
    const deep = '(&'.repeat(40) + '(cn=a)' + ')'.repeat(40);
    expect((await ldapsearch('-b', BASE_DN, deep, 'dn')).status).toBe(2);
    const next = await ldapsearch('-b', BASE_DN, `(uscc=${HANGZHOU})`, 'dn');
    expect(next.status).toBe(0);
    expect(dns(next.stdout)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'protocol-error')).toHaveLength(2);
  });

  it('error/R5 writes are unwillingToPerform (53); binds with a password are invalidCredentials (49)', async () => {
    const modify = `dn: ${CA_DN}\nchangetype: modify\nreplace: ou\nou: hacked\n`;
    expect((await run('ldapmodify', ['-x', '-H', url], modify)).status).toBe(53);
    const add = `dn: ou=hacked,${BASE_DN}\nchangetype: add\nobjectClass: organizationalUnit\nou: hacked\n`;
    expect((await run('ldapmodify', ['-x', '-H', url], add)).status).toBe(53);
    expect((await run('ldapdelete', ['-x', '-H', url, demo.persons[0]!.dn])).status).toBe(53);
    const bind = await ldapsearch('-D', `cn=admin,${BASE_DN}`, '-w', 'secret', '-b', BASE_DN);
    expect(bind.status).toBe(49);
    expect((await ldapsearch('-b', BASE_DN, `(uscc=${HANGZHOU})`, 'dn')).status).toBe(0);
  });

  it('ok/R5 ldapcompare answers TRUE (6) and FALSE (5); an unknown critical control is 12', async () => {
    const dn = demo.persons[1]!.dn;
    expect((await run('ldapcompare', ['-x', '-H', url, dn, `uscc:${NINGBO.toLowerCase()}`])).status).toBe(6);
    expect((await run('ldapcompare', ['-x', '-H', url, dn, `uscc:${HANGZHOU}`])).status).toBe(5);
    expect((await ldapsearch('-e', '!manageDSAit', '-b', BASE_DN, 'dn')).status).toBe(12);
  });
});
