/**
 * `yizheng gm …` end to end, as a user runs it (the compiled bin, real files, exit codes), with
 * OpenSSL as the independent party: keys, signatures, ciphertexts, digests and SM4 made by one
 * side are accepted by the other. Bad input exits 2 with a YZ_ERR_* code. Issue 2, R11.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'yizheng.js');
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function yz(args: string[], env: Record<string, string> = {}, input?: Uint8Array) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: scratch.dir,
    env: { ...process.env, ...env },
    input,
  });
  return {
    status: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
    raw: result.stdout,
  };
}

const at = (name: string) => scratch.path(name);

describe('yizheng gm', () => {
  it('ok/keygen, sign and verify; openssl accepts the key and the signature', () => {
    expect(yz(['gm', 'keygen', '--out', 'k.pem', '--pub', 'p.pem']).status).toBe(0);
    writeFileSync(at('msg.txt'), '杭州某某科技有限公司 申请新办法人数字证书');
    expect(yz(['gm', 'sign', '--key', 'k.pem', '--in', 'msg.txt', '--out', 'sig.der']).status).toBe(0);
    const ok = yz(['gm', 'verify', '--pub', 'p.pem', '--in', 'msg.txt', '--sig', 'sig.der']);
    expect([ok.status, ok.stdout]).toEqual([0, 'Signature OK\n']);
    const theirs = openssl([
      'pkeyutl',
      '-verify',
      '-rawin',
      '-digest',
      'sm3',
      '-pubin',
      '-inkey',
      at('p.pem'),
      '-pkeyopt',
      'distid:1234567812345678',
      '-in',
      at('msg.txt'),
      '-sigfile',
      at('sig.der'),
    ]);
    expect(theirs.status, theirs.stderr).toBe(0);
    const pub = openssl(['pkey', '-in', at('k.pem'), '-pubout']);
    expect(pub.stdout.toString()).toBe(readFileSync(at('p.pem'), 'utf8'));
  });

  it('ok/raw signatures and custom IDs; exit 1 for a signature that does not verify', () => {
    expect(
      yz([
        'gm',
        'sign',
        '--key',
        'k.pem',
        '--in',
        'msg.txt',
        '--out',
        'raw.sig',
        '--raw',
        '--id',
        'alice@example',
      ]).status,
    ).toBe(0);
    expect(readFileSync(at('raw.sig')).length).toBe(64);
    expect(
      yz(['gm', 'verify', '--pub', 'p.pem', '--in', 'msg.txt', '--sig', 'raw.sig', '--id', 'alice@example'])
        .status,
    ).toBe(0);
    const wrongId = yz(['gm', 'verify', '--pub', 'p.pem', '--in', 'msg.txt', '--sig', 'raw.sig']);
    expect([wrongId.status, wrongId.stdout]).toEqual([1, 'Signature INVALID\n']);
  });

  it('ok/openssl signature and certificate verify with --cert', () => {
    const made = openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      at('k.pem'),
      '-sm3',
      '-sigopt',
      'distid:1234567812345678',
      '-utf8',
      '-subj',
      '/C=CN/O=杭州某某科技有限公司/CN=杭州某某科技有限公司',
      '-days',
      '30',
      '-out',
      at('cert.pem'),
    ]);
    expect(made.status, made.stderr).toBe(0);
    const signed = openssl([
      'pkeyutl',
      '-sign',
      '-rawin',
      '-digest',
      'sm3',
      '-inkey',
      at('k.pem'),
      '-pkeyopt',
      'distid:1234567812345678',
      '-in',
      at('msg.txt'),
      '-out',
      at('ossl.sig'),
    ]);
    expect(signed.status, signed.stderr).toBe(0);
    expect(yz(['gm', 'verify', '--cert', 'cert.pem', '--in', 'msg.txt', '--sig', 'ossl.sig']).status).toBe(0);
    writeFileSync(at('other.txt'), 'other');
    expect(yz(['gm', 'verify', '--cert', 'cert.pem', '--in', 'other.txt', '--sig', 'ossl.sig']).status).toBe(
      1,
    );
  });

  it('ok/encrypt and decrypt in every format; openssl decrypts our DER and we decrypt theirs', () => {
    for (const format of ['der', 'c1c3c2', 'c1c2c3']) {
      expect(
        yz([
          'gm',
          'encrypt',
          '--pub',
          'p.pem',
          '--in',
          'msg.txt',
          '--out',
          `ct.${format}`,
          '--format',
          format,
        ]).status,
      ).toBe(0);
      const out = yz(['gm', 'decrypt', '--key', 'k.pem', '--in', `ct.${format}`, '--out', '-']);
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toBe(readFileSync(at('msg.txt'), 'utf8'));
    }
    const dec = openssl(['pkeyutl', '-decrypt', '-inkey', at('k.pem'), '-in', at('ct.der')]);
    expect(dec.stdout.toString()).toBe(readFileSync(at('msg.txt'), 'utf8'));
    const enc = openssl([
      'pkeyutl',
      '-encrypt',
      '-pubin',
      '-inkey',
      at('p.pem'),
      '-in',
      at('msg.txt'),
      '-out',
      at('ossl.ct'),
    ]);
    expect(enc.status, enc.stderr).toBe(0);
    expect(yz(['gm', 'decrypt', '--key', 'k.pem', '--in', 'ossl.ct', '--out', 'plain.txt']).status).toBe(0);
    expect(readFileSync(at('plain.txt'), 'utf8')).toBe(readFileSync(at('msg.txt'), 'utf8'));
  });

  it('ok/password-protected keys: --pass, env: and file:; a wrong password exits 2', () => {
    expect(
      yz(['gm', 'keygen', '--out', 'enc.pem', '--pass', 'env:KEY_PASS'], { KEY_PASS: '口令123' }).status,
    ).toBe(0);
    expect(readFileSync(at('enc.pem'), 'utf8')).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
    writeFileSync(at('pass.txt'), '口令123\n');
    expect(
      yz(['gm', 'sign', '--key', 'enc.pem', '--pass', 'file:pass.txt', '--in', 'msg.txt', '--out', 's2.der'])
        .status,
    ).toBe(0);
    const wrong = yz([
      'gm',
      'sign',
      '--key',
      'enc.pem',
      '--pass',
      'nope',
      '--in',
      'msg.txt',
      '--out',
      's3.der',
    ]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/YZ_ERR_KEY_PASSWORD/);
    expect(yz(['gm', 'keygen', '--out', 'ossl-enc.pem', '--pass', 'pw', '--prf', 'sha256']).status).toBe(0);
    expect(openssl(['pkey', '-in', at('ossl-enc.pem'), '-passin', 'pass:pw', '-noout']).status).toBe(0);
  });

  it('ok/sm3 equals openssl dgst, for files and standard input', () => {
    const ours = yz(['gm', 'sm3', 'msg.txt']);
    const theirs = openssl(['dgst', '-sm3', '-r', at('msg.txt')]);
    expect(ours.stdout.split(' ')[0]).toBe(theirs.stdout.toString().split(' ')[0]);
    const piped = yz(['gm', 'sm3'], {}, Buffer.from('abc'));
    expect(piped.stdout).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0  -\n');
  });

  it('ok/sm4 CBC equals openssl enc; GCM round-trips and detects tampering', () => {
    const key = '0123456789abcdeffedcba9876543210';
    const iv = '000102030405060708090a0b0c0d0e0f';
    expect(
      yz([
        'gm',
        'sm4',
        '--encrypt',
        '--mode',
        'cbc',
        '--key',
        key,
        '--iv',
        iv,
        '--in',
        'msg.txt',
        '--out',
        'm.cbc',
      ]).status,
    ).toBe(0);
    const theirs = openssl(['enc', '-sm4-cbc', '-K', key, '-iv', iv, '-in', at('msg.txt')]);
    expect(readFileSync(at('m.cbc')).toString('hex')).toBe(theirs.stdout.toString('hex'));
    const gcm = ['--mode', 'gcm', '--key', key, '--iv', '00112233445566778899aabb', '--aad', 'cafe'];
    expect(yz(['gm', 'sm4', '--encrypt', ...gcm, '--in', 'msg.txt', '--out', 'm.gcm']).status).toBe(0);
    expect(yz(['gm', 'sm4', '--decrypt', ...gcm, '--in', 'm.gcm', '--out', '-']).stdout).toBe(
      readFileSync(at('msg.txt'), 'utf8'),
    );
    const sealed = readFileSync(at('m.gcm'));
    sealed[0]! ^= 1;
    writeFileSync(at('bad.gcm'), sealed);
    const bad = yz(['gm', 'sm4', '--decrypt', ...gcm, '--in', 'bad.gcm', '--out', 'x']);
    expect([bad.status, /YZ_ERR_SM4_TAG/.test(bad.stderr)]).toEqual([2, true]);
  });

  it.each([
    [['gm', 'keygen'], 'YZ_ERR_USAGE'],
    [['gm', 'sign', '--key', 'k.pem', '--in', 'msg.txt'], 'YZ_ERR_USAGE'],
    [['gm', 'sign', '--key', 'k.pem', '--in', 'msg.txt', '--out', 'x', '--bogus'], 'YZ_ERR_USAGE'],
    [
      ['gm', 'verify', '--pub', 'p.pem', '--cert', 'cert.pem', '--in', 'msg.txt', '--sig', 'sig.der'],
      'YZ_ERR_USAGE',
    ],
    [['gm', 'verify', '--pub', 'k.pem', '--in', 'msg.txt', '--sig', 'sig.der'], 'YZ_ERR_PEM'],
    [['gm', 'verify', '--pub', 'p.pem', '--in', 'msg.txt', '--sig', 'msg.txt'], 'YZ_ERR_SIGNATURE_FORMAT'],
    [['gm', 'verify', '--cert', 'p.pem', '--in', 'msg.txt', '--sig', 'sig.der'], 'YZ_ERR_PEM'],
    [['gm', 'sign', '--key', 'missing.pem', '--in', 'msg.txt', '--out', 'x'], 'YZ_ERR_FILE'],
    [['gm', 'decrypt', '--key', 'k.pem', '--in', 'msg.txt', '--out', 'x'], 'YZ_ERR_CIPHERTEXT'],
    [['gm', 'encrypt', '--pub', 'p.pem', '--in', 'msg.txt', '--out', 'x', '--format', 'xml'], 'YZ_ERR_USAGE'],
    [
      ['gm', 'sm4', '--encrypt', '--mode', 'cbc', '--key', 'zz', '--in', 'msg.txt', '--out', 'x'],
      'YZ_ERR_USAGE',
    ],
    [
      [
        'gm',
        'sm4',
        '--encrypt',
        '--mode',
        'cbc',
        '--key',
        '00',
        '--iv',
        '00',
        '--in',
        'msg.txt',
        '--out',
        'x',
      ],
      'YZ_ERR_SM4_KEY',
    ],
    [['nope'], 'YZ_ERR_USAGE'],
  ])('error/%j exits 2 with %s and writes nothing', (args, code) => {
    const result = yz(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^yizheng: ${code}: `));
    expect(() => readFileSync(at('x'))).toThrow();
  });

  it('ok/falls back to TypeScript, saying so once, when the addon cannot load', () => {
    writeFileSync(at('again.txt'), 'again');
    const result = yz(['gm', 'sign', '--key', 'k.pem', '--in', 'again.txt', '--out', 'ts.sig'], {
      YIZHENG_GM_NATIVE: at('missing-addon.node'),
    });
    expect(result.status).toBe(0);
    expect(result.stderr.match(/native SM2 accelerator unavailable/g)?.length).toBe(1);
    expect(yz(['gm', 'verify', '--pub', 'p.pem', '--in', 'again.txt', '--sig', 'ts.sig']).status).toBe(0);
    expect(yz(['help'], { YIZHENG_GM_NATIVE: '0' }).stdout).toMatch(/SM2 arithmetic in use: typescript/);
  });

  it('ok/bench prints the figures table', () => {
    const result = yz(['gm', 'bench', '--seconds', '0.02', '--openssl-seconds', '0']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\| SM2 \(typescript\) sign \| \d+ ops\/s/);
    expect(result.stdout).toMatch(/\| SM3 \(16 KiB blocks\) \| [\d.]+ MB\/s/);
  });
});
