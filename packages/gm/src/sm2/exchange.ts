/**
 * SM2 key exchange with key confirmation (GB/T 32918.3-2016 §6.1).
 *
 * Both roles run the same computation with their own and the peer's values swapped; Z_A and
 * Z_B (and x1,y1 / x2,y2) are always taken in initiator-then-responder order. Key exchange is
 * rare (session set-up), so it uses the TypeScript point arithmetic directly.
 */
import { bigIntToBytes, bytesToBigInt, concatBytes, constantTimeEqual } from '../bytes.js';
import { GmError } from '../errors.js';
import { sm2Kdf, sm3Concat } from '../sm3.js';
import { SM2_CURVE, Sm2Point } from './curve.js';
import { SM2_DEFAULT_ID, type Sm2Id, Sm2PrivateKey, Sm2PublicKey } from './keys.js';

/** Our side: long-term key, ephemeral key (r, R = [r]G) and ID. */
export interface KeyExchangeSelf {
  privateKey: Sm2PrivateKey;
  ephemeral: Sm2PrivateKey;
  id?: Sm2Id;
}

/** The peer's side: long-term public key, ephemeral public key R, and ID. */
export interface KeyExchangePeer {
  publicKey: Sm2PublicKey;
  ephemeralPublicKey: Sm2PublicKey;
  id?: Sm2Id;
}

/** Outcome for one party. */
export interface KeyExchangeResult {
  /** The shared key K (klen bytes). */
  key: Uint8Array;
  /** Our confirmation value to send: S_B from the responder, S_A from the initiator. */
  confirmation: Uint8Array;
  /** Checks the peer's confirmation (S_B at the initiator, S_A at the responder); throws on mismatch. */
  verifyPeerConfirmation(value: Uint8Array): void;
}

/** w = ⌈⌈log2 n⌉ / 2⌉ − 1 = 127 for sm2p256v1. */
const W = 127n;
const LOW_MASK = (1n << W) - 1n;

/** x̄ = 2^w + (x mod 2^w). */
function reducedX(xy: Uint8Array): bigint {
  return (1n << W) + (bytesToBigInt(xy.subarray(0, 32)) & LOW_MASK);
}

function pointOf(key: Sm2PublicKey) {
  const xy = key.xy;
  return Sm2Point.fromAffine({ x: bytesToBigInt(xy.subarray(0, 32)), y: bytesToBigInt(xy.subarray(32)) });
}

/**
 * Runs the exchange as `role`. Example (initiator A with responder B):
 * `const a = sm2KeyExchange('initiator', { privateKey: dA, ephemeral: rA }, { publicKey: PB, ephemeralPublicKey: RB }, 16)`.
 */
export function sm2KeyExchange(
  role: 'initiator' | 'responder',
  self: KeyExchangeSelf,
  peer: KeyExchangePeer,
  keyLength: number,
): KeyExchangeResult {
  if (!Number.isInteger(keyLength) || keyLength < 1)
    throw new RangeError('keyLength must be a positive integer');
  const n = SM2_CURVE.n;
  const d = bytesToBigInt(Sm2PrivateKey.secretOf(self.privateKey));
  const r = bytesToBigInt(Sm2PrivateKey.secretOf(self.ephemeral));
  const ownR = self.ephemeral.publicKey.xy;
  const peerR = peer.ephemeralPublicKey.xy;

  const t = (d + ((reducedX(ownR) * r) % n)) % n; // A5 / B4
  const sum = pointOf(peer.publicKey).add(pointOf(peer.ephemeralPublicKey).multiply(reducedX(peerR))); // A6-A7 / B5-B6
  const shared = sum.is0() ? sum : sum.multiply(t);
  if (shared.is0()) throw new GmError('YZ_ERR_KEY_EXCHANGE', 'shared point is infinity');
  const { x, y } = shared.toAffine();
  const xU = bigIntToBytes(x, 32);
  const yU = bigIntToBytes(y, 32);

  const ownZ = self.privateKey.publicKey.z(self.id ?? SM2_DEFAULT_ID);
  const peerZ = peer.publicKey.z(peer.id ?? SM2_DEFAULT_ID);
  const [zA, zB] = role === 'initiator' ? [ownZ, peerZ] : [peerZ, ownZ];
  const [rA, rB] = role === 'initiator' ? [ownR, peerR] : [peerR, ownR];

  const key = sm2Kdf(concatBytes(xU, yU, zA, zB), keyLength); // A8 / B7
  const inner = sm3Concat(xU, zA, zB, rA, rB);
  const s02 = sm3Concat(Uint8Array.of(0x02), yU, inner); // S_B (and S_1)
  const s03 = sm3Concat(Uint8Array.of(0x03), yU, inner); // S_A (and S_2)
  const [confirmation, expected] = role === 'initiator' ? [s03, s02] : [s02, s03];
  return {
    key,
    confirmation,
    verifyPeerConfirmation(value) {
      if (!constantTimeEqual(value, expected)) {
        throw new GmError('YZ_ERR_KEY_EXCHANGE', 'peer key confirmation does not match');
      }
    },
  };
}
