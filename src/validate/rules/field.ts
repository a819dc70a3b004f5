// One field → its compiled checks: the value check (shape + rules, per element for repeated and
// map fields) and, when rules demand something of an absent field, the absent check.
import protobuf from 'protobufjs';
import { compileAny, type TypeCheck } from './any.js';
import { absentCollection, compileMap, compileRepeated } from './collections.js';
import { checkFieldMask, checkListValue, checkStruct, checkValue } from './json.js';
import { compileEnum, compileScalar } from './scalars.js';
import { scalarDefault } from '../../proto/form.js';
import { compileDuration, compileTimestamp } from './time.js';
import { report, ruleBool, ruleObj, type Check, type Ctx, type Rules } from './types.js';
import { isPlainObject } from '../../proto/form.js';
import { ANY, DURATION, FIELD_MASK, LIST_VALUE, STRUCT, TIMESTAMP, VALUE, WRAPPERS, nameOf } from '../../proto/wkt.js';

/** What a field compiler needs from the message compiler (injected, so the modules do not cycle). */
export interface Deps {
  /** Check of a plain (non well-known) message body. */
  message(type: protobuf.Type): Check;
  /** Check of a value of any message type, well-known or not (for Any contents). */
  typeCheck: TypeCheck;
}

function compileWrapper(scalar: string, rules: Rules | undefined): Check {
  const inner = compileScalar(scalar, rules);
  return (v, ctx) => {
    if (!isPlainObject(v)) return inner(v, ctx);
    for (const k of Object.keys(v)) if (k !== 'value') return report(ctx, `unknown field "${k}" of a wrapper (only "value")`);
    inner(v['value'] ?? scalarDefault(scalar), ctx);
  };
}

/** A value of message type `type`: well-known JSON forms, Any, or a plain message. */
export function compileTyped(type: protobuf.Type, rules: Rules | undefined, deps: Deps): Check {
  const name = nameOf(type);
  const wrapped = WRAPPERS.get(name);
  if (wrapped) return compileWrapper(wrapped, rules);
  if (name === DURATION) return compileDuration(rules);
  if (name === TIMESTAMP) return compileTimestamp(rules);
  if (name === ANY) return compileAny(type, rules, deps.typeCheck);
  if (name === STRUCT) return checkStruct;
  if (name === VALUE) return checkValue;
  if (name === LIST_VALUE) return checkListValue;
  if (name === FIELD_MASK) return checkFieldMask;
  const body = deps.message(type);
  if (ruleBool(ruleObj(rules, 'message'), 'skip') !== true) return body;
  return (v, ctx) => {
    ctx.rulesOff++;
    try {
      body(v, ctx);
    } finally {
      ctx.rulesOff--;
    }
  };
}

/** One element: the whole value of a singular field, one item of a repeated, one map value. */
function compileElement(field: protobuf.Field, rules: Rules | undefined, deps: Deps): Check {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) return compileEnum(rt, rules);
  if (rt instanceof protobuf.Type) return compileTyped(rt, rules, deps);
  return compileScalar(field.type, rules);
}

function requiredByRules(rules: Rules | undefined): boolean {
  return ['message', 'duration', 'timestamp', 'any'].some((k) => ruleBool(ruleObj(rules, k), 'required') === true);
}

export interface FieldChecks {
  check: Check;
  /** Run when the field is absent (and rules are on); undefined when absence is always fine. */
  absent: ((ctx: Ctx) => void) | undefined;
}

export function compileField(field: protobuf.Field, rules: Rules | undefined, deps: Deps): FieldChecks {
  if (field.map) {
    const value = compileElement(field, ruleObj(ruleObj(rules, 'map'), 'values'), deps);
    return { check: compileMap(field instanceof protobuf.MapField ? field.keyType : 'string', value, rules), absent: absentCollection(true, rules) };
  }
  if (field.repeated) {
    const item = compileElement(field, ruleObj(ruleObj(rules, 'repeated'), 'items'), deps);
    return { check: compileRepeated(item, rules), absent: absentCollection(false, rules) };
  }
  const check = compileElement(field, rules, deps);
  // A oneof member's rules apply only when that member is the one set.
  if (field.partOf) return { check, absent: undefined };
  if (field.resolvedType instanceof protobuf.Type) {
    return { check, absent: requiredByRules(rules) ? (ctx) => report(ctx, 'is required') : undefined };
  }
  // proto3 scalars and enums without presence hold their default when absent: rules still apply.
  if (!rules || field.hasPresence) return { check, absent: undefined };
  // (An absent enum is its number 0: never "written out", so never a disallowed value.)
  const dflt = field.resolvedType instanceof protobuf.Enum ? 0 : scalarDefault(field.type);
  return { check, absent: (ctx) => check(dflt, ctx) };
}
