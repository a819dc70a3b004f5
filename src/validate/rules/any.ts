// google.protobuf.Any: `{"@type": "type.googleapis.com/<name>", ...fields}` (proto3 JSON) or an
// already encoded `{type_url, value: Uint8Array}`. The type must be loaded (src/proto/root.ts);
// the inner message is checked like any other, by decoding it first in the encoded form.
// AnyRules: required (where absence is seen), in, not_in.
import type protobuf from 'protobufjs';
import { messageToJson } from '../../proto/denormalise.js';
import { bytesOf } from '../../proto/form.js';
import { at, report, ruleList, ruleObj, show, type Check, type Ctx, type Rules } from './types.js';
import { isPlainObject } from '../../proto/form.js';
import { hasSpecialJson, typeForAnyUrl, nameOf } from '../../proto/wkt.js';

/** Check of a value of a given message type (well-known types included). `anyBody` skips "@type". */
export type TypeCheck = (type: protobuf.Type, value: unknown, ctx: Ctx, anyBody: boolean) => void;

function lookup(anyType: protobuf.Type, url: string, ctx: Ctx): protobuf.Type | undefined {
  if (!url.includes('/')) {
    report(ctx, `type URL ${show(url)} must look like "type.googleapis.com/<message name>"`);
    return undefined;
  }
  const type = typeForAnyUrl(anyType, url);
  if (!type) report(ctx, `unknown type ${JSON.stringify(url)}: not a message loaded from the Envoy protos`);
  return type;
}

function checkJsonAny(anyType: protobuf.Type, obj: Record<string, unknown>, ctx: Ctx, inner: TypeCheck): string | undefined {
  const url = obj['@type'];
  if (typeof url !== 'string') {
    at(ctx, '@type', () => report(ctx, 'expected a type URL string'));
    return undefined;
  }
  const type = lookup(anyType, url, ctx);
  if (!type) return url;
  if (!hasSpecialJson(nameOf(type))) {
    inner(type, obj, ctx, true);
    return url;
  }
  for (const k of Object.keys(obj)) {
    if (k !== '@type' && k !== 'value') at(ctx, k, () => report(ctx, `unknown field "${k}" (a ${type.name} in an Any sits in "value")`));
  }
  if (obj['value'] !== undefined) at(ctx, 'value', () => inner(type, obj['value'], ctx, false));
  return url;
}

function checkEncodedAny(anyType: protobuf.Type, obj: Record<string, unknown>, ctx: Ctx, inner: TypeCheck): string | undefined {
  for (const k of Object.keys(obj)) {
    if (k !== 'type_url' && k !== 'value') at(ctx, k, () => report(ctx, `unknown field "${k}" of an encoded Any`));
  }
  const url = obj['type_url'];
  if (typeof url !== 'string' || url === '') {
    at(ctx, 'type_url', () => report(ctx, 'expected a type URL string'));
    return undefined;
  }
  const type = lookup(anyType, url, ctx);
  const bytes = bytesOf(obj['value'] ?? new Uint8Array(0));
  if (!bytes) at(ctx, 'value', () => report(ctx, 'expected bytes (Uint8Array or base64 string)'));
  if (!type || !bytes) return url;
  let decoded: unknown;
  try {
    decoded = messageToJson(type, type.decode(bytes));
  } catch (err) {
    at(ctx, 'value', () => report(ctx, `does not decode as ${type.fullName}: ${(err as Error).message}`));
    return url;
  }
  inner(type, decoded, ctx, hasSpecialJson(nameOf(type)) ? false : true);
  return url;
}

function anyRules(rules: Rules | undefined): ((url: string, ctx: Ctx) => void) | undefined {
  const r = ruleObj(rules, 'any');
  const inList = ruleList(r, 'in')?.map(String);
  const notIn = ruleList(r, 'not_in')?.map(String);
  if (!inList && !notIn) return undefined;
  return (url, ctx) => {
    if (inList && !inList.includes(url)) report(ctx, `type must be one of [${inList.join(', ')}], got ${JSON.stringify(url)}`);
    if (notIn?.includes(url)) report(ctx, `type must not be ${JSON.stringify(url)}`);
  };
}

export function compileAny(anyType: protobuf.Type, rules: Rules | undefined, inner: TypeCheck): Check {
  const check = anyRules(rules);
  return (v, ctx) => {
    if (!isPlainObject(v)) return report(ctx, 'expected an Any object with "@type"');
    let url: string | undefined;
    if ('@type' in v) url = checkJsonAny(anyType, v, ctx, inner);
    else if ('type_url' in v || 'value' in v) url = checkEncodedAny(anyType, v, ctx, inner);
    else return report(ctx, 'an Any needs "@type" naming its message type');
    if (url !== undefined && check && !ctx.rulesOff) check(url, ctx);
  };
}
