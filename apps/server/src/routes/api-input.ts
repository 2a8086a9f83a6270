/**
 * Request pieces the business routes share (issue 5 "request bodies and parameters validated by
 * schema"): the schemas of serials, USCCs, certificate requests and key delivery, and the
 * conversions from what JSON carries to what the core takes. Binary values travel in JSON as
 * base64 (a certificate request may also be PEM text); docs/api.md says so once for all routes.
 */
import {
  type ApplicantDetails,
  type Channel,
  CoreError,
  type KeyDelivery,
  type Principal,
  REVOCATION_REASONS,
} from '@yizheng/core';
import { sm3, toHex } from '@yizheng/gm';
import { Type, type Static } from 'typebox';

export const Serial = Type.String({
  pattern: '^[0-9A-Fa-f]{1,64}$',
  description: 'certificate serial number, hex (as `yizheng cert show` prints it)',
});
export const Uscc = Type.String({
  pattern: '^[0-9A-Z]{18}$',
  description: '统一社会信用代码 unified social credit code (GB 32100, check character verified)',
});
export const CaId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'CA id (several CAs may coexist)',
});
export const Csr = Type.String({
  minLength: 1,
  maxLength: 16384,
  description: 'the holder’s PKCS#10 request (signing key made on the device): PEM, or base64 of the DER',
});
export const Delivery = Type.Union(
  [Type.Literal('sm2-enveloped-key'), Type.Literal('skf-enveloped-key-blob')],
  {
    description:
      'how the encryption key is enveloped to the holder’s signing key: GM/T 0009 SM2EnvelopedKey (default) or a GM/T 0016 SKF ENVELOPEDKEYBLOB for SKF_ImportECCKeyPair',
  },
);
export const ChannelSchema = Type.Union(
  (['counter', 'online', 'api', 'mobile'] as const).map((c) => Type.Literal(c)),
  { description: '渠道 channel; default counter for operators, online for legal persons' },
);
export const Note = Type.String({ minLength: 1, maxLength: 500 });
export const Reason = Type.Union(
  REVOCATION_REASONS.map((r) => Type.Literal(r)),
  { description: 'RFC 5280 CRL reason' },
);
export const LegalPersonInput = Type.Object(
  {
    uscc: Uscc,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    legalRepresentative: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export const AgentInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    idType: Type.Union(
      (['resident-id', 'passport', 'hk-macao-permit', 'other'] as const).map((t) => Type.Literal(t)),
    ),
    idNumber: Type.String({ minLength: 1, maxLength: 32 }),
    phone: Type.Optional(Type.String({ pattern: '^1[0-9]{10}$' })),
  },
  { additionalProperties: false, description: '经办人 the agent handling the business' },
);
export const MaterialInput = Type.Object(
  {
    kind: Type.Union(
      (['business-licence', 'id-card', 'authorisation-letter', 'application-form', 'other'] as const).map(
        (k) => Type.Literal(k),
      ),
    ),
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
    sm3: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SM3 of the file, hex' })),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
    content: Type.Optional(
      Type.String({
        maxLength: 1_000_000,
        description: 'the file itself, base64: the server hashes it and keeps only SM3, size and name',
      }),
    ),
  },
  { additionalProperties: false, description: 'a material by its SM3 and size, or its content' },
);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of base64 text (whitespace ignored), or `YZ_ERR_INPUT` naming the field. */
export function base64Bytes(value: string, field: string): Uint8Array {
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact))
    throw new CoreError('YZ_ERR_INPUT', `${field} must be base64`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** PEM text as it is, anything else as base64 of the DER. */
export function pemOrDer(value: string, field: string): string | Uint8Array {
  return value.includes('-----BEGIN') ? value : base64Bytes(value, field);
}

/**
 * The channel of a request: what the caller asked for, or the natural one — a legal person acts
 * online, an operator at the counter. A legal person cannot claim the counter, which is where an
 * operator checked the papers.
 */
export function channelOf(principal: Principal, requested: Channel | undefined): Channel {
  if (principal.kind !== 'legal-person') return requested ?? 'counter';
  if (requested === 'counter')
    throw new CoreError('YZ_ERR_INPUT', 'a legal person applies online or mobile, not at the counter');
  return requested ?? 'online';
}

/**
 * The agent and materials of a body as the core takes them: a material sent with its content is
 * hashed here (SM3) and only its hash, size and name go on; one sent by hash must give the size.
 */
export function applicantDetails(body: {
  agent?: Static<typeof AgentInput>;
  materials?: readonly Static<typeof MaterialInput>[];
}): { applicant?: ApplicantDetails } {
  if (!body.agent && !body.materials) return {};
  const materials = body.materials?.map(({ kind, fileName, sm3: hash, size, content }) => {
    if (content !== undefined) {
      if (hash !== undefined || size !== undefined)
        throw new CoreError(
          'YZ_ERR_INPUT',
          `material ${fileName}: give its content or its sm3 and size, not both`,
        );
      const bytes = base64Bytes(content, `material ${fileName} content`);
      return { kind, fileName, size: bytes.length, sm3: toHex(sm3(bytes)) };
    }
    if (hash === undefined || size === undefined)
      throw new CoreError('YZ_ERR_INPUT', `material ${fileName}: give its sm3 and size, or its content`);
    return { kind, fileName, size, sm3: hash };
  });
  return {
    applicant: { ...(body.agent ? { agent: body.agent } : {}), ...(materials ? { materials } : {}) },
  };
}

/** The delivery option of a body, as the core's optional field. */
export function deliveryOption(delivery: KeyDelivery | undefined): { delivery?: KeyDelivery } {
  return delivery ? { delivery } : {};
}
