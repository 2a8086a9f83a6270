/**
 * @yizheng/publish — publication from the database (R5, R6; design §1): the backend that makes
 * the embedded LDAP server answer straight from the store, the directory tree both it and the
 * external publisher write, and the outbox worker that publishes certificates and CRLs to an
 * external directory (OpenLDAP) with retry and back-off, never in the way of issuance.
 *
 * @example
 * const directory = new StoreDirectory(store, clock, { tree: DirectoryTree.ofOrganization('Yizheng Demo CA') });
 * await new LdapServer({ backend: directory }).listen(1389);
 */
export * from './directory-tree.js';
export * from './filter-terms.js';
export * from './person-loader.js';
export * from './store-directory.js';
export * from './ldap-publisher.js';
export * from './outbox-worker.js';
