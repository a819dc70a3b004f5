// The encoder: a JSON-ish message (see normalise.ts for the form) written straight to the wire with
// protobufjs' Writer, one pass, no intermediate message objects; an Any's inner message is written
// in place (no second buffer). Each message type is compiled once into a plan (writer-plan.ts), so
// writing a message is a walk over its keys. Durations and wrappers are written directly; the other
// well-known types with a special JSON form (Struct, Timestamp, ...) and map fields go through
// normalise.ts and protobufjs' own encoder. The bytes are exactly those of normalise + protobufjs
// (fields in number order, map entries in the order protobufjs iterates them, proto3 defaults
// dropped, packed repeated scalars): test/envoy/writer.test.ts checks it.
import protobuf from 'protobufjs';
import { isPlainObject, mapKeySegment } from './form.js';
import { element, fail, isDefault, MAX_DEPTH, toMessage, type Obj, type Path } from './normalise.js';
import { planOf, tag, type Cursor, type FieldPlan, type Layout, type TypePlan, type Writer } from './writer-plan.js';
import { parseDuration, splitNanos, typeForAnyUrl } from './wkt.js';
import { isConstant } from './constant.js';

const LENGTH_DELIMITED = 2;

/** The cursor's segments as normalise.ts' linked path (for the code paths that go through it). */
function pathOf(segs: readonly (string | number)[]): Path {
  let path: Path;
  for (const seg of segs) path = { up: path, seg, depth: (path?.depth ?? 0) + 1 };
  return path;
}

function cursor(w: Writer): Cursor {
  const segs: (string | number)[] = [];
  return { w, segs, fail: (detail) => fail(pathOf(segs), detail) };
}

/**
 * The bytes of constants (src/proto/constant.ts) written as a message type, with the deepest path
 * they were written at: a constant's content cannot change, so neither can its bytes.
 */
const constantBytes = new WeakMap<object, { readonly plan: TypePlan; readonly bytes: Uint8Array; readonly depth: number }>();

/** A message-typed value: plain messages written directly, Any in place, other special forms through normalise. */
function writeMessageValue(c: Cursor, plan: TypePlan, v: unknown): void {
  if (plan.kind !== 'special' && isConstant(v)) return writeConstant(c, plan, v);
  writeValueOf(c, plan, v);
}

function writeConstant(c: Cursor, plan: TypePlan, v: object): void {
  const known = constantBytes.get(v);
  if (known !== undefined && known.plan === plan && c.segs.length <= known.depth) {
    c.w.raw(known.bytes);
    return;
  }
  const start = c.w.pos;
  writeValueOf(c, plan, v);
  // a copy: the writer's buffer is written over by the next message
  constantBytes.set(v, { plan, bytes: new Uint8Array(c.w.buf.subarray(start, c.w.pos)), depth: c.segs.length });
}

function writeValueOf(c: Cursor, plan: TypePlan, v: unknown): void {
  switch (plan.kind) {
    case 'plain':
      return writeBody(c, plan, v, false);
    case 'any':
      return writeAnyBody(c, plan, v);
    case 'wrapper':
      // normalise.ts: a bare value stands for {value}
      return writeBody(c, plan, isPlainObject(v) ? v : { value: v }, false);
    case 'duration':
      return writeDuration(c, v);
    case 'special':
      plan.type.encode(toMessage(plan.type, v, pathOf(c.segs)), c.w);
  }
}

/** google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; }, zero parts left out. */
function writeDuration(c: Cursor, v: unknown): void {
  const parsed = parseDuration(v);
  if (!parsed.ok) return c.fail(parsed.error);
  const { seconds, nanos } = splitNanos(parsed.value);
  // parseDuration bounds it to ±10,000 years of seconds: a safe integer
  if (seconds !== 0n) c.w.uint32(tag(1, 0)).int64(Number(seconds));
  if (nanos !== 0) c.w.uint32(tag(2, 0)).int32(nanos);
}

function writeAnyBody(c: Cursor, anyPlan: TypePlan, v: unknown): void {
  if (!isPlainObject(v)) return c.fail('expected an Any object with "@type"');
  const url = v['@type'] ?? v['type_url'];
  if (typeof url !== 'string' || url === '') return c.fail('an Any needs "@type" naming its message type');
  const w = c.w;
  if (!('@type' in v)) {
    anyPlan.type.encode(toMessage(anyPlan.type, v, pathOf(c.segs)), w);
    return;
  }
  const type = typeForAnyUrl(anyPlan.type, url) ?? c.fail(`unknown type ${JSON.stringify(url)}`);
  const inner = planOf(type);
  w.uint32(tag(1, LENGTH_DELIMITED)).string(url);
  const before = w.pos;
  w.uint32(tag(2, LENGTH_DELIMITED)).fork();
  // an Any's fields sit beside "@type", except for the types with a special JSON form ("value")
  if (inner.kind === 'plain' || inner.kind === 'any') writeBody(c, inner, v, true);
  else {
    c.segs.push('value');
    writeMessageValue(c, inner, v['value']);
    c.segs.pop();
  }
  w.ldelim();
  // an empty inner message leaves `value` out (proto3 bytes at its default), as protobufjs does:
  // the tag and the zero length just written are taken back
  if (w.pos === before + 2) w.pos = before;
}

function writeMap(c: Cursor, field: protobuf.Field, v: unknown): void {
  if (!isPlainObject(v)) return c.fail('expected an object (map field)');
  // the entries in the order protobufjs iterates the normalised object (keys sorted, then the
  // engine's own order: integer-like keys first)
  const path = pathOf(c.segs);
  const normalised: Obj = {};
  for (const k of Object.keys(v).sort()) normalised[k] = element(field, v[k], { up: path, seg: mapKeySegment(k), depth: (path?.depth ?? 0) + 1 });
  const keyType = field instanceof protobuf.MapField ? field.keyType : 'string';
  const keyWire = protobuf.types.mapKey[keyType as keyof typeof protobuf.types.mapKey] ?? LENGTH_DELIMITED;
  const valueType = field.resolvedType instanceof protobuf.Enum ? 'int32' : field.type;
  const valueWire = field.resolvedType instanceof protobuf.Type ? undefined : protobuf.types.basic[valueType as keyof typeof protobuf.types.basic];
  const w = c.w as unknown as Record<string, (x: unknown) => Writer>;
  for (const k of Object.keys(normalised)) {
    c.w.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
    c.w.uint32(tag(1, keyWire));
    w[keyType]?.call(c.w, k);
    const value = normalised[k];
    if (valueWire === undefined) {
      (field.resolvedType as protobuf.Type).encode(value as Obj, c.w.uint32(tag(2, LENGTH_DELIMITED)).fork()).ldelim();
    } else {
      c.w.uint32(tag(2, valueWire));
      w[valueType]?.call(c.w, value);
    }
    c.w.ldelim();
  }
}

function writeMessageItem(c: Cursor, f: FieldPlan, plan: TypePlan, item: unknown): void {
  c.w.uint32(f.tag).fork();
  writeMessageValue(c, plan, item);
  c.w.ldelim();
}

function writeRepeated(c: Cursor, f: FieldPlan, v: unknown): void {
  if (!Array.isArray(v)) return c.fail('expected an array (repeated field)');
  if (v.length === 0) return;
  const { segs, w } = c;
  if (f.messageType !== undefined) {
    const plan = planOf(f.messageType);
    for (let i = 0; i < v.length; i++) {
      segs.push(i);
      writeMessageItem(c, f, plan, v[i]);
      segs.pop();
    }
    return;
  }
  const values: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    segs.push(i);
    values.push(f.convert(c, v[i]));
    segs.pop();
  }
  if (f.packed) {
    w.uint32(f.tag).fork();
    for (const x of values) f.write(w, x);
    w.ldelim();
    return;
  }
  for (const x of values) f.write(w.uint32(f.tag), x);
}

function writeField(c: Cursor, f: FieldPlan, v: unknown): void {
  switch (f.kind) {
    case 'message':
      return writeMessageItem(c, f, planOf(f.messageType as protobuf.Type), v);
    case 'scalar': {
      const value = f.convert(c, v);
      if (f.dropDefault && isDefault(value)) return;
      return f.write(c.w.uint32(f.tag), value);
    }
    case 'map':
      return writeMap(c, f.field, v);
    default:
      return writeRepeated(c, f, v);
  }
}

function sameKeys(layout: Layout | undefined, keys: readonly string[], anyBody: boolean): layout is Layout {
  if (layout === undefined || layout.anyBody !== anyBody || layout.keys.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (layout.keys[i] !== keys[i]) return false;
  return true;
}

/** The plans of an object's keys in field-number order; an unknown key fails. */
function layoutOf(c: Cursor, plan: TypePlan, keys: readonly string[], anyBody: boolean): Layout {
  const order: { f: FieldPlan; key: string }[] = [];
  for (const key of keys) {
    const f = plan.fields.get(key);
    if (f !== undefined) order.push({ f, key });
    else if (!(anyBody && key === '@type')) {
      c.segs.push(key);
      return c.fail(`unknown field "${key}" in ${plan.name}`);
    }
  }
  order.sort((a, b) => a.f.id - b.f.id);
  return { keys, anyBody, order };
}

function writeBody(c: Cursor, plan: TypePlan, v: unknown, anyBody: boolean): void {
  if (!isPlainObject(v)) return c.fail(`expected an object (${plan.name})`);
  if (c.segs.length > MAX_DEPTH) return c.fail('nested too deeply');
  const keys = Object.keys(v);
  // the objects of one translator list the same keys: their order by field number is known
  let layout = plan.layout;
  if (!sameKeys(layout, keys, anyBody)) plan.layout = layout = layoutOf(c, plan, keys, anyBody);
  for (const { f, key } of layout.order) {
    const value = v[key];
    if (value === undefined || value === null) continue;
    c.segs.push(key);
    writeField(c, f, value);
    c.segs.pop();
  }
}

/** A writer kept between calls: its buffer grows once instead of per message. */
let spare: Writer | undefined;
const SPARE_MAX = 1 << 20;

/**
 * `obj` as the wire bytes of message `type`. Throws EncodeError (normalise.ts) on bad shapes.
 * With `frameAs`, the message comes framed as one element of that (length-delimited) field of a
 * parent message: tag, length, bytes, as framedField (parts.ts) would frame it, without a copy.
 */
export function writeMessage(type: protobuf.Type, obj: unknown, frameAs?: number): Uint8Array {
  const w = spare ?? protobuf.Writer.create();
  spare = undefined;
  try {
    const c = cursor(w);
    if (frameAs !== undefined) w.uint32(tag(frameAs, LENGTH_DELIMITED)).fork();
    writeMessageValue(c, planOf(type), obj);
    if (frameAs !== undefined) w.ldelim();
    return w.finish();
  } finally {
    w.pos = 0;
    w.states = null;
    if (w.buf.length <= SPARE_MAX) spare = w;
  }
}
