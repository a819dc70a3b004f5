// What a fresh janitor would serve for the daemon's current status: the pipeline's step from an
// empty state (the very function the janitor runs), decoded the way the soak's clients decode what
// they receive, per type and name.
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { createPipelineState, step, type SecretEntry } from '../../src/pipeline/index.js';
import { typeForUrl } from '../../src/proto/root.js';
import type { Json } from '../../src/source/opensvc/json.js';
import { deriveClusterState } from '../../src/source/opensvc/state.js';
import type { SecretValues } from '../../src/source/types.js';
import type { TypeUrl } from '../../src/xds/types.js';
import { expandAny } from '../../test/replay/envoy-view.js';

const PLAIN: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

export type View = Map<TypeUrl, Map<string, string>>;

export function referenceView(status: unknown, secrets: Readonly<Record<string, Record<string, string>>>, gateway: string): View {
  const cluster = deriveClusterState(structuredClone(status) as Json);
  const entry = (p: string): SecretEntry | undefined => {
    const values = secrets[p] as SecretValues | undefined;
    return values && { values, digest: createHash('sha256').update(JSON.stringify(values)).digest('base64') };
  };
  const result = step(createPipelineState({ gateway, portRange: { min: 1025, max: 65535 } }), { cluster, changed: cluster.services.keys(), secrets: entry });
  const view: View = new Map();
  for (const u of result.changeSet.upserts) {
    const type = typeForUrl(u.typeUrl);
    if (!type) continue;
    const plain = JSON.stringify(expandAny(type.toObject(type.decode(u.bytes), PLAIN)));
    const byName = view.get(u.typeUrl) ?? new Map<string, string>();
    byName.set(u.name, plain);
    view.set(u.typeUrl, byName);
  }
  return view;
}

/** The differences between what a client holds and the reference, in a few words each. */
export function differences(held: View, reference: View): string[] {
  const out: string[] = [];
  for (const [type, want] of reference) {
    const got = held.get(type) ?? new Map<string, string>();
    const short = type.slice(type.lastIndexOf('.') + 1);
    for (const [name, plain] of want) {
      const have = got.get(name);
      if (have === undefined) out.push(`${short} ${name} missing`);
      else if (have !== plain) out.push(`${short} ${name} differs`);
    }
    for (const name of got.keys()) if (!want.has(name)) out.push(`${short} ${name} extra`);
  }
  return out;
}
