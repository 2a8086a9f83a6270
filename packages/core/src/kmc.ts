/**
 * The key management centre (KMC, R12; GM/T 0014 roles, reference §5): encryption key pairs are
 * generated here — from a pre-generated pool so issuance does not wait for key generation —
 * escrowed sealed under the KMC's own master secret (never the CA vault's), and delivered to the
 * holder enveloped to the holder's signing public key (GM/T 0009 SM2EnvelopedKey inside a
 * GM/T 0092 CSRResponse, or an SKF ENVELOPEDKEYBLOB for USB-KEYs).
 */
import { randomUUID } from 'node:crypto';
import { Sm2PrivateKey, Sm2PublicKey } from '@yizheng/gm';
import { envelopeKey, envelopeKeyAsSkfBlob } from '@yizheng/pki';
import { CoreError } from './errors.js';
import type { EscrowedKeyRecord } from './model.js';
import type { Clock } from './ports/clock.js';
import type { Store, StoreTx } from './ports/store.js';
import { Sealer } from './sealing.js';

/** How the encryption key is delivered to the holder. */
export type KeyDelivery = 'sm2-enveloped-key' | 'skf-enveloped-key-blob';

export class Kmc {
  readonly #sealer: Sealer;

  constructor(
    private readonly store: Store,
    masterSecret: string | Uint8Array,
    private readonly clock: Clock,
  ) {
    this.#sealer = new Sealer(masterSecret, 'kmc');
  }

  #newRecord(): EscrowedKeyRecord {
    const key = Sm2PrivateKey.generate();
    const id = `kmc:${randomUUID()}`;
    return {
      id,
      state: 'pool',
      publicKey: key.publicKey.toBytes(),
      sealed: this.#sealer.seal(Sm2PrivateKey.secretOf(key), id),
      uscc: null,
      caId: null,
      certificateSerial: null,
      createdAt: this.clock.now(),
      assignedAt: null,
    };
  }

  /** Adds `count` fresh key pairs to the pool (one transaction); returns the pool size after. */
  async refillPool(count: number): Promise<number> {
    return this.store.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await tx.insertEscrowedKey(this.#newRecord());
      return tx.countPoolKeys();
    });
  }

  /**
   * Assigns an encryption key pair to the certificate being issued, inside the issuing
   * transaction. An empty pool does not stop issuance: a pair is generated on the spot.
   */
  async assignKey(
    tx: StoreTx,
    assign: { uscc: string; caId: string; certificateSerial: string },
  ): Promise<EscrowedKeyRecord> {
    const at = this.clock.now();
    const taken = await tx.takePoolKey({ ...assign, at });
    if (taken) return taken;
    const fresh = { ...this.#newRecord(), state: 'assigned' as const, ...assign, assignedAt: at };
    await tx.insertEscrowedKey(fresh);
    return fresh;
  }

  /** The escrowed private key, unsealed (only for enveloping and audited recovery). */
  #privateKey(record: EscrowedKeyRecord): Sm2PrivateKey {
    const key = Sm2PrivateKey.fromBytes(this.#sealer.open(record.sealed, record.id, 'YZ_ERR_KMC_UNSEAL'));
    if (!key.publicKey.equals(Sm2PublicKey.fromBytes(record.publicKey)))
      throw new CoreError('YZ_ERR_KMC_UNSEAL', `escrowed key ${record.id} does not match its public key`);
    return key;
  }

  /** Envelopes the escrowed key of `record` to `holderSigningKey`. */
  envelope(
    record: EscrowedKeyRecord,
    holderSigningKey: Sm2PublicKey,
    delivery: KeyDelivery = 'sm2-enveloped-key',
  ): Uint8Array {
    const key = this.#privateKey(record);
    return delivery === 'sm2-enveloped-key'
      ? envelopeKey(key, holderSigningKey)
      : envelopeKeyAsSkfBlob(key, holderSigningKey);
  }
}
