// Decoded protobufjs messages → the JSON-ish form the rest of the project writes: proto field
// names, enum names, Durations "5s", Timestamps RFC 3339, wrappers as bare scalars, Struct as plain
// JSON, Any as {"@type", ...fields}, bytes as base64, 64-bit integers as numbers when exact, else
// decimal strings. Fields at their proto3 default are left out, so output is canonical.
import protobuf from 'protobufjs';
import { scalarDefault } from './form.js';
import { isPlainObject } from './form.js';
import { ANY, DURATION, FIELD_MASK, formatDuration, formatTimestamp, hasSpecialJson, LIST_VALUE, STRUCT, TIMESTAMP, typeForAnyUrl, VALUE, VALUE_KIND, valueFieldName, WRAPPERS, nameOf } from './wkt.js';

type Obj = Record<string, unknown>;

function own(msg: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(msg, key) ? (msg as Obj)[key] : undefined;
}

function bigOf(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string') return BigInt(v);
  if (typeof v === 'object' && v !== null && 'low' in v) return BigInt(String(v)); // a Long
  return 0n;
}

/** 64-bit integer → number when exactly representable, else its decimal string. */
function longToJson(v: unknown): number | string {
  const b = bigOf(v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

function nanosOf(msg: object): bigint {
  return bigOf(own(msg, 'seconds') ?? 0) * 1_000_000_000n + bigOf(own(msg, 'nanos') ?? 0);
}

function scalarToJson(type: string, v: unknown): unknown {
  if (type.endsWith('64') && type !== 'double') return longToJson(v);
  if (type === 'bytes') return Buffer.from(v instanceof Uint8Array ? v : new Uint8Array(0)).toString('base64');
  if ((type === 'double' || type === 'float') && typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

function isDefault(v: unknown): boolean {
  if (v === 0 || v === '' || v === false) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && v !== null && 'low' in v) return bigOf(v) === 0n;
  return false;
}

function valueToJson(msg: object): unknown {
  const struct = own(msg, valueFieldName(VALUE_KIND.struct));
  if (struct) return structToJson(struct);
  const list = own(msg, valueFieldName(VALUE_KIND.list));
  if (list) return listToJson(list);
  for (const id of [VALUE_KIND.number, VALUE_KIND.string, VALUE_KIND.bool]) {
    const v = own(msg, valueFieldName(id));
    if (v !== undefined && v !== null) return v;
  }
  return null;
}

function structToJson(msg: object): Obj {
  const fields = own(msg, 'fields');
  const out: Obj = {};
  if (isPlainObject(fields)) {
    for (const k of Object.keys(fields).sort()) out[k] = valueToJson(fields[k] as object);
  }
  return out;
}

function listToJson(msg: object): unknown[] {
  const values = own(msg, 'values');
  return Array.isArray(values) ? values.map((v: object) => valueToJson(v)) : [];
}

function anyToJson(anyType: protobuf.Type, msg: object): Obj {
  const url = String(own(msg, 'type_url') ?? '');
  const bytes = own(msg, 'value');
  const value = bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
  const type = url ? typeForAnyUrl(anyType, url) : undefined;
  if (!type) return { type_url: url, value: Buffer.from(value).toString('base64') };
  const inner = messageToJson(type, type.decode(value));
  if (hasSpecialJson(nameOf(type))) return { '@type': url, value: inner };
  return { '@type': url, ...(inner as Obj) };
}

function fieldValueToJson(field: protobuf.Field, v: unknown): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) return typeof v === 'number' ? (rt.valuesById[v] ?? v) : v;
  if (rt instanceof protobuf.Type) return messageToJson(rt, v as object);
  return scalarToJson(field.type, v);
}

function fieldToJson(field: protobuf.Field, v: unknown): unknown {
  if (field.map) {
    if (!isPlainObject(v)) return undefined;
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return undefined;
    const out: Obj = {};
    for (const k of keys) out[k] = fieldValueToJson(field, v[k]);
    return out;
  }
  if (field.repeated) {
    return Array.isArray(v) && v.length > 0 ? v.map((item: unknown) => fieldValueToJson(field, item)) : undefined;
  }
  const isMessage = field.resolvedType instanceof protobuf.Type;
  if (!isMessage && !field.hasPresence && isDefault(v)) return undefined;
  return fieldValueToJson(field, v);
}

function plainMessageToJson(type: protobuf.Type, msg: object): Obj {
  const out: Obj = {};
  for (const field of type.fieldsArray) {
    const v = own(msg, field.name);
    if (v === undefined || v === null) continue;
    const json = fieldToJson(field, v);
    if (json !== undefined) out[field.name] = json;
  }
  return out;
}

/** A decoded message (or plain object of the same shape) of `type` → JSON-ish. */
export function messageToJson(type: protobuf.Type, msg: object): unknown {
  const name = nameOf(type);
  if (name === DURATION) return formatDuration(nanosOf(msg));
  if (name === TIMESTAMP) return formatTimestamp(nanosOf(msg));
  const wrapped = WRAPPERS.get(name);
  if (wrapped) return scalarToJson(wrapped, own(msg, 'value') ?? scalarDefault(wrapped));
  if (name === ANY) return anyToJson(type, msg);
  if (name === STRUCT) return structToJson(msg);
  if (name === VALUE) return valueToJson(msg);
  if (name === LIST_VALUE) return listToJson(msg);
  if (name === FIELD_MASK) return ((own(msg, 'paths') as string[] | undefined) ?? []).join(',');
  return plainMessageToJson(type, msg);
}
