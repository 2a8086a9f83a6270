/**
 * The `yizheng` command line: one entry point, commands grouped by layer. This issue brings the
 * `gm` group; later issues add the CA, publication and service commands listed under "planned".
 */
import { sm2Backend } from '@yizheng/gm';
import { CliError, Exit, describeError } from './cli-error.js';
import { bench } from './gm/bench.js';
import { decrypt, encrypt, keygen, sign, sm3, sm4, verify } from './gm/commands.js';
import { certShow, certVerify, reqNew, reqShow, reqVerify } from './pki/commands.js';
import {
  auditCheckpoint,
  auditVerify,
  caExport,
  caImport,
  caInit,
  caList,
  change,
  crlGenerate,
  history,
  issue,
  kmcRecover,
  kmcRefill,
  reissue,
  renew,
  resume,
  revoke,
  stats,
  suspend,
} from './ca/commands.js';
import {
  feesPublish,
  feesShow,
  mediaLost,
  mediaPersonalise,
  mediaReceive,
  mediaRetire,
  mediaSoPin,
  policySet,
  policyShow,
  purge,
  unlock,
} from './ca/service-commands.js';
import { branchAdd, clientAdd, operatorAdd, operatorPasswd } from './ca/account-commands.js';
import {
  mediaList,
  mediaScrap,
  mediaThreshold,
  mediaTransfer,
  mediaWarnings,
} from './ca/materials-commands.js';
import { stockImport } from './ca/stock-import-command.js';
import { crlPartitions } from './ca/crl-partition-command.js';
import { ocspIssueResponder } from './ca/ocsp-commands.js';
import { serve } from './serve-command.js';
import {
  apply,
  registryServeSim,
  registrySync,
  reviewApprove,
  reviewList,
  reviewReject,
} from './ca/registry-commands.js';
import { cmsVerify, crlShow, crlVerify, envelopeOpen, ocspShow } from './pki/status-commands.js';

type Command = (argv: string[]) => number | Promise<number>;

/** Lifecycle commands without a group (yizheng issue …, yizheng revoke …). */
const COMMANDS: Record<string, Command> = {
  issue,
  apply,
  renew,
  change,
  reissue,
  revoke,
  suspend,
  resume,
  history,
  stats,
  unlock,
  purge,
  import: stockImport,
  serve,
};

const GROUPS: Record<string, Record<string, Command>> = {
  gm: { keygen, sign, verify, encrypt, decrypt, sm3, sm4, bench },
  req: { new: reqNew, show: reqShow, verify: reqVerify },
  cert: { show: certShow, verify: certVerify },
  crl: { show: crlShow, verify: crlVerify, generate: crlGenerate, partitions: crlPartitions },
  ocsp: { show: ocspShow, 'issue-responder': ocspIssueResponder },
  cms: { verify: cmsVerify },
  envelope: { open: envelopeOpen },
  ca: { init: caInit, import: caImport, export: caExport, list: caList },
  kmc: { refill: kmcRefill, recover: kmcRecover },
  audit: { verify: auditVerify, checkpoint: auditCheckpoint },
  media: {
    receive: mediaReceive,
    personalise: mediaPersonalise,
    'so-pin': mediaSoPin,
    lost: mediaLost,
    retire: mediaRetire,
    list: mediaList,
    transfer: mediaTransfer,
    scrap: mediaScrap,
    threshold: mediaThreshold,
    warnings: mediaWarnings,
  },
  fees: { show: feesShow, publish: feesPublish },
  policy: { show: policyShow, set: policySet },
  review: { list: reviewList, approve: reviewApprove, reject: reviewReject },
  registry: { sync: registrySync, 'serve-sim': registryServeSim },
  branch: { add: branchAdd },
  operator: { add: operatorAdd, passwd: operatorPasswd },
  client: { add: clientAdd },
};

export const HELP = `yizheng — legal-person digital certificate platform (一证) on SM2/SM3/SM4

Usage: yizheng <group> <command> [options]

National-algorithm tools (yizheng gm …):
  gm keygen  --out key.pem [--pub pub.pem] [--pass P] [--format pkcs8|sec1] [--prf sm3|sha256]
  gm sign    --key key.pem --in FILE --out sig.der [--id ID] [--raw] [--pass P]
  gm verify  (--pub pub.pem | --cert cert.pem) --in FILE --sig sig.der [--id ID]
             exit 0 = valid, 1 = invalid, 2 = bad input
  gm encrypt (--pub pub.pem | --cert cert.pem) --in FILE --out ct [--format der|c1c3c2|c1c2c3]
  gm decrypt --key key.pem --in ct --out FILE [--format auto|der|c1c3c2|c1c2c3] [--pass P]
  gm sm3     [FILE…]                      SM3 digest of files (standard input without FILE)
  gm sm4     (--encrypt|--decrypt) --mode ecb|cbc|ctr|gcm --key HEX [--iv HEX] [--aad HEX]
             [--no-pad] --in FILE --out FILE
  gm bench   [--seconds N] [--openssl-seconds N]

  The signer ID defaults to 1234567812345678. --pass takes a password, env:NAME or file:PATH.
  FILE may be - for standard input/output. Errors print a YZ_ERR_* code and exit with 2.

Requests and certificates (GM/T 0015, PKCS#10):
  req new    --key key.pem --subject "C=CN,ST=浙江省,O=…,CN=…" [--uscc CODE] [--id ID]
             [--pass P] --out req.pem
  req show   FILE [--lang zh|en|both]
  req verify FILE [--id ID]           exit 0 = proof of possession holds, 1 = it does not
  cert show  FILE [--lang zh|en|both] every certificate of a DER file or PEM bundle
  cert verify --ca CHAIN.pem FILE [--crl CRL[,CRL…]] [--at TIME] [--id ID]
             self-signed certificates in CHAIN are the trust anchors; exit 1 prints the
             YZ_PATH_* reason
  crl show   FILE [--entries N] [--lang …]   full or delta CRL, first N entries (default 100)
  crl verify --ca ISSUER.pem FILE [--at TIME] [--id ID]   signature, issuer and currency
  ocsp show  FILE                     an OCSP response or request (DER)
  cms verify FILE [--content F] [--ca CHAIN.pem] [--id ID]
             RFC 5652 / GM/T 0010 SignedData; --content for a detached signature
  envelope open --key signkey.pem FILE [--pass P] [--out enc-key.pem]
             opens a GM/T 0009 SM2EnvelopedKey, GM/T 0092 CSRResponse or SKF
             ENVELOPEDKEYBLOB with the signing key; prints the encryption public key

The certificate authority (issue 4, in progress; --data DIR, default ./data, or DATABASE_URL):
  ca init --demo [--name CN] [--base-url URL]   demo root + issuing CA, profiles, KMC pool
  ca init --csr-out ca.csr --subject DN       CA key + request for the national root CA
  ca import --ca ID --cert ca.pem --chain chain.pem
  ca export --out DIR [--ca ID]               ca.pem, root.pem, chain.pem
  ca list
  issue --csr REQ.pem --uscc USCC --name NAME [--rep 法定代表人] [--out DIR] [--skf]
             dual certificate (新办): sign.pem, enc.pem, csr-response.der, chain.pem
  apply --csr REQ.pem --uscc USCC --name NAME --legal-rep 法定代表人 [--registry URL|sim] [--out DIR]
             新办 checked against the legal-person registry (法人综合库, R26): issued on a
             match, else sent to review with the differences; deregistered/revoked: refused
  review list | review approve ID [--out DIR] [--note T] | review reject ID --reason R
             the manual review queue; the approver must not be the submitter (YIZHENG_OPERATOR)
  registry sync [--since DATE] [--registry URL|sim]   registry events: certificates of
             deregistered (注销) / revoked (吊销) legal persons revoked; changes (变更) listed
  registry serve-sim [--port P]               the seeded registry simulator over HTTP
             registry: in-process simulator by default; YIZHENG_REGISTRY_URL for a gateway
  renew|change|reissue --serial HEX --csr REQ.pem [--out DIR] [--name N --uscc U --rep R]
             更新 +1 year / 变更 same expiry, old superseded / 补办 same expiry, old revoked
  issue, apply, renew, change and reissue also take [--channel counter|online|api|mobile|cli]
             [--agent 经办人姓名,身份证号[,手机]] [--materials KIND:FILE[,KIND:FILE…]]
             (KIND: business-licence, id-card, authorisation-letter, application-form, other;
             files are kept as SM3 hash, size and name with the application)
  revoke|suspend|resume --serial HEX [--reason R] [--note TEXT]   acts on the pair
  revoke --batch NOTICE.csv                   registry notice: USCC,deregistered|closed|inactive|revoked[,note]
  kmc refill [--count N]                      pre-generate KMC encryption key pairs
  kmc recover request --serial ENC-SERIAL --reason TEXT | approve --id ID |
              deliver --id ID --csr REQ.pem --out env.der   two approvers ≠ requester (YIZHENG_OPERATOR)
  audit verify | audit checkpoint             SM3 hash chain, SM2-signed checkpoints
  crl generate --out ca.crl [--delta] [--hours N] [--ca ID] [--pem]
             issues the CA's full CRL (or delta CRL over the latest full one), stores it where
             the server publishes it (/crl/{ca}.crl, /crl/{ca}-delta.crl) and writes it to FILE
  crl partitions --count N [--urls T1,T2] [--ca ID]   CRL partitions 分区: new certificates name
             /crl/{ca}-p{n}.crl; one CRL per partition is issued with every CRL ({n} in templates)
  ocsp issue-responder [--ca ID] [--out FILE]   issue or renew the CA's OCSP responder certificate
  media receive --model M [--scheme skf-sha1-sm4|skf-sm3-sm4] [--branch B] [--batch N] SERIAL…
                                              USB-KEYs into a branch's stock 入库
  media list [--branch B] [--state S] [--model M] [--batch N] [--serial S]   stock query 库存查询
  media transfer --to B [--reason R] SERIAL…  调拨: in transit to branch B (signed for there)
  media scrap --medium S --reason TEXT        报废 a key in stock
  media threshold --branch B --model M --minimum N   low-stock threshold 预警阈值
  media warnings [--branch B]                 低库存预警; exit 1 when a branch is short
  media personalise --medium S --serial HEX   制证: bind to a pair, random SO PIN shown once
  media so-pin --medium S --reason TEXT       privileged SO-PIN read (audited)
  media lost|retire --medium S --reason TEXT
  unlock --medium S --challenge HEX --evidence KIND:REF [--new-pin PIN] [--channel C]
             解锁 (R22): SO-PIN response for the key's random; single use, rate-limited
  fees show [--json] | fees publish FILE.json  published fee schedule 收费标准 (R17)
  policy show | policy set [--service-from D --service-to D] [--max-unlocks-per-day N]
             [--retention-years N] [--renewal-window-days N] [--renewal-grace-days N]
             service period 服务期 (R24), unlock rate, retention (R7), renewal window (R19)
  purge [--dry-run]                           delete certificates ended > retention years ago
  history USCC                                every application and certificate of a legal person
  stats [--days N] [--from DATE] [--to DATE] [--json]   counts by status, type, channel; expiring
  import PATH… [--manifest FILE] [--ca ID]   stock certificates (存量证书) from PEM/DER files or
             directories; manifest CSV uscc,name,legalRepresentative[,serial,status,revokedAt,reason]

The service (issue 5, in progress):
  serve [--data DIR] [--host H] [--http-port 8080] [--ldap-port 1389] [--base-url URL]
             [--config FILE] [--log-level L]
             HTTP: /docs (OpenAPI), /api/v1, /ca, /crl/{ca}.crl, /crl/{ca}-delta.crl, /ocsp,
             /healthz, /readyz, /metrics; LDAP: the read-only directory from the database
             (ldapsearch -x -H ldap://127.0.0.1:1389 -b 'o=Yizheng Demo CA,c=CN' '(uscc=…)';
             docs/ldap.md), and with ldapPublish an external directory kept in step;
             CRLs on a schedule and after revocations; first run on
             the embedded default creates the demo CA and the operator admin, its password
             printed once (= npm start); docs/api.md: logins, roles, who may call what
  branch add ID --name N --region GB/T-2260-CODE --address A      a service branch 网点
  operator add LOGIN --name N --roles r1,r2 [--branch B]   an operator; password printed once
             roles: branch-operator, reviewer, branch-manager, ca-admin, kmc-officer, auditor, regulator
  operator passwd LOGIN                       a new password printed once; clears a lockout
  client add NAME --department D --scopes certificates:query,certificates:verify,statistics:read
             an application department's API key (yzk_…), printed once
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      process.stdout.write(HELP);
      process.stdout.write(`\nSM2 arithmetic in use: ${sm2Backend().name}\n`);
      return Exit.OK;
    }
    if (Object.hasOwn(COMMANDS, group)) return await COMMANDS[group]!(argv.slice(1));
    const commands = Object.hasOwn(GROUPS, group) ? GROUPS[group] : undefined;
    if (!commands) throw new CliError('YZ_ERR_USAGE', `unknown command group "${group}" (try: yizheng help)`);
    const run = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!run)
      throw new CliError('YZ_ERR_USAGE', `unknown ${group} command "${command ?? ''}" (try: yizheng help)`);
    return await run(rest);
  } catch (error) {
    const described = describeError(error);
    if (described === null) throw error;
    process.stderr.write(`yizheng: ${described}\n`);
    return Exit.BAD_INPUT;
  }
}
