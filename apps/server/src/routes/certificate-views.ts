/**
 * What the certificate and application routes answer with: the core's records as JSON (times ISO
 * 8601, DER as base64 or PEM). The response schemas list the fields that leave the server — key
 * material and escrow ids never do — and the mappers below build exactly those.
 */
import type {
  ApplicationRecord,
  CertificateRecord,
  IssuedPair,
  KeyDelivery,
  LegalPersonRecord,
  RegistryCheck,
} from '@yizheng/core';
import { encodePem } from '@yizheng/gm';
import { certificateToPem } from '@yizheng/pki';
import { Type, type Static, type TSchema } from 'typebox';
import { toBase64 } from './api-input.js';

export const Time = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Pem = Type.String({ description: 'PEM text' });

export const CertificateView = Type.Object({
  caId: Type.String(),
  serial: Type.String({ description: 'upper-case hex' }),
  role: Type.String({ description: 'sign 签名证书 | enc 加密证书' }),
  pairId: Type.String({ description: 'the two certificates of one dual pair share it' }),
  uscc: Nullable(Type.String()),
  subject: Type.String(),
  notBefore: Time,
  notAfter: Time,
  status: Type.String({ description: 'valid | suspended | revoked' }),
  revokedAt: Nullable(Time),
  revocationReason: Nullable(Type.String()),
  predecessorPairId: Nullable(Type.String({ description: 'the pair this one replaced' })),
  applicationId: Nullable(Type.String()),
});

export const CertificateDetail = Type.Object({ ...CertificateView.properties, pem: Pem });

export const IssuedPairView = Type.Object({
  applicationId: Type.String(),
  pairId: Type.String(),
  sign: CertificateView,
  enc: CertificateView,
  signCertificate: Pem,
  encCertificate: Pem,
  chain: Type.Array(Pem, { description: 'issuing CA first, root last' }),
  csrResponse: Type.String({
    description:
      'GM/T 0092 CSRResponse (signing certificate, enveloped encryption key, encryption certificate), base64 of the DER',
  }),
  delivery: Type.String(),
  envelope: Type.String({
    description:
      'the enveloped encryption key alone, base64: SM2EnvelopedKey DER, or the SKF blob when asked',
  }),
});

export const LegalPersonView = Type.Object({
  uscc: Type.String(),
  name: Type.String(),
  legalRepresentative: Type.String(),
  registryStatus: Type.String({ description: 'active | deregistered | revoked | unknown (法人综合库)' }),
  updatedAt: Time,
});

export const RegistryCheckView = Type.Object({
  outcome: Type.String({ description: 'match | mismatch | not-found | unavailable' }),
  differences: Type.Array(
    Type.Object({ field: Type.String(), applied: Type.String(), registry: Type.String() }),
  ),
  registryStatus: Nullable(Type.String()),
  reason: Nullable(Type.String()),
});

export const ApplicationView = Type.Object({
  id: Type.String(),
  uscc: Type.String(),
  businessType: Type.String(),
  channel: Type.String(),
  state: Type.String({ description: 'submitted | review | approved | completed | rejected' }),
  actor: Type.String(),
  data: Type.Unknown({
    description:
      'business data: registry check, materials (SM3), agent, review decision, the request under review',
  }),
  createdAt: Time,
  updatedAt: Time,
});

export function certificateView(c: CertificateRecord): Static<typeof CertificateView> {
  return {
    caId: c.caId,
    serial: c.serial,
    role: c.role,
    pairId: c.pairId,
    uscc: c.uscc,
    subject: c.subject,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: c.status,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revocationReason: c.revocationReason,
    predecessorPairId: c.predecessorPairId,
    applicationId: c.applicationId,
  };
}

export function certificateDetail(c: CertificateRecord): Static<typeof CertificateDetail> {
  return { ...certificateView(c), pem: encodePem('CERTIFICATE', c.der) };
}

export function issuedPairView(
  pair: IssuedPair,
  delivery: KeyDelivery | undefined,
): Static<typeof IssuedPairView> {
  return {
    applicationId: pair.applicationId,
    pairId: pair.pairId,
    sign: certificateView(pair.sign),
    enc: certificateView(pair.enc),
    signCertificate: certificateToPem(pair.signCertificate),
    encCertificate: certificateToPem(pair.encCertificate),
    chain: pair.chain.map(certificateToPem),
    csrResponse: toBase64(pair.csrResponse),
    delivery: delivery ?? 'sm2-enveloped-key',
    envelope: toBase64(pair.envelope),
  };
}

export function legalPersonView(p: LegalPersonRecord): Static<typeof LegalPersonView> {
  return {
    uscc: p.uscc,
    name: p.name,
    legalRepresentative: p.legalRepresentative,
    registryStatus: p.registryStatus,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function registryCheckView(check: RegistryCheck): Static<typeof RegistryCheckView> {
  return {
    outcome: check.outcome,
    differences: check.differences.map((d) => ({ ...d })),
    registryStatus: check.registryStatus ?? null,
    reason: check.reason ?? null,
  };
}

export function applicationView(a: ApplicationRecord): Static<typeof ApplicationView> {
  return {
    id: a.id,
    uscc: a.uscc,
    businessType: a.businessType,
    channel: a.channel,
    state: a.state,
    actor: a.actor,
    data: a.data,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
