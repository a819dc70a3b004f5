// A walk over a JSON-ish Envoy message by its v3 type, as Envoy will read it: every field set,
// through repeated fields and maps, into google.protobuf.Any (the JSON form with "@type", and the
// encoded form {type_url, value} decoded), and into TypedStructs (xds.type.v3 and udpa.type.v1),
// whose `value` Envoy turns into the message its type_url names. Keys are matched by proto name
// or by lowerCamel JSON name (Envoy parses a TypedStruct's value as proto JSON, which takes both).
// Used wherever a rule must find a kind of field in what a tenant wrote, wherever it hides: secret
// fields (secret-fields.ts), SDS secret names, cluster names, code-running extensions (src/model).
import protobuf from 'protobufjs';
import { messageToJson } from './denormalise.js';
import { bytesOf, isPlainObject, mapKeySegment } from './form.js';
import { ANY, hasSpecialJson, nameOf, typeForAnyUrl } from './wkt.js';

const TYPED_STRUCTS: ReadonlySet<string> = new Set(['.xds.type.v3.TypedStruct', '.udpa.type.v1.TypedStruct']);
const MAX_DEPTH = 100;

export interface FieldVisit {
  /** The message the field belongs to. */
  readonly type: protobuf.Type;
  readonly field: protobuf.Field;
  /** The field's value as written (a whole list or map for repeated and map fields). */
  readonly value: unknown;
  /** Where, e.g. `transport_socket.typed_config.common_tls_context.tls_certificates[0].private_key`. */
  readonly path: string;
}

export interface TypeUrlVisit {
  readonly url: string;
  /** The message type the URL names, when loaded. */
  readonly type: protobuf.Type | undefined;
  /** The Any or TypedStruct's own path. */
  readonly path: string;
  /** The field holding it (`typed_config`, ...). */
  readonly field: string;
  readonly via: 'any' | 'typed_struct';
}

export interface Walker {
  /** Every field set, before its value is walked; `false`: do not walk into it. */
  field?(visit: FieldVisit): boolean | void;
  /** Every Any and TypedStruct, with the type URL it names. */
  typeUrl?(visit: TypeUrlVisit): void;
}

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

const camelIndexes = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The field a JSON key names: its proto name, or its lowerCamel JSON name. */
export function fieldOf(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const direct = type.fields[key];
  if (direct !== undefined) return direct;
  let index = camelIndexes.get(type);
  if (index === undefined) {
    index = new Map(type.fieldsArray.map((f) => [camel(f.name), f]));
    camelIndexes.set(type, index);
  }
  return index.get(key);
}

interface State {
  readonly walker: Walker;
  readonly any: protobuf.Type | undefined;
}

function walkAny(s: State, anyType: protobuf.Type, obj: Record<string, unknown>, path: string, field: string, depth: number): void {
  const jsonUrl = obj['@type'];
  const url = typeof jsonUrl === 'string' ? jsonUrl : typeof obj['type_url'] === 'string' ? obj['type_url'] : undefined;
  if (url === undefined) return;
  const type = typeForAnyUrl(anyType, url);
  s.walker.typeUrl?.({ url, type, path, field, via: 'any' });
  if (type === undefined) return;
  if (typeof jsonUrl === 'string') {
    if (hasSpecialJson(nameOf(type))) walkValue(s, type, obj['value'], joinPath(path, 'value'), field, depth + 1);
    else walkValue(s, type, obj, path, field, depth + 1);
    return;
  }
  const bytes = bytesOf(obj['value'] ?? new Uint8Array(0));
  if (bytes === undefined) return;
  let decoded: unknown;
  try {
    decoded = messageToJson(type, type.decode(bytes));
  } catch {
    return; // the validator refuses it
  }
  walkValue(s, type, decoded, joinPath(path, 'value'), field, depth + 1);
}

function walkTypedStruct(s: State, anyType: protobuf.Type | undefined, obj: Record<string, unknown>, path: string, field: string, depth: number): void {
  const url = typeof obj['type_url'] === 'string' ? obj['type_url'] : '';
  const type = anyType === undefined || url === '' ? undefined : typeForAnyUrl(anyType, url);
  s.walker.typeUrl?.({ url, type, path, field, via: 'typed_struct' });
  if (type !== undefined && !hasSpecialJson(nameOf(type))) walkValue(s, type, obj['value'], joinPath(path, 'value'), field, depth + 1);
}

function walkValue(s: State, type: protobuf.Type, value: unknown, path: string, field: string, depth: number): void {
  if (depth > MAX_DEPTH || !isPlainObject(value)) return;
  const name = nameOf(type);
  if (name === ANY) walkAny(s, type, value, path, field, depth);
  else if (TYPED_STRUCTS.has(name)) walkTypedStruct(s, s.any, value, path, field, depth);
  else walkMessage(s, type, value, path, depth);
}

function walkMessage(s: State, type: protobuf.Type, obj: Record<string, unknown>, path: string, depth: number): void {
  for (const key of Object.keys(obj)) {
    if (key === '@type') continue;
    const field = fieldOf(type, key);
    if (field === undefined) continue;
    const value = obj[key];
    const at = joinPath(path, key);
    if (s.walker.field?.({ type, field, value, path: at }) === false) continue;
    const resolved = field.resolve().resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    if (field.map && isPlainObject(value)) {
      for (const [k, item] of Object.entries(value)) walkValue(s, resolved, item, `${at}${mapKeySegment(k)}`, field.name, depth + 1);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walkValue(s, resolved, item, `${at}[${i}]`, field.name, depth + 1));
    } else {
      walkValue(s, resolved, value, at, field.name, depth + 1);
    }
  }
}

/** Walk `value` read as a message of `type` (a message type of the Envoy root). */
export function walkTyped(type: protobuf.Type, value: unknown, walker: Walker, path = ''): void {
  const any = type.root.lookup('google.protobuf.Any');
  walkValue({ walker, any: any instanceof protobuf.Type ? any : undefined }, type, value, path, '', 0);
}
