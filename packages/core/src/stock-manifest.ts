/**
 * The manifest of a stock certificate import (存量证书导入清单, R16): what the earlier system
 * knows and the certificates do not say — the legal person's registered name and legal
 * representative (法定代表人), and which certificates it had revoked or suspended.
 *
 * CSV (UTF-8, optional BOM; RFC 4180 quoting within a line), header first:
 *
 *     uscc,name,legalRepresentative[,serial,status,revokedAt,reason]
 *
 * one row per legal person or per certificate (a legacy database export has one per certificate,
 * repeating the legal person). JSON: an array of objects with the same field names. `status` is
 * valid, revoked or suspended; revoked and suspended rows need `revokedAt` (ISO 8601) because the
 * import time is not when the earlier CA revoked. A manifest with a bad row is refused whole, so
 * nobody imports half a clean-up.
 */
import { isValidUscc } from '@yizheng/pki';
import type { CertificateStatus, RevocationReason } from './model.js';
import { REVOCATION_REASONS } from './revocation.js';

/** Legal-person data from the manifest, by USCC. */
export interface ManifestLegalPerson {
  readonly name: string;
  readonly legalRepresentative: string;
}

/** A certificate's status in the earlier system, by serial. */
export interface ManifestStatus {
  readonly status: CertificateStatus;
  readonly revokedAt: Date | null;
  readonly reason: RevocationReason | null;
}

/** A parsed manifest. Serials are normalised (upper-case hex, no leading zeros). */
export interface ImportManifest {
  readonly legalPersons: ReadonlyMap<string, ManifestLegalPerson>;
  readonly statuses: ReadonlyMap<string, ManifestStatus>;
}

/** A refused row: CSV line number, or JSON array position (1-based); 0 for the whole file. */
export interface ManifestError {
  readonly line: number;
  readonly message: string;
}

const REQUIRED = ['uscc', 'name', 'legalRepresentative'] as const;
const COLUMNS = [...REQUIRED, 'serial', 'status', 'revokedAt', 'reason'] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

/** Splits one CSV line into fields (RFC 4180 quotes, `""` inside quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') field += line[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

function csvRows(text: string, errors: ManifestError[]): { line: number; row: Row }[] {
  const lines = text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  const header = lines.shift();
  const columns = header ? csvFields(header.text) : [];
  const unknown = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (!header || unknown.length || missing.length) {
    errors.push({
      line: header?.line ?? 0,
      message: `the header must name ${REQUIRED.join(',')} (optional: serial,status,revokedAt,reason)${
        unknown.length ? `; unknown column(s) ${unknown.join(', ')}` : ''
      }`,
    });
    return [];
  }
  return lines.map(({ line, text: rowText }) => {
    const fields = csvFields(rowText);
    if (fields.length !== columns.length)
      errors.push({ line, message: `${fields.length} field(s), the header has ${columns.length}` });
    return { line, row: Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? ''])) as Row };
  });
}

function jsonRows(text: string, errors: ManifestError[]): { line: number; row: Row }[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    errors.push({ line: 0, message: `not JSON: ${(error as Error).message}` });
    return [];
  }
  if (!Array.isArray(value)) {
    errors.push({ line: 0, message: 'a JSON manifest is an array of {uscc, name, legalRepresentative, …}' });
    return [];
  }
  return value.map((entry: unknown, i) => {
    const row: Row = {};
    if (typeof entry !== 'object' || entry === null) errors.push({ line: i + 1, message: 'not an object' });
    else
      for (const [key, v] of Object.entries(entry)) {
        if (!(COLUMNS as readonly string[]).includes(key))
          errors.push({ line: i + 1, message: `unknown field ${key}` });
        else if (typeof v !== 'string') errors.push({ line: i + 1, message: `${key} must be a string` });
        else row[key as Column] = v.trim();
      }
    return { line: i + 1, row };
  });
}

/** The status a row gives its serial, or an error message. */
function rowStatus(row: Row): ManifestStatus | string {
  const status = row.status || 'valid';
  if (status === 'valid') return { status, revokedAt: null, reason: null };
  if (status !== 'revoked' && status !== 'suspended')
    return `status must be valid, revoked or suspended, got ${JSON.stringify(status)}`;
  const revokedAt = new Date(row.revokedAt ?? '');
  if (!row.revokedAt || Number.isNaN(revokedAt.getTime()))
    return `a ${status} certificate needs revokedAt (ISO 8601), got ${JSON.stringify(row.revokedAt ?? '')}`;
  if (status === 'suspended') {
    if (row.reason && row.reason !== 'certificateHold')
      return 'a suspended certificate has reason certificateHold (or none)';
    return { status, revokedAt, reason: 'certificateHold' };
  }
  const reason = (row.reason || 'unspecified') as RevocationReason;
  if (!REVOCATION_REASONS.includes(reason))
    return `reason must be one of ${REVOCATION_REASONS.join(', ')}, got ${JSON.stringify(row.reason)}`;
  return { status, revokedAt, reason };
}

/**
 * Parses a manifest (`format` from the file name: .json, else CSV). Bytes must be UTF-8 — a GBK
 * export would otherwise store garbled names, so it is refused with a hint instead.
 */
export function parseImportManifest(
  input: Uint8Array | string,
  format: 'csv' | 'json',
): { manifest: ImportManifest; errors: ManifestError[] } {
  const legalPersons = new Map<string, ManifestLegalPerson>();
  const statuses = new Map<string, ManifestStatus>();
  const errors: ManifestError[] = [];
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    errors.push({ line: 0, message: 'the manifest is not UTF-8 (convert a GBK export with iconv -f GBK)' });
    return { manifest: { legalPersons, statuses }, errors };
  }
  text = text.replace(/^\uFEFF/, '');
  for (const { line, row } of format === 'json' ? jsonRows(text, errors) : csvRows(text, errors)) {
    const fail = (message: string) => errors.push({ line, message });
    const uscc = row.uscc ?? '';
    if (!isValidUscc(uscc)) {
      fail(`${JSON.stringify(uscc)} is not a valid unified social credit code (GB 32100)`);
      continue;
    }
    if (!row.name) {
      fail('name is empty');
      continue;
    }
    const person = { name: row.name, legalRepresentative: row.legalRepresentative ?? '' };
    const earlier = legalPersons.get(uscc);
    if (
      earlier &&
      (earlier.name !== person.name || earlier.legalRepresentative !== person.legalRepresentative)
    )
      fail(`${uscc} appears earlier with another name or legal representative`);
    else legalPersons.set(uscc, person);
    if (!row.serial) {
      if (row.status || row.revokedAt || row.reason) fail('status, revokedAt and reason need a serial');
      continue;
    }
    const serial = row.serial.replace(/^0+/, '').toUpperCase();
    if (!/^[0-9A-F]+$/.test(serial)) {
      fail(`serial ${JSON.stringify(row.serial)} is not hex`);
      continue;
    }
    const status = rowStatus(row);
    if (typeof status === 'string') fail(status);
    else if (statuses.has(serial)) fail(`serial ${serial} appears twice`);
    else statuses.set(serial, status);
  }
  return { manifest: { legalPersons, statuses }, errors };
}
