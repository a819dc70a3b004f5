// The JSON forms of protobuf's well-known types (proto3 JSON mapping), shared by the validator,
// the encoder and the decoder. Durations and timestamps are handled as bigint nanoseconds.
import type protobuf from 'protobufjs';
import { envoyRoot, findMessageType } from './root.js';
import { isPlainObject, toNumeric, type Parsed } from './form.js';

export const ANY = '.google.protobuf.Any';
export const DURATION = '.google.protobuf.Duration';
export const TIMESTAMP = '.google.protobuf.Timestamp';
export const STRUCT = '.google.protobuf.Struct';
export const VALUE = '.google.protobuf.Value';
export const LIST_VALUE = '.google.protobuf.ListValue';
export const FIELD_MASK = '.google.protobuf.FieldMask';

/** Wrapper message → the scalar type of its `value` field. */
export const WRAPPERS: ReadonlyMap<string, string> = new Map([
  ['.google.protobuf.DoubleValue', 'double'],
  ['.google.protobuf.FloatValue', 'float'],
  ['.google.protobuf.Int64Value', 'int64'],
  ['.google.protobuf.UInt64Value', 'uint64'],
  ['.google.protobuf.Int32Value', 'int32'],
  ['.google.protobuf.UInt32Value', 'uint32'],
  ['.google.protobuf.BoolValue', 'bool'],
  ['.google.protobuf.StringValue', 'string'],
  ['.google.protobuf.BytesValue', 'bytes'],
]);

const names = new WeakMap<protobuf.Type, string>();

/** `type.fullName` (".pkg.Name"), cached: protobufjs rebuilds it from the parents on every read. */
export function nameOf(type: protobuf.Type): string {
  let name = names.get(type);
  if (name === undefined) {
    name = type.fullName;
    names.set(type, name);
  }
  return name;
}

/** Types whose JSON form is not an object of their fields; inside an Any they sit in `value`. */
export function hasSpecialJson(fullName: string): boolean {
  return (
    WRAPPERS.has(fullName) ||
    [DURATION, TIMESTAMP, STRUCT, VALUE, LIST_VALUE, FIELD_MASK].includes(fullName)
  );
}

const NANOS = 1_000_000_000n;
const MAX_SECONDS = 315_576_000_000n;

/** `{seconds, nanos}` in either JSON-ish input form → total nanoseconds. */
function secondsNanos(obj: Record<string, unknown>): Parsed<bigint> {
  for (const k of Object.keys(obj)) {
    if (k !== 'seconds' && k !== 'nanos') return { ok: false, error: `unknown field "${k}"` };
  }
  const s = obj['seconds'] === undefined ? 0 : toNumeric(obj['seconds']);
  const n = obj['nanos'] === undefined ? 0 : obj['nanos'];
  if (s === undefined || (typeof s === 'number' && !Number.isInteger(s))) {
    return { ok: false, error: 'seconds must be an integer' };
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 999_999_999) {
    return { ok: false, error: 'nanos must be an integer within ±999999999' };
  }
  const sec = BigInt(s);
  if ((sec > 0n && n < 0) || (sec < 0n && n > 0)) return { ok: false, error: 'seconds and nanos must have the same sign' };
  return { ok: true, value: sec * NANOS + BigInt(n) };
}

const DURATION_RE = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** A Duration: "5s", "0.250s", "-1.5s" or `{seconds, nanos}` → nanoseconds. */
export function parseDuration(v: unknown): Parsed<bigint> {
  let total: bigint;
  if (typeof v === 'string') {
    const m = DURATION_RE.exec(v);
    if (!m) return { ok: false, error: `invalid duration ${JSON.stringify(v)}: expected e.g. "5s" or "0.250s"` };
    const frac = BigInt((m[3] ?? '').padEnd(9, '0'));
    total = (BigInt(m[2] ?? '0') * NANOS + frac) * (m[1] ? -1n : 1n);
  } else if (isPlainObject(v)) {
    const p = secondsNanos(v);
    if (!p.ok) return { ok: false, error: `invalid duration: ${p.error}` };
    total = p.value;
  } else {
    return { ok: false, error: 'expected a duration ("5s" or {seconds, nanos})' };
  }
  const abs = total < 0n ? -total : total;
  if (abs / NANOS > MAX_SECONDS) return { ok: false, error: 'duration out of range (±10000 years)' };
  return { ok: true, value: total };
}

/** Nanoseconds → {seconds, nanos} with the sign on both, as the Duration message holds it. */
export function splitNanos(total: bigint): { seconds: bigint; nanos: number } {
  return { seconds: total / NANOS, nanos: Number(total % NANOS) };
}

function fraction(nanos: bigint): string {
  if (nanos === 0n) return '';
  const digits = nanos.toString().padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** Nanoseconds → the canonical JSON string: "5s", "0.250s", "-1.500s". */
export function formatDuration(total: bigint): string {
  const neg = total < 0n;
  const abs = neg ? -total : total;
  return `${neg ? '-' : ''}${abs / NANOS}${fraction(abs % NANOS)}s`;
}

const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** A Timestamp: RFC 3339 "2024-01-02T03:04:05.5Z" or `{seconds, nanos}` → ns since the epoch. */
export function parseTimestamp(v: unknown): Parsed<bigint> {
  if (isPlainObject(v)) {
    const p = secondsNanos(v);
    return p.ok ? p : { ok: false, error: `invalid timestamp: ${p.error}` };
  }
  const m = typeof v === 'string' ? TIMESTAMP_RE.exec(v) : null;
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) return { ok: false, error: 'expected an RFC 3339 timestamp' };
  return { ok: true, value: BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0')) };
}

/** ns since the epoch → "2024-01-02T03:04:05.500Z". */
export function formatTimestamp(total: bigint): string {
  let secs = total / NANOS;
  let nanos = total % NANOS;
  if (nanos < 0n) {
    nanos += NANOS;
    secs -= 1n;
  }
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  return `${base}${fraction(nanos)}Z`;
}

/** A Duration written in a rule, e.g. `gt: {}` or `lt: {seconds: 300}` → nanoseconds. */
export function ruleDuration(v: unknown): bigint | undefined {
  if (!isPlainObject(v)) return undefined;
  const p = secondsNanos(v);
  return p.ok ? p.value : undefined;
}

/**
 * Field names of google.protobuf.Value by field number. The Root may take Value from protobufjs'
 * built-in definitions (camelCase: numberValue) or from struct.proto (number_value): ask it.
 */
export const VALUE_KIND = { null: 1, number: 2, string: 3, bool: 4, struct: 5, list: 6 } as const;
let valueNames: Map<number, string> | undefined;
export function valueFieldName(id: number): string {
  if (!valueNames) {
    const type = envoyRoot().lookupType(VALUE.slice(1));
    valueNames = new Map(type.fieldsArray.map((f) => [f.id, f.name]));
  }
  return valueNames.get(id) ?? '';
}

/**
 * `type.googleapis.com/<full name>` → that message type in the Any's own Root (the Envoy Root in
 * production), or undefined when it is not loaded there.
 */
const urlCache = new WeakMap<protobuf.Type, Map<string, protobuf.Type | null>>();

export function typeForAnyUrl(any: protobuf.Type, url: string): protobuf.Type | undefined {
  let cache = urlCache.get(any);
  if (!cache) {
    cache = new Map();
    urlCache.set(any, cache);
  }
  let type = cache.get(url);
  if (type === undefined) {
    const name = url.slice(url.lastIndexOf('/') + 1);
    try {
      type = any.root.lookupType(name);
    } catch {
      // the Envoy root loads extension packages on first use
      type = any.root === envoyRoot() ? (findMessageType(name) ?? null) : null;
    }
    cache.set(url, type);
  }
  return type ?? undefined;
}
