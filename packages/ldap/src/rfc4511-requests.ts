/**
 * RFC 4511 §4.2–§4.14 — the requests a client sends, decoded for the server and encoded for the
 * client (tests, benchmark, health probes). The directory is read-only (R5): add, modify, delete
 * and modify DN are decoded only as far as their DN, to be refused with unwillingToPerform.
 */
import { LdapError } from './errors.js';
import { decodeFilter, encodeFilter, FilterBudget, type Filter, type FilterLimits } from './filter.js';
import { ber, integerOf, octetsOf, stringOf, type BerNode, type BerReader } from './rfc4511-ber.js';
import { MAX_INT, ProtocolOp, type Envelope } from './rfc4511-message.js';
import type { SearchScope } from './rfc4514-dn.js';

/*
 * SearchRequest ::= [APPLICATION 3] SEQUENCE {
 *      baseObject      LDAPDN,
 *      scope           ENUMERATED { baseObject (0), singleLevel (1), wholeSubtree (2), ... },
 *      derefAliases    ENUMERATED { neverDerefAliases (0), derefInSearching (1),
 *                                   derefFindingBaseObj (2), derefAlways (3) },
 *      sizeLimit       INTEGER (0 ..  maxInt),
 *      timeLimit       INTEGER (0 ..  maxInt),
 *      typesOnly       BOOLEAN,
 *      filter          Filter,
 *      attributes      AttributeSelection }
 *
 * AttributeSelection ::= SEQUENCE OF selector LDAPString
 */

/** A decoded SearchRequest. `timeLimit` is in seconds, as on the wire. */
export interface SearchRequest {
  readonly op: 'search';
  readonly baseDn: string;
  readonly scope: SearchScope;
  readonly derefAliases: number;
  readonly sizeLimit: number;
  readonly timeLimit: number;
  readonly typesOnly: boolean;
  readonly filter: Filter;
  readonly attributes: readonly string[];
}

/*
 * BindRequest ::= [APPLICATION 0] SEQUENCE {
 *      version                 INTEGER (1 ..  127),
 *      name                    LDAPDN,
 *      authentication          AuthenticationChoice }
 *
 * AuthenticationChoice ::= CHOICE {
 *      simple                  [0] OCTET STRING,
 *      sasl                    [3] SaslCredentials,
 *      ...  }
 *
 * SaslCredentials ::= SEQUENCE { mechanism LDAPString, credentials OCTET STRING OPTIONAL }
 */
export interface BindRequest {
  readonly op: 'bind';
  readonly version: number;
  readonly name: string;
  readonly authentication:
    | { readonly method: 'simple'; readonly password: Uint8Array }
    | { readonly method: 'sasl'; readonly mechanism: string };
}

/*
 * CompareRequest ::= [APPLICATION 14] SEQUENCE {
 *      entry           LDAPDN,
 *      ava             AttributeValueAssertion }
 */
export interface CompareRequest {
  readonly op: 'compare';
  readonly dn: string;
  readonly attribute: string;
  readonly value: Uint8Array;
}

/*
 * ExtendedRequest ::= [APPLICATION 23] SEQUENCE {
 *      requestName      [0] LDAPOID,
 *      requestValue     [1] OCTET STRING OPTIONAL }
 */
export interface ExtendedRequest {
  readonly op: 'extended';
  readonly name: string;
  readonly value?: Uint8Array;
}

/*
 * AddRequest ::= [APPLICATION 8] SEQUENCE { entry LDAPDN, attributes AttributeList }
 * ModifyRequest ::= [APPLICATION 6] SEQUENCE { object LDAPDN, changes SEQUENCE OF change … }
 * ModifyDNRequest ::= [APPLICATION 12] SEQUENCE { entry LDAPDN, newrdn RelativeLDAPDN, … }
 * DelRequest ::= [APPLICATION 10] LDAPDN
 */
export interface UpdateRequest {
  readonly op: 'update';
  readonly kind: 'add' | 'modify' | 'delete' | 'modifyDN';
  readonly dn: string;
}

/*
 * UnbindRequest ::= [APPLICATION 2] NULL
 * AbandonRequest ::= [APPLICATION 16] MessageID
 */
export type LdapRequest =
  | BindRequest
  | SearchRequest
  | CompareRequest
  | ExtendedRequest
  | UpdateRequest
  | { readonly op: 'unbind' }
  | { readonly op: 'abandon'; readonly messageId: number };

const SCOPES: readonly SearchScope[] = ['base', 'one', 'sub'];

function protocolError(message: string): LdapError {
  return new LdapError('YZ_ERR_LDAP_PROTOCOL', message);
}

function limitOf(reader: BerReader, what: string): number {
  const value = reader.integer(what);
  if (value < 0 || value > MAX_INT) throw protocolError(`${what} ${value} is out of range`);
  return value;
}

function decodeSearch(reader: BerReader, filterLimits: FilterLimits): SearchRequest {
  const baseDn = reader.string('baseObject');
  const scopeCode = reader.enumerated('scope');
  const scope = SCOPES[scopeCode];
  if (scope === undefined) throw protocolError(`scope ${scopeCode} is not 0, 1 or 2`);
  const derefAliases = reader.enumerated('derefAliases');
  if (derefAliases < 0 || derefAliases > 3) throw protocolError(`derefAliases ${derefAliases} is not 0..3`);
  const sizeLimit = limitOf(reader, 'sizeLimit');
  const timeLimit = limitOf(reader, 'timeLimit');
  const typesOnly = reader.boolean('typesOnly');
  const filter = decodeFilter(reader, reader.next('filter'), new FilterBudget(filterLimits));
  const selection = reader.sequence('attributes');
  const attributes: string[] = [];
  while (!selection.done) attributes.push(selection.string('attribute selector'));
  return { op: 'search', baseDn, scope, derefAliases, sizeLimit, timeLimit, typesOnly, filter, attributes };
}

function decodeBind(reader: BerReader): BindRequest {
  const version = reader.integer('version');
  const name = reader.string('name');
  const choice = reader.next('authentication');
  if (choice.tag === 0x80) {
    return {
      op: 'bind',
      version,
      name,
      authentication: { method: 'simple', password: octetsOf(choice, 'simple') },
    };
  }
  if (choice.tag === 0xa3) {
    const sasl = reader.enter(choice, 'sasl');
    return {
      op: 'bind',
      version,
      name,
      authentication: { method: 'sasl', mechanism: sasl.string('mechanism') },
    };
  }
  throw protocolError(`authentication choice 0x${choice.tag.toString(16)} is unknown`);
}

/** Decodes the operation of `envelope`; throws LdapError for a malformed one. */
export function decodeRequest(envelope: Envelope, filterLimits: FilterLimits): LdapRequest {
  const { op, reader } = envelope;
  switch (op.tag) {
    case ProtocolOp.unbindRequest:
      return { op: 'unbind' };
    case ProtocolOp.abandonRequest:
      return { op: 'abandon', messageId: integerOf(op, 'abandon messageID') };
    case ProtocolOp.delRequest:
      return { op: 'update', kind: 'delete', dn: stringOf(op, 'entry') };
    case ProtocolOp.bindRequest:
      return decodeBind(reader.enter(op, 'BindRequest'));
    case ProtocolOp.searchRequest:
      return decodeSearch(reader.enter(op, 'SearchRequest'), filterLimits);
    case ProtocolOp.compareRequest: {
      const compare = reader.enter(op, 'CompareRequest');
      const dn = compare.string('entry');
      const ava = compare.sequence('ava');
      return {
        op: 'compare',
        dn,
        attribute: ava.string('attributeDesc'),
        value: ava.octets('assertionValue'),
      };
    }
    case ProtocolOp.extendedRequest: {
      const extended = reader.enter(op, 'ExtendedRequest');
      const name = extended.string('requestName', 0x80);
      const value = extended.takeIf(0x81, 'requestValue');
      return {
        op: 'extended',
        name,
        value: value === undefined ? undefined : octetsOf(value, 'requestValue'),
      };
    }
    case ProtocolOp.addRequest:
    case ProtocolOp.modifyRequest:
    case ProtocolOp.modifyDNRequest: {
      const kind =
        op.tag === ProtocolOp.addRequest
          ? 'add'
          : op.tag === ProtocolOp.modifyRequest
            ? 'modify'
            : 'modifyDN';
      return { op: 'update', kind, dn: reader.enter(op, 'update request').string('entry') };
    }
    default:
      throw protocolError(`protocolOp 0x${op.tag.toString(16)} is not a request`);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoders for the client side

/** BindRequest, simple authentication (anonymous when both are empty). */
export function encodeBindRequest(name = '', password: string | Uint8Array = ''): BerNode {
  return ber.sequence([ber.integer(3), ber.octets(name), ber.octets(password, 0x80)], ProtocolOp.bindRequest);
}

/** SearchRequest. */
export function encodeSearchRequest(request: Omit<SearchRequest, 'op'>): BerNode {
  return ber.sequence(
    [
      ber.octets(request.baseDn),
      ber.enumerated(SCOPES.indexOf(request.scope)),
      ber.enumerated(request.derefAliases),
      ber.integer(request.sizeLimit),
      ber.integer(request.timeLimit),
      ber.boolean(request.typesOnly),
      encodeFilter(request.filter),
      ber.sequence(request.attributes.map((attribute) => ber.octets(attribute))),
    ],
    ProtocolOp.searchRequest,
  );
}

/** One attribute with its values, as an add or a modification carries it (PartialAttribute). */
export interface RequestAttribute {
  /** Attribute description, e.g. `userCertificate;binary`. */
  readonly name: string;
  readonly values: readonly (string | Uint8Array)[];
}

/*
 * ModifyRequest ::= [APPLICATION 6] SEQUENCE {
 *      object          LDAPDN,
 *      changes         SEQUENCE OF change SEQUENCE {
 *           operation       ENUMERATED { add (0), delete (1), replace (2), ... },
 *           modification    PartialAttribute } }
 */

/** One change of a ModifyRequest; `delete` without values removes the whole attribute. */
export interface ModifyChange extends RequestAttribute {
  readonly operation: 'add' | 'delete' | 'replace';
}

const MODIFY_OPERATIONS = ['add', 'delete', 'replace'] as const;

function partialAttribute(attribute: RequestAttribute): BerNode {
  return ber.sequence([
    ber.octets(attribute.name),
    ber.set(attribute.values.map((value) => ber.octets(value))),
  ]);
}

/** AddRequest of `dn` with `attributes` (each with at least one value, RFC 4511 §4.7). */
export function encodeAddRequest(dn: string, attributes: readonly RequestAttribute[]): BerNode {
  return ber.sequence(
    [ber.octets(dn), ber.sequence(attributes.map(partialAttribute))],
    ProtocolOp.addRequest,
  );
}

/** ModifyRequest of `dn`: the changes apply in order and all or none (RFC 4511 §4.6). */
export function encodeModifyRequest(dn: string, changes: readonly ModifyChange[]): BerNode {
  return ber.sequence(
    [
      ber.octets(dn),
      ber.sequence(
        changes.map((change) =>
          ber.sequence([
            ber.enumerated(MODIFY_OPERATIONS.indexOf(change.operation)),
            partialAttribute(change),
          ]),
        ),
      ),
    ],
    ProtocolOp.modifyRequest,
  );
}

/** DelRequest of `dn` (a leaf entry, RFC 4511 §4.8). */
export function encodeDelRequest(dn: string): BerNode {
  return ber.octets(dn, ProtocolOp.delRequest);
}

/** AbandonRequest for `messageId`. */
export function encodeAbandonRequest(messageId: number): BerNode {
  return ber.integer(messageId, ProtocolOp.abandonRequest);
}

/** UnbindRequest. */
export function encodeUnbindRequest(): BerNode {
  return ber.null(ProtocolOp.unbindRequest);
}

/** ExtendedRequest `name` with an optional value. */
export function encodeExtendedRequest(name: string, value?: Uint8Array): BerNode {
  return ber.sequence(
    [ber.octets(name, 0x80), ...(value === undefined ? [] : [ber.octets(value, 0x81)])],
    ProtocolOp.extendedRequest,
  );
}
