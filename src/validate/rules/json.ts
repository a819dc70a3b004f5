// google.protobuf.Struct / Value / ListValue in their JSON form (plain JSON data), and FieldMask.
import { at, report, type Check, type Ctx } from './types.js';
import { isPlainObject, mapKeySegment } from '../../proto/form.js';

const MAX_DEPTH = 200;

function checkJson(v: unknown, ctx: Ctx): void {
  if (ctx.path.length > MAX_DEPTH) return report(ctx, 'nested too deeply');
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) report(ctx, `${v} is not representable in a protobuf Value`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((item, i) => at(ctx, i, () => checkJson(item, ctx)));
    return;
  }
  if (isPlainObject(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item !== undefined) at(ctx, mapKeySegment(k), () => checkJson(item, ctx));
    }
    return;
  }
  report(ctx, `expected JSON data, got ${typeof v}`);
}

export const checkValue: Check = checkJson;

export const checkStruct: Check = (v, ctx) => {
  if (!isPlainObject(v)) return report(ctx, 'expected an object (google.protobuf.Struct)');
  checkJson(v, ctx);
};

export const checkListValue: Check = (v, ctx) => {
  if (!Array.isArray(v)) return report(ctx, 'expected an array (google.protobuf.ListValue)');
  checkJson(v, ctx);
};

/** FieldMask: "a,b.c" (JSON form) or `{paths: [...]}`. */
export const checkFieldMask: Check = (v, ctx) => {
  if (typeof v === 'string') return;
  if (isPlainObject(v) && Object.keys(v).every((k) => k === 'paths')) {
    const paths = v['paths'];
    if (paths === undefined || (Array.isArray(paths) && paths.every((p) => typeof p === 'string'))) return;
  }
  report(ctx, 'expected a field mask ("a,b.c" or {paths: [...]})');
};
