// Encoding and decoding of Envoy messages in their JSON-ish form (see validate.ts for the form).
// Deterministic: fields go out in field-number order (protobufjs), map keys sorted, proto3
// defaults dropped, Any contents encoded the same way: same object → same bytes, whatever the
// key order. Decoding gives the canonical JSON-ish form back (Anys with "@type", Durations "5s",
// enum names, wrappers bare, 64-bit integers as numbers when exact, else strings, bytes base64).
import type protobuf from 'protobufjs';
import { findMessageType } from './root.js';
import { messageToJson } from './denormalise.js';
import { EncodeError } from './normalise.js';
import { writeMessage } from './writer.js';

export { EncodeError } from './normalise.js';

function lookup(fullName: string): protobuf.Type {
  const type = findMessageType(fullName);
  if (!type) throw new EncodeError('', `unknown message type ${fullName}`);
  return type;
}

/**
 * `obj` (JSON-ish) as the wire bytes of message `fullName`. Throws EncodeError on bad shapes. With
 * `frameAs`, framed as one element of that field of a parent message (see parts.ts).
 */
export function encodeMessage(fullName: string, obj: unknown, frameAs?: number): Uint8Array {
  const type = lookup(fullName);
  return writeMessage(type, obj, frameAs);
}

/**
 * Wire bytes of message `fullName` → the canonical JSON-ish object. (A well-known type decoded at
 * the top level, whose JSON form is not an object, comes back as `{value: <its JSON form>}`.)
 */
export function decodeMessage(fullName: string, bytes: Uint8Array): Record<string, unknown> {
  const type = lookup(fullName);
  const json = messageToJson(type, type.decode(bytes));
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : { value: json };
}
