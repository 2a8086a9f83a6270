/**
 * The `yizheng` command line: one entry point, commands grouped by layer. This issue brings the
 * `gm` group; later issues add the CA, publication and service commands listed under "planned".
 */
import { sm2Backend } from '@yizheng/gm';
import { CliError, Exit, describeError } from './cli-error.js';
import { bench } from './gm/bench.js';
import { decrypt, encrypt, keygen, sign, sm3, sm4, verify } from './gm/commands.js';

type Command = (argv: string[]) => number;

const GM_COMMANDS: Record<string, Command> = { keygen, sign, verify, encrypt, decrypt, sm3, sm4, bench };

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

Planned (later issues; not available yet):
  ca init|import|export, issue, renew, change, reissue, revoke, suspend, resume, kmc recover,
  import, history, stats, audit verify   — the CA core, KMC and lifecycle
  serve                                  — REST API, OCSP, CRL and LDAP on 8080/1389, web portal
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
    if (group !== 'gm')
      throw new CliError('YZ_ERR_USAGE', `unknown command group "${group}" (try: yizheng help)`);
    const run = command === undefined ? undefined : GM_COMMANDS[command];
    if (!run) throw new CliError('YZ_ERR_USAGE', `unknown gm command "${command ?? ''}" (try: yizheng help)`);
    return run(rest);
  } catch (error) {
    const described = describeError(error);
    if (described === null) throw error;
    process.stderr.write(`yizheng: ${described}\n`);
    return Exit.BAD_INPUT;
  }
}
