/**
 * The small DIT the LDAP tests serve, with real SM2 certificates and CRLs from the pki fixtures:
 *
 *   o=Yizheng Demo CA,c=CN
 *   ├── ou=CA                     cACertificate;binary, certificateRevocationList;binary, deltaRevocationList;binary
 *   └── ou=legal-persons
 *       ├── uscc=91330106MA2B3C4D5D   杭州某某科技有限公司: userCertificate;binary (signing, encryption)
 *       └── uscc=91330201MA2C3D4E55   宁波某某贸易有限公司: userCertificate;binary (signing, encryption)
 */
import { buildCrlSync, extension, type Certificate } from '@yizheng/pki';
import { InMemoryDirectory, type DirectoryEntry } from '../src/index.js';
import { makeLeaf, makeRoot, makeSubCa, type Issued } from '../../../tools/test-support/pki-fixtures.js';

export const BASE_DN = 'o=Yizheng Demo CA,c=CN';
export const CA_DN = `ou=CA,${BASE_DN}`;
export const PERSONS_DN = `ou=legal-persons,${BASE_DN}`;

/** A legal person (法人) with its signing and encryption certificates. */
export interface DemoLegalPerson {
  readonly uscc: string;
  readonly name: string;
  readonly dn: string;
  readonly sign: Certificate;
  readonly enc: Certificate;
}

export interface DemoDirectory {
  readonly directory: InMemoryDirectory;
  readonly ca: Issued;
  readonly crl: Uint8Array;
  readonly deltaCrl: Uint8Array;
  readonly persons: readonly DemoLegalPerson[];
}

/** Certificate serials as the directory publishes them: upper-case hex. */
export function serialHex(cert: Certificate): string {
  return cert.tbs.serialNumber.toString(16).toUpperCase();
}

function legalPerson(ca: Issued, uscc: string, name: string): DemoLegalPerson {
  const subject = `C=CN,O=${name},CN=${name}`;
  const sign = makeLeaf(ca, {
    subject,
    extensions: [
      extension('keyUsage', ['digitalSignature', 'nonRepudiation'], true),
      extension('unifiedSocialCreditCode', uscc),
    ],
  }).cert;
  const enc = makeLeaf(ca, {
    subject,
    extensions: [
      extension('keyUsage', ['keyEncipherment', 'dataEncipherment'], true),
      extension('unifiedSocialCreditCode', uscc),
    ],
  }).cert;
  return { uscc, name, dn: `uscc=${uscc},${PERSONS_DN}`, sign, enc };
}

function personEntry(person: DemoLegalPerson): DirectoryEntry {
  return {
    dn: person.dn,
    attributes: new Map<string, (string | Uint8Array)[]>([
      ['objectClass', ['top', 'organization', 'pkiUser']],
      ['uscc', [person.uscc]],
      ['o', [person.name]],
      ['cn', [person.name]],
      ['serialNumber', [serialHex(person.sign), serialHex(person.enc)]],
      ['userCertificate;binary', [person.sign.der, person.enc.der]],
    ]),
  };
}

/** Builds the demo DIT (one SM2 hierarchy, two legal persons). */
export function demoDirectory(): DemoDirectory {
  const root = makeRoot();
  const ca = makeSubCa(root, 'Yizheng Demo CA');
  const now = new Date();
  const crlOptions = { issuer: ca.cert, thisUpdate: now, nextUpdate: new Date(now.getTime() + 86_400_000) };
  const crl = buildCrlSync(
    { ...crlOptions, crlNumber: 1n, entries: [{ serialNumber: 0x1234567n, revocationDate: now }] },
    ca.key,
  );
  const deltaCrl = buildCrlSync({ ...crlOptions, crlNumber: 2n, baseCrlNumber: 1n, entries: [] }, ca.key);
  const persons = [
    legalPerson(ca, '91330106MA2B3C4D5D', '杭州某某科技有限公司'),
    legalPerson(ca, '91330201MA2C3D4E55', '宁波某某贸易有限公司'),
  ];
  const directory = new InMemoryDirectory([BASE_DN]);
  directory.put({
    dn: BASE_DN,
    attributes: new Map([
      ['objectClass', ['top', 'organization']],
      ['o', ['Yizheng Demo CA']],
    ]),
  });
  directory.put({
    dn: CA_DN,
    attributes: new Map<string, (string | Uint8Array)[]>([
      ['objectClass', ['top', 'organizationalUnit', 'pkiCA', 'deltaCRL']],
      ['ou', ['CA']],
      ['cACertificate;binary', [ca.cert.der]],
      ['certificateRevocationList;binary', [crl]],
      ['deltaRevocationList;binary', [deltaCrl]],
    ]),
  });
  directory.put({
    dn: PERSONS_DN,
    attributes: new Map([
      ['objectClass', ['top', 'organizationalUnit']],
      ['ou', ['legal-persons']],
    ]),
  });
  for (const person of persons) directory.put(personEntry(person));
  return { directory, ca, crl, deltaCrl, persons };
}
