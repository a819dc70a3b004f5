// Messages: unknown fields, oneofs ((validate.required) included), and each field's compiled
// checks. Compiled once per protobufjs Type and cached: validation is a walk over plain objects.
import type protobuf from 'protobufjs';
import { compileField, compileTyped, type Deps, type FieldChecks } from './field.js';
import { fieldDeprecated, fieldDisallowed, fieldRules, oneofRequired, rulesDisabled } from './options.js';
import { report, type Check, type Ctx } from './types.js';
import { isPlainObject, pathString } from '../../proto/form.js';
import { ANY, hasSpecialJson, nameOf } from '../../proto/wkt.js';

interface CompiledField extends FieldChecks {
  readonly deprecated: boolean;
  readonly disallowed: boolean;
}

interface CompiledOneof {
  readonly name: string;
  readonly required: boolean;
  readonly members: readonly string[];
}

interface CompiledMessage {
  readonly type: protobuf.Type;
  readonly fields: ReadonlyMap<string, CompiledField>;
  readonly oneofs: readonly CompiledOneof[];
  readonly absent: readonly (readonly [string, (ctx: Ctx) => void])[];
  readonly disabled: boolean;
}

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
  const fields = new Map<string, CompiledField>();
  const absent: [string, (ctx: Ctx) => void][] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    const checks = compileField(field, fieldRules(field), deps);
    fields.set(field.name, { ...checks, deprecated: fieldDeprecated(field), disallowed: fieldDisallowed(field) });
    if (checks.absent) absent.push([field.name, checks.absent]);
  }
  // Synthetic oneofs of proto3 `optional` fields have one member: nothing to check there.
  const oneofs = type.oneofsArray
    .filter((o) => o.fieldsArray.length > 1 || oneofRequired(o))
    .map((o) => ({ name: o.name, required: oneofRequired(o), members: o.fieldsArray.map((f) => f.name) }));
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

function checkFields(msg: CompiledMessage, obj: Record<string, unknown>, ctx: Ctx, anyBody: boolean): void {
  for (const key of Object.keys(obj)) {
    const field = msg.fields.get(key);
    if (!field) {
      if (!(anyBody && key === '@type')) unknownField(msg, key, ctx);
      continue;
    }
    const v = obj[key];
    if (v === undefined || v === null) continue;
    ctx.path.push(key);
    if (field.deprecated && ctx.deprecated) ctx.deprecated.push(pathString(ctx.path));
    if (field.disallowed) report(ctx, 'is deprecated and refused by Envoy by default');
    field.check(v, ctx);
    ctx.path.pop();
  }
}

function checkOneofs(msg: CompiledMessage, obj: Record<string, unknown>, ctx: Ctx, rulesOn: boolean): void {
  for (const oneof of msg.oneofs) {
    let count = 0;
    for (const m of oneof.members) if (obj[m] !== undefined && obj[m] !== null) count++;
    if (count > 1) report(ctx, `oneof ${oneof.name}: only one of ${oneof.members.filter((m) => obj[m] !== undefined && obj[m] !== null).join(', ')} may be set`);
    else if (count === 0 && oneof.required && rulesOn) {
      report(ctx, `oneof ${oneof.name}: one of ${oneof.members.join(', ')} is required`);
    }
  }
}

/** A plain message body: `obj` must be an object of the type's fields ("@type" too in an Any). */
export function checkBody(type: protobuf.Type, obj: unknown, ctx: Ctx, anyBody: boolean): void {
  checkCompiled(compiledFor(type), obj, ctx, anyBody);
}

function checkCompiled(msg: CompiledMessage, obj: unknown, ctx: Ctx, anyBody: boolean): void {
  if (!isPlainObject(obj)) return report(ctx, `expected an object (${msg.type.fullName.slice(1)}), got ${Array.isArray(obj) ? 'array' : typeof obj}`);
  if (ctx.path.length > MAX_DEPTH) return report(ctx, 'nested too deeply');
  if (msg.disabled) ctx.rulesOff++;
  try {
    checkFields(msg, obj, ctx, anyBody);
    const rulesOn = ctx.rulesOff === 0;
    checkOneofs(msg, obj, ctx, rulesOn);
    if (!rulesOn) return;
    for (const [name, absent] of msg.absent) {
      if (obj[name] !== undefined && obj[name] !== null) continue;
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
