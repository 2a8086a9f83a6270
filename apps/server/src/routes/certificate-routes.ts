/**
 * 证书查询与验证 certificate queries and verification (R25 "queries of certificate and user
 * information", R39 verify interface for applications): search by USCC, legal-person name,
 * serial and status; one certificate as JSON, PEM (`.pem`) or DER (`.der`,
 * `application/pkix-cert`); and verification of a certificate someone presents — is it one this
 * platform issued, what is its status now, and (optionally) does a signature verify with it.
 * Legal persons reach their own certificates only; application departments need the
 * `certificates:query` or `certificates:verify` scope.
 */
import {
  type CertificateQuery,
  type CertificateRecord,
  type CertificateStatus,
  CoreError,
  type Principal,
  normaliseSerial,
} from '@yizheng/core';
import { SM2_DEFAULT_ID, isGmError } from '@yizheng/gm';
import { type Certificate, certificatePublicKey, parseCertificate } from '@yizheng/pki';
import { Type } from 'typebox';
import { principalOf, requireOwnUscc } from '../auth/principal.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { CaId, Serial, Uscc, base64Bytes, pemOrDer } from './api-input.js';
import {
  CertificateDetail,
  CertificateView,
  Nullable,
  certificateDetail,
  certificateView,
} from './certificate-views.js';
import { CERTIFICATE_READERS, STAFF_READERS } from './route-roles.js';

const Status = Type.Union((['valid', 'suspended', 'revoked'] as const).map((s) => Type.Literal(s)));
const Role = Type.Union((['sign', 'enc'] as const).map((r) => Type.Literal(r)));

/**
 * The certificate with `serial` (under CA `caId` when given) — `YZ_ERR_CERT_NOT_FOUND` (404) when
 * there is none, `YZ_ERR_INPUT` when several CAs hold the serial and no CA was named — and, for a
 * legal person, one of its own (`YZ_ERR_OUT_OF_SCOPE`).
 */
export async function findCertificate(
  platform: Platform,
  principal: Principal,
  serial: string,
  caId: string | undefined,
): Promise<CertificateRecord> {
  const normal = normaliseSerial(serial);
  const hits = (await platform.store.read.findCertificatesBySerial(normal)).filter(
    (c) => caId === undefined || c.caId === caId,
  );
  if (hits.length === 0) throw new CoreError('YZ_ERR_CERT_NOT_FOUND', `no certificate with serial ${normal}`);
  if (hits.length > 1)
    throw new CoreError('YZ_ERR_INPUT', `serial ${normal} exists under several CAs: give ?ca=`);
  requireOwnUscc(principal, hits[0]!.uscc ?? '');
  return hits[0]!;
}

/** Issue order: oldest first, the two certificates of a pair together, signing first. */
function byIssue(a: CertificateRecord, b: CertificateRecord): number {
  return +a.createdAt - +b.createdAt || a.pairId.localeCompare(b.pairId) || b.role.localeCompare(a.role);
}

/** Holders' certificates (sign and enc; never CA or OCSP responder ones) under `filter`, at most `limit`. */
async function holderCertificates(
  platform: Platform,
  filter: CertificateQuery,
  limit: number,
): Promise<CertificateRecord[]> {
  const found: CertificateRecord[] = [];
  for (const role of filter.role ? [filter.role] : (['sign', 'enc'] as const))
    found.push(...(await platform.store.read.queryCertificates({ ...filter, role, limit })));
  return found.sort(byIssue).slice(0, limit);
}

interface Search {
  readonly uscc?: string;
  readonly serial?: string;
  readonly name?: string;
  readonly status?: CertificateStatus;
  readonly role?: 'sign' | 'enc';
  readonly ca?: string;
  readonly limit: number;
}

/** The certificates matching a search, at most `limit`. */
async function search(platform: Platform, query: Search): Promise<CertificateRecord[]> {
  const filter: CertificateQuery = {
    ...(query.uscc ? { uscc: query.uscc } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.role ? { role: query.role } : {}),
    ...(query.ca ? { caId: query.ca } : {}),
  };
  if (query.serial !== undefined) {
    const hits = await platform.store.read.findCertificatesBySerial(normaliseSerial(query.serial));
    const wanted = (c: CertificateRecord) =>
      (c.role === 'sign' || c.role === 'enc') &&
      (query.uscc === undefined || c.uscc === query.uscc) &&
      (query.status === undefined || c.status === query.status) &&
      (query.role === undefined || c.role === query.role) &&
      (query.ca === undefined || c.caId === query.ca);
    return hits.filter(wanted).slice(0, query.limit);
  }
  if (query.name === undefined) return holderCertificates(platform, filter, query.limit);
  const found: CertificateRecord[] = [];
  for (const person of await platform.store.read.searchLegalPersons({
    nameContains: query.name,
    limit: query.limit,
  })) {
    const left = query.limit - found.length;
    if (left <= 0) break;
    if (query.uscc === undefined || person.uscc === query.uscc)
      found.push(...(await holderCertificates(platform, { ...filter, uscc: person.uscc }, left)));
  }
  return found;
}

/** A certificate someone presents, parsed (`YZ_ERR_INPUT` when it is not one). */
function presentedCertificate(text: string): Certificate {
  try {
    return parseCertificate(pemOrDer(text, 'certificate'));
  } catch (error) {
    if (isGmError(error)) throw new CoreError('YZ_ERR_INPUT', `certificate: ${error.code}: ${error.message}`);
    throw error;
  }
}

export function registerCertificateRoutes(app: TypedApp, platform: Platform): void {
  const readAccess = { roles: CERTIFICATE_READERS, scope: 'certificates:query' } as const;
  const one = {
    params: Type.Object({ serial: Serial }),
    querystring: Type.Object({ ca: Type.Optional(CaId) }, { additionalProperties: false }),
  };

  app.get(
    '/certificates',
    {
      config: { access: readAccess },
      schema: {
        tags: ['certificates'],
        summary: 'Search certificates 证书查询 (by USCC, legal-person name, serial, status)',
        description:
          '`name` matches legal persons whose registered name contains the text. Holders’ certificates ' +
          '(sign, enc) only, oldest first. A legal person searches its own.',
        querystring: Type.Object(
          {
            uscc: Type.Optional(Uscc),
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            serial: Type.Optional(Serial),
            status: Type.Optional(Status),
            role: Type.Optional(Role),
            ca: Type.Optional(CaId),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(CertificateView) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const query = { ...request.query };
      if (principal.kind === 'legal-person') {
        if (query.uscc !== undefined) requireOwnUscc(principal, query.uscc);
        query.uscc = principal.uscc!;
      }
      return (await search(platform, query)).map(certificateView);
    },
  );

  app.get(
    '/certificates/:serial',
    {
      config: { access: readAccess },
      schema: {
        tags: ['certificates'],
        summary: 'One certificate with its PEM 证书详情',
        ...one,
        response: { 200: CertificateDetail },
      },
    },
    async (request) =>
      certificateDetail(
        await findCertificate(platform, principalOf(request), request.params.serial, request.query.ca),
      ),
  );

  for (const [suffix, type, encode] of [
    ['pem', 'application/x-pem-file', (c: CertificateRecord) => certificateDetail(c).pem],
    ['der', 'application/pkix-cert', (c: CertificateRecord) => Buffer.from(c.der)],
  ] as const) {
    app.get(
      `/certificates/:serial.${suffix}`,
      {
        config: { access: readAccess },
        schema: {
          tags: ['certificates'],
          summary: `Download a certificate as ${suffix.toUpperCase()} (${type}) 证书下载`,
          ...one,
          response: {
            200: {
              description: suffix === 'der' ? 'the certificate DER (RFC 2585)' : 'the certificate PEM',
              content: {
                [type]: { schema: Type.Unsafe<string | Uint8Array>({ type: 'string', format: 'binary' }) },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const cert = await findCertificate(
          platform,
          principalOf(request),
          request.params.serial,
          request.query.ca,
        );
        return reply
          .type(type)
          .header(
            'content-disposition',
            `attachment; filename="${cert.serial}.${suffix === 'der' ? 'cer' : 'pem'}"`,
          )
          .send(encode(cert));
      },
    );
  }

  app.post(
    '/certificates/verify',
    {
      config: {
        access: { roles: [...STAFF_READERS, 'app-department'], scope: 'certificates:verify' },
      },
      schema: {
        tags: ['certificates'],
        summary: 'Verify a certificate (and optionally a signature made with it) 证书与签名验证',
        description:
          'issuedHere: the platform holds exactly this certificate (byte for byte). validNow: issued here, ' +
          'status valid and within its validity. With data and signature: whether the SM2 signature ' +
          '(DER or raw r‖s, signer ID default 1234567812345678) over data verifies with the certificate’s key.',
        body: Type.Object(
          {
            certificate: Type.String({
              minLength: 1,
              maxLength: 16384,
              description: 'PEM, or base64 of the DER',
            }),
            data: Type.Optional(Type.String({ maxLength: 700_000, description: 'the signed data, base64' })),
            signature: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'base64' })),
            signerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            issuedHere: Type.Boolean(),
            validNow: Type.Boolean(),
            certificate: Nullable(CertificateView),
            signatureValid: Nullable(Type.Boolean({ description: 'null when no signature was given' })),
          }),
        },
      },
    },
    async (request) => {
      const { certificate, data, signature, signerId } = request.body;
      if ((data === undefined) !== (signature === undefined))
        throw new CoreError('YZ_ERR_INPUT', 'give both data and signature, or neither');
      const cert = presentedCertificate(certificate);
      const serial = cert.tbs.serialNumber.toString(16).toUpperCase();
      const der = Buffer.from(cert.der);
      const record = (await platform.store.read.findCertificatesBySerial(serial)).find((c) =>
        der.equals(Buffer.from(c.der)),
      );
      const now = platform.clock.now();
      let signatureValid: boolean | null = null;
      if (data !== undefined && signature !== undefined) {
        try {
          signatureValid = certificatePublicKey(cert).verify(
            base64Bytes(data, 'data'),
            base64Bytes(signature, 'signature'),
            { id: signerId ?? SM2_DEFAULT_ID, format: 'auto' },
          );
        } catch (error) {
          // a malformed signature does not verify; it is not a malformed request
          if (!isGmError(error)) throw error;
          signatureValid = false;
        }
      }
      return {
        issuedHere: record !== undefined,
        validNow:
          record !== undefined &&
          record.status === 'valid' &&
          record.notBefore <= now &&
          now < record.notAfter,
        certificate: record ? certificateView(record) : null,
        signatureValid,
      };
    },
  );
}
