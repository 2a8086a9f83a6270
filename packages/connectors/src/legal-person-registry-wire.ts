/**
 * The JSON of the registry HTTP contract (docs/integration-registry.md), written once for both
 * sides: the simulator's server encodes with it, the HTTP adapter decodes with it. Decoding is
 * strict — a body outside the contract is `YZ_ERR_REGISTRY_UNAVAILABLE`, never a half-read record
 * that would compare as a mismatch.
 */
import {
  CoreError,
  type RegistryEvent,
  type RegistryEventType,
  type RegistryFieldChange,
  type RegistryRecord,
  type RegistryStatus,
} from '@yizheng/core';

/** The body of a 404 for a legal person the registry does not hold. */
export const NOT_FOUND_BODY = { error: 'not-found' } as const;

const STATUSES: readonly RegistryStatus[] = ['active', 'deregistered', 'revoked'];
const EVENT_TYPES: readonly RegistryEventType[] = ['change', 'deregistration', 'revocation'];
const CHANGE_FIELDS: readonly RegistryFieldChange['field'][] = ['name', 'legalRepresentative'];

/** A record as JSON (dates as ISO 8601 text). */
export function recordToJson(record: RegistryRecord): Record<string, unknown> {
  return {
    ...record,
    registeredAt: record.registeredAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** An event as JSON. */
export function eventToJson(event: RegistryEvent): Record<string, unknown> {
  return { ...event, at: event.at.toISOString() };
}

function outside(what: string): CoreError {
  return new CoreError('YZ_ERR_REGISTRY_UNAVAILABLE', `the registry answered outside its contract: ${what}`);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw outside(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function text(o: Record<string, unknown>, field: string, what: string): string {
  const value = o[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw outside(`${what}.${field} is not a non-empty string`);
  return value;
}

function date(o: Record<string, unknown>, field: string, what: string): Date {
  const value = new Date(text(o, field, what));
  if (Number.isNaN(value.getTime())) throw outside(`${what}.${field} is not an ISO 8601 date`);
  return value;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  what: string,
): T {
  const value = text(o, field, what);
  if (!allowed.includes(value as T)) throw outside(`${what}.${field} is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** Decodes a record (YZ_ERR_REGISTRY_UNAVAILABLE when malformed). */
export function recordFromJson(value: unknown): RegistryRecord {
  const o = object(value, 'record');
  return {
    uscc: text(o, 'uscc', 'record'),
    name: text(o, 'name', 'record'),
    legalRepresentative: text(o, 'legalRepresentative', 'record'),
    status: oneOf(o, 'status', STATUSES, 'record'),
    registeredAt: date(o, 'registeredAt', 'record'),
    updatedAt: date(o, 'updatedAt', 'record'),
  };
}

/** Decodes the body of GET /events (YZ_ERR_REGISTRY_UNAVAILABLE when malformed). */
export function eventsFromJson(value: unknown): RegistryEvent[] {
  const list = object(value, 'body').events;
  if (!Array.isArray(list)) throw outside('body.events is not an array');
  return list.map((item, i) => {
    const what = `events[${i}]`;
    const o = object(item, what);
    const type = oneOf(o, 'type', EVENT_TYPES, what);
    const changes = o.changes;
    if (changes !== undefined && !Array.isArray(changes)) throw outside(`${what}.changes is not an array`);
    return {
      id: text(o, 'id', what),
      uscc: text(o, 'uscc', what),
      type,
      at: date(o, 'at', what),
      ...(changes
        ? {
            changes: changes.map((c, j) => {
              const change = object(c, `${what}.changes[${j}]`);
              return {
                field: oneOf(change, 'field', CHANGE_FIELDS, `${what}.changes[${j}]`),
                from: text(change, 'from', `${what}.changes[${j}]`),
                to: text(change, 'to', `${what}.changes[${j}]`),
              };
            }),
          }
        : {}),
      ...(o.note !== undefined ? { note: text(o, 'note', what) } : {}),
    };
  });
}
