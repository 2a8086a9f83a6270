/**
 * The key vault port (design §5; issue 4 "CA and OCSP keys live in a KeyVault port"): the CA,
 * OCSP-signing and audit keys are created and used inside the vault; callers get a signer and
 * the public key, never the private key. The default vault (`store-key-vault.ts`) seals keys
 * with SM4 under a key derived from a passphrase; an HSM adapter implements the same port.
 */
import type { Sm2PublicKey } from '@yizheng/gm';
import type { Sm2Signer } from '@yizheng/pki';

export interface KeyVault {
  /** Generates an SM2 key pair inside the vault; returns its reference (`ref` to choose one, e.g. 'vault:audit'). */
  createKey(label: string, options?: { ref?: string }): Promise<{ ref: string; publicKey: Sm2PublicKey }>;
  /** A signer for a stored key (YZ_ERR_VAULT_KEY when there is none or it cannot be unsealed). */
  signer(ref: string): Promise<Sm2Signer>;
  publicKey(ref: string): Promise<Sm2PublicKey>;
}
