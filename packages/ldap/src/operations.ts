/**
 * What the server answers to each operation (RFC 4511 §4.2–§4.14) of this public, read-only
 * directory (R5): anonymous bind only, search and compare, the "Who am I?" extended operation,
 * and unwillingToPerform for every update. Controls (§4.1.11): paged results on search; any other
 * critical control is refused with unavailableCriticalExtension.
 */
import { LdapError, isLdapError } from './errors.js';
import { evaluateFilter } from './matching.js';
import { PAGED_RESULTS_OID, decodePagedResultsValue } from './rfc2696-paged-results.js';
import type { BerNode } from './rfc4511-ber.js';
import { ProtocolOp, type Control, type LdapResult } from './rfc4511-message.js';
import type {
  BindRequest,
  CompareRequest,
  ExtendedRequest,
  LdapRequest,
  SearchRequest,
  UpdateRequest,
} from './rfc4511-requests.js';
import { encodeExtendedResponse, encodeResultResponse } from './rfc4511-responses.js';
import { ResultCode } from './rfc4511-result-codes.js';
import { parseDn } from './rfc4514-dn.js';
import { WHO_AM_I_OID } from './root-dse.js';
import { PagedSearches, matchingEntries, runSearch, type SearchEnvironment } from './search.js';
import type { Filter } from './filter.js';

/** StartTLS (RFC 4511 §4.14), named so that its refusal can say why. */
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';

/** What an operation needs from its connection. */
export interface OperationContext {
  readonly env: SearchEnvironment;
  readonly paged: PagedSearches;
  /** Sends one message of this operation (message ID added by the connection). */
  send(op: BerNode, controls?: readonly Control[]): Promise<void>;
  /** Aborted by abandon, bind, or the connection closing. */
  readonly signal: AbortSignal;
}

function result(resultCode: number, diagnosticMessage = '', matchedDn = ''): LdapResult {
  return { resultCode, matchedDn, diagnosticMessage };
}

/** Refuses critical controls the operation does not support (RFC 4511 §4.1.11). */
function checkControls(controls: readonly Control[], supported: readonly string[]): void {
  for (const control of controls) {
    if (control.critical && !supported.includes(control.type)) {
      throw new LdapError('YZ_ERR_LDAP_CONTROL', `critical control ${control.type} is not supported here`);
    }
  }
}

/** An LdapError as the LDAPResult the client gets. */
export function errorResult(error: LdapError): LdapResult {
  return result(error.resultCode, `${error.code}: ${error.message}`);
}

/** Performs `request` (not unbind or abandon, which the connection handles) and sends its responses. */
export async function performOperation(
  request: Exclude<LdapRequest, { op: 'unbind' } | { op: 'abandon' }>,
  controls: readonly Control[],
  context: OperationContext,
): Promise<void> {
  switch (request.op) {
    case 'bind':
      return context.send(
        encodeResultResponse(
          ProtocolOp.bindResponse,
          guarded(controls, [], () => bind(request)),
        ),
      );
    case 'update':
      return context.send(
        encodeResultResponse(
          responseTagOf(request),
          guarded(controls, [], () => refuse(request)),
        ),
      );
    case 'extended':
      return context.send(extended(request, controls));
    case 'compare':
      return context.send(
        encodeResultResponse(ProtocolOp.compareResponse, await compare(request, controls, context)),
      );
    case 'search':
      return search(request, controls, context);
  }
}

/** The result of `decide`, or of the LdapError it (or the control check) throws. */
function guarded(
  controls: readonly Control[],
  supported: readonly string[],
  decide: () => LdapResult,
): LdapResult {
  try {
    checkControls(controls, supported);
    return decide();
  } catch (error) {
    if (isLdapError(error)) return errorResult(error);
    throw error;
  }
}

/** Anonymous simple bind succeeds; anything else is refused (RFC 4513 §5.1). */
function bind(request: BindRequest): LdapResult {
  if (request.version !== 3) {
    return result(
      ResultCode.protocolError,
      `LDAP version ${request.version} is not supported; use version 3`,
    );
  }
  if (request.authentication.method === 'sasl') {
    return result(
      ResultCode.authMethodNotSupported,
      `SASL ${request.authentication.mechanism} is not supported: this directory is public, bind anonymously`,
    );
  }
  if (request.authentication.password.length > 0) {
    return result(
      ResultCode.invalidCredentials,
      'this directory is public and read-only and has no accounts: bind anonymously (no name, no password)',
    );
  }
  if (request.name !== '') {
    // RFC 4513 §5.1.2: unauthenticated binds (a name without a password) are refused by default.
    return result(
      ResultCode.unwillingToPerform,
      'unauthenticated bind (a name without a password) is refused',
    );
  }
  return result(ResultCode.success);
}

function responseTagOf(request: UpdateRequest): number {
  switch (request.kind) {
    case 'add':
      return ProtocolOp.addResponse;
    case 'modify':
      return ProtocolOp.modifyResponse;
    case 'delete':
      return ProtocolOp.delResponse;
    case 'modifyDN':
      return ProtocolOp.modifyDNResponse;
  }
}

function refuse(request: UpdateRequest): LdapResult {
  return result(
    ResultCode.unwillingToPerform,
    `this directory is read-only (${request.kind} of "${request.dn}" refused): the CA publishes its certificates and CRLs here`,
  );
}

function extended(request: ExtendedRequest, controls: readonly Control[]): BerNode {
  try {
    checkControls(controls, []);
  } catch (error) {
    if (isLdapError(error)) return encodeExtendedResponse(errorResult(error));
    throw error;
  }
  if (request.name === WHO_AM_I_OID) {
    // RFC 4532 §2.2: an anonymous association has an empty authorization identity.
    return encodeExtendedResponse(result(ResultCode.success), undefined, new Uint8Array(0));
  }
  const why =
    request.name === START_TLS_OID
      ? 'StartTLS is not offered by this public directory'
      : `extended operation ${request.name} is not supported`;
  // RFC 4511 §4.12: an unrecognised request name gets protocolError and no responseName.
  return encodeExtendedResponse(result(ResultCode.protocolError, why));
}

const ANY_ENTRY: Filter = { type: 'present', attribute: 'objectClass' };

/** CompareRequest: compareTrue / compareFalse, noSuchAttribute when the entry lacks the type. */
async function compare(
  request: CompareRequest,
  controls: readonly Control[],
  context: OperationContext,
): Promise<LdapResult> {
  try {
    checkControls(controls, []);
    const lookup: SearchRequest = {
      op: 'search',
      baseDn: request.dn,
      scope: 'base',
      derefAliases: 0,
      sizeLimit: 1,
      timeLimit: 0,
      typesOnly: false,
      filter: ANY_ENTRY,
      attributes: [],
    };
    for await (const entry of matchingEntries(context.env, lookup, parseDn(request.dn), 1, context.signal)) {
      const present = evaluateFilter({ type: 'present', attribute: request.attribute }, entry);
      if (!present) return result(ResultCode.noSuchAttribute, `the entry has no ${request.attribute}`);
      const truth = evaluateFilter(
        { type: 'equality', attribute: request.attribute, value: request.value },
        entry,
      );
      return result(truth === true ? ResultCode.compareTrue : ResultCode.compareFalse);
    }
    return result(ResultCode.noSuchObject, `no entry "${request.dn}"`);
  } catch (error) {
    if (isLdapError(error)) return errorResult(error);
    throw error;
  }
}

async function search(
  request: SearchRequest,
  controls: readonly Control[],
  context: OperationContext,
): Promise<void> {
  let paged;
  try {
    checkControls(controls, [PAGED_RESULTS_OID]);
    const control = controls.find((candidate) => candidate.type === PAGED_RESULTS_OID);
    if (control !== undefined)
      paged = { value: decodePagedResultsValue(control.value), store: context.paged };
  } catch (error) {
    if (!isLdapError(error)) throw error;
    return context.send(encodeResultResponse(ProtocolOp.searchResultDone, errorResult(error)));
  }
  const outcome = await runSearch(
    context.env,
    request,
    paged,
    (entry) => context.send(entry),
    context.signal,
  );
  return context.send(encodeResultResponse(ProtocolOp.searchResultDone, outcome.result), outcome.controls);
}
