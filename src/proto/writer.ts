// The encoder: a JSON-ish message (see normalise.ts for the form) written straight to the wire with
// protobufjs' Writer, one pass, no intermediate message objects; an Any's inner message is written
// in place (no second buffer). Well-known types with a special JSON form (Duration, wrappers,
// Struct, ...) go through normalise.ts and protobufjs' own encoder. The bytes are exactly those of
// normalise + protobufjs (fields in number order, map entries in the order protobufjs iterates
// them, proto3 defaults dropped, packed repeated scalars): test/envoy/writer.test.ts checks it.
import protobuf from 'protobufjs';
import { isPlainObject, mapKeySegment } from './form.js';
import { element, fail, isDefault, MAX_DEPTH, sub, toMessage, type Obj, type Path } from './normalise.js';
import { ANY, hasSpecialJson, nameOf, typeForAnyUrl } from './wkt.js';

type Writer = protobuf.Writer;
type ScalarWrite = (w: Writer, v: unknown) => void;

const LENGTH_DELIMITED = 2;

function tag(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

/** protobufjs' Writer method for a scalar type, called with a value normalise.ts produced. */
function scalarWriter(type: string): ScalarWrite {
  return (w, v) => {
    (w as unknown as Record<string, (x: unknown) => Writer>)[type]?.(v);
  };
}

const writers = new Map<string, ScalarWrite>();
function writeScalar(type: string): ScalarWrite {
  let f = writers.get(type);
  if (f === undefined) writers.set(type, (f = scalarWriter(type)));
  return f;
}

function isSpecial(type: protobuf.Type): boolean {
  return hasSpecialJson(nameOf(type));
}

/** A message-typed value: plain messages written directly, Any in place, other special forms through normalise. */
function writeMessageValue(type: protobuf.Type, v: unknown, w: Writer, path: Path): void {
  if (nameOf(type) === ANY) return writeAnyBody(type, v, w, path);
  if (isSpecial(type)) {
    type.encode(toMessage(type, v, path), w);
    return;
  }
  writeBody(type, v, w, path, false);
}

function writeAnyBody(anyType: protobuf.Type, v: unknown, w: Writer, path: Path): void {
  if (!isPlainObject(v)) return fail(path, 'expected an Any object with "@type"');
  const url = v['@type'] ?? v['type_url'];
  if (typeof url !== 'string' || url === '') return fail(path, 'an Any needs "@type" naming its message type');
  if (!('@type' in v)) {
    anyType.encode(toMessage(anyType, v, path), w);
    return;
  }
  const type = typeForAnyUrl(anyType, url) ?? fail(path, `unknown type ${JSON.stringify(url)}`);
  w.uint32(tag(1, LENGTH_DELIMITED)).string(url);
  const before = w.pos;
  w.uint32(tag(2, LENGTH_DELIMITED)).fork();
  if (isSpecial(type)) type.encode(toMessage(type, v['value'], sub(path, 'value')), w);
  else writeBody(type, v, w, path, true);
  w.ldelim();
  // an empty inner message leaves `value` out (proto3 bytes at its default), as protobufjs does:
  // the tag and the zero length just written are taken back
  if (w.pos === before + 2) w.pos = before;
}

function writeMap(field: protobuf.Field, v: unknown, w: Writer, path: Path): void {
  if (!isPlainObject(v)) return fail(path, 'expected an object (map field)');
  // the entries in the order protobufjs iterates the normalised object (keys sorted, then the
  // engine's own order: integer-like keys first)
  const normalised: Obj = {};
  for (const k of Object.keys(v).sort()) normalised[k] = element(field, v[k], sub(path, mapKeySegment(k)));
  const keyType = field instanceof protobuf.MapField ? field.keyType : 'string';
  const keyWire = protobuf.types.mapKey[keyType as keyof typeof protobuf.types.mapKey] ?? LENGTH_DELIMITED;
  const valueWire = field.resolvedType instanceof protobuf.Type ? undefined : protobuf.types.basic[(field.resolvedType instanceof protobuf.Enum ? 'int32' : field.type) as keyof typeof protobuf.types.basic];
  for (const k of Object.keys(normalised)) {
    w.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
    writeScalar(keyType)(w.uint32(tag(1, keyWire)), k);
    const value = normalised[k];
    if (valueWire === undefined) {
      (field.resolvedType as protobuf.Type).encode(value as Obj, w.uint32(tag(2, LENGTH_DELIMITED)).fork()).ldelim();
    } else {
      writeScalar(field.resolvedType instanceof protobuf.Enum ? 'int32' : field.type)(w.uint32(tag(2, valueWire)), value);
    }
    w.ldelim();
  }
}

function writeRepeated(field: protobuf.Field, v: unknown, w: Writer, path: Path): void {
  if (!Array.isArray(v)) return fail(path, 'expected an array (repeated field)');
  if (v.length === 0) return;
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    v.forEach((item: unknown, i) => {
      w.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
      writeMessageValue(rt, item, w, sub(path, i));
      w.ldelim();
    });
    return;
  }
  const type = rt instanceof protobuf.Enum ? 'int32' : field.type;
  const values = v.map((item: unknown, i) => element(field, item, sub(path, i)));
  const write = writeScalar(type);
  if (field.packed && protobuf.types.packed[type as keyof typeof protobuf.types.packed] !== undefined) {
    w.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
    for (const x of values) write(w, x);
    w.ldelim();
    return;
  }
  const wire = protobuf.types.basic[type as keyof typeof protobuf.types.basic] ?? LENGTH_DELIMITED;
  for (const x of values) write(w.uint32(tag(field.id, wire)), x);
}

function writeField(field: protobuf.Field, v: unknown, w: Writer, path: Path): void {
  if (field.map) return writeMap(field, v, w, path);
  if (field.repeated) return writeRepeated(field, v, w, path);
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    w.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
    writeMessageValue(rt, v, w, path);
    w.ldelim();
    return;
  }
  const value = element(field, v, path);
  if (!field.hasPresence && isDefault(value)) return;
  const type = rt instanceof protobuf.Enum ? 'int32' : field.type;
  const wire = protobuf.types.basic[type as keyof typeof protobuf.types.basic] ?? LENGTH_DELIMITED;
  writeScalar(type)(w.uint32(tag(field.id, wire)), value);
}

function writeBody(type: protobuf.Type, v: unknown, w: Writer, path: Path, anyBody: boolean): void {
  if (!isPlainObject(v)) return fail(path, `expected an object (${type.fullName.slice(1)})`);
  if ((path?.depth ?? 0) > MAX_DEPTH) return fail(path, 'nested too deeply');
  const present: { readonly field: protobuf.Field; readonly key: string; readonly value: unknown }[] = [];
  for (const key of Object.keys(v)) {
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (!field) {
      if (anyBody && key === '@type') continue;
      return fail(sub(path, key), `unknown field "${key}" in ${type.fullName.slice(1)}`);
    }
    const value = v[key];
    if (value === undefined || value === null) continue;
    field.resolve();
    present.push({ field, key, value });
  }
  if (present.length > 1) present.sort((a, b) => a.field.id - b.field.id);
  for (const p of present) writeField(p.field, p.value, w, sub(path, p.key));
}

/** `obj` as the wire bytes of message `type`. Throws EncodeError (normalise.ts) on bad shapes. */
export function writeMessage(type: protobuf.Type, obj: unknown): Uint8Array {
  const w = protobuf.Writer.create();
  writeMessageValue(type, obj, w, undefined);
  return w.finish();
}
