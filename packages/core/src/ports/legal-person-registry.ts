/**
 * The provincial legal-person registry (法人综合库) as a port (design §4; R26 automatic check,
 * R23 revocation on deregistration). `@yizheng/connectors` implements it over HTTP (the contract
 * is docs/integration-registry.md) and as a seeded simulator, the embedded default.
 *
 * An adapter that cannot get an answer — network error, timeout, 5xx after its retries, a body
 * outside the contract — throws `CoreError('YZ_ERR_REGISTRY_UNAVAILABLE')`; the core turns that
 * into manual review rather than a refusal, so an outage of the registry never stops the counter.
 */

/** 存续 active, 注销 deregistered (closed by its own request), 吊销 revoked (licence withdrawn by the authority). */
export type RegistryStatus = 'active' | 'deregistered' | 'revoked';

/** A legal person as the registry holds it. */
export interface RegistryRecord {
  /** 统一社会信用代码 (GB 32100). */
  readonly uscc: string;
  /** 名称, as registered (full-width brackets and all). */
  readonly name: string;
  /** 法定代表人 (or 负责人 of a public body). */
  readonly legalRepresentative: string;
  readonly status: RegistryStatus;
  /** 成立日期. */
  readonly registeredAt: Date;
  /** Last change of any field above. */
  readonly updatedAt: Date;
}

/** 变更 change of registered data, 注销 deregistration, 吊销 revocation. */
export type RegistryEventType = 'change' | 'deregistration' | 'revocation';

/** One field a change event changed. */
export interface RegistryFieldChange {
  readonly field: 'name' | 'legalRepresentative';
  readonly from: string;
  readonly to: string;
}

/** Something that happened to a legal person in the registry. */
export interface RegistryEvent {
  /** The registry's id of the event (stable: applying an event twice is recognised). */
  readonly id: string;
  readonly uscc: string;
  readonly type: RegistryEventType;
  /** When it took effect in the registry. */
  readonly at: Date;
  /** For `change`: what changed. */
  readonly changes?: readonly RegistryFieldChange[];
  /** Notice number or text (公告号), carried into the audit trail. */
  readonly note?: string;
}

/** The registry port. */
export interface LegalPersonRegistry {
  /** The record of `uscc`, or undefined when the registry has none. */
  lookup(uscc: string): Promise<RegistryRecord | undefined>;
  /** Events that took effect at or after `since`, oldest first. */
  events(since: Date): Promise<RegistryEvent[]>;
}
