/**
 * The directory of the running service (R5 LDAP publication, R6), as a user meets it after
 * `npm start`: `startServer` prints the LDAP URL and serves the database with OpenLDAP's
 * `ldapsearch` — a pair issued through the core is found by `(uscc=…)` with the exact DER (`-t`),
 * by serialNumber and by `cn=杭州*`; the CA entry carries the CA certificate and the CRL the
 * scheduler issued; a revocation is gone at the next search. `ldap.enabled: false` serves none.
 * With `ldapPublish` set, the same pair reaches a private `slapd` and the publication metrics show
 * it; a missing publisher password stops the start with YZ_ERR_CONFIG and nothing left listening.
 */
import { runLdapTool } from '../../../tools/test-support/ldap-utils.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2PrivateKey, toHex } from '@yizheng/gm';
import { buildCertificationRequest, parseName } from '@yizheng/pki';
import { type IssuedPair, issueDual, revokeCertificate } from '@yizheng/core';
import { LdapClient } from '@yizheng/ldap';
import {
  DEFAULT_CONFIG,
  type RunningServer,
  type ServerConfig,
  loadConfig,
  startServer,
} from '../src/index.js';
import { Slapd } from '../../../tools/test-support/slapd.js';
import { selfSignedTlsCertificate } from '../../../tools/test-support/openssl.js';

const HANGZHOU = '91330106MA2B3C4D5D';
const SUFFIX = 'o=Yizheng Demo CA,c=CN';
const env = { YIZHENG_MASTER_KEY: 'test master secret', YIZHENG_KMC_MASTER_KEY: 'test kmc secret' };

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'yz-ldapdir-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const config = (extra: Partial<ServerConfig> = {}): ServerConfig => ({
  ...DEFAULT_CONFIG,
  httpPort: 0,
  ldapPort: 0,
  dataDir: tempDir(),
  logLevel: 'silent',
  ...extra,
});

const run = runLdapTool;

/**
 * `name → values` of LDIF text from `ldapsearch -t`: `name: text`, or `name:< file://…` — the
 * certificate and CRL bytes as hex, anything else (UTF-8 names) as text.
 */
function ldif(output: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [, name, file, value] of output.matchAll(/^([^:\s]+):(<?) (.*)$/gm)) {
    const bytes = file ? readFileSync(value!.replace(/^file:\/\//, '')) : Buffer.from(value!);
    const text = name!.endsWith(';binary') ? toHex(bytes) : bytes.toString('utf8');
    values.set(name!, [...(values.get(name!) ?? []), text]);
  }
  return values;
}

const issue = (running: RunningServer): Promise<IssuedPair> =>
  issueDual(running.platform, {
    request: buildCertificationRequest(
      { subject: parseName('C=CN,CN=杭州某某科技有限公司') },
      Sm2PrivateKey.generate(),
    ).der,
    legalPerson: { uscc: HANGZHOU, name: '杭州某某科技有限公司', legalRepresentative: '张某某' },
    channel: 'online',
    actor: 'test',
  });

describe('the embedded LDAP server of startServer', () => {
  let running: RunningServer;
  let url: string;
  let pair: IssuedPair;
  const lines: string[] = [];
  let scratch: string;

  beforeAll(async () => {
    running = await startServer(config(), { print: (l) => lines.push(l), logger: false, env });
    url =
      /LDAP \(read-only\): +(ldap:\/\/\S+) +base (.+)$/.exec(
        lines.find((l) => l.includes('LDAP')) ?? '',
      )?.[1] ?? '';
    pair = await issue(running);
    scratch = tempDir();
  });
  afterAll(async () => running?.close());

  const ldapsearch = (...args: string[]) =>
    run('ldapsearch', [
      '-x',
      '-H',
      url,
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-t',
      '-T',
      scratch,
      '-b',
      SUFFIX,
      ...args,
    ]);

  it('ok/R5 the start prints the LDAP URL and base; (uscc=…) gives the pair with its exact DER', async () => {
    expect(url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/);
    expect(lines).toContainEqual(expect.stringContaining(`base ${SUFFIX}`));
    const found = await ldapsearch(`(uscc=${HANGZHOU})`, 'userCertificate;binary', 'uscc', 'cn');
    expect(found.status).toBe(0);
    const entry = ldif(found.stdout);
    expect(entry.get('dn')).toEqual([`uscc=${HANGZHOU},ou=legal-persons,${SUFFIX}`]);
    expect(entry.get('cn')).toEqual(['杭州某某科技有限公司']);
    expect(entry.get('userCertificate;binary')).toEqual([toHex(pair.sign.der), toHex(pair.enc.der)]);
  });

  it('ok/R5 by serialNumber and by name prefix', async () => {
    const bySerial = ldif((await ldapsearch(`(serialNumber=${pair.enc.serial})`, 'uscc')).stdout);
    expect(bySerial.get('uscc')).toEqual([HANGZHOU]);
    const byName = ldif((await ldapsearch('(cn=杭州*)', 'uscc', 'serialNumber')).stdout);
    expect(byName.get('uscc')).toEqual([HANGZHOU]);
    expect(byName.get('serialNumber')).toEqual([pair.sign.serial, pair.enc.serial]);
  });

  it('ok/R5 the CA entry: its certificate and the full CRL the scheduler issued at start', async () => {
    const [ca] = await running.platform.store.read.listCas();
    for (let i = 0; !(await running.platform.store.read.latestCrlIssue(ca!.id, 'full')); i++) {
      expect(i).toBeLessThan(200);
      await sleep(50);
    }
    const found = ldif(
      (await ldapsearch('-s', 'one', '-b', `ou=CA,${SUFFIX}`, '(objectClass=pkiCA)')).stdout,
    );
    expect(found.get('dn')).toEqual([`cn=${ca!.id},ou=CA,${SUFFIX}`]);
    expect(found.get('cACertificate;binary')).toEqual([toHex(ca!.certificateDer!)]);
    const crl = (await running.platform.store.read.getCrlIssue(
      ca!.id,
      (await running.platform.store.read.latestCrlIssue(ca!.id, 'full'))!.number,
    ))!;
    expect(found.get('certificateRevocationList;binary')).toEqual([toHex(crl.der)]);
  });

  it('ok/R5 a revocation is gone at the next search', async () => {
    await revokeCertificate(running.platform, {
      serial: pair.sign.serial,
      actor: 'test',
      reason: 'keyCompromise',
    });
    const entry = ldif(
      (await ldapsearch(`(uscc=${HANGZHOU})`, 'userCertificate;binary', 'serialNumber')).stdout,
    );
    expect(entry.get('dn')).toHaveLength(1);
    expect(entry.get('userCertificate;binary')).toBeUndefined();
    expect(entry.get('serialNumber')).toBeUndefined();
    expect((await ldapsearch(`(serialNumber=${pair.sign.serial})`)).stdout.trim()).toBe('');
  });
});

describe('startServer: LDAP settings', () => {
  it('ok/ldap.enabled false serves no directory', async () => {
    const lines: string[] = [];
    const running = await startServer(config({ ldap: { ...DEFAULT_CONFIG.ldap, enabled: false } }), {
      print: (l) => lines.push(l),
      logger: false,
      env,
    });
    await running.close();
    expect(running.ldap).toBeUndefined();
    expect(lines.some((l) => l.includes('LDAP'))).toBe(false);
  });

  it('ok/configuration: the environment sets the directory and the publisher; bad DNs and URLs are named', () => {
    const loaded = loadConfig({
      env: {
        YIZHENG_LDAP_ENABLED: 'false',
        YIZHENG_LDAP_ORGANIZATION: '浙江某某数字证书认证中心',
        YIZHENG_LDAP_PUBLISH_URL: 'ldap://ldap.example.cn:389',
        YIZHENG_LDAP_PUBLISH_BIND_DN: 'cn=publisher,o=Example,c=CN',
        YIZHENG_LDAP_PUBLISH_BASE_DN: 'o=Example,c=CN',
      },
    });
    expect(loaded.ldap).toMatchObject({ enabled: false, organization: '浙江某某数字证书认证中心' });
    expect(loaded.ldapPublish).toEqual({
      url: 'ldap://ldap.example.cn:389',
      bindDn: 'cn=publisher,o=Example,c=CN',
      baseDn: 'o=Example,c=CN',
      batchSize: 100,
      pollMs: 1000,
      retryMinMs: 1000,
      retryMaxMs: 60_000,
      timeoutMs: 5000,
      expirySweepMinutes: 10,
    });
    const problems = (layers: Parameters<typeof loadConfig>[0]): string => {
      try {
        loadConfig(layers);
      } catch (error) {
        expect(error).toMatchObject({ code: 'YZ_ERR_CONFIG' });
        return (error as Error).message;
      }
      return 'no problem';
    };
    const refused = problems({
      env: {
        YIZHENG_LDAP_ENABLED: 'yes',
        YIZHENG_LDAP_PUBLISH_URL: 'ftp://x',
        YIZHENG_LDAP_PUBLISH_BIND_DN: 'cn=p',
      },
    });
    expect(refused).toMatch(/\/ldap\/enabled: must be boolean/);
    expect(refused).toMatch(/\/ldapPublish: must have required properties baseDn/);
    expect(refused).toMatch(/\/ldapPublish\/url: must match pattern/);
    expect(() =>
      loadConfig({
        env: {},
        options: {
          ldapPublish: {
            url: 'ldap://x:99999',
            bindDn: 'cn=p',
            baseDn: 'o=a,,c=CN',
            retryMinMs: 5000,
            retryMaxMs: 1000,
          },
        },
      }),
    ).toThrow(/\/ldapPublish\/url[\s\S]*\/ldapPublish\/baseDn[\s\S]*\/ldapPublish\/retryMaxMs/);
  });

  it('ok/ldaps:// with a CA bundle (YIZHENG_LDAP_PUBLISH_CA_FILE); error/a bundle with ldap://, unreadable, or without a certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yz-ldaps-config-'));
    try {
      const { certFile } = selfSignedTlsCertificate(dir, 'directory');
      const env = {
        YIZHENG_LDAP_PUBLISH_URL: 'ldaps://ldap.example.cn',
        YIZHENG_LDAP_PUBLISH_BIND_DN: 'cn=publisher,o=Example,c=CN',
        YIZHENG_LDAP_PUBLISH_BASE_DN: 'o=Example,c=CN',
        YIZHENG_LDAP_PUBLISH_CA_FILE: certFile,
      };
      expect(loadConfig({ env }).ldapPublish).toMatchObject({
        url: 'ldaps://ldap.example.cn',
        caFile: certFile,
      });
      const refusal = (change: Record<string, string>) => () => loadConfig({ env: { ...env, ...change } });
      expect(refusal({ YIZHENG_LDAP_PUBLISH_URL: 'ldap://ldap.example.cn' })).toThrow(
        /\/ldapPublish\/caFile: only used with TLS to the directory/,
      );
      expect(
        loadConfig({
          env: {
            ...env,
            YIZHENG_LDAP_PUBLISH_URL: 'ldap://ldap.example.cn',
            YIZHENG_LDAP_PUBLISH_START_TLS: 'true',
          },
        }).ldapPublish,
      ).toMatchObject({ startTls: true, caFile: certFile });
      expect(refusal({ YIZHENG_LDAP_PUBLISH_START_TLS: 'true' })).toThrow(
        /\/ldapPublish\/startTls: an ldaps:\/\/ URL is TLS already/,
      );
      expect(refusal({ YIZHENG_LDAP_PUBLISH_CA_FILE: join(dir, 'missing.pem') })).toThrow(
        /\/ldapPublish\/caFile: cannot read .*missing\.pem: ENOENT/,
      );
      expect(refusal({ YIZHENG_LDAP_PUBLISH_CA_FILE: join(dir, 'directory.key') })).toThrow(
        /\/ldapPublish\/caFile: .*directory\.key holds no PEM certificate/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('error/a publisher without YIZHENG_LDAP_PUBLISH_PASSWORD: YZ_ERR_CONFIG, nothing left listening', async () => {
    const settings = config({
      ldapPublish: {
        url: 'ldap://127.0.0.1:1',
        bindDn: 'cn=p,o=Example,c=CN',
        baseDn: 'o=Example,c=CN',
        batchSize: 100,
        pollMs: 1000,
        retryMinMs: 1000,
        retryMaxMs: 60_000,
        timeoutMs: 5000,
        expirySweepMinutes: 10,
      },
    });
    const lines: string[] = [];
    await expect(
      startServer(settings, { print: (l) => lines.push(l), logger: false, env }),
    ).rejects.toMatchObject({
      code: 'YZ_ERR_CONFIG',
      message: expect.stringContaining('YIZHENG_LDAP_PUBLISH_PASSWORD'),
    });
    // the same data directory opens again: the database was closed
    const again = await startServer(
      { ...settings, ldapPublish: undefined },
      { print: () => undefined, logger: false, env },
    );
    await again.close();
  });

  it('ok/R5 with ldapPublish, an issued pair reaches the external slapd; the metrics show the backlog drained', async () => {
    const slapd = await Slapd.start();
    const running = await startServer(
      config({
        ldapPublish: {
          url: slapd.url,
          bindDn: slapd.rootDn,
          baseDn: slapd.suffix,
          batchSize: 100,
          pollMs: 100,
          retryMinMs: 100,
          retryMaxMs: 1000,
          timeoutMs: 2000,
          expirySweepMinutes: 10,
        },
      }),
      {
        print: () => undefined,
        logger: false,
        env: { ...env, YIZHENG_LDAP_PUBLISH_PASSWORD: slapd.rootPassword },
      },
    );
    try {
      const pair = await issue(running);
      const client = await LdapClient.connect(slapd.port);
      let found: readonly Uint8Array[] = [];
      for (let i = 0; found.length < 2; i++) {
        expect(i).toBeLessThan(200);
        await sleep(50);
        const { entries } = await client.search({ baseDn: slapd.suffix, filter: `(uscc=${HANGZHOU})` });
        found = entries[0]?.attributes.get('userCertificate;binary') ?? [];
      }
      client.close();
      expect(found.map(toHex)).toEqual([toHex(pair.sign.der), toHex(pair.enc.der)]);
      for (let i = 0; (await running.platform.store.read.outboxBacklog(['publish.crl'])).pending > 0; i++) {
        expect(i).toBeLessThan(200);
        await sleep(50);
      }
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toMatch(/^yizheng_ldap_publish_pending 0$/m);
      expect(metrics).toMatch(/^yizheng_ldap_publish_oldest_pending_seconds 0$/m);
      expect(metrics).toMatch(/^yizheng_ldap_publish_jobs_total\{result="done",reason=""\} [1-9]/m);
    } finally {
      await running.close();
      await slapd.dispose();
    }
  });
});
