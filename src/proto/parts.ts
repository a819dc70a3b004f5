// Messages assembled from separately encoded parts. A repeated message field is, on the wire, the
// concatenation of its elements each framed as (tag, length, bytes); fields may come in any order
// and a parser appends repeated elements in the order met. So a Listener with 10,000 filter chains
// is its head (fields before filter_chains), the framed encodings of its chains, and its tail
// (fields after): a change to one chain re-encodes that chain only. When head and tail hold only
// fields numbered below and above the repeated field, the result is byte for byte what encoding
// the whole message gives (fields in number order), so versions do not depend on how it was built.
import protobuf from 'protobufjs';
import { findMessageType } from './root.js';

const LENGTH_DELIMITED = 2;

/** The field number of `field` in message `fullName` (throws on a name the protos do not have). */
export function fieldNumber(fullName: string, field: string): number {
  const id = findMessageType(fullName)?.fields[field]?.id;
  if (id === undefined) throw new Error(`${fullName} has no field ${field}`);
  return id;
}

/** One element of a repeated message field, framed: tag, length, then the element's bytes. */
export function framedField(fieldNo: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((fieldNo << 3) | LENGTH_DELIMITED)
    .bytes(bytes)
    .finish();
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
