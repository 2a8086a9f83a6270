/**
 * `yizheng crl generate [--delta]` and `yizheng ocsp issue-responder` (R5; OCSP beyond the seed)
 * on the embedded default: the demo CA comes with a responder certificate, a renewal issues a new
 * one that OpenSSL reads as an OCSP signer, and full and delta CRLs are issued over the store;
 * `yizheng crl partitions` sets a CA's CRL partitions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../../../tools/test-support/cli.js';
import { Scratch, openssl } from '../../../tools/test-support/openssl.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const yz = cliRunner(scratch, 'cli-status-test');

describe('yizheng crl generate / ocsp issue-responder', () => {
  it('ok/renewing the responder certificate; a full then a delta CRL over it', () => {
    expect(yz(['ca', 'init', '--demo', '--pool', '2']).status).toBe(0);
    const renewed = yz(['ocsp', 'issue-responder', '--out', 'responder.pem']);
    expect(renewed.status, renewed.stderr).toBe(0);
    expect(renewed.stdout).toMatch(/serial:\s+[0-9A-F]+/);
    expect(renewed.stdout).toMatch(/key:\s+vault:ocsp:ca-/);
    const text = openssl(['x509', '-in', scratch.path('responder.pem'), '-noout', '-text']).stdout.toString();
    expect(text).toContain('OCSP Signing');
    expect(text).toContain('OCSP No Check');

    const full = yz(['crl', 'generate', '--out', 'ca.crl']);
    expect(full.status, full.stderr).toBe(0);
    const fullNumber = /全量 full CRL (\d+) with 0 entries/.exec(full.stdout)?.[1];
    expect(fullNumber).toBeDefined();
    const delta = yz(['crl', 'generate', '--delta', '--hours', '1', '--out', 'delta.crl']);
    expect(delta.status, delta.stderr).toBe(0);
    expect(delta.stdout).toMatch(new RegExp(`增量 delta CRL \\d+ over ${fullNumber} with 0 entries`));
    const shown = openssl(['crl', '-inform', 'DER', '-in', scratch.path('delta.crl'), '-noout', '-text']);
    expect(shown.stdout.toString()).toContain('Delta CRL Indicator');
  });

  it('ok/crl partitions: templates derived from the signing profile; error/fewer partitions or no count', () => {
    const set = yz(['crl', 'partitions', '--count', '4']);
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout).toMatch(
      /: 4 CRL partitions 分区 at http:\/\/localhost:8080\/crl\/ca-[^ ]+-p\{n\}\.crl/,
    );
    const fewer = yz(['crl', 'partitions', '--count', '2']);
    expect([fewer.status, fewer.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_INPUT')]);
    expect(yz(['crl', 'partitions']).status).toBe(2);
    const full = yz(['crl', 'generate', '--out', 'partitioned.crl']);
    expect(full.status, full.stderr).toBe(0);
  });

  it('error/an unknown CA exits 2 with its code', () => {
    const run = yz(['ocsp', 'issue-responder', '--ca', 'ca-none']);
    expect([run.status, run.stderr]).toEqual([2, expect.stringContaining('YZ_ERR_CA_NOT_FOUND')]);
  });
});
