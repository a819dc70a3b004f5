// How translated messages are checked before they may enter the cache.
//
// `fullCheck`, what the janitor runs: the proto validator (src/envoy/validate.ts: unknown
// fields, types, oneofs, Any type URLs and every validate.rules constraint), then the project
// encoder (src/envoy/encode.ts) must accept the message. `structuralCheck` is an independent,
// smaller second opinion built on protobufjs alone (unknown fields with Anys followed through
// @type, oneofs, scalar and enum types, fromObject + encode); the tests run it next to fullCheck.
import protobuf from 'protobufjs';
import { messageType, typeForUrl } from '../proto/root.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../proto/json.js';
import { encodeMessage } from '../proto/codec.js';
import { formatIssue, validateMessage } from './validate.js';
import { envoySemantics } from './semantics.js';

/** Every violation of `obj` as a `fullName` message, each `field.path: reason`; empty: valid. */
export type Validate = (fullName: string, obj: JsonObject) => readonly string[];

/** The proto validator, issues formatted `path: message`. */
export const protoRules: Validate = (fullName, obj) => validateMessage(fullName, obj).map(formatIssue);

/** Messages whose JSON form is not field-shaped in protobufjs (left to protobufjs itself). */
const OPAQUE = new Set(['.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue']);

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function fieldValues(field: protobuf.Field, value: JsonValue): [string, JsonValue][] {
  if (field.map && isJsonObject(value)) return Object.entries(value).map(([k, v]) => [`[${JSON.stringify(k)}]`, v]);
  if (field.repeated && Array.isArray(value)) return (value as readonly JsonValue[]).map((v, i) => [`[${i}]`, v]);
  return [['', value]];
}

function walkAny(obj: JsonObject, path: string, errors: string[]): void {
  const url = obj['@type'];
  if (typeof url !== 'string') return;
  const inner = typeForUrl(url);
  if (!inner) {
    errors.push(`${join(path, '@type')}: unknown type ${url}`);
    return;
  }
  const { '@type': _, ...fields } = obj;
  walk(inner, fields, path, errors);
}

function walkOneofs(type: protobuf.Type, obj: JsonObject, path: string, errors: string[]): void {
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => obj[name] !== undefined && obj[name] !== null);
    if (set.length > 1) errors.push(`${join(path, oneof.name)}: only one of ${set.join(', ')} may be set`);
  }
}

const NUMERIC = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function scalarOk(type: string, value: JsonValue): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'bool') return typeof value === 'boolean';
  if (type === 'bytes') return typeof value === 'string' || value instanceof Uint8Array;
  if (NUMERIC.has(type)) return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
  return true;
}

function checkScalar(field: protobuf.Field, resolved: protobuf.Enum | protobuf.Type | null, value: JsonValue, path: string, errors: string[]): void {
  if (resolved instanceof protobuf.Enum) {
    const known = typeof value === 'string' ? value in resolved.values : typeof value === 'number' && value in resolved.valuesById;
    if (!known) errors.push(`${path}: ${JSON.stringify(value)} is not a ${resolved.name} value`);
  } else if (!scalarOk(field.type, value)) {
    // The value itself is not echoed: it may be secret material (a Secret's inline strings).
    errors.push(`${path}: expected a ${field.type}, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
}

function walk(type: protobuf.Type, obj: JsonValue, path: string, errors: string[]): void {
  if (OPAQUE.has(type.fullName)) return;
  if (!isJsonObject(obj)) {
    errors.push(`${path || '.'}: expected a ${type.name} object`);
    return;
  }
  if (type.fullName === '.google.protobuf.Any') return walkAny(obj, path, errors);
  walkOneofs(type, obj, path, errors);
  for (const [key, value] of Object.entries(obj)) {
    const field = type.fields[key];
    if (!field) {
      errors.push(`${join(path, key)}: unknown field of ${type.fullName.slice(1)}`);
      continue;
    }
    const resolved = field.resolve().resolvedType;
    for (const [suffix, item] of fieldValues(field, value)) {
      const at = join(path, key) + suffix;
      if (resolved instanceof protobuf.Type) walk(resolved, item, at, errors);
      else checkScalar(field, resolved, item, at, errors);
    }
  }
}

/** The fallback validator: structure and protobufjs acceptance, no validate.rules. */
export const structuralCheck: Validate = (fullName, obj) => {
  const type = messageType(fullName);
  const errors: string[] = [];
  walk(type, obj, '', errors);
  if (errors.length === 0) {
    try {
      type.encode(type.fromObject(obj)).finish();
    } catch (err) {
      errors.push(`.: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return errors;
};

/** A message checked and encoded, or why it may not be served. */
export type Checked = { readonly bytes: Uint8Array; readonly errors?: undefined } | { readonly bytes?: undefined; readonly errors: readonly string[] };

/**
 * The validator, the encoder, then Envoy's own semantic checks (semantics.ts): what the janitor
 * runs before a message may enter the cache, so that encoding can never fail later, when every
 * service's resources are put together, and Envoy has no reason to NACK. The bytes come from the
 * one encoding the check makes; with `frameAs` they come framed as one element of that field of a
 * parent message (parts.ts), ready to be concatenated.
 */
export function checkedBytes(fullName: string, obj: JsonObject, frameAs?: number): Checked {
  const rules = protoRules(fullName, obj);
  if (rules.length > 0) return { errors: rules };
  let bytes: Uint8Array;
  try {
    bytes = encodeMessage(fullName, obj, frameAs);
  } catch (err) {
    return { errors: [`encoding: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const semantics = envoySemantics(fullName, obj);
  return semantics.length > 0 ? { errors: semantics } : { bytes };
}

/** checkedBytes, the problems only: empty when the message may be served. */
export const fullCheck: Validate = (fullName, obj) => checkedBytes(fullName, obj).errors ?? [];
