/**
 * The CAs whose status this platform publishes (R5, R7): every CA with an installed certificate,
 * active or retired — a retired CA issues nothing new but keeps signing CRLs and answering OCSP
 * for what it issued until the last of it expires.
 */
import { type Certificate, parseCertificate } from '@yizheng/pki';
import { CoreError } from './errors.js';
import type { CaRecord } from './model.js';
import type { Store } from './ports/store.js';

/** A CA record with its parsed certificate. */
export interface PublishingCa {
  readonly record: CaRecord;
  readonly certificate: Certificate;
}

/** Every CA with a certificate, in the store's order. */
export async function publishingCas(store: Store): Promise<PublishingCa[]> {
  return (await store.read.listCas())
    .filter((ca) => ca.certificateDer)
    .map((record) => ({ record, certificate: parseCertificate(record.certificateDer!) }));
}

/** One CA by id, or the first active one (YZ_ERR_CA_NOT_FOUND / YZ_ERR_CA_STATE otherwise). */
export async function loadPublishingCa(store: Store, caId?: string): Promise<PublishingCa> {
  const cas = await store.read.listCas();
  const record = caId
    ? cas.find((c) => c.id === caId)
    : cas.find((c) => c.status === 'active' && c.certificateDer);
  if (!record) throw new CoreError('YZ_ERR_CA_NOT_FOUND', caId ? `no CA ${caId}` : 'no active CA');
  if (!record.certificateDer)
    throw new CoreError('YZ_ERR_CA_STATE', `CA ${record.id} has no certificate yet: run yizheng ca import`);
  return { record, certificate: parseCertificate(record.certificateDer) };
}
