// The writer's plans: per protobufjs Type, compiled once, what writing each of its fields takes
// (its tag, how a JSON-ish value converts to what the wire wants, which protobufjs Writer method
// writes it). Writing a message is then a walk over the object's own keys with no reflection, no
// per-field lookups in protobufjs' tables and no intermediate objects. The conversions are those of
// normalise.ts (element, scalar), so the bytes stay exactly normalise + protobufjs' encoder.
import protobuf from 'protobufjs';
import { is64, isNumberType, parseNumber } from './form.js';
import { bytesOf } from './form.js';
import { long } from './normalise.js';
import { ANY, DURATION, hasSpecialJson, nameOf, WRAPPERS } from './wkt.js';

export type Writer = protobuf.Writer;

/** Where the writer is in the message (field names, array indexes, map keys), joined on error only. */
export interface Cursor {
  readonly w: Writer;
  readonly segs: (string | number)[];
  fail(detail: string): never;
}

/** A field's value, converted as normalise.ts converts it (enum names to numbers, 64-bit as numbers or {low, high}). */
export type Convert = (c: Cursor, v: unknown) => unknown;
export type ScalarWrite = (w: Writer, v: unknown) => void;

export type FieldKind = 'message' | 'scalar' | 'repeatedMessage' | 'repeatedScalar' | 'map';

export interface FieldPlan {
  readonly field: protobuf.Field;
  readonly id: number;
  readonly kind: FieldKind;
  /** The tag of one element: length-delimited for messages and packed lists, else the scalar's wire type. */
  readonly tag: number;
  /** Scalars and enums (singular or repeated). */
  readonly convert: Convert;
  readonly write: ScalarWrite;
  readonly packed: boolean;
  /** Singular scalars without presence leave their default out. */
  readonly dropDefault: boolean;
  /** Message-typed fields: the field's type (its plan is taken on first use: types may recurse). */
  readonly messageType: protobuf.Type | undefined;
}

/** How a message-typed value is written. */
export type TypeKind = 'plain' | 'any' | 'wrapper' | 'duration' | 'special';

/** The keys of an object as it listed them, and their plans in field-number order (the order to write them in). */
export interface Layout {
  readonly keys: readonly string[];
  readonly anyBody: boolean;
  readonly order: readonly { readonly f: FieldPlan; readonly key: string }[];
}

export interface TypePlan {
  readonly type: protobuf.Type;
  /** Without the leading dot, for messages. */
  readonly name: string;
  readonly kind: TypeKind;
  readonly fields: ReadonlyMap<string, FieldPlan>;
  /** The last layout written: objects built by one translator list the same keys, in the same order. */
  layout: Layout | undefined;
}

const LENGTH_DELIMITED = 2;

export function tag(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

const INT32_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};

/** A number of `type`: plain in-range integers at once, everything else as normalise.ts does it. */
function numberConvert(type: string): Convert {
  const bounds = INT32_BOUNDS[type];
  const wide = is64(type);
  const slow: Convert = (c, v) => {
    const n = parseNumber(type, v);
    if (!n.ok) return c.fail(n.error);
    return wide ? long(BigInt(n.value)) : n.value;
  };
  if (bounds !== undefined) {
    const [lo, hi] = bounds;
    return (c, v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v + 0 : slow(c, v));
  }
  // 64-bit: a safe integer is what long() gives back for it (unsigned types still refuse negatives)
  const unsigned = type === 'uint64' || type === 'fixed64';
  if (wide) return (c, v) => (typeof v === 'number' && Number.isSafeInteger(v) && (!unsigned || v >= 0) ? v + 0 : slow(c, v));
  return slow;
}

function scalarConvert(type: string): Convert {
  if (type === 'string') return (c, v) => (typeof v === 'string' ? v : c.fail(`expected a string, got ${typeof v}`));
  if (type === 'bool') return (c, v) => (typeof v === 'boolean' ? v : c.fail(`expected a boolean, got ${typeof v}`));
  if (type === 'bytes') return (c, v) => bytesOf(v) ?? c.fail('expected bytes (Uint8Array or base64 string)');
  if (!isNumberType(type)) return (c) => c.fail(`unsupported scalar type ${type}`);
  return numberConvert(type);
}

function enumConvert(en: protobuf.Enum): Convert {
  return (c, v) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    const n = typeof v === 'string' && Object.hasOwn(en.values, v) ? en.values[v] : undefined;
    return n ?? c.fail(`unknown ${en.name} value ${JSON.stringify(v)}`);
  };
}

/** protobufjs' Writer method for a scalar type, bound once. */
function scalarWrite(type: string): ScalarWrite {
  const method = (protobuf.Writer.prototype as unknown as Record<string, ((this: Writer, x: unknown) => Writer) | undefined>)[type];
  if (method === undefined) return () => undefined;
  return (w, v) => void method.call(w, v);
}

function fieldPlan(field: protobuf.Field): FieldPlan {
  field.resolve();
  const rt = field.resolvedType;
  const messageType = rt instanceof protobuf.Type ? rt : undefined;
  const wireName = rt instanceof protobuf.Enum ? 'int32' : field.type;
  const convert = rt instanceof protobuf.Enum ? enumConvert(rt) : scalarConvert(field.type);
  const wire = protobuf.types.basic[wireName as keyof typeof protobuf.types.basic] ?? LENGTH_DELIMITED;
  const packed = field.repeated && !messageType && field.packed && protobuf.types.packed[wireName as keyof typeof protobuf.types.packed] !== undefined;
  let kind: FieldKind;
  if (field.map) kind = 'map';
  else if (field.repeated) kind = messageType ? 'repeatedMessage' : 'repeatedScalar';
  else kind = messageType ? 'message' : 'scalar';
  return {
    field,
    id: field.id,
    kind,
    tag: tag(field.id, messageType || packed ? LENGTH_DELIMITED : wire),
    convert,
    write: scalarWrite(wireName),
    packed,
    dropDefault: !field.hasPresence,
    messageType,
  };
}

function typeKind(type: protobuf.Type): TypeKind {
  const name = nameOf(type);
  if (name === ANY) return 'any';
  if (WRAPPERS.has(name)) return 'wrapper';
  if (name === DURATION) return 'duration';
  return hasSpecialJson(name) ? 'special' : 'plain';
}

const plans = new WeakMap<protobuf.Type, TypePlan>();

/** The plan of a message type, compiled on first use. */
export function planOf(type: protobuf.Type): TypePlan {
  let plan = plans.get(type);
  if (plan === undefined) {
    const fields = new Map<string, FieldPlan>();
    for (const field of type.fieldsArray) fields.set(field.name, fieldPlan(field));
    plan = { type, name: nameOf(type).slice(1), kind: typeKind(type), fields, layout: undefined };
    plans.set(type, plan);
  }
  return plan;
}
