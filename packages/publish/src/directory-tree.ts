/**
 * The directory information tree this platform publishes (R5), one definition for the embedded
 * LDAP server and for the publisher to an external directory, so both show the same entries:
 *
 *   o=<operator>,c=CN                        organization
 *   ├── ou=CA                                organizationalUnit
 *   │   ├── cn=<CA id>                       applicationProcess + pkiCA + deltaCRL:
 *   │   │                                    cACertificate;binary, certificateRevocationList;binary,
 *   │   │                                    deltaRevocationList;binary, description (the CA's name)
 *   │   └── cn=<CA id>-p<n>                  cRLDistributionPoint (RFC 4523), one per CRL partition
 *   │                                        (分区) of a CA configured with them:
 *   │                                        certificateRevocationList;binary (that partition's CRL)
 *   └── ou=legal-persons                     organizationalUnit
 *       └── uscc=<USCC>                      organization + pkiUser + yzLegalPerson (法人):
 *                                            uscc, o and cn (the name), serialNumber (hex) and
 *                                            userCertificate;binary of its current certificates
 *
 * Attribute names are the standards' (RFC 4519, RFC 4523); `uscc` and the auxiliary class
 * `yzLegalPerson` are this platform's (schema/yizheng.schema for OpenLDAP).
 */
import type { CaRecord, DirectoryPerson } from '@yizheng/core';
import { type AttributeValue, type DirectoryEntry, escapeDnValue, parseDnParts } from '@yizheng/ldap';

/** The newest full and delta CRL of a CA (DER), when it has issued them. */
export interface CaCrls {
  readonly full?: Uint8Array;
  readonly delta?: Uint8Array;
}

/** Object classes of a legal person entry (RFC 4519 organization, RFC 4523 pkiUser, ours). */
export const PERSON_CLASSES = ['top', 'organization', 'pkiUser', 'yzLegalPerson'] as const;
/** Object classes of a CA entry (RFC 4519 applicationProcess, RFC 4523 pkiCA and deltaCRL). */
export const CA_CLASSES = ['top', 'applicationProcess', 'pkiCA', 'deltaCRL'] as const;
/** Object classes of a CRL partition entry (RFC 4523 cRLDistributionPoint). */
export const PARTITION_CLASSES = ['top', 'cRLDistributionPoint'] as const;

function entry(dn: string, attributes: [string, readonly AttributeValue[]][]): DirectoryEntry {
  return { dn, attributes: new Map(attributes.filter(([, values]) => values.length > 0)) };
}

/** DNs and entries of the tree under one suffix. */
export class DirectoryTree {
  readonly caContainerDn: string;
  readonly personsContainerDn: string;

  /** `suffix`: the tree's root DN, e.g. `o=Yizheng Demo CA,c=CN`. */
  constructor(readonly suffix: string) {
    parseDnParts(suffix); // a bad suffix fails here, at start, not at the first search
    this.caContainerDn = `ou=CA,${suffix}`;
    this.personsContainerDn = `ou=legal-persons,${suffix}`;
  }

  /** The tree of an operator (运营机构) named `organization`: `o=<organization>,c=CN`. */
  static ofOrganization(organization: string): DirectoryTree {
    return new DirectoryTree(`o=${escapeDnValue(organization)},c=CN`);
  }

  personDn(uscc: string): string {
    return `uscc=${escapeDnValue(uscc)},${this.personsContainerDn}`;
  }

  caDn(caId: string): string {
    return `cn=${escapeDnValue(caId)},${this.caContainerDn}`;
  }

  /** The entry name of CRL partition `n` of a CA: `cn=<CA id>-p<n>,ou=CA,…`. */
  partitionDn(caId: string, n: number): string {
    return this.caDn(`${caId}-p${n}`);
  }

  /** The suffix entry, when its RDN is `o=…` (an external directory's own suffix may be another). */
  suffixEntry(): DirectoryEntry | undefined {
    const [rdn] = parseDnParts(this.suffix);
    if (rdn?.length !== 1 || rdn[0]!.type.toLowerCase() !== 'o') return undefined;
    return entry(this.suffix, [
      ['objectClass', ['top', 'organization']],
      ['o', [rdn[0]!.value]],
    ]);
  }

  caContainerEntry(): DirectoryEntry {
    return entry(this.caContainerDn, [
      ['objectClass', ['top', 'organizationalUnit']],
      ['ou', ['CA']],
    ]);
  }

  personsContainerEntry(): DirectoryEntry {
    return entry(this.personsContainerDn, [
      ['objectClass', ['top', 'organizationalUnit']],
      ['ou', ['legal-persons']],
    ]);
  }

  /** A legal person with its current certificates; attributes without values are left out. */
  personEntry(person: DirectoryPerson): DirectoryEntry {
    return entry(this.personDn(person.uscc), [
      ['objectClass', PERSON_CLASSES],
      ['uscc', [person.uscc]],
      ['o', [person.name]],
      ['cn', [person.name]],
      ['serialNumber', person.certificates.map((c) => c.serial)],
      ['userCertificate;binary', person.certificates.map((c) => c.der)],
    ]);
  }

  /** CRL partition `n` of a CA, with that partition's newest CRL when given. */
  partitionEntry(caId: string, n: number, crl?: Uint8Array): DirectoryEntry {
    return entry(this.partitionDn(caId, n), [
      ['objectClass', PARTITION_CLASSES],
      ['cn', [`${caId}-p${n}`]],
      ['certificateRevocationList;binary', crl ? [crl] : []],
    ]);
  }

  /** A CA with its certificate and, when given, its newest CRLs. */
  caEntry(ca: Pick<CaRecord, 'id' | 'name' | 'certificateDer'>, crls: CaCrls = {}): DirectoryEntry {
    return entry(this.caDn(ca.id), [
      ['objectClass', CA_CLASSES],
      ['cn', [ca.id]],
      ['description', [ca.name]],
      ['cACertificate;binary', ca.certificateDer ? [ca.certificateDer] : []],
      ['certificateRevocationList;binary', crls.full ? [crls.full] : []],
      ['deltaRevocationList;binary', crls.delta ? [crls.delta] : []],
    ]);
  }
}
