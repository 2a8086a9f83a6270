/**
 * The in-memory DirectoryBackend (R5, R6): scopes walk the tree, an equality term on an indexed
 * type (uscc) answers with one look-up instead of a scan, replacing and deleting entries keeps
 * the indexes right, and a missing base is noSuchObject.
 */
import { describe, expect, it } from 'vitest';
import {
  InMemoryDirectory,
  isLdapError,
  parseDn,
  parseFilter,
  type DirectoryEntry,
  type DirectorySearch,
  type SearchScope,
} from '../src/index.js';

const BASE = 'o=Yizheng Demo CA,c=CN';
const PERSONS = `ou=legal-persons,${BASE}`;

function person(uscc: string, name: string): DirectoryEntry {
  return {
    dn: `uscc=${uscc},${PERSONS}`,
    attributes: new Map([
      ['objectClass', ['organization', 'pkiUser']],
      ['uscc', [uscc]],
      ['cn', [name]],
    ]),
  };
}

function demoDirectory(): InMemoryDirectory {
  const directory = new InMemoryDirectory([BASE]);
  directory.put({ dn: BASE, attributes: new Map([['o', ['Yizheng Demo CA']]]) });
  directory.put({ dn: `ou=CA,${BASE}`, attributes: new Map([['ou', ['CA']]]) });
  directory.put({ dn: PERSONS, attributes: new Map([['ou', ['legal-persons']]]) });
  directory.put(person('91330106MA2B3C4D5D', '杭州某某科技有限公司'));
  directory.put(person('91330201MA2C3D4E55', '宁波某某贸易有限公司'));
  return directory;
}

async function candidates(
  directory: InMemoryDirectory,
  baseDn: string,
  scope: SearchScope,
  filter = '(objectClass=*)',
  signal = new AbortController().signal,
): Promise<string[]> {
  const request: DirectorySearch = {
    baseDn,
    base: parseDn(baseDn),
    scope,
    filter: parseFilter(filter),
    sizeLimit: 0,
    attributes: [],
    typesOnly: false,
  };
  const dns: string[] = [];
  for await (const entry of directory.search(request, signal)) dns.push(entry.dn);
  return dns.sort();
}

describe('InMemoryDirectory', () => {
  it('ok/R5 base, one and sub scopes walk the tree', async () => {
    const directory = demoDirectory();
    expect(await candidates(directory, BASE, 'base')).toEqual([BASE]);
    expect(await candidates(directory, BASE, 'one')).toEqual([`ou=CA,${BASE}`, PERSONS].sort());
    expect(await candidates(directory, BASE, 'sub')).toHaveLength(5);
    expect(await candidates(directory, PERSONS, 'one')).toHaveLength(2);
  });

  it('ok/R6 an indexed USCC term returns just that entry, in any letter case', async () => {
    const directory = demoDirectory();
    expect(await candidates(directory, BASE, 'sub', '(uscc=91330106ma2b3c4d5d)')).toEqual([
      `uscc=91330106MA2B3C4D5D,${PERSONS}`,
    ]);
    expect(
      await candidates(
        directory,
        BASE,
        'sub',
        '(&(objectClass=pkiUser)(|(uscc=91330106MA2B3C4D5D)(uscc=91330201MA2C3D4E55)))',
      ),
    ).toHaveLength(2);
    expect(await candidates(directory, BASE, 'sub', '(cn=杭州某某科技有限公司)')).toHaveLength(1);
    expect(await candidates(directory, BASE, 'sub', '(uscc=91110000MA0000000X)')).toEqual([]);
  });

  it('ok/replacing and deleting an entry keeps the index in step', async () => {
    const directory = demoDirectory();
    directory.put(person('91330106MA2B3C4D5D', '杭州某某网络有限公司'));
    expect(directory.size).toBe(5);
    expect(await candidates(directory, BASE, 'sub', '(cn=杭州某某科技有限公司)')).toEqual([]);
    expect(await candidates(directory, BASE, 'sub', '(cn=杭州某某网络有限公司)')).toHaveLength(1);
    expect(directory.delete(`USCC=91330106ma2b3c4d5d, ${PERSONS}`)).toBe(true);
    expect(directory.delete(`uscc=91330106MA2B3C4D5D,${PERSONS}`)).toBe(false);
    expect(await candidates(directory, BASE, 'sub', '(uscc=91330106MA2B3C4D5D)')).toEqual([]);
    expect(await candidates(directory, PERSONS, 'one')).toHaveLength(1);
  });

  it('error/a base that is not an entry is YZ_ERR_LDAP_NO_SUCH_OBJECT', async () => {
    const error = await candidates(demoDirectory(), `ou=nobody,${BASE}`, 'sub').catch((e: unknown) => e);
    expect(isLdapError(error) && error.code).toBe('YZ_ERR_LDAP_NO_SUCH_OBJECT');
  });

  it('ok/R6 an aborted scan stops early', async () => {
    const directory = new InMemoryDirectory([BASE]);
    directory.put({ dn: BASE, attributes: new Map([['o', ['Yizheng Demo CA']]]) });
    for (let i = 0; i < 5000; i++) {
      directory.put({ dn: `cn=entry ${i},${BASE}`, attributes: new Map([['cn', [`entry ${i}`]]]) });
    }
    const controller = new AbortController();
    controller.abort();
    expect(
      (await candidates(directory, BASE, 'sub', '(objectClass=*)', controller.signal)).length,
    ).toBeLessThan(5000);
  });
});
