// Scalar fields (numbers, bool, string, bytes) and enums: the JSON-ish type check, then the rules.
import type protobuf from 'protobufjs';
import { compileNumberRules } from './numbers.js';
import { enumValuesWith } from './options.js';
import { compileBytesRules, compileStringRules } from './strings.js';
import { report, ruleBool, ruleList, ruleNum, ruleObj, show, type Check, type Rules } from './types.js';
import { bytesOf, isNumberType, parseNumber, pathString, toNumeric } from '../../proto/form.js';

/** Type check and rules for one value of scalar `type`. `rules` is the FieldRules object. */
export function compileScalar(type: string, rules: Rules | undefined): Check {
  if (type === 'string') {
    const check = compileStringRules(ruleObj(rules, 'string'));
    return (v, ctx) => {
      if (typeof v !== 'string') return report(ctx, `expected a string, got ${typeof v}`);
      if (check && !ctx.rulesOff) check(v, ctx);
    };
  }
  if (type === 'bool') {
    const c = ruleBool(ruleObj(rules, 'bool'), 'const');
    return (v, ctx) => {
      if (typeof v !== 'boolean') return report(ctx, `expected a boolean, got ${typeof v}`);
      if (c !== undefined && v !== c && !ctx.rulesOff) report(ctx, `must be ${c}`);
    };
  }
  if (type === 'bytes') {
    const check = compileBytesRules(ruleObj(rules, 'bytes'));
    return (v, ctx) => {
      const b = bytesOf(v);
      if (!b) return report(ctx, 'expected bytes (Uint8Array or base64 string)');
      if (check && !ctx.rulesOff) check(b, ctx);
    };
  }
  if (!isNumberType(type)) throw new Error(`unsupported scalar type ${type}`);
  const check = compileNumberRules(ruleObj(rules, type));
  return (v, ctx) => {
    const n = parseNumber(type, v);
    if (!n.ok) return report(ctx, n.error);
    if (check && !ctx.rulesOff) check(n.value, ctx);
  };
}

function enumRules(en: protobuf.Enum, rules: Rules | undefined): ((n: number, ctx: Parameters<Check>[1]) => void) | undefined {
  const r = ruleObj(rules, 'enum');
  if (!r) return undefined;
  const definedOnly = ruleBool(r, 'defined_only') === true;
  const c = ruleNum(r, 'const');
  const inList = ruleList(r, 'in')?.map(toNumeric);
  const notIn = ruleList(r, 'not_in')?.map(toNumeric);
  const name = (n: number): string => en.valuesById[n] ?? String(n);
  const names = (xs: unknown[]): string => xs.map((x) => (typeof x === 'number' ? name(x) : show(x))).join(', ');
  return (n, ctx) => {
    if (definedOnly && en.valuesById[n] === undefined) report(ctx, `${n} is not a defined value of ${en.name}`);
    if (c !== undefined && n != c) report(ctx, `must be ${name(Number(c))}, got ${name(n)}`);
    if (inList && !inList.some((x) => x == n)) report(ctx, `must be one of [${names(inList)}], got ${name(n)}`);
    if (notIn?.some((x) => x == n)) report(ctx, `must not be ${name(n)}`);
  };
}

/**
 * An enum value: its name (as written in the .proto) or its number. Values Envoy refuses unless
 * a runtime override allows them (`disallowed_by_default_enum`) are errors when written out.
 */
export function compileEnum(en: protobuf.Enum, rules: Rules | undefined): Check {
  const check = enumRules(en, rules);
  const deprecated = enumValuesWith(en, 'deprecated');
  const disallowed = enumValuesWith(en, '(envoy.annotations.disallowed_by_default_enum)');
  return (v, ctx) => {
    let n: number;
    if (typeof v === 'string') {
      const num = Object.hasOwn(en.values, v) ? en.values[v] : undefined;
      if (num === undefined) {
        const known = Object.keys(en.values);
        const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ...` : known.join(', ');
        return report(ctx, `unknown ${en.name} value ${show(v)}; expected one of ${list}`);
      }
      n = num;
      if (ctx.deprecated && deprecated.has(v)) ctx.deprecated.push(`${pathString(ctx.path)}=${v}`);
      if (disallowed.has(v)) report(ctx, `${v} is deprecated and refused by Envoy by default`);
    } else if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31) {
      n = v;
    } else {
      return report(ctx, `expected a ${en.name} name, got ${typeof v}`);
    }
    if (check && !ctx.rulesOff) check(n, ctx);
  };
}
