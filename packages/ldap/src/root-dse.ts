/**
 * RFC 4512 §5.1 — the root DSE (`-b '' -s base`): what this server is and supports, so that
 * clients and monitoring can discover the naming contexts. Its attributes are operational, as the
 * RFC says: ask for them with `+` or by name.
 */
import type { DirectoryEntry } from './directory.js';
import { PAGED_RESULTS_OID } from './rfc2696-paged-results.js';

/** RFC 4532 "Who am I?" extended operation. */
export const WHO_AM_I_OID = '1.3.6.1.4.1.4203.1.11.3';

/** RFC 3673 all operational attributes (`+`); RFC 4526 absolute true and false filters. */
const SUPPORTED_FEATURES = ['1.3.6.1.4.1.4203.1.5.1', '1.3.6.1.4.1.4203.1.5.3'];

/** The root DSE entry for a directory holding `namingContexts`. */
export function rootDse(namingContexts: readonly string[], vendorVersion: string): DirectoryEntry {
  return {
    dn: '',
    attributes: new Map<string, string[]>([
      ['objectClass', ['top']],
      ['namingContexts', [...namingContexts]],
      ['supportedLDAPVersion', ['3']],
      ['supportedControl', [PAGED_RESULTS_OID]],
      ['supportedExtension', [WHO_AM_I_OID]],
      ['supportedFeatures', SUPPORTED_FEATURES],
      ['vendorName', ['Yizheng']],
      ['vendorVersion', [vendorVersion]],
    ]),
  };
}
