/**
 * The default KeyVault (issue 4, design §5): SM2 keys generated here and kept in the store,
 * sealed with SM4-GCM under the vault master secret (`Sealer`, purpose 'vault'). The private key
 * exists in memory only inside the signer object; nothing returns or prints it.
 */
import { randomUUID } from 'node:crypto';
import { Sm2PrivateKey, Sm2PublicKey } from '@yizheng/gm';
import type { Sm2Signer } from '@yizheng/pki';
import { CoreError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { KeyVault } from './ports/key-vault.js';
import type { Store } from './ports/store.js';
import { Sealer } from './sealing.js';

export class StoreKeyVault implements KeyVault {
  readonly #signers = new Map<string, Sm2Signer>();
  readonly #sealer: Sealer;

  constructor(
    private readonly store: Store,
    masterSecret: string | Uint8Array,
    private readonly clock: Clock,
  ) {
    this.#sealer = new Sealer(masterSecret, 'vault');
  }

  async createKey(
    label: string,
    options: { ref?: string } = {},
  ): Promise<{ ref: string; publicKey: Sm2PublicKey }> {
    const key = Sm2PrivateKey.generate();
    const ref = options.ref ?? `vault:${randomUUID()}`;
    const sealed = this.#sealer.seal(Sm2PrivateKey.secretOf(key), ref);
    await this.store.read.insertVaultKey({
      ref,
      label,
      publicKey: key.publicKey.toBytes(),
      sealed,
      createdAt: this.clock.now(),
    });
    this.#signers.set(ref, signerOf(key));
    return { ref, publicKey: key.publicKey };
  }

  async signer(ref: string): Promise<Sm2Signer> {
    const cached = this.#signers.get(ref);
    if (cached) return cached;
    const record = await this.store.read.getVaultKey(ref);
    if (!record) throw new CoreError('YZ_ERR_VAULT_KEY', `the key vault has no key ${ref}`);
    const key = Sm2PrivateKey.fromBytes(this.#sealer.open(record.sealed, ref, 'YZ_ERR_VAULT_KEY'));
    if (!key.publicKey.equals(Sm2PublicKey.fromBytes(record.publicKey)))
      throw new CoreError('YZ_ERR_VAULT_KEY', `vault key ${ref} does not match its public key`);
    const signer = signerOf(key);
    this.#signers.set(ref, signer);
    return signer;
  }

  async publicKey(ref: string): Promise<Sm2PublicKey> {
    const record = await this.store.read.getVaultKey(ref);
    if (!record) throw new CoreError('YZ_ERR_VAULT_KEY', `the key vault has no key ${ref}`);
    return Sm2PublicKey.fromBytes(record.publicKey);
  }
}

/** A signer that holds the key privately (no toBytes, no toJSON reaches it). */
function signerOf(key: Sm2PrivateKey): Sm2Signer {
  return { publicKey: key.publicKey, signDigest: (e) => key.signDigest(e) };
}
