/**
 * RFC 4511 §4.2–§4.14 — the responses a server sends, encoded for the server and decoded for the
 * client, and the Notice of Disconnection (§4.4.1).
 */
import { ber, octetsOf, stringOf, type BerNode, type BerReader } from './rfc4511-ber.js';
import {
  ProtocolOp,
  RESPONSE_TAGS,
  decodeControls,
  decodeEnvelope,
  encodeMessage,
  readResultComponents,
  resultComponents,
  type Control,
  type LdapResult,
} from './rfc4511-message.js';

/*
 * SearchResultEntry ::= [APPLICATION 4] SEQUENCE {
 *      objectName      LDAPDN,
 *      attributes      PartialAttributeList }
 *
 * PartialAttributeList ::= SEQUENCE OF partialAttribute PartialAttribute
 *
 * PartialAttribute ::= SEQUENCE {
 *      type       AttributeDescription,
 *      vals       SET OF value AttributeValue }
 */

/** One attribute of a response entry: its description and values (text as UTF-8, or bytes). */
export interface ResponseAttribute {
  readonly name: string;
  readonly values: readonly (string | Uint8Array)[];
}

/** SearchResultEntry node. */
export function encodeSearchResultEntry(dn: string, attributes: readonly ResponseAttribute[]): BerNode {
  return ber.sequence(
    [
      ber.octets(dn),
      ber.sequence(
        attributes.map((attribute) =>
          ber.sequence([
            ber.octets(attribute.name),
            ber.set(attribute.values.map((value) => ber.octets(value))),
          ]),
        ),
      ),
    ],
    ProtocolOp.searchResultEntry,
  );
}

/*
 * BindResponse ::= [APPLICATION 1] SEQUENCE { COMPONENTS OF LDAPResult, serverSaslCreds [7] … OPTIONAL }
 * SearchResultDone ::= [APPLICATION 5] LDAPResult
 * ModifyResponse ::= [APPLICATION 7] LDAPResult      AddResponse ::= [APPLICATION 9] LDAPResult
 * DelResponse ::= [APPLICATION 11] LDAPResult        ModifyDNResponse ::= [APPLICATION 13] LDAPResult
 * CompareResponse ::= [APPLICATION 15] LDAPResult
 */

/** A response that is just an LDAPResult, under the response tag `tag`. */
export function encodeResultResponse(tag: number, result: LdapResult): BerNode {
  return ber.sequence(resultComponents(result), tag);
}

/*
 * ExtendedResponse ::= [APPLICATION 24] SEQUENCE {
 *      COMPONENTS OF LDAPResult,
 *      responseName     [10] LDAPOID OPTIONAL,
 *      responseValue    [11] OCTET STRING OPTIONAL }
 */

/** ExtendedResponse node. */
export function encodeExtendedResponse(result: LdapResult, name?: string, value?: Uint8Array): BerNode {
  return ber.sequence(
    [
      ...resultComponents(result),
      ...(name === undefined ? [] : [ber.octets(name, 0x8a)]),
      ...(value === undefined ? [] : [ber.octets(value, 0x8b)]),
    ],
    ProtocolOp.extendedResponse,
  );
}

/** OID of the Notice of Disconnection (RFC 4511 §4.4.1). */
export const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';

/** The unsolicited Notice of Disconnection (message ID 0), sent just before the server closes. */
export function noticeOfDisconnection(resultCode: number, diagnosticMessage: string): Uint8Array {
  return encodeMessage(
    0,
    encodeExtendedResponse({ resultCode, matchedDn: '', diagnosticMessage }, NOTICE_OF_DISCONNECTION),
  );
}

// ---------------------------------------------------------------------------------------------
// Decoding on the client side

/** One decoded response. */
export type LdapResponse =
  | {
      readonly op: 'searchEntry';
      readonly dn: string;
      readonly attributes: readonly { readonly name: string; readonly values: readonly Uint8Array[] }[];
    }
  | { readonly op: 'searchReference' }
  | { readonly op: 'result'; readonly tag: number; readonly result: LdapResult }
  | {
      readonly op: 'extended';
      readonly result: LdapResult;
      readonly name?: string;
      readonly value?: Uint8Array;
    };

/** A decoded response message. */
export interface LdapResponseMessage {
  readonly messageId: number;
  readonly response: LdapResponse;
  readonly controls: readonly Control[];
}

function decodeSearchEntry(reader: BerReader): LdapResponse {
  const dn = reader.string('objectName');
  const list = reader.sequence('attributes');
  const attributes: { name: string; values: Uint8Array[] }[] = [];
  while (!list.done) {
    const attribute = list.sequence('partialAttribute');
    const name = attribute.string('type');
    const set = attribute.sequence('vals', 0x31);
    const values: Uint8Array[] = [];
    while (!set.done) values.push(set.octets('value'));
    attributes.push({ name, values });
  }
  return { op: 'searchEntry', dn, attributes };
}

/** Decodes one framed response message. */
export function decodeResponse(bytes: Uint8Array): LdapResponseMessage {
  const envelope = decodeEnvelope(bytes, RESPONSE_TAGS);
  const { op, reader } = envelope;
  let response: LdapResponse;
  if (op.tag === ProtocolOp.searchResultEntry) {
    response = decodeSearchEntry(reader.enter(op, 'SearchResultEntry'));
  } else if (op.tag === ProtocolOp.searchResultReference) {
    response = { op: 'searchReference' };
  } else if (op.tag === ProtocolOp.extendedResponse) {
    const inner = reader.enter(op, 'ExtendedResponse');
    const result = readResultComponents(inner);
    const name = inner.takeIf(0x8a, 'responseName');
    const value = inner.takeIf(0x8b, 'responseValue');
    response = {
      op: 'extended',
      result,
      name: name === undefined ? undefined : stringOf(name, 'responseName'),
      value: value === undefined ? undefined : octetsOf(value, 'responseValue'),
    };
  } else {
    response = { op: 'result', tag: op.tag, result: readResultComponents(reader.enter(op, 'LDAPResult')) };
  }
  return { messageId: envelope.messageId, response, controls: decodeControls(envelope) };
}
