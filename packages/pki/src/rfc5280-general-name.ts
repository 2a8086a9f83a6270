/**
 * GeneralName and GeneralNames (RFC 5280 §4.2.1.6), used by subjectAltName, the CRL
 * distribution points, authorityInfoAccess, authorityKeyIdentifier and OCSP responder names.
 *
 * The forms a CA writes (URI for CRL/OCSP/LDAP locations, e-mail, DNS, directory name) are
 * decoded to text; otherName, x400Address and ediPartyName are carried as raw TLVs so that a
 * certificate from another CA still re-serialises byte for byte.
 */
import { asn1, der, toHex } from '@yizheng/gm';
import { type Name, NameType } from './name.js';

const { Ia5String, OctetString, ObjectIdentifier, choice, explicit, implicit, rawWithTag, sequenceOf } = asn1;

/** GeneralName ::= CHOICE (RFC 5280 Appendix A.2, IMPLICIT TAGS module). */
export const GeneralNameType = choice('GeneralName', {
  otherName: rawWithTag(der.contextTag(0, true), 'otherName'),
  email: implicit(1, Ia5String),
  dns: implicit(2, Ia5String),
  x400Address: rawWithTag(der.contextTag(3, true), 'x400Address'),
  directoryName: explicit(4, NameType),
  ediPartyName: rawWithTag(der.contextTag(5, true), 'ediPartyName'),
  uri: implicit(6, Ia5String),
  ipAddress: implicit(7, OctetString),
  registeredId: implicit(8, ObjectIdentifier),
});

/** A decoded GeneralName: `{ type: 'uri', value: 'http://…' }`, `{ type: 'directoryName', value: Name }`, … */
export type GeneralName = asn1.Decoded<typeof GeneralNameType>;

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. */
export const GeneralNamesType = sequenceOf(GeneralNameType, 'GeneralNames');

/** A URI general name (CRL, OCSP, LDAP and caIssuers locations). */
export function uriName(uri: string): GeneralName {
  return { type: 'uri', value: uri };
}

/** Text of a general name for display (`URI:http://…`, `email:…`, `DirName:C=CN,…`). */
export function formatGeneralName(name: GeneralName, formatDn: (n: Name) => string): string {
  switch (name.type) {
    case 'uri':
      return `URI:${name.value}`;
    case 'email':
      return `email:${name.value}`;
    case 'dns':
      return `DNS:${name.value}`;
    case 'directoryName':
      return `DirName:${formatDn(name.value)}`;
    case 'ipAddress':
      return `IP:${formatIp(name.value)}`;
    case 'registeredId':
      return `RID:${name.value}`;
    default:
      return `${name.type}:<${toHex(name.value)}>`;
  }
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    return groups.join(':');
  }
  return toHex(bytes);
}
