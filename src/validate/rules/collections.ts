// Repeated and map fields: shape checks, then RepeatedRules (min_items, max_items, unique; items
// rules are compiled into the element check by the caller) and MapRules (min_pairs, max_pairs;
// keys and values rules likewise).
import { compileScalar } from './scalars.js';
import { report, ruleBool, ruleNum, ruleObj, show, type Check, type Ctx, type Rules } from './types.js';
import { isPlainObject, mapKeySegment } from '../../proto/form.js';

function uniqueKey(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `o:${JSON.stringify(v)}`;
  return `${typeof v}:${String(v)}`;
}

export function compileRepeated(elem: Check, rules: Rules | undefined): Check {
  const r = ruleObj(rules, 'repeated');
  const min = ruleNum(r, 'min_items');
  const max = ruleNum(r, 'max_items');
  const unique = ruleBool(r, 'unique') === true;
  return (v, ctx) => {
    if (!Array.isArray(v)) return report(ctx, `expected an array (repeated field), got ${typeof v}`);
    for (let i = 0; i < v.length; i++) {
      ctx.path.push(i);
      const item: unknown = v[i];
      if (item === null || item === undefined) report(ctx, 'null item in a repeated field');
      else elem(item, ctx);
      ctx.path.pop();
    }
    if (ctx.rulesOff) return;
    if (min !== undefined && v.length < min) report(ctx, `must have at least ${show(min)} item${min == 1 ? '' : 's'}, got ${v.length}`);
    if (max !== undefined && v.length > max) report(ctx, `must have at most ${show(max)} item${max == 1 ? '' : 's'}, got ${v.length}`);
    if (unique && new Set(v.map(uniqueKey)).size !== v.length) report(ctx, 'items must be unique');
  };
}

/** Map keys arrive as object keys (strings); check them as the key type they stand for. */
function compileKey(keyType: string, rules: Rules | undefined): Check {
  if (keyType === 'bool') {
    const check = compileScalar('bool', rules);
    return (k, ctx) => {
      if (k !== 'true' && k !== 'false') return report(ctx, 'map key must be "true" or "false"');
      check(k === 'true', ctx);
    };
  }
  return compileScalar(keyType, rules);
}

export function compileMap(keyType: string, value: Check, rules: Rules | undefined): Check {
  const r = ruleObj(rules, 'map');
  const min = ruleNum(r, 'min_pairs');
  const max = ruleNum(r, 'max_pairs');
  const key = compileKey(keyType, ruleObj(r, 'keys'));
  return (v, ctx) => {
    if (!isPlainObject(v)) return report(ctx, `expected an object (map field), got ${Array.isArray(v) ? 'array' : typeof v}`);
    const keys = Object.keys(v);
    for (const k of keys) {
      ctx.path.push(mapKeySegment(k));
      key(k, ctx);
      const item = v[k];
      if (item === null || item === undefined) report(ctx, 'null value in a map field');
      else value(item, ctx);
      ctx.path.pop();
    }
    if (ctx.rulesOff) return;
    if (min !== undefined && keys.length < min) report(ctx, `must have at least ${show(min)} ${min == 1 ? 'entry' : 'entries'}, got ${keys.length}`);
    if (max !== undefined && keys.length > max) report(ctx, `must have at most ${show(max)} ${max == 1 ? 'entry' : 'entries'}, got ${keys.length}`);
  };
}

/** Rule violations of an absent repeated or map field (it holds zero items). */
export function absentCollection(isMap: boolean, rules: Rules | undefined): ((ctx: Ctx) => void) | undefined {
  const min = isMap ? ruleNum(ruleObj(rules, 'map'), 'min_pairs') : ruleNum(ruleObj(rules, 'repeated'), 'min_items');
  if (min === undefined || min <= 0) return undefined;
  const what = isMap ? (min == 1 ? 'entry' : 'entries') : min == 1 ? 'item' : 'items';
  return (ctx) => report(ctx, `must have at least ${show(min)} ${what}, got none`);
}
