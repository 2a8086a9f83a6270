/**
 * 法人 legal persons and their business history (R25 user information, R27 "the legal person's
 * history of business records can be queried at any time"): the record itself for whoever may
 * query certificates; the full history — applications with agents and materials, certificates,
 * charges, media — for the legal person itself and staff, not for application departments.
 */
import { type LegalPersonRecord, legalPersonHistory } from '@yizheng/core';
import { Type } from 'typebox';
import { principalOf, requireOwnUscc } from '../auth/principal.js';
import { ServerError } from '../errors.js';
import type { Platform } from '../platform.js';
import type { TypedApp } from '../typed-app.js';
import { Uscc } from './api-input.js';
import {
  ApplicationView,
  CertificateView,
  LegalPersonView,
  applicationView,
  certificateView,
  legalPersonView,
} from './certificate-views.js';
import { CERTIFICATE_READERS } from './route-roles.js';
import { ChargeView, MediumView, chargeView, mediumView } from './service-views.js';

async function findLegalPerson(platform: Platform, uscc: string): Promise<LegalPersonRecord> {
  const person = await platform.store.read.getLegalPerson(uscc);
  if (!person) throw new ServerError('YZ_ERR_NOT_FOUND', `no legal person ${uscc} on record`);
  return person;
}

export function registerLegalPersonRoutes(app: TypedApp, platform: Platform): void {
  const params = Type.Object({ uscc: Uscc });

  app.get(
    '/legal-persons/:uscc',
    {
      config: { access: { roles: CERTIFICATE_READERS, scope: 'certificates:query' } },
      schema: {
        tags: ['legal persons'],
        summary: 'A legal person 法人信息',
        params,
        response: { 200: LegalPersonView },
      },
    },
    async (request) => {
      requireOwnUscc(principalOf(request), request.params.uscc);
      return legalPersonView(await findLegalPerson(platform, request.params.uscc));
    },
  );

  app.get(
    '/legal-persons/:uscc/history',
    {
      config: { access: { roles: CERTIFICATE_READERS.filter((r) => r !== 'app-department') } },
      schema: {
        tags: ['legal persons'],
        summary: 'Business history of a legal person 业务记录 (R27)',
        description: 'Applications, certificates, charges and media, oldest first.',
        params,
        response: {
          200: Type.Object({
            legalPerson: LegalPersonView,
            applications: Type.Array(ApplicationView),
            certificates: Type.Array(CertificateView),
            charges: Type.Array(ChargeView),
            media: Type.Array(MediumView),
          }),
        },
      },
    },
    async (request) => {
      const { uscc } = request.params;
      requireOwnUscc(principalOf(request), uscc);
      await findLegalPerson(platform, uscc);
      const history = await legalPersonHistory(platform.store, uscc);
      return {
        legalPerson: legalPersonView(history.legalPerson),
        applications: history.applications.map(applicationView),
        certificates: history.certificates.map(certificateView),
        charges: history.charges.map(chargeView),
        media: history.media.map(mediumView),
      };
    },
  );
}
