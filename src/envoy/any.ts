// google.protobuf.Any: ONE representation everywhere in src/envoy/.
//
// Every typed_config the translators produce is the proto3-JSON form of an Any:
//   { '@type': 'type.googleapis.com/<full message name>', ...fields of that message }
// It prints as-is in golden files and config dumps, and both encoders take it:
//   - src/envoy/encode.ts `encodeMessage(fullName, obj)`, the project's encoder (the janitor uses it);
//   - protobufjs `Type.fromObject` itself: its google.protobuf.Any wrapper looks the `@type` name up
//     in the Root and encodes the fields as the Any's value (protobufjs 8.8, the Root of
//     src/proto/root.ts). `protobufjsBytes` below takes that path; tests check both give the
//     same bytes. Caveat: for an `@type` that is not loaded, protobufjs silently yields an Any
//     without the fields; the validator (check.ts) refuses such type URLs first.
//
// The other conventions of the object form, as protobufjs fromObject and encode.ts both accept
// them: proto field names (snake_case), enums by name ('ROUND_ROBIN'), google.protobuf.Duration
// as { seconds, nanos }, wrappers (BoolValue, UInt32Value) as { value }.
import type { JsonObject } from '../proto/json.js';
import { messageType } from '../proto/root.js';

export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** `{ '@type': 'type.googleapis.com/<fullName>', ...fields }`. */
export function typedConfig(fullName: string, fields: JsonObject): JsonObject {
  return { '@type': `${TYPE_URL_PREFIX}${fullName}`, ...fields };
}

/** Serialized bytes through protobufjs `fromObject` alone (a cross-check of encode.ts). */
export function protobufjsBytes(fullName: string, obj: JsonObject): Uint8Array {
  const type = messageType(fullName);
  return type.encode(type.fromObject(obj)).finish();
}
