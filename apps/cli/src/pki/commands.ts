/**
 * `yizheng req …` and `yizheng cert …`: requests and certificates on SM2 (issue 3; R11, R13,
 * R14). Output is readable by operators (Chinese and English labels); verification answers with
 * exit 0 (valid) / 1 (not valid, with the YZ_PATH_* reason) / 2 (bad input).
 */
import {
  type Certificate,
  type Extension,
  type RevocationSource,
  crlRevocationSource,
  parseCrl,
  buildCertificationRequest,
  certificationRequestToPem,
  describeCertificate,
  describeCertificationRequest,
  extension,
  formatName,
  parseCertificates,
  parseCertificationRequest,
  parseName,
  renderRows,
  requireValidUscc,
  validatePath,
  verifyCertificationRequest,
} from '@yizheng/pki';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput, required, writeOutput } from '../io.js';
import { loadPrivateKey } from '../gm/commands.js';

export type Language = 'both' | 'zh' | 'en';

export function language(value: string | undefined): Language {
  if (value === undefined) return 'both';
  if (value === 'both' || value === 'zh' || value === 'en') return value;
  throw new CliError('YZ_ERR_USAGE', '--lang must be zh, en or both');
}

export function single(positionals: string[], what: string): string {
  const file = positionals[0];
  if (file === undefined)
    throw new CliError('YZ_ERR_USAGE', `give the ${what} file (or - for standard input)`);
  return file;
}

/** req new --key key.pem --subject DN [--uscc CODE] [--id ID] [--pass P] --out req.pem */
export function reqNew(argv: string[]): number {
  const { values } = parseOptions(argv, { strings: ['key', 'subject', 'uscc', 'id', 'pass', 'out'] });
  const key = loadPrivateKey(required(values.key, 'key'), values.pass);
  const subject = parseName(required(values.subject, 'subject'));
  const extensions: Extension[] = [];
  if (values.uscc !== undefined) {
    requireValidUscc(values.uscc, '--uscc');
    extensions.push(extension('unifiedSocialCreditCode', values.uscc));
  }
  const csr = buildCertificationRequest({ subject, extensions }, key, { id: values.id });
  writeOutput(required(values.out, 'out'), certificationRequestToPem(csr));
  process.stderr.write(`request for ${formatName(subject)} written to ${values.out}\n`);
  return Exit.OK;
}

/** req show FILE [--lang zh|en|both] */
export function reqShow(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['lang'], positionals: 1 });
  const csr = parseCertificationRequest(readInput(single(positionals, 'request')));
  process.stdout.write(
    `Certificate request 证书请求\n${renderRows(describeCertificationRequest(csr), language(values.lang))}`,
  );
  return Exit.OK;
}

/** req verify FILE [--id ID]: exit 0 when the proof of possession holds, 1 when it does not. */
export function reqVerify(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['id'], positionals: 1 });
  const csr = parseCertificationRequest(readInput(single(positionals, 'request')));
  try {
    verifyCertificationRequest(csr, values.id);
  } catch (error) {
    if ((error as { code?: string }).code === 'YZ_ERR_CSR') {
      process.stdout.write(`Request signature NOT valid: ${(error as Error).message}\n`);
      return Exit.NO;
    }
    throw error;
  }
  process.stdout.write('Request signature OK\n');
  return Exit.OK;
}

/** cert show FILE [--lang zh|en|both]: every certificate of the file (a PEM bundle shows all). */
export function certShow(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['lang'], positionals: 1 });
  const certs = parseCertificates(readInput(single(positionals, 'certificate')), {
    allowUnknownCritical: true,
  });
  for (const cert of certs)
    process.stdout.write(`Certificate 证书\n${renderRows(describeCertificate(cert), language(values.lang))}`);
  return Exit.OK;
}

/**
 * cert verify --ca CHAIN FILE [--crl CRL[,CRL…]] [--at ISO-TIME] [--id ID]. Self-signed
 * certificates of CHAIN are the trust anchors, the others intermediates. With --crl, every
 * certificate below the anchor must be covered by a current CRL (full, plus delta if given).
 * Exit 0 valid, 1 not valid.
 */
export function certVerify(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['ca', 'crl', 'at', 'id'], positionals: 1 });
  const chain = parseCertificates(readInput(required(values.ca, 'ca')));
  const target = parseCertificates(readInput(single(positionals, 'certificate')))[0]!;
  const selfIssued = (c: Certificate) => formatName(c.tbs.subject) === formatName(c.tbs.issuer);
  const trustAnchors = chain.filter(selfIssued);
  if (trustAnchors.length === 0)
    throw new CliError('YZ_ERR_USAGE', '--ca must contain the root (a self-signed certificate)');
  let at: Date | undefined;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (Number.isNaN(at.getTime())) throw new CliError('YZ_ERR_USAGE', '--at must be an ISO 8601 time');
  }
  let revocation: RevocationSource | undefined;
  if (values.crl !== undefined) {
    const crls = values.crl.split(',').map((path) => parseCrl(readInput(path)));
    revocation = crlRevocationSource(crls, values.id ? { id: values.id } : {});
  }
  const result = validatePath(target, {
    trustAnchors,
    intermediates: chain.filter((c) => !selfIssued(c)),
    ...(at ? { at } : {}),
    ...(revocation ? { revocation } : {}),
    ...(values.id ? { id: values.id } : {}),
  });
  const path = result.chain.map((c) => `  ${formatName(c.tbs.subject)}`).join('\n');
  if (result.valid) {
    process.stdout.write(`Certificate OK 证书有效\n${path}\n`);
    return Exit.OK;
  }
  process.stdout.write(`Certificate NOT valid 证书无效: ${result.reason}: ${result.message}\n${path}\n`);
  return Exit.NO;
}
