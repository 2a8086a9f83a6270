/**
 * Independent cross-checks with BouncyCastle (tools/bc-check), both directions, on fresh random
 * keys, IDs and messages: signatures, C1C3C2 and C1C2C3 ciphertexts, PEM keys and the key
 * exchange with confirmation. R11.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  Sm2PrivateKey,
  Sm2PublicKey,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  fromHex,
  importPrivateKey,
  importPublicKey,
  randomBytes,
  sm2Decrypt,
  sm2Encrypt,
  sm2KeyExchange,
  toHex,
  utf8,
} from '../src/index.js';
import { bcHex, runBc } from '../../../tools/test-support/bc.js';
import { Scratch } from '../../../tools/test-support/openssl.js';
import { backends, withBackend } from './backends.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe.each(backends.map((b) => [b.name, b] as const))(
  'BouncyCastle interoperability on the %s backend',
  (_n, backend) => {
    withBackend(backend);

    it('ok/signatures verify both ways with random IDs', () => {
      const cases = Array.from({ length: 20 }, (_, i) => ({
        key: Sm2PrivateKey.generate(),
        id: i % 3 === 0 ? utf8('1234567812345678') : randomBytes(1 + i * 3),
        message: randomBytes(i * 37),
      }));
      const ours = cases.map((c) => c.key.sign(c.message, { id: c.id }));
      const answers = runBc([
        ...cases.map(
          (c, i) =>
            `sm2-verify ${bcHex(c.key.publicKey.toBytes())} ${bcHex(c.id)} ${bcHex(c.message)} ${bcHex(ours[i]!)}`,
        ),
        ...cases.map((c) => `sm2-sign ${bcHex(c.key.toBytes())} ${bcHex(c.id)} ${bcHex(c.message)}`),
      ]);
      cases.forEach((c, i) => {
        expect(answers[i]!.fields[0], answers[i]!.error).toBe('true');
        const theirs = fromHex(answers[cases.length + i]!.fields[0]!);
        expect(c.key.publicKey.verify(c.message, theirs, { id: c.id })).toBe(true);
        expect(c.key.publicKey.verify(c.message, theirs, { id: 'other' })).toBe(false);
      });
    });

    it('ok/ciphertexts decrypt both ways in C1C3C2 and C1C2C3', () => {
      const key = Sm2PrivateKey.generate();
      const formats = [
        ['c1c3c2', 'C1C3C2'],
        ['c1c2c3', 'C1C2C3'],
      ] as const;
      const cases = formats.flatMap(([ours, theirs]) =>
        [1, 16, 100, 1000].map((length) => ({ ours, theirs, message: randomBytes(length) })),
      );
      const encrypted = cases.map((c) => sm2Encrypt(key.publicKey, c.message, c.ours));
      const answers = runBc([
        ...cases.map((c, i) => `sm2-decrypt ${bcHex(key.toBytes())} ${c.theirs} ${bcHex(encrypted[i]!)}`),
        ...cases.map((c) => `sm2-encrypt ${bcHex(key.publicKey.toBytes())} ${c.theirs} ${bcHex(c.message)}`),
      ]);
      cases.forEach((c, i) => {
        expect(answers[i]!.fields[0], answers[i]!.error).toBe(bcHex(c.message));
        const theirs = fromHex(answers[cases.length + i]!.fields[0]!);
        expect(toHex(sm2Decrypt(key, theirs, c.ours))).toBe(toHex(c.message));
      });
    });

    it('ok/PEM keys exchange both ways', () => {
      const ours = Sm2PrivateKey.generate();
      const privPath = scratch.write('ours.pem', exportPrivateKeyPem(ours));
      const pubPath = scratch.write('ours-pub.pem', exportPublicKeyPem(ours.publicKey));
      const theirs = Sm2PrivateKey.generate();
      const answers = runBc([
        `pem-private ${privPath}`,
        `pem-public ${pubPath}`,
        `write-private ${bcHex(theirs.toBytes())} ${scratch.path('bc.pem')}`,
        `write-public ${bcHex(theirs.publicKey.toBytes())} ${scratch.path('bc-pub.pem')}`,
      ]);
      expect(answers.map((a) => a.error)).toEqual(['', '', '', '']);
      expect(answers[0]!.fields[0]).toBe(toHex(ours.toBytes()));
      expect(answers[1]!.fields[0]).toBe(toHex(ours.publicKey.toBytes()));
      expect(toHex(importPrivateKey(scratch.read('bc.pem').toString()).toBytes())).toBe(
        toHex(theirs.toBytes()),
      );
      expect(importPublicKey(scratch.read('bc-pub.pem').toString()).equals(theirs.publicKey)).toBe(true);
    });

    it('ok/key exchange with confirmation agrees with BouncyCastle in both roles', () => {
      const [dA, rA, dB, rB] = [0, 1, 2, 3].map(() => Sm2PrivateKey.generate()) as [
        Sm2PrivateKey,
        Sm2PrivateKey,
        Sm2PrivateKey,
        Sm2PrivateKey,
      ];
      const idA = utf8('initiator@example');
      const idB = utf8('1234567812345678');
      const pub = (k: Sm2PrivateKey) => bcHex(k.publicKey.toBytes());
      // BC is the responder: it yields K, S_B and the S_A it expects.
      const [bcResponder] = runBc([
        `sm2-kx-responder ${bcHex(dB.toBytes())} ${bcHex(rB.toBytes())} ${bcHex(idB)} ${pub(dA)} ${pub(rA)} ${bcHex(idA)} 24`,
      ]);
      const [K, SB, expectedSA] = bcResponder!.fields as [string, string, string];
      const initiator = sm2KeyExchange(
        'initiator',
        { privateKey: dA, ephemeral: rA, id: idA },
        {
          publicKey: dB.publicKey,
          ephemeralPublicKey: Sm2PublicKey.fromBytes(rB.publicKey.toBytes()),
          id: idB,
        },
        24,
      );
      expect(toHex(initiator.key)).toBe(K);
      expect(() => initiator.verifyPeerConfirmation(fromHex(SB))).not.toThrow();
      expect(toHex(initiator.confirmation)).toBe(expectedSA);
      // BC is the initiator: it checks our S_B and yields K and S_A.
      const responder = sm2KeyExchange(
        'responder',
        { privateKey: dB, ephemeral: rB, id: idB },
        { publicKey: dA.publicKey, ephemeralPublicKey: rA.publicKey, id: idA },
        24,
      );
      const [bcInitiator] = runBc([
        `sm2-kx-initiator ${bcHex(dA.toBytes())} ${bcHex(rA.toBytes())} ${bcHex(idA)} ${pub(dB)} ${pub(rB)} ${bcHex(idB)} 24 ${bcHex(responder.confirmation)}`,
      ]);
      expect(bcInitiator!.ok, bcInitiator!.error).toBe(true);
      expect(bcInitiator!.fields[0]).toBe(toHex(responder.key));
      expect(() => responder.verifyPeerConfirmation(fromHex(bcInitiator!.fields[1]!))).not.toThrow();
    });
  },
);
