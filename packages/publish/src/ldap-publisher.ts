/**
 * The LDAP publisher (R5, design §1 and §6: "LDAP publication can target a replicated OpenLDAP"):
 * makes an external directory show what the store holds, one outbox job at a time, with value-level
 * changes so that whatever else lives in that directory is left alone.
 *
 * | job                                   | the directory afterwards                                 |
 * |---------------------------------------|----------------------------------------------------------|
 * | `publish.certificate`, `publish.status` of a current certificate (valid, not expired) | its DER in `userCertificate;binary` and its serial in `serialNumber` of `uscc=<USCC>,ou=legal-persons,<base>` (the entry added with everything current when missing), `o`/`cn` the name now |
 * | the same of a revoked, suspended or expired one | exactly those two values removed; the other certificates stay |
 * | `publish.crl`                          | `cn=<CA id>,ou=CA,<base>` holds the CA certificate and the newest full and delta CRL; `cn=<CA id>-p<n>,ou=CA,<base>` each CRL partition's newest CRL |
 *
 * A job reads the store when it runs, not what was true when it was written, so jobs may run late,
 * twice or out of order and the directory still ends up as the store says: adding a value that is
 * there (attributeOrValueExists) or removing one that is not (noSuchAttribute, noSuchObject) is
 * success. Missing `ou=` containers (and an `o=` base) are created. Any other refusal, and every
 * network failure or timeout, is a `PublishError` for the outbox worker to retry later.
 */
import {
  type Clock,
  type CertificateRecord,
  type OutboxJob,
  type Store,
  latestCrl,
  loadCrlPartitioning,
  partitionCrlKey,
} from '@yizheng/core';
import {
  type DirectoryEntry,
  LdapClient,
  type LdapResult,
  type ModifyChange,
  type RequestAttribute,
  ResultCode,
  resultCodeName,
} from '@yizheng/ldap';
import type { DirectoryTree } from './directory-tree.js';

/** The outbox job kinds the LDAP publisher handles. */
export const LDAP_PUBLISH_KINDS: readonly string[] = ['publish.certificate', 'publish.status', 'publish.crl'];

/** Where and as whom the publisher writes. */
export interface LdapPublisherOptions {
  /** `ldap://host[:port]` (389) or `ldaps://host[:port]` (636) of the external directory. */
  readonly url: string;
  /** With TLS: the CA certificates (PEM) that the directory's certificate must chain to (default: the system's). */
  readonly ca?: string;
  /** With an ldap:// URL: upgrade the connection with StartTLS before binding (RFC 4513 §3). */
  readonly startTls?: boolean;
  readonly bindDn: string;
  readonly password: string;
  /** The tree under the directory's own base DN (`new DirectoryTree('o=…,c=CN')`). */
  readonly tree: DirectoryTree;
  /** Longest a connect or one operation may take (default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * Publication did not happen: `reason` is `unreachable` (connect, network, timeout),
 * `untrustedCertificate` (TLS: the directory's certificate did not verify) or the name of
 * the LDAP result code the directory refused with (`insufficientAccessRights`, …).
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `ldap://host[:port]` (389) or `ldaps://host[:port]` (636, LDAP over TLS) → host, port and
 * whether TLS is used; anything else is a configuration mistake.
 */
export function parseLdapUrl(url: string): { host: string; port: number; tls: boolean } {
  const match = /^(ldaps?):\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:[\]]+)(?::(\d{1,5}))?\/?$/.exec(url);
  const tls = match?.[1] === 'ldaps';
  const port = Number(match?.[3] ?? (tls ? 636 : 389));
  if (match === null || port < 1 || port > 65535)
    throw new RangeError(
      `LDAP URL must be ldap://host[:port] or ldaps://host[:port], got ${JSON.stringify(url)}`,
    );
  return { host: match[2]!.replace(/^\[|\]$/g, ''), port, tls };
}

/** Node's TLS errors that mean the directory's certificate did not verify (or named another host). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function requestAttributes(entry: DirectoryEntry): RequestAttribute[] {
  return [...entry.attributes].map(([name, values]) => ({ name, values }));
}

/** Result codes that leave the directory as wanted for each kind of change. */
const ALREADY = {
  add: [ResultCode.success, ResultCode.attributeOrValueExists],
  remove: [ResultCode.success, ResultCode.noSuchAttribute, ResultCode.noSuchObject],
  create: [ResultCode.success, ResultCode.entryAlreadyExists],
} as const;

export class LdapPublisher {
  readonly #host: string;
  readonly #port: number;
  readonly #tls: boolean;
  readonly #timeoutMs: number;
  #client: Promise<LdapClient> | undefined;

  constructor(
    private readonly context: { readonly store: Store; readonly clock: Clock },
    private readonly options: LdapPublisherOptions,
  ) {
    ({ host: this.#host, port: this.#port, tls: this.#tls } = parseLdapUrl(options.url));
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Makes the directory show what the store says about `job`'s object; throws `PublishError`. */
  async publish(job: OutboxJob): Promise<void> {
    const { caId, serial } = job.payload as { caId?: unknown; serial?: unknown };
    if (typeof caId !== 'string') return; // not a job of ours to judge: nothing to publish
    if (job.kind === 'publish.crl') return this.publishCa(caId);
    if (typeof serial !== 'string') return;
    const cert = await this.context.store.read.getCertificate(caId, serial);
    // purged (R7), or not a legal person's (the OCSP responder's): nothing in the directory
    if (cert === undefined || cert.uscc === null) return;
    const current = cert.status === 'valid' && cert.notAfter > this.context.clock.now();
    return current ? this.addCertificate(cert, cert.uscc) : this.removeCertificate(cert, cert.uscc);
  }

  /** Closes the connection (the next job opens a new one). */
  close(): void {
    const client = this.#client;
    this.#client = undefined;
    void client?.then((c) => c.close()).catch(() => undefined);
  }

  private async addCertificate(cert: CertificateRecord, uscc: string): Promise<void> {
    const [person] = await this.context.store.read.directoryPersons(
      { by: 'uscc', usccs: [uscc] },
      this.context.clock.now(),
    );
    if (person === undefined) return; // no legal person record: nothing to hang it on
    const dn = this.options.tree.personDn(uscc);
    const name: ModifyChange[] = [
      { operation: 'replace', name: 'o', values: [person.name] },
      { operation: 'replace', name: 'cn', values: [person.name] },
    ];
    const values: ModifyChange[] = [
      { operation: 'add', name: 'userCertificate;binary', values: [cert.der] },
      { operation: 'add', name: 'serialNumber', values: [cert.serial] },
    ];
    const all = await this.call((client) => client.modify(dn, [...name, ...values]));
    if (all.resultCode === ResultCode.noSuchObject)
      return this.create(this.options.tree.personEntry(person), this.options.tree.personsContainerDn);
    if (all.resultCode !== ResultCode.attributeOrValueExists)
      return this.expect(all, [ResultCode.success], dn);
    // one of the values is there already (a job run twice): each change on its own
    this.expect(await this.call((client) => client.modify(dn, name)), [ResultCode.success], dn);
    for (const change of values)
      this.expect(await this.call((client) => client.modify(dn, [change])), ALREADY.add, dn);
  }

  private async removeCertificate(cert: CertificateRecord, uscc: string): Promise<void> {
    const dn = this.options.tree.personDn(uscc);
    const values: ModifyChange[] = [
      { operation: 'delete', name: 'userCertificate;binary', values: [cert.der] },
      { operation: 'delete', name: 'serialNumber', values: [cert.serial] },
    ];
    const both = await this.call((client) => client.modify(dn, values));
    if (both.resultCode !== ResultCode.noSuchAttribute) return this.expect(both, ALREADY.remove, dn);
    for (const change of values)
      this.expect(await this.call((client) => client.modify(dn, [change])), ALREADY.remove, dn);
  }

  private async publishCa(caId: string): Promise<void> {
    const { store } = this.context;
    const ca = await store.read.getCa(caId);
    if (ca?.certificateDer === undefined) return;
    const [full, delta] = await Promise.all([
      latestCrl(store, caId, 'full'),
      latestCrl(store, caId, 'delta'),
    ]);
    const entry = this.options.tree.caEntry(ca, {
      ...(full ? { full: full.der } : {}),
      ...(delta ? { delta: delta.der } : {}),
    });
    const replaced = [
      'description',
      'cACertificate;binary',
      'certificateRevocationList;binary',
      'deltaRevocationList;binary',
    ];
    const changes: ModifyChange[] = replaced.map((name) => ({
      operation: 'replace',
      name,
      values: entry.attributes.get(name) ?? [],
    }));
    await this.replaceOrCreate(entry, changes);
    const partitioning = await loadCrlPartitioning(store.read, caId);
    for (let n = 0; n < (partitioning?.count ?? 0); n++) {
      const crl = await latestCrl(store, partitionCrlKey(caId, n), 'full');
      const partition = this.options.tree.partitionEntry(caId, n, crl?.der);
      const name = 'certificateRevocationList;binary';
      await this.replaceOrCreate(partition, [
        { operation: 'replace', name, values: partition.attributes.get(name) ?? [] },
      ]);
    }
  }

  /** Applies `changes` to `entry.dn`, or adds `entry` under ou=CA when the directory lacks it. */
  private async replaceOrCreate(entry: DirectoryEntry, changes: ModifyChange[]): Promise<void> {
    const result = await this.call((client) => client.modify(entry.dn, changes));
    if (result.resultCode === ResultCode.noSuchObject)
      return this.create(entry, this.options.tree.caContainerDn);
    this.expect(result, [ResultCode.success], entry.dn);
  }

  /** Adds `entry`, creating its container (and an `o=` base) when the directory lacks them. */
  private async create(entry: DirectoryEntry, containerDn: string): Promise<void> {
    const add = () => this.call((client) => client.add(entry.dn, requestAttributes(entry)));
    const first = await add();
    if (first.resultCode !== ResultCode.noSuchObject) return this.expect(first, ALREADY.create, entry.dn);
    const { tree } = this.options;
    const container =
      containerDn === tree.caContainerDn ? tree.caContainerEntry() : tree.personsContainerEntry();
    const made = await this.call((client) => client.add(container.dn, requestAttributes(container)));
    const base = tree.suffixEntry();
    if (made.resultCode === ResultCode.noSuchObject && base !== undefined) {
      this.expect(
        await this.call((client) => client.add(base.dn, requestAttributes(base))),
        ALREADY.create,
        base.dn,
      );
      this.expect(
        await this.call((client) => client.add(container.dn, requestAttributes(container))),
        ALREADY.create,
        container.dn,
      );
    } else {
      this.expect(made, ALREADY.create, container.dn);
    }
    this.expect(await add(), ALREADY.create, entry.dn);
  }

  private expect(result: LdapResult, accepted: readonly number[], dn: string): void {
    if (accepted.includes(result.resultCode)) return;
    const reason = resultCodeName(result.resultCode);
    throw new PublishError(
      reason,
      `${this.options.url} refused a change of "${dn}": ${reason} ${result.diagnosticMessage}`.trim(),
    );
  }

  /** Runs `operation` on the bound connection within the timeout; a failed connection is dropped. */
  private async call(operation: (client: LdapClient) => Promise<LdapResult>): Promise<LdapResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PublishError(
              'unreachable',
              `${this.options.url} did not answer within ${this.#timeoutMs} ms`,
            ),
          ),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([this.connection().then(operation), timeout]);
    } catch (error) {
      this.close();
      if (error instanceof PublishError) throw error;
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code))
        throw new PublishError(
          'untrustedCertificate',
          `${this.options.url}: the directory's TLS certificate is not trusted (${code}: ${(error as Error).message}); give the CA that issued it in ldapPublish.caFile`,
        );
      throw new PublishError('unreachable', `${this.options.url}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The bound connection, opened (and bound as `bindDn`) on first use, forgotten when it closes. */
  private connection(): Promise<LdapClient> {
    if (this.#client === undefined) {
      const connecting = this.open();
      this.#client = connecting;
      const forget = (): void => {
        if (this.#client === connecting) this.#client = undefined;
      };
      connecting.then((client) => client.closed.then(forget), forget);
    }
    return this.#client;
  }

  private async open(): Promise<LdapClient> {
    // TLS: the certificate must verify against `ca` (or the system's CAs) and name the host
    const tls = this.options.ca === undefined ? {} : { ca: this.options.ca };
    const client = await LdapClient.connect(this.#port, this.#host, {
      timeoutMs: this.#timeoutMs,
      ...(this.#tls ? { tls } : {}),
    });
    if (this.options.startTls && !this.#tls) {
      const started = await client.startTls({ ...tls, host: this.#host });
      if (started.resultCode !== ResultCode.success) {
        client.close();
        const reason = resultCodeName(started.resultCode);
        throw new PublishError(
          reason,
          `${this.options.url} refused StartTLS: ${reason} ${started.diagnosticMessage}`.trim(),
        );
      }
    }
    const bound = await client.bind(this.options.bindDn, this.options.password);
    if (bound.resultCode === ResultCode.success) return client;
    client.close();
    const reason = resultCodeName(bound.resultCode);
    throw new PublishError(
      reason,
      `${this.options.url} refused the bind as "${this.options.bindDn}": ${reason}`,
    );
  }
}
