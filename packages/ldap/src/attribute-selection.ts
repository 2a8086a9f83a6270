/**
 * RFC 4511 §4.5.1.8 attribute selection: which attributes of an entry a search returns. An empty
 * list or `*` means every user attribute, `+` every operational one (RFC 3673), `1.1` none, and a
 * name selects that type with any options (`userCertificate` selects `userCertificate;binary`).
 * Certificate and CRL attributes always travel as `…;binary` (RFC 4523 §2), which is what
 * ldapsearch, OpenSSL and Windows clients expect of binary certificate values.
 */
import type { PreparedEntry } from './entry.js';
import type { ResponseAttribute } from './rfc4511-responses.js';
import { attributeDescription, descriptionSelects, type AttributeDescription } from './schema.js';

/** A parsed attribute selection, applied to every entry of one search. */
export class AttributeSelection {
  private readonly allUser: boolean;
  private readonly allOperational: boolean;
  private readonly named: readonly AttributeDescription[];

  constructor(requested: readonly string[]) {
    const selectors = requested.map((selector) => selector.trim());
    const meaningful = selectors.filter((selector) => selector !== '1.1');
    this.allUser = selectors.length === 0 || meaningful.includes('*');
    this.allOperational = meaningful.includes('+');
    this.named = meaningful
      .filter((selector) => selector !== '*' && selector !== '+')
      .map(attributeDescription);
  }

  /** The attributes of `entry` to return; with `typesOnly`, names without values. */
  apply(entry: PreparedEntry, typesOnly: boolean): ResponseAttribute[] {
    const out: ResponseAttribute[] = [];
    for (const attribute of entry.attributes) {
      const held = attribute.description;
      const wanted =
        (held.type.operational ? this.allOperational : this.allUser) ||
        this.named.some((description) => descriptionSelects(description, held));
      if (!wanted) continue;
      const name = held.type.binary && !held.binary ? `${attribute.name};binary` : attribute.name;
      out.push({ name, values: typesOnly ? [] : attribute.values });
    }
    return out;
  }
}
