/**
 * The bridge from the portal's pages to the browser soft key (软证书, `src/softkey/`, built on its
 * own branch; R34, R31): `softKeyCsr` makes the request of an online application and
 * `softKeySign` the legal representative's SM2 signature of an authorisation letter (signer ID
 * 1234567812345678). The module is found with Vite's `import.meta.glob`, so the portal builds
 * and works without it — the pages then take a request or signature made elsewhere (a USB-KEY
 * tool, `yizheng` CLI) pasted in — and uses it as soon as it is part of the build.
 */

declare global {
  interface ImportMeta {
    glob<T>(pattern: string): Record<string, () => Promise<T>>;
  }
}

/** The part of the soft key module's API the portal calls. */
export interface SoftKeyModule {
  listSoftKeys(): Promise<
    readonly { readonly id: string; readonly label: string; readonly signCertificate?: string }[]
  >;
  softKeyCsr(id: string, pin: string, subject: { cn: string; o?: string; uscc?: string }): Promise<string>;
  softKeySign(id: string, pin: string, data: Uint8Array): Promise<Uint8Array>;
}

const found = import.meta.glob<SoftKeyModule>('../softkey/index.{ts,tsx}');

/** The soft key module, or null when this build has none. */
export async function loadSoftKey(): Promise<SoftKeyModule | null> {
  const load = Object.values(found)[0];
  return load ? load() : null;
}

/** True when this build carries the soft key module. */
export const softKeyAvailable = Object.keys(found).length > 0;

/** Base64 of bytes (a DER signature as the API takes it). */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}
