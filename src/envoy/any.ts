// google.protobuf.Any: ONE representation everywhere in src/envoy/.
//
// Every typed_config the translators produce is the proto3-JSON form of an Any:
//   { '@type': 'type.googleapis.com/<full message name>', ...fields of that message }
// It prints as-is in golden files and config dumps. protobufjs `Type.fromObject` turns it into
// a real Any (type_url + encoded value) by itself: its google.protobuf.Any wrapper looks the
// `@type` name up in the Root (checked with protobufjs 8.8 and the Envoy Root of
// src/proto/root.ts), so `messageType(name).fromObject(obj)` then `.encode()` is all encoding needs.
// Caveat: for an `@type` that is not loaded, protobufjs silently yields an Any without the
// fields; the validator must refuse type URLs that typeForUrl() does not know.
//
// Other protobufjs object-form conventions used here: enums by name ('ROUND_ROBIN'),
// google.protobuf.Duration as { seconds, nanos }, wrappers (BoolValue, UInt32Value) as { value }.
import type { JsonObject } from './json.js';
import { messageType } from '../proto/root.js';

export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** `{ '@type': 'type.googleapis.com/<fullName>', ...fields }`. */
export function typedConfig(fullName: string, fields: JsonObject): JsonObject {
  return { '@type': `${TYPE_URL_PREFIX}${fullName}`, ...fields };
}

/** The full message name an Any's `@type` names, or undefined when `obj` is not an Any in JSON form. */
export function anyTypeName(obj: JsonObject): string | undefined {
  const url = obj['@type'];
  return typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : undefined;
}

/** A protobufjs message from our JSON form (Anys included); throws on values protobufjs refuses. */
export function toMessage(fullName: string, obj: JsonObject): ReturnType<ReturnType<typeof messageType>['fromObject']> {
  return messageType(fullName).fromObject(obj);
}

/** Serialized bytes of our JSON form; the same object always gives the same bytes. */
export function toBytes(fullName: string, obj: JsonObject): Uint8Array {
  const type = messageType(fullName);
  return type.encode(type.fromObject(obj)).finish();
}
