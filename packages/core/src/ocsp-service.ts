/**
 * The OCSP responder of the platform (RFC 6960; the RFC 5019 lightweight profile; beyond the
 * seed, expected by every relying party): status by CertID — issuer name and key hashes in SM3,
 * SHA-1 or SHA-256 and the serial — as good, revoked (time, reason; a suspended certificate is
 * revoked with certificateHold) or unknown (not a serial of that CA), signed SM2-with-SM3 by the
 * CA's delegated responder certificate (`ocsp-responder-certificate.ts`).
 *
 * Pre-produced responses (RFC 5019 §2.1): a nonce-less request for one certificate is answered
 * from memory, per (CA, serial, CertID hash), signed once and re-signed when half its validity is
 * gone (served meanwhile, re-signed in the background). A `StatusWatch` reports every status
 * change, from any node, within its polling interval; the changed certificates' responses are
 * dropped and re-produced at once, so a revocation is answered as revoked from then on. Nothing is
 * kept while no watch follows the store (a change could not be noticed), and a response whose
 * status was read before a change arrived is not kept either (the epoch check below), so a
 * stale "good" can never settle in the cache.
 *
 * Relying parties ask the same question in the same bytes over and over, so a nonce-less request
 * whose answer is held is also remembered by its DER: the next identical request goes straight to
 * that held answer, without parsing or matching its issuer (R6: OCSP under load, issue 5). The
 * index only says which certificate and CertID encoding the bytes name, which never changes; the
 * answer itself is still looked up — and dropped on changes — as above.
 *
 * Statuses read from the store while the watch follows are kept the same way (by CA and serial,
 * dropped by a change, never for unknown serials), so a request with a nonce costs a signature
 * but no database read for a certificate asked about before; its answer is as current as a
 * pre-produced one (within one poll of any node's change).
 *
 * A request with a nonce (RFC 8954), or for several certificates, gets a freshly signed response.
 * Malformed requests answer malformedRequest; certificates of a CA that is not ours, unauthorized;
 * a CA of ours without a responder certificate, tryLater.
 */
import { isGmError } from '@yizheng/gm';
import {
  type Certificate,
  type CertId,
  type OcspCertStatus,
  type OcspResponder,
  type OcspResponseStatus,
  type OcspSingleRequest,
  buildOcspErrorResponse,
  buildOcspResponse,
  matchCertIdIssuer,
  parseOcspRequest,
  prepareOcspResponder,
} from '@yizheng/pki';
import type { CaContext } from './ca.js';
import { CoreError } from './errors.js';
import { currentResponderCertificate } from './ocsp-responder-certificate.js';
import { publishingCas } from './publishing-ca.js';
import type { StatusEvent, StatusWatch } from './status-watch.js';

const MINUTE = 60_000;

/** How the responder answers. */
export interface OcspServiceOptions {
  /** nextUpdate of a response, minutes after thisUpdate (1 minute to 7 days; default 60). */
  readonly validityMinutes?: number;
  /** Pre-produced responses kept, least recently used dropped first (default 50,000). */
  readonly cacheSize?: number;
  /** The change feed that keeps pre-produced responses right; without it nothing is cached. */
  readonly watch?: StatusWatch;
  /** Certificates one request may ask about (default 20; more is malformedRequest). */
  readonly maxCertificatesPerRequest?: number;
}

/** An answer: the DER OCSPResponse and what HTTP caching needs. */
export interface OcspAnswer {
  readonly der: Uint8Array;
  readonly status: OcspResponseStatus;
  /** Successful answers: thisUpdate / nextUpdate of the (first) single response, and producedAt. */
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  readonly producedAt?: Date;
  /** The same bytes go to everyone asking until a change (no nonce): HTTP caches may keep them. */
  readonly cacheable: boolean;
}

/** A CA this responder answers for. */
interface CaResponder {
  readonly caId: string;
  readonly ca: Certificate;
  /** Undefined while the CA has no valid responder certificate (answers tryLater). */
  readonly responder?: OcspResponder;
  readonly responderNotAfter?: Date;
}

interface PreProduced {
  readonly answer: OcspAnswer;
  readonly certId: CertId;
  /** When to re-sign (half the validity). */
  readonly refreshAt: number;
  refreshing: boolean;
}

const ERROR_ANSWERS = new Map<Exclude<OcspResponseStatus, 'successful'>, OcspAnswer>(
  (['malformedRequest', 'internalError', 'tryLater', 'unauthorized'] as const).map((status) => [
    status,
    { der: buildOcspErrorResponse(status).der, status, cacheable: false },
  ]),
);

function errorAnswer(status: Exclude<OcspResponseStatus, 'successful'>): OcspAnswer {
  return ERROR_ANSWERS.get(status)!;
}

/** Which CertID encoding a pre-produced response echoes (hash algorithm and its parameters). */
function variantOf(certId: CertId): string {
  const p = certId.hashAlgorithm.parameters;
  return `${certId.hashAlgorithm.algorithm}|${p ? Buffer.from(p).toString('hex') : '-'}`;
}

function serialHex(serialNumber: bigint): string {
  return serialNumber.toString(16).toUpperCase();
}

export class OcspService {
  readonly #validityMs: number;
  readonly #cacheSize: number;
  readonly #maxCertificates: number;
  readonly #watch: StatusWatch | undefined;
  #responders: Promise<CaResponder[]> | undefined;
  /** `${caId}:${serial}` → CertID variant → pre-produced response; Map order is recency. */
  readonly #cache = new Map<string, Map<string, PreProduced>>();
  /** Bumped by every batch of changes: a response read under an older epoch is not kept. */
  #epoch = 0;
  /** Responses being signed, by `${epoch}|${caId}:${serial}|${variant}`. */
  readonly #inFlight = new Map<string, Promise<OcspAnswer>>();
  /** Certificate statuses read while the watch follows, by `${caId}:${serial}`; oldest first. */
  readonly #statuses = new Map<string, OcspCertStatus>();
  /** Request DER (latin1) → what it asks, for requests whose answer was held; oldest first. */
  readonly #byRequest = new Map<string, { readonly caId: string; readonly certId: CertId }>();

  constructor(
    private readonly context: CaContext,
    options: OcspServiceOptions = {},
  ) {
    const minutes = options.validityMinutes ?? 60;
    if (!(minutes >= 1 && minutes <= 7 * 24 * 60))
      throw new CoreError('YZ_ERR_INPUT', 'OCSP response validity must be 1 minute to 7 days');
    this.#validityMs = minutes * MINUTE;
    this.#cacheSize = options.cacheSize ?? 50_000;
    this.#maxCertificates = options.maxCertificatesPerRequest ?? 20;
    this.#watch = options.watch;
    this.#watch?.onEvents((events) => this.applyEvents(events));
  }

  /** Pre-produced responses held now. */
  get cachedResponses(): number {
    let n = 0;
    for (const variants of this.#cache.values()) n += variants.size;
    return n;
  }

  /** Requests remembered by their DER (each names a held answer). */
  get rememberedRequests(): number {
    return this.#byRequest.size;
  }

  /** Answers a DER OCSPRequest (never throws for what a client sends). */
  async respond(requestDer: Uint8Array): Promise<OcspAnswer> {
    const bytes = Buffer.from(requestDer.buffer, requestDer.byteOffset, requestDer.byteLength).toString(
      'latin1',
    );
    const known = this.#byRequest.get(bytes);
    if (known) {
      const ca = (await this.#loadResponders()).find((r) => r.caId === known.caId);
      if (ca?.responder) return this.#preProduced(ca, known.certId);
    }
    let requests: readonly OcspSingleRequest[];
    let nonce: Uint8Array | undefined;
    try {
      ({ requests, nonce } = parseOcspRequest(requestDer));
    } catch (error) {
      if (isGmError(error)) return errorAnswer('malformedRequest');
      throw error;
    }
    if (requests.length > this.#maxCertificates) return errorAnswer('malformedRequest');
    const ca = await this.#caFor(requests[0]!.certId);
    // one response has one signer: every certificate asked about must be of the same CA of ours
    if (!ca || requests.some((r) => !matchCertIdIssuer(r.certId, ca.ca))) return errorAnswer('unauthorized');
    if (!ca.responder) return errorAnswer('tryLater');
    if (nonce || requests.length > 1) return this.#sign(ca, requests, nonce);
    const certId = requests[0]!.certId;
    const answer = await this.#preProduced(ca, certId);
    if (this.#isHeld(ca.caId, certId)) this.#remember(bytes, ca.caId, certId);
    return answer;
  }

  /** True when a pre-produced answer for `certId` is held (so not for unknown serials). */
  #isHeld(caId: string, certId: CertId): boolean {
    return this.#cache.get(`${caId}:${serialHex(certId.serialNumber)}`)?.has(variantOf(certId)) === true;
  }

  #remember(bytes: string, caId: string, certId: CertId): void {
    this.#byRequest.set(bytes, { caId, certId });
    // bounded like the answers; one certificate may be asked in a few encodings
    while (this.#byRequest.size > 2 * this.#cacheSize)
      this.#byRequest.delete(this.#byRequest.keys().next().value!);
  }

  /** Drops (and re-produces) the responses a batch of changes touches. */
  applyEvents(events: readonly StatusEvent[]): void {
    this.#epoch++;
    const touched: { ca: string; serial: string }[] = [];
    for (const event of events) {
      if (event.type === 'ca') {
        if (!event.action.startsWith('ca.')) continue; // CRL issues change no status
        this.#responders = undefined;
        this.#cache.clear();
        this.#statuses.clear();
        return;
      }
      if (event.action === 'ocsp.responder.issue') this.#responders = undefined;
      touched.push({ ca: event.caId, serial: event.serial });
    }
    for (const { ca, serial } of touched) this.#statuses.delete(`${ca}:${serial}`);
    for (const { ca, serial } of touched) {
      const key = `${ca}:${serial}`;
      const variants = this.#cache.get(key);
      if (!variants) continue;
      this.#cache.delete(key);
      for (const entry of variants.values()) void this.#reproduce(ca, entry.certId);
    }
  }

  async #reproduce(caId: string, certId: CertId): Promise<void> {
    try {
      const ca = (await this.#loadResponders()).find((r) => r.caId === caId);
      if (ca?.responder) await this.#produce(ca, certId);
    } catch {
      // the next request for it signs afresh (and meets the error, if it lasts)
    }
  }

  async #loadResponders(): Promise<CaResponder[]> {
    const now = this.context.clock.now();
    const loaded = await this.#responders;
    if (loaded && loaded.every((r) => !r.responderNotAfter || now < r.responderNotAfter)) return loaded;
    const loading = (async () => {
      const responders: CaResponder[] = [];
      for (const { record, certificate } of await publishingCas(this.context.store)) {
        const current = await currentResponderCertificate(this.context.store, record.id, now);
        if (!current) {
          responders.push({ caId: record.id, ca: certificate });
          continue;
        }
        const responder = prepareOcspResponder({
          certificate: current.certificate,
          signer: await this.context.vault.signer(current.keyRef),
          issuer: certificate,
          idBy: 'key',
        });
        responders.push({
          caId: record.id,
          ca: certificate,
          responder,
          responderNotAfter: current.record.notAfter,
        });
      }
      return responders;
    })();
    this.#responders = loading;
    // a failed load is not remembered: the next request tries again
    loading.catch(() => {
      if (this.#responders === loading) this.#responders = undefined;
    });
    return loading;
  }

  async #caFor(certId: CertId): Promise<CaResponder | undefined> {
    return (await this.#loadResponders()).find((r) => matchCertIdIssuer(certId, r.ca));
  }

  async #status(caId: string, serialNumber: bigint): Promise<OcspCertStatus> {
    if (serialNumber <= 0n) return { type: 'unknown' };
    const key = `${caId}:${serialHex(serialNumber)}`;
    const held = this.#statuses.get(key);
    if (held) return held;
    // kept only when read after the watch took its starting point and before any later change
    const epoch = this.#epoch;
    const keep = this.#watch?.following === true;
    const status = await this.#readStatus(caId, serialNumber);
    if (keep && epoch === this.#epoch && status.type !== 'unknown' && this.#cacheSize > 0) {
      this.#statuses.set(key, status);
      if (this.#statuses.size > this.#cacheSize) this.#statuses.delete(this.#statuses.keys().next().value!);
    }
    return status;
  }

  async #readStatus(caId: string, serialNumber: bigint): Promise<OcspCertStatus> {
    const cert = await this.context.store.read.getCertificate(caId, serialHex(serialNumber));
    if (!cert) return { type: 'unknown' };
    if (cert.status === 'valid') return { type: 'good' };
    const reason = cert.status === 'suspended' ? 'certificateHold' : cert.revocationReason;
    return {
      type: 'revoked',
      time: cert.revokedAt ?? cert.createdAt,
      ...(reason && reason !== 'unspecified' ? { reason } : {}),
    };
  }

  async #sign(
    ca: CaResponder,
    requests: readonly { readonly certId: CertId }[],
    nonce?: Uint8Array,
  ): Promise<OcspAnswer & { unknown: boolean }> {
    const statuses = await Promise.all(requests.map((r) => this.#status(ca.caId, r.certId.serialNumber)));
    const now = this.context.clock.now();
    const nextUpdate = new Date(now.getTime() + this.#validityMs);
    const response = buildOcspResponse({
      responder: ca.responder!,
      producedAt: now,
      responses: requests.map((r, i) => ({
        certId: r.certId,
        status: statuses[i]!,
        thisUpdate: now,
        nextUpdate,
      })),
      ...(nonce ? { nonce } : {}),
    });
    const single = response.basic!.responses[0]!;
    return {
      der: response.der,
      status: 'successful',
      thisUpdate: single.thisUpdate,
      nextUpdate: single.nextUpdate!,
      producedAt: response.basic!.producedAt,
      cacheable: !nonce,
      unknown: statuses.some((s) => s.type === 'unknown'),
    };
  }

  async #preProduced(ca: CaResponder, certId: CertId): Promise<OcspAnswer> {
    const key = `${ca.caId}:${serialHex(certId.serialNumber)}`;
    const variants = this.#cache.get(key);
    const entry = variants?.get(variantOf(certId));
    const now = this.context.clock.now().getTime();
    if (!entry || now >= entry.answer.nextUpdate!.getTime()) return this.#produce(ca, certId);
    this.#cache.delete(key); // most recently used goes last
    this.#cache.set(key, variants!);
    if (now >= entry.refreshAt && !entry.refreshing) {
      // served while a fresh one is signed: it is still valid, only older than we like
      entry.refreshing = true;
      void this.#reproduce(ca.caId, certId);
    }
    return entry.answer;
  }

  /** Signs a response for one certificate and keeps it when that is safe (module comment). */
  #produce(ca: CaResponder, certId: CertId): Promise<OcspAnswer> {
    const key = `${ca.caId}:${serialHex(certId.serialNumber)}`;
    const variant = variantOf(certId);
    // many clients asking for one certificate at once share one signature — but not across a
    // change: a request that arrives after one must not get a status read before it
    const epoch = this.#epoch;
    const flight = `${epoch}|${key}|${variant}`;
    let pending = this.#inFlight.get(flight);
    if (!pending) {
      pending = (async () => {
        // only what was read after the watch took its starting point, and before any later change
        const keep = this.#watch?.following === true;
        const { unknown, ...answer } = await this.#sign(ca, [{ certId }]);
        // unknown serials are not kept: anyone can ask for any number of them
        if (keep && !unknown && epoch === this.#epoch)
          this.#keep(key, variant, {
            answer,
            certId,
            refreshAt: answer.thisUpdate!.getTime() + this.#validityMs / 2,
            refreshing: false,
          });
        return answer;
      })().finally(() => this.#inFlight.delete(flight));
      this.#inFlight.set(flight, pending);
    }
    return pending;
  }

  #keep(key: string, variant: string, entry: PreProduced): void {
    const variants = this.#cache.get(key) ?? new Map<string, PreProduced>();
    variants.set(variant, entry);
    this.#cache.delete(key);
    this.#cache.set(key, variants);
    while (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
