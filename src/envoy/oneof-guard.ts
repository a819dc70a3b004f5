// WORKAROUND (remove when src/envoy/rules/field.ts is fixed): the validator reports
// `<path>.<field>: is required` for a message field with `(validate.rules).message.required`
// that is a member of a oneof, even when another member of the oneof is set (e.g.
// RouteMatch.safe_regex on every prefix route). protoc-gen-validate applies a oneof member's
// rules only when that member is set, so these issues are dropped here.
import protobuf from 'protobufjs';
import { messageType, typeForUrl } from '../proto/root.js';

/** The field a path ends at, following message fields and Anys (by their @type in `obj`). */
function fieldAt(fullName: string, obj: unknown, path: string): protobuf.Field | undefined {
  let type: protobuf.Type | undefined = messageType(fullName);
  let value: unknown = obj;
  let field: protobuf.Field | undefined;
  for (const raw of path.split('.')) {
    const name = raw.replace(/\[[^\]]*\]/g, '');
    if (!type) return undefined;
    if (type.fullName === '.google.protobuf.Any') {
      const url = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['@type'] : undefined;
      type = typeof url === 'string' ? typeForUrl(url) : undefined;
      if (!type) return undefined;
    }
    field = type.fields[name];
    if (!field) return undefined;
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    for (const index of raw.match(/\[(\d+)\]/g) ?? []) value = Array.isArray(value) ? value[Number(index.slice(1, -1))] : undefined;
    const resolved: protobuf.Type | protobuf.Enum | null = field.resolve().resolvedType;
    type = resolved instanceof protobuf.Type ? resolved : undefined;
  }
  return field;
}

/** True for a spurious `is required` on a oneof member. */
export function spuriousOneofRequired(fullName: string, obj: unknown, path: string, message: string): boolean {
  if (message !== 'is required') return false;
  const oneof = fieldAt(fullName, obj, path)?.partOf;
  return oneof !== null && oneof !== undefined;
}
