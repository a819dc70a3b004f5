// Messages: unknown fields, oneofs ((validate.required) included), and each field's compiled
// checks. Compiled once per protobufjs Type and cached: validation is a walk over plain objects.
import type protobuf from 'protobufjs';
import { compileField, compileTyped, type Deps, type FieldChecks } from './field.js';
import { fieldDeprecated, fieldDisallowed, fieldRules, oneofRequired, rulesDisabled } from './options.js';
import { report, type Check, type Ctx } from './types.js';
import { isPlainObject, pathString } from '../../proto/form.js';
import { ANY, hasSpecialJson, nameOf } from '../../proto/wkt.js';
import { isConstant } from '../../proto/constant.js';

interface CompiledField extends FieldChecks {
  readonly deprecated: boolean;
  readonly disallowed: boolean;
  /** Bit of its oneof in the message's oneof masks (0: in none that is checked). */
  readonly oneofBit: number;
  /** Bit of its absent check in the message's absent mask (0: none). */
  readonly absentBit: number;
}

interface CompiledOneof {
  readonly name: string;
  readonly required: boolean;
  readonly members: readonly string[];
  readonly bit: number;
}

interface CompiledMessage {
  readonly type: protobuf.Type;
  readonly fields: ReadonlyMap<string, CompiledField>;
  readonly oneofs: readonly CompiledOneof[];
  readonly absent: readonly (readonly [string, (ctx: Ctx) => void, number])[];
  readonly disabled: boolean;
}

/** Oneofs and absent checks are tracked as bits while the fields are walked (up to 30 of each per message). */
const MAX_BITS = 30;

const MAX_DEPTH = 200;
const compiled = new WeakMap<protobuf.Type, CompiledMessage>();
const typedChecks = new WeakMap<protobuf.Type, Check>();

// a field's message check compiles its type on first use (types recurse), then keeps it
const deps: Deps = {
  message: (type) => {
    let msg: CompiledMessage | undefined;
    return (v, ctx) => checkCompiled((msg ??= compiledFor(type)), v, ctx, false);
  },
  typeCheck: checkType,
};

function compile(type: protobuf.Type): CompiledMessage {
  // Synthetic oneofs of proto3 `optional` fields have one member: nothing to check there.
  const kept = type.oneofsArray.filter((o) => o.fieldsArray.length > 1 || oneofRequired(o));
  const oneofBits = kept.length <= MAX_BITS;
  const oneofs = kept.map((o, i) => ({ name: o.name, required: oneofRequired(o), members: o.fieldsArray.map((f) => f.name), bit: oneofBits ? 1 << i : 0 }));
  const oneofOf = new Map(oneofs.flatMap((o) => o.members.map((m) => [m, o.bit] as const)));
  const fields = new Map<string, CompiledField>();
  const absent: [string, (ctx: Ctx) => void, number][] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    const checks = compileField(field, fieldRules(field), deps);
    const absentBit = checks.absent && absent.length < MAX_BITS ? 1 << absent.length : 0;
    fields.set(field.name, { ...checks, deprecated: fieldDeprecated(field), disallowed: fieldDisallowed(field), oneofBit: oneofOf.get(field.name) ?? 0, absentBit });
    if (checks.absent) absent.push([field.name, checks.absent, absentBit]);
  }
  return { type, fields, oneofs, absent, disabled: rulesDisabled(type) };
}

function compiledFor(type: protobuf.Type): CompiledMessage {
  let c = compiled.get(type);
  if (!c) {
    c = compile(type);
    compiled.set(type, c);
  }
  return c;
}

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function unknownField(msg: CompiledMessage, key: string, ctx: Ctx): void {
  const hint = msg.fields.has(snake(key)) ? `; did you mean "${snake(key)}"?` : '';
  ctx.path.push(key);
  report(ctx, `unknown field "${key}" in ${msg.type.fullName.slice(1)}${hint}`);
  ctx.path.pop();
}

/** What the walk over the fields saw: oneofs set once and more than once, absent-checked fields present (bits). */
interface Seen {
  once: number;
  twice: number;
  present: number;
}

function checkFields(msg: CompiledMessage, obj: Record<string, unknown>, ctx: Ctx, anyBody: boolean, seen: Seen): void {
  for (const key of Object.keys(obj)) {
    const field = msg.fields.get(key);
    if (!field) {
      if (!(anyBody && key === '@type')) unknownField(msg, key, ctx);
      continue;
    }
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (field.oneofBit !== 0) {
      if ((seen.once & field.oneofBit) !== 0) seen.twice |= field.oneofBit;
      seen.once |= field.oneofBit;
    }
    seen.present |= field.absentBit;
    ctx.path.push(key);
    if (field.deprecated && ctx.deprecated) ctx.deprecated.push(pathString(ctx.path));
    if (field.disallowed) report(ctx, 'is deprecated and refused by Envoy by default');
    field.check(v, ctx);
    ctx.path.pop();
  }
}

const isSet = (obj: Record<string, unknown>, name: string): boolean => obj[name] !== undefined && obj[name] !== null;

function checkOneofs(msg: CompiledMessage, obj: Record<string, unknown>, ctx: Ctx, rulesOn: boolean, seen: Seen): void {
  for (const oneof of msg.oneofs) {
    // without a bit (a message with more oneofs than bits), the members are looked up
    const count = oneof.bit === 0 ? oneof.members.filter((m) => isSet(obj, m)).length : (seen.twice & oneof.bit) !== 0 ? 2 : (seen.once & oneof.bit) !== 0 ? 1 : 0;
    if (count > 1) report(ctx, `oneof ${oneof.name}: only one of ${oneof.members.filter((m) => isSet(obj, m)).join(', ')} may be set`);
    else if (count === 0 && oneof.required && rulesOn) {
      report(ctx, `oneof ${oneof.name}: one of ${oneof.members.join(', ')} is required`);
    }
  }
}

/** A plain message body: `obj` must be an object of the type's fields ("@type" too in an Any). */
export function checkBody(type: protobuf.Type, obj: unknown, ctx: Ctx, anyBody: boolean): void {
  checkCompiled(compiledFor(type), obj, ctx, anyBody);
}

/**
 * Constants (src/proto/constant.ts) found valid as a message type, with the deepest path they were
 * checked at: the same constant met again as that type, no deeper, is valid again (its content
 * cannot have changed). Only a check with every rule on and nothing to collect is remembered.
 */
const validConstants = new WeakMap<object, { readonly msg: CompiledMessage; readonly depth: number }>();

function checkCompiled(msg: CompiledMessage, obj: unknown, ctx: Ctx, anyBody: boolean): void {
  const remember = !anyBody && ctx.deprecated === undefined && isConstant(obj);
  if (remember) {
    const known = validConstants.get(obj);
    if (known !== undefined && known.msg === msg && ctx.path.length <= known.depth) return;
  }
  const issuesBefore = ctx.issues.length;
  checkBodyOf(msg, obj, ctx, anyBody);
  if (remember && ctx.rulesOff === 0 && ctx.issues.length === issuesBefore) validConstants.set(obj, { msg, depth: ctx.path.length });
}

function checkBodyOf(msg: CompiledMessage, obj: unknown, ctx: Ctx, anyBody: boolean): void {
  if (!isPlainObject(obj)) return report(ctx, `expected an object (${msg.type.fullName.slice(1)}), got ${Array.isArray(obj) ? 'array' : typeof obj}`);
  if (ctx.path.length > MAX_DEPTH) return report(ctx, 'nested too deeply');
  if (msg.disabled) ctx.rulesOff++;
  try {
    const seen: Seen = { once: 0, twice: 0, present: 0 };
    checkFields(msg, obj, ctx, anyBody, seen);
    const rulesOn = ctx.rulesOff === 0;
    checkOneofs(msg, obj, ctx, rulesOn, seen);
    if (!rulesOn) return;
    for (const [name, absent, bit] of msg.absent) {
      if (bit !== 0 ? (seen.present & bit) !== 0 : isSet(obj, name)) continue;
      ctx.path.push(name);
      absent(ctx);
      ctx.path.pop();
    }
  } finally {
    if (msg.disabled) ctx.rulesOff--;
  }
}

/** A value of any message type: the JSON form of well-known types, or a message body. */
export function checkType(type: protobuf.Type, value: unknown, ctx: Ctx, anyBody: boolean): void {
  if (!hasSpecialJson(nameOf(type)) && nameOf(type) !== ANY) return checkBody(type, value, ctx, anyBody);
  let check = typedChecks.get(type);
  if (!check) {
    check = compileTyped(type, undefined, deps);
    typedChecks.set(type, check);
  }
  check(value, ctx);
}
