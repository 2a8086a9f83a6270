/**
 * The LDAP server over real sockets with our own client (R5, R6): what ldapsearch cannot send —
 * pipelined and abandoned requests, garbage, oversized messages — and the server's limits:
 * connections, idle time, size, time, paging, graceful close. A bad client only ever loses its
 * own connection; the others keep being served.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { toHex } from '@yizheng/gm';
import {
  LdapClient,
  LdapServer,
  NOTICE_OF_DISCONNECTION,
  PAGED_RESULTS_OID,
  ProtocolOp,
  ResultCode,
  WHO_AM_I_OID,
  ber,
  decodePagedResultsValue,
  encodeMessage,
  encodePagedResultsValue,
  searchRequestOf,
  type Control,
  type DirectoryBackend,
  type DirectoryEntry,
  type DirectorySearch,
  type LdapResponse,
  type LdapServerEvent,
  type LdapServerOptions,
} from '../src/index.js';
import { BASE_DN, CA_DN, PERSONS_DN, demoDirectory, type DemoDirectory } from './demo-directory.js';

let demo: DemoDirectory;
const running: LdapServer[] = [];
const clients: LdapClient[] = [];

beforeAll(() => {
  demo = demoDirectory();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map((server) => server.close(100)));
});

async function start(
  options: Partial<LdapServerOptions> = {},
): Promise<{ server: LdapServer; port: number; events: LdapServerEvent[] }> {
  const events: LdapServerEvent[] = [];
  const server = new LdapServer({
    backend: demo.directory,
    onEvent: (event) => events.push(event),
    ...options,
  });
  running.push(server);
  const { port } = await server.listen(0);
  return { server, port, events };
}

async function connect(port: number): Promise<LdapClient> {
  const client = await LdapClient.connect(port);
  clients.push(client);
  return client;
}

/** A backend that waits `delayMs` before each entry, like a slow database. */
function slowly(inner: DirectoryBackend, delayMs: number): DirectoryBackend {
  return {
    namingContexts: inner.namingContexts,
    async *search(request: DirectorySearch, signal: AbortSignal): AsyncGenerator<DirectoryEntry> {
      for await (const entry of inner.search(request, signal)) {
        await delay(delayMs);
        yield entry;
      }
    },
  };
}

function resultCodeOf(response: LdapResponse): number {
  if (response.op === 'result' || response.op === 'extended') return response.result.resultCode;
  throw new Error(`no result in ${response.op}`);
}

function pagedControl(size: number, cookie: Uint8Array = new Uint8Array(0)): Control {
  return { type: PAGED_RESULTS_OID, critical: true, value: encodePagedResultsValue({ size, cookie }) };
}

const HANGZHOU = '91330106MA2B3C4D5D';
const NINGBO = '91330201MA2C3D4E55';

describe('LDAP server: operations', () => {
  it('ok/R5 anonymous bind succeeds; names, passwords and SASL are refused with the right codes', async () => {
    const { port } = await start();
    const client = await connect(port);
    expect((await client.bind()).resultCode).toBe(ResultCode.success);
    expect((await client.bind(`cn=admin,${BASE_DN}`, 'secret')).resultCode).toBe(
      ResultCode.invalidCredentials,
    );
    expect((await client.bind(`cn=admin,${BASE_DN}`, '')).resultCode).toBe(ResultCode.unwillingToPerform);
    const sasl = ber.sequence(
      [ber.integer(3), ber.octets(''), ber.sequence([ber.octets('EXTERNAL')], 0xa3)],
      0x60,
    );
    expect(resultCodeOf((await client.send(sasl).reply).final)).toBe(ResultCode.authMethodNotSupported);
    const v2 = ber.sequence([ber.integer(2), ber.octets(''), ber.octets('', 0x80)], 0x60);
    expect(resultCodeOf((await client.send(v2).reply).final)).toBe(ResultCode.protocolError);
  });

  it('ok/R5 the root DSE names the naming context and what is supported (operational attributes)', async () => {
    const { port } = await start();
    const client = await connect(port);
    const all = await client.search({ baseDn: '', scope: 'base', attributes: ['+'] });
    const dse = all.entries[0]!.attributes;
    expect(new TextDecoder().decode(dse.get('namingContexts')![0])).toBe(BASE_DN);
    expect(new TextDecoder().decode(dse.get('supportedLDAPVersion')![0])).toBe('3');
    expect(dse.get('supportedControl')!.map((v) => new TextDecoder().decode(v))).toContain(PAGED_RESULTS_OID);
    const user = await client.search({ baseDn: '', scope: 'base', attributes: ['*'] });
    expect([...user.entries[0]!.attributes.keys()]).toEqual(['objectClass']);
  });

  it('ok/R5 attribute selection: certificates always as ;binary, 1.1 for none, typesOnly without values', async () => {
    const { port } = await start();
    const client = await connect(port);
    const filter = `(uscc=${HANGZHOU})`;
    const plain = await client.search({ baseDn: BASE_DN, filter, attributes: ['userCertificate', 'CN'] });
    expect([...plain.entries[0]!.attributes.keys()]).toEqual(['cn', 'userCertificate;binary']);
    expect(plain.entries[0]!.attributes.get('userCertificate;binary')!.map(toHex)).toEqual([
      toHex(demo.persons[0]!.sign.der),
      toHex(demo.persons[0]!.enc.der),
    ]);
    const none = await client.search({ baseDn: BASE_DN, filter, attributes: ['1.1'] });
    expect(none.entries[0]!.attributes.size).toBe(0);
    const types = await client.search({ baseDn: BASE_DN, filter, typesOnly: true });
    expect([...types.entries[0]!.attributes.values()].every((values) => values.length === 0)).toBe(true);
  });

  it('ok/R5 writes are unwillingToPerform in their own response type; compare answers', async () => {
    const { port } = await start();
    const client = await connect(port);
    const del = await client.send(ber.octets(CA_DN, ProtocolOp.delRequest)).reply;
    expect(del.final).toMatchObject({ op: 'result', tag: ProtocolOp.delResponse });
    expect(resultCodeOf(del.final)).toBe(ResultCode.unwillingToPerform);
    const add = ber.sequence([ber.octets(`ou=X,${BASE_DN}`), ber.sequence([])], ProtocolOp.addRequest);
    expect((await client.send(add).reply).final).toMatchObject({ tag: ProtocolOp.addResponse });
    // the client's own writes (the publisher's, against OpenLDAP) name the entry the server refuses
    const refusal = (kind: string, dn: string) => ({
      resultCode: ResultCode.unwillingToPerform,
      matchedDn: '',
      diagnosticMessage: expect.stringContaining(`${kind} of "${dn}" refused`),
    });
    const person = demo.persons[0]!;
    expect(await client.add(`ou=X,${BASE_DN}`, [{ name: 'ou', values: ['X'] }])).toEqual(
      refusal('add', `ou=X,${BASE_DN}`),
    );
    expect(
      await client.modify(person.dn, [
        { operation: 'delete', name: 'userCertificate;binary', values: [person.enc.der] },
        { operation: 'replace', name: 'cn', values: ['杭州某某科技有限公司'] },
      ]),
    ).toEqual(refusal('modify', person.dn));
    expect(await client.delete(person.dn)).toEqual(refusal('delete', person.dn));
    const compare = (attribute: string, value: string) =>
      ber.sequence(
        [ber.octets(demo.persons[0]!.dn), ber.sequence([ber.octets(attribute), ber.octets(value)])],
        ProtocolOp.compareRequest,
      );
    expect(resultCodeOf((await client.send(compare('uscc', HANGZHOU.toLowerCase())).reply).final)).toBe(
      ResultCode.compareTrue,
    );
    expect(resultCodeOf((await client.send(compare('uscc', NINGBO)).reply).final)).toBe(
      ResultCode.compareFalse,
    );
    expect(resultCodeOf((await client.send(compare('description', 'x')).reply).final)).toBe(
      ResultCode.noSuchAttribute,
    );
  });

  it('ok/extended operations: Who am I? answers, StartTLS and unknown names are protocolError', async () => {
    const { port } = await start();
    const client = await connect(port);
    const whoami = await client.extended(WHO_AM_I_OID);
    expect(whoami).toMatchObject({ op: 'extended', result: { resultCode: ResultCode.success } });
    expect(resultCodeOf(await client.extended('1.3.6.1.4.1.1466.20037'))).toBe(ResultCode.protocolError);
    expect(resultCodeOf(await client.extended('1.2.3.4'))).toBe(ResultCode.protocolError);
  });

  it('error/an unknown critical control is unavailableCriticalExtension; a non-critical one is ignored', async () => {
    const { port } = await start();
    const client = await connect(port);
    const critical = await client.search({
      baseDn: BASE_DN,
      controls: [{ type: '1.2.3.4', critical: true }],
    });
    expect(critical.result.resultCode).toBe(ResultCode.unavailableCriticalExtension);
    expect(critical.result.diagnosticMessage).toMatch(/^YZ_ERR_LDAP_CONTROL/);
    const optional = await client.search({
      baseDn: BASE_DN,
      controls: [{ type: '1.2.3.4', critical: false }],
    });
    expect(optional.entries).toHaveLength(5);
  });

  it('error/a base outside the directory is noSuchObject, a bad base DN invalidDNSyntax', async () => {
    const { port } = await start();
    const client = await connect(port);
    expect((await client.search({ baseDn: 'o=Other CA,c=CN' })).result.resultCode).toBe(
      ResultCode.noSuchObject,
    );
    expect((await client.search({ baseDn: `ou=nobody,${BASE_DN}` })).result.resultCode).toBe(
      ResultCode.noSuchObject,
    );
    expect((await client.search({ baseDn: 'not a dn' })).result.resultCode).toBe(ResultCode.invalidDNSyntax);
  });
});

describe('LDAP server: limits and paging', () => {
  it('ok/R6 the server size limit caps a search at sizeLimitExceeded with the entries sent', async () => {
    const { port } = await start({ sizeLimit: 2 });
    const client = await connect(port);
    const reply = await client.search({ baseDn: BASE_DN });
    expect(reply.entries).toHaveLength(2);
    expect(reply.result.resultCode).toBe(ResultCode.sizeLimitExceeded);
    expect((await client.search({ baseDn: BASE_DN, sizeLimit: 1 })).entries).toHaveLength(1);
  });

  it('ok/R5 paged results walk every entry with cookies; a page size of 0 ends the search', async () => {
    const { port } = await start({ sizeLimit: 2 });
    const client = await connect(port);
    const seen: string[] = [];
    let cookie: Uint8Array = new Uint8Array(0);
    let pages = 0;
    do {
      const page = await client.search({ baseDn: BASE_DN, controls: [pagedControl(2, cookie)] });
      expect(page.result.resultCode).toBe(ResultCode.success);
      seen.push(...page.entries.map((entry) => entry.dn));
      cookie = decodePagedResultsValue(page.controls.find((c) => c.type === PAGED_RESULTS_OID)!.value).cookie;
      pages++;
    } while (cookie.length > 0);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const first = await client.search({ baseDn: BASE_DN, controls: [pagedControl(2)] });
    const next = decodePagedResultsValue(first.controls[0]!.value).cookie;
    const stop = await client.search({ baseDn: BASE_DN, controls: [pagedControl(0, next)] });
    expect(stop.entries).toHaveLength(0);
    expect(decodePagedResultsValue(stop.controls[0]!.value).cookie).toHaveLength(0);
    const reused = await client.search({ baseDn: BASE_DN, controls: [pagedControl(2, next)] });
    expect(reused.result.resultCode).toBe(ResultCode.unwillingToPerform);
  });

  it('error/a cookie used for another search is refused', async () => {
    const { port } = await start();
    const client = await connect(port);
    const first = await client.search({ baseDn: BASE_DN, controls: [pagedControl(1)] });
    const cookie = decodePagedResultsValue(first.controls[0]!.value).cookie;
    const other = await client.search({ baseDn: PERSONS_DN, controls: [pagedControl(1, cookie)] });
    expect(other.result.resultCode).toBe(ResultCode.unwillingToPerform);
    expect(other.result.diagnosticMessage).toMatch(/cookie/);
  });

  it('ok/R6 a slow search ends with timeLimitExceeded at the server time limit', async () => {
    const { port } = await start({ backend: slowly(demo.directory, 100), timeLimitMs: 250 });
    const client = await connect(port);
    const started = Date.now();
    const reply = await client.search({ baseDn: BASE_DN });
    expect(reply.result.resultCode).toBe(ResultCode.timeLimitExceeded);
    expect(reply.entries.length).toBeLessThan(5);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('error/a failing backend is `other` for that search only, and is reported', async () => {
    const failing: DirectoryBackend = {
      namingContexts: [BASE_DN],
      async *search(): AsyncGenerator<DirectoryEntry> {
        throw new Error('database is down');
      },
    };
    const { port, events } = await start({ backend: failing });
    const client = await connect(port);
    expect((await client.search({ baseDn: BASE_DN })).result).toMatchObject({
      resultCode: ResultCode.other,
      diagnosticMessage: 'internal error',
    });
    expect(events).toContainEqual(expect.objectContaining({ type: 'operation-error' }));
    expect((await client.search({ baseDn: '', scope: 'base' })).result.resultCode).toBe(ResultCode.success);
  });
});

describe('LDAP server: connections', () => {
  it('error/a connect that cannot complete rejects within its timeout', async () => {
    // TEST-NET-1 (RFC 5737) never answers: the network refuses at once or the timeout fires
    const started = Date.now();
    await expect(LdapClient.connect(389, '192.0.2.1', { timeoutMs: 300 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('ok/R6 pipelined searches on one connection each get their own entries', async () => {
    const { port } = await start({ maxOutstanding: 4 });
    const client = await connect(port);
    const sent = Array.from({ length: 40 }, (_, i) => {
      const uscc = i % 2 === 0 ? HANGZHOU : NINGBO;
      return {
        uscc,
        reply: client.send(searchRequestOf({ baseDn: BASE_DN, filter: `(uscc=${uscc})` })).reply,
      };
    });
    for (const { uscc, reply } of sent) {
      const { entries, final } = await reply;
      expect(resultCodeOf(final)).toBe(ResultCode.success);
      expect(entries.map((entry) => entry.dn)).toEqual([`uscc=${uscc},${PERSONS_DN}`]);
    }
  });

  it('ok/abandon stops a search without a response; the connection goes on', async () => {
    const { port } = await start({ backend: slowly(demo.directory, 100) });
    const client = await connect(port);
    const { messageId, reply } = client.send(searchRequestOf({ baseDn: BASE_DN }));
    let settled = false;
    void reply.then(() => (settled = true)).catch(() => undefined);
    client.abandon(messageId);
    expect((await client.search({ baseDn: '', scope: 'base' })).result.resultCode).toBe(ResultCode.success);
    await delay(700);
    expect(settled).toBe(false);
  });

  it('error/R6 garbage gets the Notice of Disconnection; other clients keep being served', async () => {
    const { port, events } = await start();
    const bystander = await connect(port);
    const attacker = await connect(port);
    attacker.writeRaw(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: ldap\r\n\r\n'));
    await attacker.closed;
    expect(attacker.notices).toEqual([
      expect.objectContaining({
        op: 'extended',
        name: NOTICE_OF_DISCONNECTION,
        result: expect.objectContaining({ resultCode: ResultCode.protocolError }),
      }),
    ]);
    expect(events[0]).toMatchObject({ type: 'protocol-error' });
    expect((await bystander.search({ baseDn: BASE_DN, filter: `(uscc=${HANGZHOU})` })).entries).toHaveLength(
      1,
    );
  });

  it('error/R6 a malformed filter inside a good message is protocolError on a connection that stays open', async () => {
    const { port } = await start();
    const client = await connect(port);
    const badFilter = ber.sequence(
      [
        ber.octets(BASE_DN),
        ber.enumerated(2),
        ber.enumerated(0),
        ber.integer(0),
        ber.integer(0),
        ber.boolean(false),
        ber.octets('cn', 0x8a), // [10] is no Filter choice
        ber.sequence([]),
      ],
      ProtocolOp.searchRequest,
    );
    const reply = await client.send(badFilter).reply;
    expect(resultCodeOf(reply.final)).toBe(ResultCode.protocolError);
    expect((await client.search({ baseDn: BASE_DN, filter: `(uscc=${NINGBO})` })).entries).toHaveLength(1);
  });

  it('error/R6 a message over the size limit closes that connection', async () => {
    const { port } = await start({ maxMessageBytes: 4096 });
    const client = await connect(port);
    const huge = encodeMessage(1, searchRequestOf({ baseDn: BASE_DN, filter: `(cn=${'某'.repeat(2000)})` }));
    client.writeRaw(huge);
    await client.closed;
    expect(resultCodeOf(client.notices[0]!)).toBe(ResultCode.protocolError);
  });

  it('ok/R6 one connection over the maximum gets busy; idle connections are closed', async () => {
    const { port, server } = await start({ maxConnections: 1, idleTimeoutMs: 300 });
    const first = await connect(port);
    expect((await first.bind()).resultCode).toBe(ResultCode.success);
    const second = await connect(port);
    await second.closed;
    expect(resultCodeOf(second.notices[0]!)).toBe(ResultCode.busy);
    await first.closed;
    await delay(20);
    expect(server.connectionCount).toBe(0);
  });

  it('ok/R6 graceful close lets a running search finish, then says unavailable', async () => {
    const { port, server } = await start({ backend: slowly(demo.directory, 50) });
    const client = await connect(port);
    const search = client.search({ baseDn: BASE_DN });
    await delay(60);
    await server.close(5000);
    const reply = await search;
    expect(reply.result.resultCode).toBe(ResultCode.success);
    expect(reply.entries).toHaveLength(5);
    await client.closed;
    expect(resultCodeOf(client.notices[0]!)).toBe(ResultCode.unavailable);
  });

  it('ok/R6 close after its grace period abandons what still runs', async () => {
    const { port, server } = await start({ backend: slowly(demo.directory, 500) });
    const client = await connect(port);
    const search = client.search({ baseDn: BASE_DN }).catch((error: Error) => error.message);
    await delay(20);
    await server.close(100);
    expect(await search).toBe('LDAP connection closed');
    expect(resultCodeOf(client.notices[0]!)).toBe(ResultCode.unavailable);
  });
});
