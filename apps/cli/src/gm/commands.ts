/**
 * `yizheng gm …`: keys, signatures, ciphertexts and digests on the national algorithms, shaped
 * like the gmssl/openssl commands operators and integrators already use (issue 2, R11).
 */
import {
  Sm2PrivateKey,
  type CipherFormat,
  type Sm4Mode,
  createSm3,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  importPrivateKey,
  importPublicKey,
  sm2Decrypt,
  sm2Encrypt,
  sm4Decrypt,
  sm4Encrypt,
  toHex,
} from '@yizheng/gm';
import { CliError, Exit } from '../cli-error.js';
import { hexOption, parseOptions, readInput, required, writeOutput } from '../io.js';
import { certificatePublicKey, parseCertificate } from '@yizheng/pki';

/** Resolves a --pass value: `env:NAME`, `file:PATH`, or the literal password. */
function resolvePassword(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith('env:')) {
    const v = process.env[value.slice(4)];
    if (v === undefined)
      throw new CliError('YZ_ERR_USAGE', `environment variable ${value.slice(4)} is not set`);
    return v;
  }
  if (value.startsWith('file:')) {
    return Buffer.from(readInput(value.slice(5)))
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  return value;
}

export function loadPrivateKey(path: string, pass: string | undefined): Sm2PrivateKey {
  return importPrivateKey(readInput(path), resolvePassword(pass));
}

const CIPHER_FORMATS: readonly CipherFormat[] = ['der', 'c1c3c2', 'c1c2c3'];
const SM4_MODES: readonly Sm4Mode[] = ['ecb', 'cbc', 'ctr', 'gcm'];

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError('YZ_ERR_USAGE', `--${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** gm keygen --out key.pem [--pub pub.pem] [--pass P] [--format pkcs8|sec1] [--prf sm3|sha256] */
export function keygen(argv: string[]): number {
  const { values } = parseOptions(argv, {
    strings: ['out', 'pub', 'pass', 'format', 'prf'],
    defaults: { format: 'pkcs8', prf: 'sm3' },
  });
  const out = required(values.out, 'out');
  const format = oneOf(values.format ?? '', ['pkcs8', 'sec1'] as const, 'format');
  const prf = oneOf(values.prf ?? '', ['sm3', 'sha256'] as const, 'prf');
  const password = resolvePassword(values.pass);
  const key = Sm2PrivateKey.generate();
  writeOutput(out, exportPrivateKeyPem(key, { format, password, prf }), 0o600);
  if (values.pub) writeOutput(values.pub, exportPublicKeyPem(key.publicKey));
  process.stderr.write(`SM2 key written to ${out}${values.pub ? `, public key to ${values.pub}` : ''}\n`);
  return Exit.OK;
}

/** gm sign --key key.pem --in FILE --out sig.der [--id ID] [--raw] [--pass P] */
export function sign(argv: string[]): number {
  const { values } = parseOptions(argv, { strings: ['key', 'in', 'out', 'id', 'pass'], booleans: ['raw'] });
  const key = loadPrivateKey(required(values.key, 'key'), values.pass);
  const message = readInput(required(values.in, 'in'));
  const signature = key.sign(message, { id: values.id, format: values.raw ? 'raw' : 'der' });
  writeOutput(required(values.out, 'out'), signature);
  return Exit.OK;
}

/** gm verify (--pub pub.pem | --cert cert.pem) --in FILE --sig sig.der [--id ID]: exit 0 valid, 1 invalid. */
export function verify(argv: string[]): number {
  const { values } = parseOptions(argv, { strings: ['pub', 'cert', 'in', 'sig', 'id'] });
  const publicKey = publicKeyOption(values.pub, values.cert);
  const message = readInput(required(values.in, 'in'));
  const signature = readInput(required(values.sig, 'sig'));
  const valid = publicKey.verify(message, signature, { id: values.id, format: 'auto' });
  process.stdout.write(valid ? 'Signature OK\n' : 'Signature INVALID\n');
  return valid ? Exit.OK : Exit.NO;
}

function publicKeyOption(pub: string | undefined, cert: string | undefined) {
  if ((pub === undefined) === (cert === undefined)) {
    throw new CliError('YZ_ERR_USAGE', 'give exactly one of --pub and --cert');
  }
  if (cert !== undefined)
    return certificatePublicKey(parseCertificate(readInput(cert), { allowUnknownCritical: true }));
  return importPublicKey(readInput(pub!));
}

/** gm encrypt (--pub pub.pem | --cert cert.pem) --in FILE --out ct [--format der|c1c3c2|c1c2c3] */
export function encrypt(argv: string[]): number {
  const { values } = parseOptions(argv, {
    strings: ['pub', 'cert', 'in', 'out', 'format'],
    defaults: { format: 'der' },
  });
  const publicKey = publicKeyOption(values.pub, values.cert);
  const format = oneOf(values.format ?? '', CIPHER_FORMATS, 'format');
  const message = readInput(required(values.in, 'in'));
  writeOutput(required(values.out, 'out'), sm2Encrypt(publicKey, message, format));
  return Exit.OK;
}

/** gm decrypt --key key.pem --in ct --out FILE [--format auto|der|c1c3c2|c1c2c3] [--pass P] */
export function decrypt(argv: string[]): number {
  const { values } = parseOptions(argv, {
    strings: ['key', 'in', 'out', 'format', 'pass'],
    defaults: { format: 'auto' },
  });
  const key = loadPrivateKey(required(values.key, 'key'), values.pass);
  const format = oneOf(values.format ?? '', ['auto', ...CIPHER_FORMATS] as const, 'format');
  const ciphertext = readInput(required(values.in, 'in'));
  writeOutput(required(values.out, 'out'), sm2Decrypt(key, ciphertext, format), 0o600);
  return Exit.OK;
}

/** gm sm3 [FILE…]: prints `digest  name` per input (standard input when none), like sm3sum. */
export function sm3(argv: string[]): number {
  const { positionals } = parseOptions(argv, { positionals: Number.MAX_SAFE_INTEGER });
  for (const path of positionals.length ? positionals : ['-']) {
    const hash = createSm3().update(readInput(path));
    process.stdout.write(`${toHex(hash.digest())}  ${path}\n`);
  }
  return Exit.OK;
}

/** gm sm4 (--encrypt|--decrypt) --mode ecb|cbc|ctr|gcm --key HEX [--iv HEX] [--aad HEX] [--no-pad] --in F --out F */
export function sm4(argv: string[]): number {
  const { values } = parseOptions(argv, {
    strings: ['mode', 'key', 'iv', 'aad', 'in', 'out'],
    booleans: ['encrypt', 'decrypt', 'no-pad'],
  });
  if (values.encrypt === values.decrypt)
    throw new CliError('YZ_ERR_USAGE', 'give exactly one of --encrypt and --decrypt');
  const mode = oneOf(required(values.mode, 'mode'), SM4_MODES, 'mode');
  const options = {
    key: hexOption(required(values.key, 'key'), 'key'),
    iv: values.iv === undefined ? undefined : hexOption(values.iv, 'iv'),
    aad: values.aad === undefined ? undefined : hexOption(values.aad, 'aad'),
    padding: values['no-pad'] ? ('none' as const) : ('pkcs7' as const),
  };
  const data = readInput(required(values.in, 'in'));
  const result = values.encrypt ? sm4Encrypt(mode, data, options) : sm4Decrypt(mode, data, options);
  writeOutput(required(values.out, 'out'), result);
  return Exit.OK;
}
