// Plain JSON values: the shape every constructor in src/envoy/ returns (proto field names,
// protobufjs `fromObject` form, Any as `{ '@type', ...fields }`: see any.ts).

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [field: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read-only JSON from the model's `cluster_data` / `filter_config_data` (already parsed JSON). */
export function asJsonObject(value: Readonly<Record<string, unknown>> | undefined): JsonObject {
  return (value ?? {}) as JsonObject;
}

/**
 * Deep merge: objects merge field by field, everything else (scalars, arrays) is replaced by
 * `over`. Neither input is modified; key order is `base`'s, then new keys of `over`. Used for
 * JSON messages and for the validator's parsed `(validate.rules)` options alike.
 */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject;
export function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
export function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over)) {
    const value = over[key];
    const prev = out[key];
    out[key] = isJsonObject(prev) && isJsonObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

/** A copy of `obj` without the given fields (used to clear a oneof before the janitor sets it). */
export function omit(obj: JsonObject, fields: readonly string[]): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(obj)) if (!fields.includes(key)) out[key] = obj[key] as JsonValue;
  return out;
}

/** Sort by a string key, code-unit order (the same on every janitor). */
export function byName<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareStrings(key(a), key(b));
}

/** Distinct strings in code-unit order. */
export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** Canonical text of a JSON value: object keys sorted at every level (for equality checks). */

/** Code-unit order of strings: the same on every janitor, whatever the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical text of a JSON value: object keys sorted at every level, so two values that differ
 * only in key order compare equal (filter_config_data of two exposes, shared chains, claims).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
