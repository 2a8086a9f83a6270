/**
 * GB/T 32918.1–5 (SM2) known answers: the recommended-curve vectors of GB/T 32918.5 Annex A–C
 * (signature, encryption, key exchange) and the Fp-256 test-curve vectors of parts 2 and 4,
 * from ../shared/reference/gm-standards.md §1.8. Run against every backend. R11.
 */
import { describe, expect, it } from 'vitest';
import {
  SM2_CURVE,
  Sm2PrivateKey,
  Sm2PublicKey,
  decodeCipher,
  encodeCipher,
  fromHex,
  sm2Decrypt,
  sm2Encrypt,
  sm2KeyExchange,
  bigIntToBytes,
  toHex,
  utf8,
} from '../src/index.js';
import { createTypescriptBackend } from '../src/sm2/curve.js';
import { signDigestWithNonce } from '../src/sm2/keys.js';
import { backends, withBackend } from './backends.js';

const annexA = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  xA: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  yA: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  ZA: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  M: 'message digest',
  e: 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640',
  k: '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
  der:
    '3046022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
    '022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};

const annexC = {
  M: 'encryption standard',
  c1:
    '04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73' +
    'E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0',
  c3: '59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766',
  c2: '21886CA989CA9C7D58087307CA93092D651EFA',
  der:
    '307C022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73' +
    '022100E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0' +
    '042059983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766' +
    '041321886CA989CA9C7D58087307CA93092D651EFA',
};

const annexB = {
  dA: '81EB26E941BB5AF16DF116495F90695272AE2CD63D6C4AE1678418BE48230029',
  PA: '160E12897DF4EDB61DD812FEB96748FBD3CCF4FFE26AA6F6DB9540AF49C942324A7DAD08BB9A459531694BEB20AA489D6649975E1BFCF8C4741B78B4B223007F',
  dB: '785129917D45A9EA5437A59356B82338EAADDA6CEB199088F14AE10DEFA229B5',
  PB: '6AE848C57C53C7B1B5FA99EB2286AF078BA64C64591B8B566F7357D576F16DFBEE489D771621A27B36C5C7992062E9CD09A9264386F3FBEA54DFF69305621C4D',
  rA: 'D4DE15474DB74D06491C440D305E012400990F3E390C7E87153C12DB2EA60BB3',
  RA: '64CED1BDBC99D590049B434D0FD73428CF608A5DB8FE5CE07F15026940BAE40E376629C7AB21E7DB260922499DDB118F07CE8EAAE3E7720AFEF6A5CC062070C0',
  rB: '7E07124814B309489125EAED101113164EBF0F3458C5BD88335C1F9D596243D6',
  RB: 'ACC27688A6F7B706098BC91FF3AD1BFF7DC2802CDB14CCCCDB0A90471F9BD7072FEDAC0494B2FFC4D6853876C79B8F301C6573AD0AA50F39FC87181E1A1B46FE',
  ZA: '3B85A57179E11E7E513AA622991F2CA74D1807A0BD4D4B38F90987A17AC245B1',
  ZB: '79C988D63229D97EF19FE02CA1056E01E6A7411ED24694AA8F834F4A4AB022F7',
  K: '6C89347354DE2484C60B4AB1FDE4C6E5',
  SB: 'D3A0FE15DEE185CEAE907A6B595CC32A266ED7B3367E9983A896DC32FA20F8EB',
  SA: '18C7894B3816DF16CF07B05C5EC0BEF5D655D58F779CC1B400A4F3884644DB88',
};

const lower = (hex: string) => hex.toLowerCase();

describe.each(backends.map((b) => [b.name, b] as const))(
  'GB/T 32918 vectors on the %s backend',
  (_name, backend) => {
    withBackend(backend);
    const key = () => Sm2PrivateKey.fromBytes(fromHex(annexA.d));

    it('ok/public key of Annex A is [d]G', () => {
      expect(toHex(key().publicKey.toBytes())).toBe(lower('04' + annexA.xA + annexA.yA));
    });

    it('ok/Z and e of Annex A with the default ID', () => {
      expect(toHex(key().publicKey.z())).toBe(lower(annexA.ZA));
      expect(toHex(key().publicKey.digest(utf8(annexA.M)))).toBe(lower(annexA.e));
    });

    it('ok/signature of Annex A with the standard nonce', () => {
      const rs = signDigestWithNonce(key().toBytes(), fromHex(annexA.e), () => fromHex(annexA.k));
      expect(toHex(rs)).toBe(lower(annexA.r + annexA.s));
      expect(key().publicKey.verify(utf8(annexA.M), fromHex(annexA.der))).toBe(true);
      expect(key().publicKey.verify(utf8(annexA.M), rs, { format: 'raw' })).toBe(true);
    });

    it('error/signature of Annex A over another message or ID does not verify', () => {
      expect(key().publicKey.verify(utf8('message digesT'), fromHex(annexA.der))).toBe(false);
      expect(key().publicKey.verify(utf8(annexA.M), fromHex(annexA.der), { id: 'ALICE123@YAHOO.COM' })).toBe(
        false,
      );
    });

    it('ok/encryption of Annex C in C1C3C2, C1C2C3 and GM/T 0009 DER', () => {
      const pub = key().publicKey;
      const c1c3c2 = sm2Encrypt(pub, utf8(annexC.M), 'c1c3c2', () => fromHex(annexA.k));
      expect(toHex(c1c3c2)).toBe(lower('04' + annexC.c1 + annexC.c3 + annexC.c2));
      const c1c2c3 = sm2Encrypt(pub, utf8(annexC.M), 'c1c2c3', () => fromHex(annexA.k));
      expect(toHex(c1c2c3)).toBe(lower('04' + annexC.c1 + annexC.c2 + annexC.c3));
      const der = sm2Encrypt(pub, utf8(annexC.M), 'der', () => fromHex(annexA.k));
      expect(toHex(der)).toBe(lower(annexC.der));
      for (const [format, ct] of [
        ['c1c3c2', c1c3c2],
        ['c1c2c3', c1c2c3],
        ['der', der],
      ] as const) {
        expect(new TextDecoder().decode(sm2Decrypt(key(), ct, format))).toBe(annexC.M);
        expect(new TextDecoder().decode(sm2Decrypt(key(), ct, 'auto'))).toBe(annexC.M);
      }
    });

    it('ok/layouts convert into each other', () => {
      const parts = decodeCipher(fromHex(annexC.der), 'der');
      expect(toHex(encodeCipher(parts, 'c1c3c2'))).toBe(lower('04' + annexC.c1 + annexC.c3 + annexC.c2));
    });

    it('ok/key exchange of Annex B, both roles, with confirmation', () => {
      const dA = Sm2PrivateKey.fromBytes(fromHex(annexB.dA));
      const dB = Sm2PrivateKey.fromBytes(fromHex(annexB.dB));
      const rA = Sm2PrivateKey.fromBytes(fromHex(annexB.rA));
      const rB = Sm2PrivateKey.fromBytes(fromHex(annexB.rB));
      expect(toHex(dA.publicKey.xy)).toBe(lower(annexB.PA));
      expect(toHex(rB.publicKey.xy)).toBe(lower(annexB.RB));
      expect(toHex(dA.publicKey.z())).toBe(lower(annexB.ZA));
      expect(toHex(dB.publicKey.z())).toBe(lower(annexB.ZB));
      const responder = sm2KeyExchange(
        'responder',
        { privateKey: dB, ephemeral: rB },
        { publicKey: dA.publicKey, ephemeralPublicKey: Sm2PublicKey.fromBytes(fromHex('04' + annexB.RA)) },
        16,
      );
      const initiator = sm2KeyExchange(
        'initiator',
        { privateKey: dA, ephemeral: rA },
        { publicKey: dB.publicKey, ephemeralPublicKey: Sm2PublicKey.fromBytes(fromHex('04' + annexB.RB)) },
        16,
      );
      expect(toHex(responder.key)).toBe(lower(annexB.K));
      expect(toHex(initiator.key)).toBe(lower(annexB.K));
      expect(toHex(responder.confirmation)).toBe(lower(annexB.SB));
      expect(toHex(initiator.confirmation)).toBe(lower(annexB.SA));
      expect(() => initiator.verifyPeerConfirmation(responder.confirmation)).not.toThrow();
      expect(() => responder.verifyPeerConfirmation(initiator.confirmation)).not.toThrow();
      expect(() => responder.verifyPeerConfirmation(responder.confirmation)).toThrow(/confirmation/);
    });
  },
);

describe('GB/T 32918.2/.4 vectors on the Fp-256 test curve (parts 2 and 4 annexes)', () => {
  // Not sm2p256v1: these exercise Z, the digest, the KDF and the signing/encryption equations
  // on the standard's own example curve through the same code paths.
  const testCurve = {
    p: 0x8542d69e4c044f18e8b92435bf6ff7de457283915c45517d722edb8b08f1dfc3n,
    a: 0x787968b4fa32c3fd2417842e73bbfeff2f3c848b6831d7e0ec65228b3937e498n,
    b: 0x63e4c6d3b23b0c849cf84241484bfe48f61d59a5b16ba06e6e12d1da27c5249an,
    Gx: 0x421debd61b62eab6746434ebc3cc315e32220b3badd50bdc4c4e6c147fedd43dn,
    Gy: 0x0680512bcbb42c07d47349d2153b70c4e5d7fdfcbfa36ea1a85841b9e46e09a2n,
    n: 0x8542d69e4c044f18e8b92435bf6ff7dd297720630485628d5ae74ee7c32e79b7n,
    h: 1n,
  };
  withBackend(createTypescriptBackend(testCurve));

  it('ok/signature with ID ALICE123@YAHOO.COM', () => {
    const key = Sm2PrivateKey.fromBytes(
      fromHex('128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263'),
    );
    const id = 'ALICE123@YAHOO.COM';
    expect(toHex(key.publicKey.z(id))).toBe(
      lower('F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A'),
    );
    const e = key.publicKey.digest(utf8('message digest'), id);
    expect(toHex(e)).toBe(lower('B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76'));
    const rs = signDigestWithNonce(key.toBytes(), e, () =>
      fromHex('6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F'),
    );
    expect(toHex(rs)).toBe(
      lower(
        '40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1' +
          '6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7',
      ),
    );
    expect(key.publicKey.verify(utf8('message digest'), rs, { id, format: 'raw' })).toBe(true);
  });

  it('ok/encryption of "encryption standard" as GM/T 0009 DER', () => {
    const key = Sm2PrivateKey.fromBytes(
      fromHex('1649AB77A00637BD5E2EFE283FBF353534AA7F7CB89463F208DDBC2920BB0DA0'),
    );
    const k = fromHex('4C62EEFD6ECFC2B95B92FD6C3D9575148AFA17425546D49018E5388D49DD7B4F');
    const der = sm2Encrypt(key.publicKey, utf8('encryption standard'), 'der', () => k);
    expect(toHex(der)).toBe(
      lower(
        '307B0220245C26FB68B1DDDDB12C4B6BF9F2B6D5FE60A383B0D18D1C4144ABF17F6252E7' +
          '022076CB9264C2A7E88E52B19903FDC47378F605E36811F5C07423A24B84400F01B8' +
          '04209C3D7360C30156FAB7C80A0276712DA9D8094A634B766D3A285E07480653426D' +
          '0413650053A89B41C418B0C3AAD00D886C00286467',
      ),
    );
    expect(new TextDecoder().decode(sm2Decrypt(key, der, 'der'))).toBe('encryption standard');
  });
});

describe('curve parameters (GB/T 32918.5 §A.1)', () => {
  it.each(backends.map((b) => [b.name, b] as const))(
    'ok/G is on the curve and n·G is infinity (%s)',
    (_n, backend) => {
      const { p, a, b, Gx, Gy, n } = SM2_CURVE;
      expect((Gy * Gy - (Gx * Gx * Gx + a * Gx + b)) % p).toBe(0n);
      expect(backend.mulBase(bigIntToBytes(n, 32))).toBeNull();
      expect(toHex(backend.mulBase(bigIntToBytes(1n, 32))!)).toBe(
        bigIntToBytes(Gx, 32).reduce((h, x) => h + x.toString(16).padStart(2, '0'), '') +
          toHex(bigIntToBytes(Gy, 32)),
      );
    },
  );
});
