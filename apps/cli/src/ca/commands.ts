/**
 * `yizheng ca …`, `issue`, `revoke|suspend|resume`, `kmc refill`, `audit …` (issue 4): the CA
 * core from the command line, on the store chosen by `--data DIR` or `DATABASE_URL`.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_KEY_REF,
  bootstrapDemo,
  type AgentDetails,
  type MaterialDetails,
  maskIdNumber,
  type RevocationReason,
  checkpointAudit,
  ensureAuditKey,
  importCaCertificate,
  initCaRequest,
  issueDual,
  issueCrl,
  parseNotice,
  revokeFromNotice,
  legalPersonHistory,
  platformStatistics,
  RECOVERY_APPROVALS,
  approveRecovery,
  completeRecovery,
  requestRecovery,
  type IssuedPair,
  changePair,
  reissuePair,
  renewPair,
  loadIssuingCa,
  resumeCertificate,
  revokeCertificate,
  suspendCertificate,
  verifyAudit,
} from '@yizheng/core';
import {
  certificateToPem,
  crlToPem,
  formatName,
  parseCertificates,
  parseCertificationRequest,
  verifyCertificationRequest,
} from '@yizheng/pki';
import { encodePem } from '@yizheng/gm';
import { CliError, Exit } from '../cli-error.js';
import { parseOptions, readInput, required, writeOutput } from '../io.js';
import { withPlatform } from './context.js';
import { APPLICANT_OPTIONS, applicantOption, channelOption } from './options.js';

export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new CliError('YZ_ERR_FILE', `cannot write to ${dir}: ${(error as Error).message}`);
  }
}

export const OPERATOR = process.env.YIZHENG_OPERATOR ?? `cli:${process.env.USER ?? 'operator'}`;

function fingerprint(der: Uint8Array): string {
  return (createHash('sm3').update(der).digest('hex').match(/../g) ?? []).join(':').toUpperCase();
}

/** ca init --demo [--name CN] [--base-url URL] | ca init --csr-out FILE --subject DN */
export async function caInit(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'name', 'base-url', 'csr-out', 'subject', 'pool'],
    booleans: ['demo'],
  });
  return withPlatform(values, async (p) => {
    if (values.demo) {
      const { ca, poolSize: pool } = await bootstrapDemo(p, {
        actor: OPERATOR,
        baseUrl: values['base-url'] ?? 'http://localhost:8080',
        pool: Number(values.pool ?? 20),
        ...(values.name ? { name: values.name } : {}),
      });
      const root = ca.chain[ca.chain.length - 1]!;
      process.stdout.write(
        [
          `CA ${ca.record.id} ready (demo) 演示 CA 已创建`,
          `  root 根CA:      ${formatName(root.tbs.subject)}`,
          `    SM3 fingerprint: ${fingerprint(root.der)}`,
          `  issuing CA 签发CA: ${ca.record.name}`,
          `    SM3 fingerprint: ${fingerprint(ca.certificate.der)}`,
          `  profiles: legal-person-sign, legal-person-enc, ocsp-signing; KMC pool: ${pool} keys`,
          `  fee schedule 收费标准: version 1 (yizheng fees show)`,
          '',
        ].join('\n'),
      );
      return Exit.OK;
    }
    const out = required(values['csr-out'], 'csr-out (or --demo)');
    const { record, requestDer } = await initCaRequest(p, required(values.subject, 'subject'), {
      actor: OPERATOR,
    });
    await ensureAuditKey(p.vault);
    writeOutput(out, encodePem('CERTIFICATE REQUEST', requestDer));
    process.stdout.write(
      `CA ${record.id} created; send ${out} to the national root CA, then run yizheng ca import\n`,
    );
    return Exit.OK;
  });
}

/** ca import --ca ID --cert ca.pem --chain chain.pem */
export async function caImport(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'ca', 'cert', 'chain'] });
  return withPlatform(values, async (p) => {
    const cert = parseCertificates(readInput(required(values.cert, 'cert')))[0]!;
    const chain = parseCertificates(readInput(required(values.chain, 'chain')));
    const ca = await importCaCertificate(
      p,
      required(values.ca, 'ca'),
      cert.der,
      chain.map((c) => c.der),
      { actor: OPERATOR },
    );
    process.stdout.write(`CA ${ca.record.id} imported: ${formatName(ca.certificate.tbs.subject)}\n`);
    return Exit.OK;
  });
}

/** ca export --out DIR [--ca ID]: ca.pem, root.pem, chain.pem (CA first, root last). */
export async function caExport(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'ca', 'out'] });
  const out = required(values.out, 'out');
  ensureWritableDir(out);
  return withPlatform(values, async (p) => {
    const ca = await loadIssuingCa(p.store, values.ca);
    const root = ca.chain[ca.chain.length - 1] ?? ca.certificate;
    writeOutput(join(out, 'ca.pem'), certificateToPem(ca.certificate));
    writeOutput(join(out, 'root.pem'), certificateToPem(root));
    writeOutput(join(out, 'chain.pem'), [ca.certificate, ...ca.chain].map(certificateToPem).join(''));
    process.stdout.write(`CA ${ca.record.id} chain written to ${out}/ (ca.pem, root.pem, chain.pem)\n`);
    return Exit.OK;
  });
}

/** ca list */
export async function caList(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'] });
  return withPlatform(values, async (p) => {
    for (const ca of await p.store.read.listCas())
      process.stdout.write(
        `${ca.id}  ${ca.status}${ca.certificateDer ? '' : ' (certificate pending)'}  ${ca.name}\n`,
      );
    return Exit.OK;
  });
}

/** Writes an issued pair's files and prints its serials. */
export function writePair(pair: IssuedPair, out: string, skf: boolean, verb: string): void {
  writeOutput(join(out, 'sign.pem'), certificateToPem(pair.signCertificate));
  writeOutput(join(out, 'enc.pem'), certificateToPem(pair.encCertificate));
  writeOutput(join(out, 'csr-response.der'), pair.csrResponse);
  writeOutput(join(out, 'chain.pem'), pair.chain.map(certificateToPem).join(''));
  if (skf) writeOutput(join(out, 'enc-key.skf'), pair.envelope);
  process.stdout.write(
    [
      `${verb} dual certificate for ${pair.sign.subject}`,
      `  signing 签名证书 serial:    ${pair.sign.serial}`,
      `  encryption 加密证书 serial: ${pair.enc.serial}`,
      `  valid 有效期: ${pair.sign.notBefore.toISOString()} → ${pair.sign.notAfter.toISOString()}`,
      `  files: ${join(out, 'sign.pem')}, enc.pem, csr-response.der, chain.pem${skf ? ', enc-key.skf' : ''}`,
      '',
    ].join('\n'),
  );
}

/**
 * issue --csr REQ.pem --uscc USCC --name NAME [--rep 法定代表人] [--out DIR] [--skf] [--ca ID]:
 * a dual certificate (新办); writes sign.pem, enc.pem, csr-response.der, chain.pem (and
 * enc-key.skf with --skf) and prints both serials.
 */
export async function issue(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'csr', 'uscc', 'name', 'rep', 'out', 'ca', 'channel', ...APPLICANT_OPTIONS],
    booleans: ['skf'],
  });
  const applicant = applicantOption(values);
  const out = values.out ?? '.';
  const request = readInput(required(values.csr, 'csr'));
  // the output directory must be writable before anything is issued: the certificates are
  // committed first, and a pair nobody received is a support call
  ensureWritableDir(out);
  return withPlatform(values, async (p) => {
    const pair = await issueDual(p, {
      request,
      legalPerson: {
        uscc: required(values.uscc, 'uscc'),
        name: required(values.name, 'name'),
        ...(values.rep ? { legalRepresentative: values.rep } : {}),
      },
      channel: channelOption(values.channel, 'cli'),
      actor: OPERATOR,
      ...(values.ca ? { caId: values.ca } : {}),
      ...(values.skf ? { delivery: 'skf-enveloped-key-blob' as const } : {}),
      ...applicant,
    });
    writePair(pair, out, values.skf, 'issued 已签发');
    return Exit.OK;
  });
}

function statusCommand(step: 'revoke' | 'suspend' | 'resume') {
  const run = { revoke: revokeCertificate, suspend: suspendCertificate, resume: resumeCertificate }[step];
  return async (argv: string[]): Promise<number> => {
    const { values } = parseOptions(argv, { strings: ['data', 'serial', 'ca', 'reason', 'note', 'batch'] });
    if (step === 'revoke' && values.batch !== undefined) return revokeBatch(values.batch, values.data);
    return withPlatform(values, async (p) => {
      const changed = await run(p, {
        serial: required(values.serial, 'serial'),
        actor: OPERATOR,
        ...(values.ca ? { caId: values.ca } : {}),
        ...(values.reason ? { reason: values.reason as RevocationReason } : {}),
        ...(values.note ? { note: values.note } : {}),
        channel: 'cli',
      });
      for (const c of changed) process.stdout.write(`${c.role} ${c.serial}: ${c.status}\n`);
      return Exit.OK;
    });
  };
}
/**
 * revoke --batch NOTICE: a registry notice, one `USCC,deregistered|closed|inactive|revoked[,note]`
 * per line; a malformed file is refused whole (nothing revoked), then each legal person is
 * revoked in its own transaction with progress on stderr.
 */
async function revokeBatch(file: string, data: string | undefined): Promise<number> {
  const { entries, errors } = parseNotice(Buffer.from(readInput(file)).toString('utf8'));
  if (errors.length)
    throw new CliError(
      'YZ_ERR_USAGE',
      `${file} has ${errors.length} bad line(s), nothing was revoked:\n` +
        errors.map((e) => `  line ${e.line}: ${e.message}`).join('\n'),
    );
  return withPlatform({ data }, async (p) => {
    const results = await revokeFromNotice(p, entries, {
      actor: OPERATOR,
      attribution: { branchId: null, channel: 'cli' },
      onProgress: (done, total) => process.stderr.write(`\rrevoking 撤销中: ${done}/${total}`),
    });
    process.stderr.write('\n');
    const failed = results.filter((r) => !r.ok);
    const revoked = results.reduce((n, r) => n + (r.ok ? r.revoked : 0), 0);
    for (const r of failed) if (!r.ok) process.stdout.write(`${r.uscc}: ${r.code}: ${r.message}\n`);
    process.stdout.write(
      `${results.length - failed.length} legal person(s) processed, ${revoked} certificate(s) revoked, ${failed.length} failed\n`,
    );
    return failed.length ? Exit.NO : Exit.OK;
  });
}

export const revoke = statusCommand('revoke');
export const suspend = statusCommand('suspend');
export const resume = statusCommand('resume');

/** kmc refill [--count N] */
export async function kmcRefill(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'count'] });
  const count = Number(values.count ?? 100);
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new CliError('YZ_ERR_USAGE', '--count must be 1..100000');
  return withPlatform(values, async (p) => {
    process.stdout.write(`KMC pool: ${await p.kmc.refillPool(count)} keys\n`);
    return Exit.OK;
  });
}

/** audit verify: exit 0 when the chain and the latest checkpoint verify, 1 otherwise. */
export async function auditVerify(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'] });
  return withPlatform(values, async (p) => {
    const key = await ensureAuditKey(p.vault);
    const result = await verifyAudit(p.store, key);
    if (result.valid) {
      const cp = result.checkpoint ? `, checkpoint at ${result.checkpoint.seq} signed` : '';
      process.stdout.write(`audit OK 审计日志完整: ${result.entries} entries${cp}\n`);
      return Exit.OK;
    }
    process.stdout.write(
      `audit NOT valid 审计日志异常: entry ${result.problem?.seq}: ${result.problem?.message}\n`,
    );
    return Exit.NO;
  });
}

/** audit checkpoint: signs the chain head with the audit key. */
export async function auditCheckpoint(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data'] });
  return withPlatform(values, async (p) => {
    await ensureAuditKey(p.vault);
    const seq = await checkpointAudit(p.store, await p.vault.signer(AUDIT_KEY_REF), p.clock.now());
    process.stdout.write(`audit checkpoint at entry ${seq}\n`);
    return Exit.OK;
  });
}

/**
 * renew | change | reissue --serial HEX --csr REQ.pem [--out DIR] [--name NAME --uscc USCC
 * --rep 法定代表人 (change)] [--channel C] [--note TEXT]: replace a pair by the lifecycle rules
 * (docs/lifecycle.md).
 */
function replaceCommand(step: 'renew' | 'change' | 'reissue') {
  const run = { renew: renewPair, change: changePair, reissue: reissuePair }[step];
  const verb = { renew: 'renewed 已更新', change: 'changed 已变更', reissue: 'reissued 已补办' }[step];
  return async (argv: string[]): Promise<number> => {
    const { values } = parseOptions(argv, {
      strings: [
        'data',
        'serial',
        'csr',
        'out',
        'ca',
        'name',
        'uscc',
        'rep',
        'channel',
        'note',
        ...APPLICANT_OPTIONS,
      ],
      booleans: ['skf'],
    });
    const out = values.out ?? '.';
    const request = readInput(required(values.csr, 'csr'));
    const channel = channelOption(values.channel);
    const applicant = applicantOption(values);
    ensureWritableDir(out);
    return withPlatform(values, async (p) => {
      const pair = await run(p, {
        serial: required(values.serial, 'serial'),
        request,
        channel,
        actor: OPERATOR,
        ...(values.ca ? { caId: values.ca } : {}),
        ...(values.note ? { note: values.note } : {}),
        ...(values.skf ? { delivery: 'skf-enveloped-key-blob' as const } : {}),
        ...applicant,
        ...(values.name
          ? {
              legalPerson: {
                uscc: required(values.uscc, 'uscc'),
                name: values.name,
                ...(values.rep ? { legalRepresentative: values.rep } : {}),
              },
            }
          : {}),
      });
      writePair(pair, out, values.skf, verb);
      return Exit.OK;
    });
  };
}
export const renew = replaceCommand('renew');
export const change = replaceCommand('change');
export const reissue = replaceCommand('reissue');

/**
 * kmc recover request --serial ENC-SERIAL --reason TEXT | approve --id ID | deliver --id ID
 * --csr REQ.pem --out envelope.der: key recovery with dual control (two approvers other than the
 * requester; the operator is YIZHENG_OPERATOR). deliver envelopes the key to the request's key.
 */
export async function kmcRecover(argv: string[]): Promise<number> {
  const [step, ...rest] = argv;
  const { values } = parseOptions(rest, {
    strings: ['data', 'serial', 'reason', 'id', 'csr', 'out'],
    booleans: ['skf'],
  });
  return withPlatform(values, async (p) => {
    if (step === 'request') {
      const r = await requestRecovery(p, {
        serial: required(values.serial, 'serial'),
        reason: required(values.reason, 'reason'),
        actor: OPERATOR,
      });
      process.stdout.write(
        `recovery request ${r.id} opened; needs ${RECOVERY_APPROVALS} approvals by other operators\n`,
      );
    } else if (step === 'approve') {
      const r = await approveRecovery(p, { id: required(values.id, 'id'), actor: OPERATOR });
      process.stdout.write(`recovery request ${r.id}: ${r.approvals.length} approval(s), ${r.state}\n`);
    } else if (step === 'deliver') {
      const out = required(values.out, 'out');
      const csr = parseCertificationRequest(readInput(required(values.csr, 'csr')));
      const key = verifyCertificationRequest(csr);
      const { envelope } = await completeRecovery(p, {
        id: required(values.id, 'id'),
        holderSigningKey: key,
        actor: OPERATOR,
        ...(values.skf ? { delivery: 'skf-enveloped-key-blob' as const } : {}),
      });
      writeOutput(out, envelope);
      process.stdout.write(`recovered key enveloped to the request's signing key: ${out}\n`);
    } else throw new CliError('YZ_ERR_USAGE', 'kmc recover request|approve|deliver');
    return Exit.OK;
  });
}

/** history USCC: every application and certificate of a legal person (R27). */
export async function history(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { strings: ['data'], positionals: 1 });
  const uscc = positionals[0];
  if (!uscc) throw new CliError('YZ_ERR_USAGE', 'give the unified social credit code: yizheng history USCC');
  return withPlatform(values, async (p) => {
    const h = await legalPersonHistory(p.store, uscc);
    const lines = [
      `${h.legalPerson.name} 统一社会信用代码 ${h.legalPerson.uscc}` +
        (h.legalPerson.legalRepresentative ? ` 法定代表人 ${h.legalPerson.legalRepresentative}` : ''),
      'applications 业务记录:',
      ...h.applications.flatMap((a) => {
        const agent = a.data.agent as AgentDetails | undefined;
        const materials = (a.data.materials as MaterialDetails[] | undefined) ?? [];
        return [
          `  ${a.createdAt.toISOString()}  ${a.businessType.padEnd(8)} ${a.channel.padEnd(8)} ${a.state.padEnd(9)} ${a.actor}  ${a.id}`,
          ...(agent ? [`      agent 经办人 ${agent.name} ${maskIdNumber(agent.idNumber)}`] : []),
          ...materials.map((m) => `      material 材料 ${m.kind} ${m.fileName} SM3 ${m.sm3.slice(0, 16)}…`),
        ];
      }),
      'certificates 证书:',
      ...h.certificates.map(
        (c) =>
          `  ${c.role.padEnd(4)} ${c.serial}  ${c.status.padEnd(9)} ${c.notBefore.toISOString().slice(0, 10)} → ${c.notAfter.toISOString().slice(0, 10)}` +
          (c.revocationReason ? `  (${c.revocationReason})` : ''),
      ),
      ...(h.media.length > 0
        ? ['media 介质:', ...h.media.map((m) => `  ${m.serial}  ${m.model}  ${m.state}  ${m.pairId ?? ''}`)]
        : []),
      ...(h.charges.length > 0
        ? [
            'charges 收费:',
            ...h.charges.map(
              (c) =>
                `  ${c.createdAt.toISOString()}  ${c.name}  ${(c.amountFen / 100).toFixed(2)} 元  ${c.status}  ${c.note}`,
            ),
          ]
        : []),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return Exit.OK;
  });
}

/** stats [--days N] [--from DATE] [--to DATE] [--json]: counts for regulators and the back office (R25). */
export async function stats(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { strings: ['data', 'days', 'from', 'to'], booleans: ['json'] });
  const date = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime()))
      throw new CliError('YZ_ERR_USAGE', `--${name} must be a date (YYYY-MM-DD)`);
    return d;
  };
  const days = Number(values.days ?? 30);
  if (!Number.isInteger(days) || days < 0)
    throw new CliError('YZ_ERR_USAGE', '--days must be a whole number');
  const from = date(values.from, 'from');
  const to = date(values.to, 'to');
  return withPlatform(values, async (p) => {
    const s = await platformStatistics(p.store, {
      at: p.clock.now(),
      expiringWithinDays: days,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    if (values.json) {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      return Exit.OK;
    }
    const table = (title: string, counts: Readonly<Record<string, number>>) =>
      [title, ...Object.entries(counts).map(([k, n]) => `  ${k.padEnd(14)} ${n}`)].join('\n');
    process.stdout.write(
      [
        `legal persons 法人: ${s.legalPersons}`,
        table('certificates by status 证书状态:', s.certificatesByStatus),
        table('certificates by role 证书类型:', s.certificatesByRole),
        table('applications by business type 业务类型:', s.applicationsByBusinessType),
        table('applications by channel 渠道:', s.applicationsByChannel),
        `expiring within ${days} days 即将到期: ${s.expiring}`,
        `after-sales 售后: reissue 补办 ${s.afterSales.reissue}, unlock 解锁 ${s.afterSales.unlock}, recovery 密钥恢复 ${s.afterSales.recover}`,
        '',
      ].join('\n'),
    );
    return Exit.OK;
  });
}

/**
 * crl generate --out FILE [--delta] [--hours N] [--ca ID] [--pem]: issues the CA's full CRL (or
 * delta CRL over its latest full one) from the store, stores it where the server publishes it,
 * and writes it to FILE (R5).
 */
export async function crlGenerate(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, {
    strings: ['data', 'out', 'hours', 'ca'],
    booleans: ['pem', 'delta'],
  });
  const out = required(values.out, 'out');
  const hours = Number(values.hours ?? 24);
  if (!Number.isFinite(hours)) throw new CliError('YZ_ERR_USAGE', '--hours must be a number');
  return withPlatform(values, async (p) => {
    const crl = await issueCrl(p, {
      actor: OPERATOR,
      kind: values.delta ? 'delta' : 'full',
      nextUpdateMinutes: hours * 60,
      ...(values.ca ? { caId: values.ca } : {}),
      onProgress: (n) => process.stderr.write(`\rCRL entries: ${n}`),
    });
    process.stderr.write('\n');
    writeOutput(out, values.pem ? crlToPem(crl.der) : crl.der);
    const what =
      crl.kind === 'delta'
        ? `增量 delta CRL ${crl.number} over ${crl.baseNumber}`
        : `全量 full CRL ${crl.number}`;
    process.stdout.write(`${what} with ${crl.entries} entries written to ${out}\n`);
    return Exit.OK;
  });
}
