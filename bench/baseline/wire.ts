// Length-delimited protobuf fields by hand (tag, length, bytes): enough to frame delta responses
// around resources encoded once.

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** Field `fieldNo` (wire type 2) holding `value`. */
export function frame(fieldNo: number, value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([Buffer.from([...varint((fieldNo << 3) | 2), ...varint(bytes.length)]), bytes]);
}
