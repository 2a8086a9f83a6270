/**
 * `yizheng crl …`, `ocsp show`, `cms verify` and `envelope open` (issue 3; R5, R11, R12): reading
 * and checking what a CA publishes and delivers. Verification answers exit 0 (valid) / 1 (not
 * valid, with the reason) / 2 (bad input).
 */
import {
  type EnvelopedKeyPair,
  certificatePublicKey,
  decodeCsrResponse,
  describeCrl,
  describeOcspRequest,
  describeOcspResponse,
  formatName,
  openEnvelopedKey,
  openSkfEnvelopedKeyBlob,
  parseCertificate,
  parseCertificates,
  parseCms,
  parseCrl,
  parseOcspRequest,
  parseOcspResponse,
  renderRows,
  toDer,
  validatePath,
  verifyCms,
  verifyCrlSignature,
} from '@yizheng/pki';
import { GmError, der, exportPrivateKeyPem, toHex } from '@yizheng/gm';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput, required, writeOutput } from '../io.js';
import { loadPrivateKey } from '../gm/commands.js';
import { language, single } from './commands.js';

/** crl show FILE [--lang zh|en|both] [--entries N] */
export function crlShow(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['lang', 'entries'], positionals: 1 });
  const max = values.entries === undefined ? 100 : Number(values.entries);
  if (!Number.isInteger(max) || max < 0)
    throw new CliError('YZ_ERR_USAGE', '--entries must be a whole number');
  const crl = parseCrl(readInput(single(positionals, 'CRL')));
  process.stdout.write(`CRL 证书撤销列表\n${renderRows(describeCrl(crl, max), language(values.lang))}`);
  return Exit.OK;
}

/**
 * crl verify --ca ISSUER.pem FILE [--at TIME] [--id ID]: the signature verifies with the issuer's
 * key, the issuer names match, and the CRL is current at TIME (default now).
 */
export function crlVerify(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['ca', 'at', 'id'], positionals: 1 });
  const issuer = parseCertificate(readInput(required(values.ca, 'ca')), { allowUnknownCritical: true });
  const crl = parseCrl(readInput(single(positionals, 'CRL')));
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) throw new CliError('YZ_ERR_USAGE', '--at must be an ISO 8601 time');
  const problems: string[] = [];
  if (formatName(crl.tbs.issuer) !== formatName(issuer.tbs.subject))
    problems.push(`issued by ${formatName(crl.tbs.issuer)}, not by ${formatName(issuer.tbs.subject)}`);
  if (!verifyCrlSignature(crl, certificatePublicKey(issuer), values.id))
    problems.push('signature does not verify');
  if (at < crl.tbs.thisUpdate) problems.push(`not valid before ${crl.tbs.thisUpdate.toISOString()}`);
  if (at > crl.tbs.nextUpdate) problems.push(`stale: nextUpdate was ${crl.tbs.nextUpdate.toISOString()}`);
  if (problems.length === 0) {
    process.stdout.write(`CRL OK 有效 (number ${crl.crlNumber}, ${crl.tbs.entries.length} entries)\n`);
    return Exit.OK;
  }
  process.stdout.write(`CRL NOT valid 无效: ${problems.join('; ')}\n`);
  return Exit.NO;
}

/** ocsp show FILE: an OCSP response, or a request (DER, as sent over HTTP). */
export function ocspShow(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['lang'], positionals: 1 });
  const bytes = readInput(single(positionals, 'OCSP'));
  let text: string;
  try {
    text = `OCSP response OCSP 响应\n${renderRows(describeOcspResponse(parseOcspResponse(bytes)), language(values.lang))}`;
  } catch (asResponse) {
    try {
      text = `OCSP request OCSP 请求\n${renderRows(describeOcspRequest(parseOcspRequest(bytes)), language(values.lang))}`;
    } catch {
      throw asResponse; // report why it is not a response, the more common file
    }
  }
  process.stdout.write(text);
  return Exit.OK;
}

/**
 * cms verify FILE [--content F] [--ca CHAIN] [--id ID]: every SignerInfo verifies; with --ca the
 * signer certificates must also chain to a root of CHAIN.
 */
export function cmsVerify(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['content', 'ca', 'id'], positionals: 1 });
  const cms = parseCms(readInput(single(positionals, 'CMS')));
  const result = verifyCms(cms, {
    ...(values.content !== undefined ? { content: readInput(values.content) } : {}),
    ...(values.id !== undefined ? { id: values.id } : {}),
  });
  const chain = values.ca === undefined ? undefined : parseCertificates(readInput(values.ca));
  let valid = result.valid;
  for (const signer of result.signers) {
    const who = signer.certificate ? formatName(signer.certificate.tbs.subject) : '(certificate not found)';
    let line = signer.valid
      ? `signer OK 签名有效: ${who}`
      : `signer NOT valid 签名无效: ${who}: ${signer.code}: ${signer.reason}`;
    if (signer.valid && chain && signer.certificate) {
      const anchors = chain.filter((c) => formatName(c.tbs.subject) === formatName(c.tbs.issuer));
      const path = validatePath(signer.certificate, {
        trustAnchors: anchors,
        intermediates: [...chain, ...cms.certificates],
        ...(signer.signingTime ? { at: signer.signingTime } : {}),
      });
      if (!path.valid) {
        valid = false;
        line += ` — certificate path ${path.reason}: ${path.message}`;
      }
    }
    if (signer.signingTime) line += ` (signed ${signer.signingTime.toISOString()})`;
    process.stdout.write(line + '\n');
  }
  if (result.signers.length === 0) process.stdout.write('no signers 无签名者\n');
  process.stdout.write(`content: ${result.content.length} bytes, type ${result.contentType}\n`);
  return valid ? Exit.OK : Exit.NO;
}

/** The kinds of key envelope a CA or KMC delivers (GM/T 0009, GM/T 0092, GM/T 0016). */
function openAnyEnvelope(bytes: Uint8Array, key: ReturnType<typeof loadPrivateKey>) {
  // An SKF ENVELOPEDKEYBLOB starts with ULONG Version = 1 (little-endian); DER starts with 0x30.
  if (bytes.length >= 372 && bytes[0] === 1 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0)
    return {
      kind: 'GM/T 0016 ENVELOPEDKEYBLOB',
      pair: openSkfEnvelopedKeyBlob(bytes, key),
      encCert: undefined,
    };
  const bytesDer = toDer(bytes, ['SM2 ENVELOPED KEY', 'CSR RESPONSE']);
  // CSRResponse starts with SET OF Certificate; SM2EnvelopedKey with an AlgorithmIdentifier.
  const first = der.childrenOf(der.parseDer(bytesDer))[0];
  if (first?.tag !== der.Tag.SET)
    return { kind: 'GM/T 0009 SM2EnvelopedKey', pair: openEnvelopedKey(bytesDer, key), encCert: undefined };
  const response = decodeCsrResponse(bytesDer);
  if (!response.encryptedPrivateKey)
    throw new GmError('YZ_ERR_ENVELOPE', 'the CSRResponse carries no encrypted private key');
  const encCert = response.encryptCertificates?.[0];
  return {
    kind: 'GM/T 0092 CSRResponse',
    pair: openEnvelopedKey(response.encryptedPrivateKey, key),
    encCert: encCert ? parseCertificate(encCert, { allowUnknownCritical: true }) : undefined,
  };
}

/**
 * envelope open --key signkey.pem FILE [--pass P] [--out enc-key.pem]: opens the encryption key
 * delivered for a dual certificate with the holder's signing key, prints the encryption public
 * key and checks it matches the recovered private key (and the encryption certificate, when the
 * envelope carries one). The private key is written only with --out (mode 0600).
 */
export function envelopeOpen(argv: string[]): number {
  const { values, positionals } = parseOptions(argv, { strings: ['key', 'pass', 'out'], positionals: 1 });
  const key = loadPrivateKey(required(values.key, 'key'), values.pass);
  const { kind, pair, encCert } = openAnyEnvelope(readInput(single(positionals, 'envelope')), key);
  const opened: EnvelopedKeyPair = pair;
  process.stdout.write(`${kind} opened 已打开\n`);
  process.stdout.write(`encryption public key 加密公钥: ${toHex(opened.publicKey.toBytes())}\n`);
  process.stdout.write('private key matches public key 私钥与公钥匹配: yes\n');
  if (encCert) {
    const matches = certificatePublicKey(encCert).equals(opened.publicKey);
    process.stdout.write(
      `encryption certificate 加密证书: ${formatName(encCert.tbs.subject)} — key ${matches ? 'matches 匹配' : 'DOES NOT match 不匹配'}\n`,
    );
    if (!matches) return Exit.NO;
  }
  if (values.out !== undefined) {
    writeOutput(values.out, exportPrivateKeyPem(opened.privateKey), 0o600);
    process.stderr.write(`encryption private key written to ${values.out}\n`);
  }
  return Exit.OK;
}
