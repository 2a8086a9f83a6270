/**
 * Where soft keys (软证书, R34) live: one IndexedDB database `yizheng-softkeys`, object store
 * `keys`, one record per key (keyPath `id`). IndexedDB rather than localStorage because it keeps
 * structured records per origin and survives reloads; the private parts are sealed under the PIN
 * (`pin-box.ts`) before they get here.
 */
import { SoftKeyError } from './errors.js';
import type { SealedKey } from './pin-box.js';

/** The stored record (format version 1; docs/web.md "Soft certificates"). */
export interface SoftKeyRecord {
  readonly version: 1;
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly publicKeyHex: string;
  readonly kdf: { readonly name: 'PBKDF2-HMAC-SM3'; readonly salt: string; readonly iterations: number };
  readonly signKey: SealedKey;
  readonly encKey?: SealedKey & { readonly publicKeyHex: string };
  readonly signCertificate?: string;
  readonly encCertificate?: string;
  readonly uscc?: string;
  readonly failedAttempts: number;
}

const DB_NAME = 'yizheng-softkeys';
const STORE = 'keys';

function storageError(error: unknown): SoftKeyError {
  return new SoftKeyError('YZ_ERR_SOFTKEY_STORAGE', `browser storage (IndexedDB) failed: ${String(error)}`);
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(storageError('IndexedDB is not available'));
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(storageError(tx.error));
      tx.onabort = () => reject(storageError(tx.error));
    });
  } finally {
    db.close();
  }
}

export function allRecords(): Promise<SoftKeyRecord[]> {
  return run('readonly', (s) => s.getAll() as IDBRequest<SoftKeyRecord[]>);
}

export async function getRecord(id: string): Promise<SoftKeyRecord> {
  const record = await run('readonly', (s) => s.get(id) as IDBRequest<SoftKeyRecord | undefined>);
  if (!record) throw new SoftKeyError('YZ_ERR_SOFTKEY_NOT_FOUND', `no soft key ${id} in this browser`);
  return record;
}

export async function putRecord(record: SoftKeyRecord): Promise<void> {
  await run('readwrite', (s) => s.put(record));
}

export async function deleteRecord(id: string): Promise<void> {
  await run('readwrite', (s) => s.delete(id));
}
