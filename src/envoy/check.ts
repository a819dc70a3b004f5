// How translated messages are checked before they may enter the cache.
//
// `protoRules` (src/envoy/validate.ts: unknown fields, types, oneofs, Any type URLs and every
// validate.rules constraint) is the main check. `structuralCheck` is an independent, smaller
// second opinion built on protobufjs itself (unknown fields with Anys followed through @type,
// oneofs, scalar and enum types, fromObject + encode). `fullCheck` runs both, so a message
// passes only when the validator AND protobufjs (which the encoder uses) accept it.
import protobuf from 'protobufjs';
import { messageType, typeForUrl } from '../proto/root.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { validateMessage } from './validate.js';

/** Every violation of `obj` as a `fullName` message, each `field.path: reason`; empty: valid. */
export type Validate = (fullName: string, obj: JsonObject) => readonly string[];

/** The proto validator, issues formatted `path: message`. */
export const protoRules: Validate = (fullName, obj) =>
  validateMessage(fullName, obj).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));

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

/** Both checks: what the janitor runs before a message may enter the cache. */
export const fullCheck: Validate = (fullName, obj) => {
  const rules = protoRules(fullName, obj);
  return rules.length > 0 ? rules : structuralCheck(fullName, obj);
};
