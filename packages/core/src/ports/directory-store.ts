/**
 * The store operations of directory publication (R5, R6): legal persons with their current
 * certificates for the embedded LDAP server, found through indexes only, and the outbox as the
 * LDAP publisher drains it. Declared apart from the main `StoreTx` like `status-store.ts`;
 * `StoreTx` extends it, and the contract suite holds both adapters to it.
 */
import type { DirectoryPerson, DirectoryPersonQuery, OutboxBacklog } from '../directory-model.js';
import type { OutboxJob } from '../model.js';

export interface DirectoryStoreTx {
  /**
   * Legal persons of `query` with their certificates current at `at` (status valid, notAfter
   * after `at`), in the query's order; a person without current certificates comes with none.
   * One index look-up or range, whatever the number of legal persons (R6).
   */
  directoryPersons(query: DirectoryPersonQuery, at: Date): Promise<DirectoryPerson[]>;

  /** Pending outbox jobs of these kinds, oldest first (created_at, id), at most `limit`. */
  pendingOutboxOf(kinds: readonly string[], limit: number): Promise<OutboxJob[]>;
  /** How many jobs of these kinds are pending, and since when. */
  outboxBacklog(kinds: readonly string[]): Promise<OutboxBacklog>;
}
