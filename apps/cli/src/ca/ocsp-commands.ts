/**
 * `yizheng ocsp issue-responder [--ca ID] [--out FILE]`: issues (first time) or renews the CA's
 * delegated OCSP responder certificate (profile ocsp-signing: id-kp-OCSPSigning,
 * id-pkix-ocsp-nocheck; key in the vault). Running servers pick the new one up within one status
 * poll; the previous one stays valid until it expires.
 */
import { issueResponderCertificate } from '@yizheng/core';
import { sm3, toHex } from '@yizheng/gm';
import { certificateToPem, formatName } from '@yizheng/pki';
import { Exit } from '../cli-error.js';
import { parseOptions, writeOutput } from '../io.js';
import { OPERATOR } from './commands.js';
import { withPlatform } from './context.js';

export async function ocspIssueResponder(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'ca', 'out'] });
  return withPlatform(values, async (p) => {
    const { record, certificate, keyRef } = await issueResponderCertificate(p, {
      actor: OPERATOR,
      ...(values.ca ? { caId: values.ca } : {}),
    });
    if (values.out) writeOutput(values.out, certificateToPem(certificate));
    process.stdout.write(
      [
        `OCSP responder certificate 响应器证书 of CA ${record.caId}`,
        `  subject:         ${formatName(certificate.tbs.subject)}`,
        `  serial:          ${record.serial}`,
        `  valid:           ${record.notBefore.toISOString()} – ${record.notAfter.toISOString()}`,
        `  key:             ${keyRef}`,
        `  SM3 fingerprint: ${toHex(sm3(certificate.der)).toUpperCase()}`,
        ...(values.out ? [`  written to ${values.out}`] : []),
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}
