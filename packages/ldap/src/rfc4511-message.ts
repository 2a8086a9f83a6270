/**
 * RFC 4511 §4.1.1 — the LDAPMessage envelope: message ID, protocol operation, controls; and the
 * LDAPResult every response carries (§4.1.9). Operations themselves are in rfc4511-requests.ts
 * and rfc4511-responses.ts.
 *
 * Decoding happens in two steps on purpose. `decodeEnvelope` reads the message ID and the
 * operation's tag: when that fails the stream cannot be trusted and the server sends the Notice
 * of Disconnection (§4.1.1). Errors inside a recognised operation (a bad filter, a bad control)
 * are answered with that operation's response and the connection keeps serving.
 */
import { LdapError } from './errors.js';
import {
  BerReader,
  BerTag,
  ber,
  booleanOf,
  encodeBer,
  octetsOf,
  type BerElement,
  type BerLimits,
  type BerNode,
  DEFAULT_BER_LIMITS,
} from './rfc4511-ber.js';

/*
 * LDAPMessage ::= SEQUENCE {
 *      messageID       MessageID,
 *      protocolOp      CHOICE { bindRequest BindRequest, bindResponse BindResponse, … },
 *      controls       [0] Controls OPTIONAL }
 *
 * MessageID ::= INTEGER (0 ..  maxInt)      maxInt INTEGER ::= 2147483647
 */

/** Identifier octets of the protocolOp CHOICE (RFC 4511 §4.2–§4.14, [APPLICATION n]). */
export const ProtocolOp = {
  bindRequest: 0x60,
  bindResponse: 0x61,
  unbindRequest: 0x42,
  searchRequest: 0x63,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  searchResultReference: 0x73,
  modifyRequest: 0x66,
  modifyResponse: 0x67,
  addRequest: 0x68,
  addResponse: 0x69,
  delRequest: 0x4a,
  delResponse: 0x6b,
  modifyDNRequest: 0x6c,
  modifyDNResponse: 0x6d,
  compareRequest: 0x6e,
  compareResponse: 0x6f,
  abandonRequest: 0x50,
  extendedRequest: 0x77,
  extendedResponse: 0x78,
  intermediateResponse: 0x79,
} as const;

/** Operations a client may send (what a server accepts). */
export const REQUEST_TAGS: ReadonlySet<number> = new Set([
  ProtocolOp.bindRequest,
  ProtocolOp.unbindRequest,
  ProtocolOp.searchRequest,
  ProtocolOp.modifyRequest,
  ProtocolOp.addRequest,
  ProtocolOp.delRequest,
  ProtocolOp.modifyDNRequest,
  ProtocolOp.compareRequest,
  ProtocolOp.abandonRequest,
  ProtocolOp.extendedRequest,
]);

/** Operations a server may send (what a client accepts). */
export const RESPONSE_TAGS: ReadonlySet<number> = new Set([
  ProtocolOp.bindResponse,
  ProtocolOp.searchResultEntry,
  ProtocolOp.searchResultDone,
  ProtocolOp.searchResultReference,
  ProtocolOp.modifyResponse,
  ProtocolOp.addResponse,
  ProtocolOp.delResponse,
  ProtocolOp.modifyDNResponse,
  ProtocolOp.compareResponse,
  ProtocolOp.extendedResponse,
  ProtocolOp.intermediateResponse,
]);

/** The response tag answering each request that has a response (abandon and unbind have none). */
export const RESPONSE_TAG_OF: ReadonlyMap<number, number> = new Map([
  [ProtocolOp.bindRequest, ProtocolOp.bindResponse],
  [ProtocolOp.searchRequest, ProtocolOp.searchResultDone],
  [ProtocolOp.modifyRequest, ProtocolOp.modifyResponse],
  [ProtocolOp.addRequest, ProtocolOp.addResponse],
  [ProtocolOp.delRequest, ProtocolOp.delResponse],
  [ProtocolOp.modifyDNRequest, ProtocolOp.modifyDNResponse],
  [ProtocolOp.compareRequest, ProtocolOp.compareResponse],
  [ProtocolOp.extendedRequest, ProtocolOp.extendedResponse],
]);

export const MAX_INT = 2147483647;

/*
 * Controls ::= SEQUENCE OF control Control
 *
 * Control ::= SEQUENCE {
 *      controlType             LDAPOID,
 *      criticality             BOOLEAN DEFAULT FALSE,
 *      controlValue            OCTET STRING OPTIONAL }
 */

/** One request or response control. */
export interface Control {
  readonly type: string;
  readonly critical: boolean;
  readonly value?: Uint8Array;
}

const CONTROLS_TAG = 0xa0;

/** A message read as far as its operation tag. */
export interface Envelope {
  readonly messageId: number;
  /** The protocolOp element and the reader it came from (for nesting depth). */
  readonly op: BerElement;
  readonly reader: BerReader;
  /** The controls element, decoded on demand by `decodeControls`. */
  readonly controls: BerElement | undefined;
}

/**
 * Reads the envelope of one framed LDAPMessage whose operation must be in `accepted` (requests
 * on the server side); throws on anything that breaks the stream.
 */
export function decodeEnvelope(
  bytes: Uint8Array,
  accepted: ReadonlySet<number> = REQUEST_TAGS,
  limits: BerLimits = DEFAULT_BER_LIMITS,
): Envelope {
  const outer = new BerReader(bytes, 0, bytes.length, 0, limits.maxDepth);
  const message = outer.sequence('LDAPMessage');
  const messageId = message.integer('messageID');
  if (messageId < 0 || messageId > MAX_INT) {
    throw new LdapError('YZ_ERR_LDAP_PROTOCOL', `messageID ${messageId} is out of range`);
  }
  const op = message.next('protocolOp');
  if (!accepted.has(op.tag)) {
    throw new LdapError('YZ_ERR_LDAP_PROTOCOL', `protocolOp 0x${op.tag.toString(16)} is not expected here`);
  }
  const controls = message.takeIf(CONTROLS_TAG, 'controls');
  return { messageId, op, reader: message, controls };
}

/** The controls of an envelope (none when absent). */
export function decodeControls(envelope: Envelope): Control[] {
  if (envelope.controls === undefined) return [];
  const list = envelope.reader.enter(envelope.controls, 'controls');
  const controls: Control[] = [];
  while (!list.done) {
    const control = list.sequence('control');
    const type = control.string('controlType');
    const criticality = control.takeIf(BerTag.BOOLEAN, 'criticality');
    const value = control.takeIf(BerTag.OCTET_STRING, 'controlValue');
    controls.push({
      type,
      critical: criticality === undefined ? false : booleanOf(criticality, 'criticality'),
      value: value === undefined ? undefined : octetsOf(value, 'controlValue'),
    });
  }
  return controls;
}

/** The whole LDAPMessage for `messageId`, operation `op` and `controls`. */
export function encodeMessage(messageId: number, op: BerNode, controls: readonly Control[] = []): Uint8Array {
  const parts: BerNode[] = [ber.integer(messageId), op];
  if (controls.length > 0) {
    parts.push(
      ber.sequence(
        controls.map((control) =>
          ber.sequence([
            ber.octets(control.type),
            ...(control.critical ? [ber.boolean(true)] : []),
            ...(control.value === undefined ? [] : [ber.octets(control.value)]),
          ]),
        ),
        CONTROLS_TAG,
      ),
    );
  }
  return encodeBer(ber.sequence(parts));
}

/*
 * LDAPResult ::= SEQUENCE {
 *      resultCode         ENUMERATED { success (0), … },
 *      matchedDN          LDAPDN,
 *      diagnosticMessage  LDAPString,
 *      referral           [3] Referral OPTIONAL }
 */

/** The outcome of an operation. */
export interface LdapResult {
  readonly resultCode: number;
  readonly matchedDn: string;
  readonly diagnosticMessage: string;
}

/** The three LDAPResult components (for COMPONENTS OF in a response). */
export function resultComponents(result: LdapResult): BerNode[] {
  return [
    ber.enumerated(result.resultCode),
    ber.octets(result.matchedDn),
    ber.octets(result.diagnosticMessage),
  ];
}

/** Reads the LDAPResult components at the start of `reader` (a referral, if any, is skipped). */
export function readResultComponents(reader: BerReader): LdapResult {
  const resultCode = reader.enumerated('resultCode');
  const matchedDn = reader.string('matchedDN');
  const diagnosticMessage = reader.string('diagnosticMessage');
  reader.takeIf(0xa3, 'referral');
  return { resultCode, matchedDn, diagnosticMessage };
}
