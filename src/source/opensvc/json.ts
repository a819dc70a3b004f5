// Plain JSON values as the daemon sends them, and the narrowing helpers the adapter uses on them.

export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

/** One element of a stanza path: object key (string) or array index (number). */
export type PathKey = string | number;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isArray(value: unknown): value is readonly Json[] {
  return Array.isArray(value);
}

/** `value[key]` when value is an object holding it, else undefined. */
export function field(value: unknown, key: string): Json | undefined {
  if (!isObject(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

/** Walk object keys; undefined as soon as one level is missing or not an object. */
export function dig(value: unknown, keys: readonly string[]): Json | undefined {
  let cursor: unknown = value;
  for (const key of keys) {
    cursor = field(cursor, key);
    if (cursor === undefined) return undefined;
  }
  return cursor as Json;
}

/** Structural equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(b, key) || !jsonEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false;
}
