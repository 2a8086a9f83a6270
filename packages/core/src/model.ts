/**
 * The records of the CA core (design §3 names): what the store keeps and the core reasons about.
 * Plain data — no methods, no SQL — so every store adapter (SQLite, PostgreSQL) maps the same
 * shapes and the contract tests can compare them field by field.
 *
 * Conventions: serial numbers are upper-case hex without leading zeros (as `cert show` prints
 * them); times are `Date`; DER and key material are `Uint8Array`; ids are opaque strings.
 */

/**
 * 签名证书 sign / 加密证书 enc (R12 dual certificates); ocsp for responder certificates; badge for a
 * staff member's electronic work badge 电子工作证 (R37, `work-badge.ts`).
 */
export type CertificateRole = 'sign' | 'enc' | 'ocsp' | 'ca' | 'badge';

/** 有效 valid, 已撤销 revoked, 已冻结 suspended (certificateHold). */
export type CertificateStatus = 'valid' | 'revoked' | 'suspended';

/** RFC 5280 CRLReason names (as in @yizheng/pki). */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** A certification authority run by this platform (several may coexist, R10). */
export interface CaRecord {
  readonly id: string;
  readonly name: string;
  /** active: issues; retired: only serves status of what it issued. */
  readonly status: 'active' | 'retired';
  /** The CA key in the KeyVault. */
  readonly keyRef: string;
  /** The CA certificate (DER); absent while a CSR to the national root is pending. */
  readonly certificateDer?: Uint8Array;
  /** The chain above the CA certificate up to the root (DER each, issuer first). */
  readonly chainDer: readonly Uint8Array[];
  readonly createdAt: Date;
}

/** A certificate profile version (证书类别, R4, R9); `definition` is interpreted by the core. */
export interface ProfileRecord {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly role: CertificateRole;
  readonly definition: Readonly<Record<string, unknown>>;
  readonly active: boolean;
  readonly createdAt: Date;
}

/** 法人 legal person (R26 registry data). */
export interface LegalPersonRecord {
  /** 统一社会信用代码, GB 32100 (primary key). */
  readonly uscc: string;
  readonly name: string;
  readonly legalRepresentative: string;
  /** From the provincial registry (法人综合库). */
  readonly registryStatus: 'active' | 'deregistered' | 'revoked' | 'unknown';
  readonly updatedAt: Date;
}

/** 业务类型 business types of an application (R18–R24). */
export type BusinessType =
  'new' | 'renew' | 'change' | 'reissue' | 'revoke' | 'suspend' | 'resume' | 'unlock' | 'recover' | 'import';

/** 渠道 channel. */
export type Channel = 'counter' | 'online' | 'api' | 'mobile' | 'cli';

/** An application (业务申请) and where it stands. */
export interface ApplicationRecord {
  readonly id: string;
  readonly uscc: string;
  readonly businessType: BusinessType;
  readonly channel: Channel;
  readonly state: 'submitted' | 'review' | 'approved' | 'completed' | 'rejected';
  /** Who acted last (operator or account id). */
  readonly actor: string;
  /** Business data: materials (with SM3 hashes), registry check, reasons, fees. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A certificate this platform issued or imported (存量证书, R16). */
export interface CertificateRecord {
  readonly caId: string;
  /** Upper-case hex, no leading zeros. */
  readonly serial: string;
  readonly role: CertificateRole;
  /** The two certificates of one dual pair share it (R12). */
  readonly pairId: string;
  readonly uscc: string | null;
  /** Subject DN text (`C=CN,…`), for search and display. */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly status: CertificateStatus;
  readonly revokedAt: Date | null;
  readonly revocationReason: RevocationReason | null;
  /** The pair this one replaced (renew, change, reissue). */
  readonly predecessorPairId: string | null;
  /** SM3 of the SubjectPublicKeyInfo, hex: refuses certifying one key twice. */
  readonly publicKeyHash: string;
  readonly applicationId: string | null;
  /** The KMC escrow record of an encryption certificate's key. */
  readonly escrowId: string | null;
  readonly der: Uint8Array;
  readonly createdAt: Date;
  /**
   * The CRL partition (分区) its cRLDistributionPoints names, fixed at issuance; absent when the
   * CA had no partitions then (crl-partitions.ts).
   */
  readonly crlPartition?: number | null;
}

/** A key kept by the default KeyVault: the private key sealed under the vault master key. */
export interface VaultKeyRecord {
  readonly ref: string;
  readonly label: string;
  /** 04‖X‖Y. */
  readonly publicKey: Uint8Array;
  /** The sealed private key (format owned by the vault). */
  readonly sealed: Uint8Array;
  readonly createdAt: Date;
}

/** A KMC key pair (R12): pre-generated in the pool, then assigned to one encryption certificate. */
export interface EscrowedKeyRecord {
  readonly id: string;
  readonly state: 'pool' | 'assigned';
  readonly publicKey: Uint8Array;
  /** The private key sealed under the KMC master key (never the vault's). */
  readonly sealed: Uint8Array;
  readonly uscc: string | null;
  readonly caId: string | null;
  readonly certificateSerial: string | null;
  readonly createdAt: Date;
  readonly assignedAt: Date | null;
}

/** One audit entry (R3), hash-chained: hash = SM3(prevHash ‖ canonical fields). */
export interface AuditEntry {
  readonly seq: number;
  readonly at: Date;
  /** Operator or account id, or `system`. */
  readonly actor: string;
  /** e.g. `certificate.issue`, `kmc.recover.approve`. */
  readonly action: string;
  /** The object acted on, e.g. `certificate:CA1:7F3A…`, `legal-person:9133…`. */
  readonly object: string;
  readonly reason: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  /** Hex. */
  readonly prevHash: string;
  /** Hex. */
  readonly hash: string;
}

/** What a caller gives to append an audit entry; the store assigns seq and chains it. */
export type AuditInput = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** An SM2-signed checkpoint over the audit chain head (R3). */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  /** DER SM2 signature by the audit key over the checkpoint text. */
  readonly signature: Uint8Array;
  readonly at: Date;
}

/** A publication job (outbox) written in the same transaction as the change it publishes. */
export interface OutboxJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly doneAt: Date | null;
}

/**
 * A key recovery request (密钥恢复, R12 with dual control): asked with a reason, approved by two
 * different people other than the requester, then delivered once.
 */
export interface RecoveryRequestRecord {
  readonly id: string;
  readonly escrowId: string;
  readonly uscc: string | null;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly state: 'pending' | 'approved' | 'completed' | 'rejected';
  readonly approvals: readonly { readonly by: string; readonly at: Date }[];
  readonly completedAt: Date | null;
}
