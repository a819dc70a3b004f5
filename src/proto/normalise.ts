// JSON-ish input → message-shaped plain objects that protobufjs' generated encoders take as they
// are: enum numbers, Duration/Timestamp as {seconds, nanos}, wrappers as {value}, Struct/Value as
// their messages, Any as {type_url, value: bytes} (the inner message encoded here), 64-bit
// integers as numbers or {low, high}. Canonical: proto3 fields at their default are dropped and
// map keys sorted, so the same input always gives the same bytes. Shapes it cannot encode throw
// an EncodeError naming the path (run the validator first to get every problem as a value).
import protobuf from 'protobufjs';
import { is64, isNumberType, parseNumber } from './form.js';
import { bytesOf } from './form.js';
import { isPlainObject, mapKeySegment, pathString } from './form.js';
import { ANY, DURATION, FIELD_MASK, hasSpecialJson, LIST_VALUE, parseDuration, parseTimestamp, splitNanos, STRUCT, TIMESTAMP, typeForAnyUrl, VALUE, VALUE_KIND, valueFieldName, WRAPPERS, nameOf } from './wkt.js';

export type Obj = Record<string, unknown>;
/** The path to the value being converted, as a linked list (cheap to extend, joined on error). */
export type Path = { readonly up: Path; readonly seg: string | number; readonly depth: number } | undefined;

export const sub = (up: Path, seg: string | number): Path => ({ up, seg, depth: (up?.depth ?? 0) + 1 });
export const MAX_DEPTH = 200;

function segments(path: Path): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p = path; p; p = p.up) out.unshift(p.seg);
  return out;
}

export class EncodeError extends Error {
  constructor(readonly path: string, detail: string) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'EncodeError';
  }
}

export const fail = (path: Path, detail: string): never => {
  throw new EncodeError(pathString(segments(path)), detail);
};

export function long(b: bigint): number | { low: number; high: number } {
  if (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(b);
  const u = BigInt.asUintN(64, b);
  return { low: Number(u & 0xffffffffn), high: Number(u >> 32n) };
}

function scalar(type: string, v: unknown, path: Path): unknown {
  if (type === 'string') return typeof v === 'string' ? v : fail(path, `expected a string, got ${typeof v}`);
  if (type === 'bool') return typeof v === 'boolean' ? v : fail(path, `expected a boolean, got ${typeof v}`);
  if (type === 'bytes') return bytesOf(v) ?? fail(path, 'expected bytes (Uint8Array or base64 string)');
  if (!isNumberType(type)) return fail(path, `unsupported scalar type ${type}`);
  const n = parseNumber(type, v);
  if (!n.ok) return fail(path, n.error);
  return is64(type) ? long(BigInt(n.value)) : n.value;
}

export function isDefault(v: unknown): boolean {
  return v === 0 || v === '' || v === false || (v instanceof Uint8Array && v.length === 0);
}

function seconds(total: bigint, floor: boolean): Obj {
  let { seconds: s, nanos } = splitNanos(total);
  if (floor && nanos < 0) {
    s -= 1n;
    nanos += 1_000_000_000;
  }
  const out: Obj = {};
  if (s !== 0n) out['seconds'] = long(s);
  if (nanos !== 0) out['nanos'] = nanos;
  return out;
}

function jsonValue(v: unknown, path: Path): Obj {
  if ((path?.depth ?? 0) > MAX_DEPTH) return fail(path, 'nested too deeply');
  const kind = (id: number, x: unknown): Obj => ({ [valueFieldName(id)]: x });
  if (v === null) return kind(VALUE_KIND.null, 0);
  if (typeof v === 'number') return kind(VALUE_KIND.number, v);
  if (typeof v === 'string') return kind(VALUE_KIND.string, v);
  if (typeof v === 'boolean') return kind(VALUE_KIND.bool, v);
  if (Array.isArray(v)) return kind(VALUE_KIND.list, { values: v.map((x, i) => jsonValue(x, sub(path, i))) });
  if (isPlainObject(v)) return kind(VALUE_KIND.struct, struct(v, path));
  return fail(path, `expected JSON data, got ${typeof v}`);
}

function struct(v: unknown, path: Path): Obj {
  if (!isPlainObject(v)) return fail(path, 'expected an object (google.protobuf.Struct)');
  const fields: Obj = {};
  for (const k of Object.keys(v).sort()) {
    if (v[k] !== undefined) fields[k] = jsonValue(v[k], sub(path, mapKeySegment(k)));
  }
  return { fields };
}

function any(anyType: protobuf.Type, v: unknown, path: Path): Obj {
  if (!isPlainObject(v)) return fail(path, 'expected an Any object with "@type"');
  const url = v['@type'] ?? v['type_url'];
  if (typeof url !== 'string' || url === '') return fail(path, 'an Any needs "@type" naming its message type');
  if (!('@type' in v)) return { type_url: url, value: bytesOf(v['value'] ?? '') ?? fail(path, 'expected bytes in value') };
  const type = typeForAnyUrl(anyType, url) ?? fail(path, `unknown type ${JSON.stringify(url)}`);
  const inner = hasSpecialJson(nameOf(type)) ? toMessage(type, v['value'], sub(path, 'value')) : plainMessage(type, v, path, true);
  return { type_url: url, value: type.encode(inner).finish() };
}

function fieldMask(v: unknown, path: Path): Obj {
  if (typeof v === 'string') return { paths: v.split(',').filter((p) => p !== '') };
  if (isPlainObject(v) && (v['paths'] === undefined || Array.isArray(v['paths']))) return { paths: v['paths'] ?? [] };
  return fail(path, 'expected a field mask');
}

/** A value of message type `type` (well-known JSON forms included) → message-shaped object. */
export function toMessage(type: protobuf.Type, v: unknown, path: Path): Obj {
  const name = nameOf(type);
  if (WRAPPERS.has(name)) return plainMessage(type, isPlainObject(v) ? v : { value: v }, path, false);
  if (name === DURATION || name === TIMESTAMP) {
    const p = name === DURATION ? parseDuration(v) : parseTimestamp(v);
    return p.ok ? seconds(p.value, name === TIMESTAMP) : fail(path, p.error);
  }
  if (name === ANY) return any(type, v, path);
  if (name === STRUCT) return struct(v, path);
  if (name === VALUE) return jsonValue(v, path);
  if (name === LIST_VALUE) return Array.isArray(v) ? { values: v.map((x, i) => jsonValue(x, sub(path, i))) } : fail(path, 'expected an array');
  if (name === FIELD_MASK) return fieldMask(v, path);
  return plainMessage(type, v, path, false);
}

export function element(field: protobuf.Field, v: unknown, path: Path): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return toMessage(rt, v, path);
  if (!(rt instanceof protobuf.Enum)) return scalar(field.type, v, path);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const n = typeof v === 'string' && Object.hasOwn(rt.values, v) ? rt.values[v] : undefined;
  return n ?? fail(path, `unknown ${rt.name} value ${JSON.stringify(v)}`);
}

function fieldValue(field: protobuf.Field, v: unknown, path: Path): unknown {
  if (field.map) {
    if (!isPlainObject(v)) return fail(path, 'expected an object (map field)');
    const keys = Object.keys(v).sort();
    const out: Obj = {};
    for (const k of keys) out[k] = element(field, v[k], sub(path, mapKeySegment(k)));
    return keys.length > 0 ? out : undefined;
  }
  if (field.repeated) {
    if (!Array.isArray(v)) return fail(path, 'expected an array (repeated field)');
    return v.length > 0 ? v.map((item: unknown, i) => element(field, item, sub(path, i))) : undefined;
  }
  const out = element(field, v, path);
  const hasPresence = field.resolvedType instanceof protobuf.Type || field.hasPresence;
  return !hasPresence && isDefault(out) ? undefined : out;
}

function plainMessage(type: protobuf.Type, v: unknown, path: Path, anyBody: boolean): Obj {
  if (!isPlainObject(v)) return fail(path, `expected an object (${type.fullName.slice(1)})`);
  if ((path?.depth ?? 0) > MAX_DEPTH) return fail(path, 'nested too deeply');
  const out: Obj = {};
  for (const key of Object.keys(v)) {
    const val = v[key];
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (!field) {
      if (anyBody && key === '@type') continue;
      return fail(sub(path, key), `unknown field "${key}" in ${type.fullName.slice(1)}`);
    }
    if (val === undefined || val === null) continue;
    field.resolve();
    const norm = fieldValue(field, val, sub(path, key));
    if (norm !== undefined) out[key] = norm;
  }
  return out;
}
